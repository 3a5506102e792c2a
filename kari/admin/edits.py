"""Staff edits to the knowledge base, each stored in the history (who, when, what, old → new) and
revertable. The very next citizen message sees a change: database triggers bump the content version
and the search index rebuilds (kari.knowledge.versioned).

A change's `entity`/`target`/`field`:
- answer  key/aspect  text_nn | text_nb | source | source_date | verified | review | exists
- example key/aspect  nn | nb          (added: old None, new the question; removed: the reverse)
- topic   key         name_nn | name_nb | url | topic (created: new = JSON snapshot; retired: old = it)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload

from kari.admin.accounts import now
from kari.knowledge.check import STALE_MONTHS, months_ago
from kari.knowledge.models import ASPECTS, KINDS, Answer, Change, ExampleQuestion, Topic, source_span
from kari.knowledge.store import add_topic, read_content, source_for
from kari.knowledge.yamlio import KEY_RE, AnswerData, TopicData

ANSWER_FIELDS = ("text_nn", "text_nb", "source", "source_date", "verified", "review")
TOPIC_FIELDS = ("name_nn", "name_nb", "url")
MAX_TEXT = 4000
_URL = re.compile(r"^https?://[^\s<>\"]+$")


class EditError(ValueError):
    """Input staff can correct; the message (Nynorsk) says what."""


# ------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Marks:
    unchecked: bool  # never verified, or not for 12 months
    untranslated: bool  # one of the standards is empty
    flagged: bool  # a review note

    @property
    def any(self) -> bool:
        return self.unchecked or self.untranslated or self.flagged


def marks(answer: Answer, today: dt.date | None = None) -> Marks:
    limit = months_ago(today or dt.date.today(), STALE_MONTHS)
    return Marks(
        unchecked=answer.verified is None or answer.verified < limit,
        untranslated=not (answer.text_nn or "").strip() or not (answer.text_nb or "").strip(),
        flagged=bool((answer.review or "").strip()),
    )


def topic_marks(topic: Topic, today: dt.date | None = None) -> Marks:
    found = [marks(a, today) for a in topic.answers]
    return Marks(any(m.unchecked for m in found), any(m.untranslated for m in found), any(m.flagged for m in found))


def find_topics(session: Session, query: str = "", kind: str = "", mark: str = "") -> list[Topic]:
    """Topics whose key, names or answer texts contain `query` (any case, also å/ø/æ), of `kind`,
    with `mark`. Filtered in Python: SQLite's lower() knows only ASCII, and the topics are few."""
    stmt = select(Topic).options(selectinload(Topic.answers)).order_by(Topic.kind, Topic.key)
    if kind in KINDS:
        stmt = stmt.where(Topic.kind == kind)
    topics = list(session.execute(stmt).scalars())
    query = (query or "").strip().casefold()
    if query:

        def hit(t: Topic) -> bool:
            texts = [t.key, t.name_nn, t.name_nb] + [x for a in t.answers for x in (a.text_nn, a.text_nb)]
            return any(query in (x or "").casefold() for x in texts)

        topics = [t for t in topics if hit(t)]
    if mark in ("unchecked", "untranslated", "flagged"):
        topics = [t for t in topics if getattr(topic_marks(t), mark)]
    return topics


def get_topic(session: Session, key: str) -> Topic:
    topic = session.execute(
        select(Topic)
        .options(selectinload(Topic.answers).selectinload(Answer.source), selectinload(Topic.partner))
        .where(Topic.key == key)
    ).scalar_one_or_none()
    if topic is None:
        raise EditError(f"Det finst ikkje noko emne med nøkkelen «{key}».")
    return topic


def examples(session: Session, topic: Topic) -> dict[str, list[ExampleQuestion]]:
    """The topic's example questions by aspect."""
    out: dict[str, list[ExampleQuestion]] = {}
    rows = session.execute(
        select(ExampleQuestion)
        .where(ExampleQuestion.topic_id == topic.id)
        .order_by(ExampleQuestion.malform, ExampleQuestion.text)
    ).scalars()
    for row in rows:
        out.setdefault(row.aspect, []).append(row)
    return out


def history(session: Session, target: str = "", limit: int = 200) -> list[Change]:
    stmt = select(Change).order_by(Change.id.desc()).limit(limit)
    if target:
        stmt = stmt.where(or_(Change.target == target, Change.target.like(f"{target}/%")))
    return list(session.execute(stmt).scalars())


# ------------------------------------------------------------------------------ checking input


def _clean_text(value: str | None, what: str) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > MAX_TEXT:
        raise EditError(f"{what} er for lang (høgst {MAX_TEXT} teikn).")
    return value


def _check_answer_field(name: str, value: str) -> str | None:
    """The value to store (None for empty optional fields); EditError when it is not valid."""
    if name in ("text_nn", "text_nb"):
        return _clean_text(value, "Svarteksten")
    value = (value or "").strip()
    if not value:
        return None
    if name == "source":
        if not _URL.match(value):
            raise EditError("Kjelda må vere ei nettadresse som byrjar med https:// eller http://.")
        return value
    if name == "source_date":
        try:
            source_span(value)
        except ValueError:
            raise EditError("Kjeldedatoen må vere som 2024, 2024-03, 2024-03-15 eller 2020/2023.") from None
        return value
    if name == "verified":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise EditError("Kontrollert-datoen må vere på forma ÅÅÅÅ-MM-DD.") from None
        if day > dt.date.today():
            raise EditError("Kontrollert-datoen kan ikkje vere fram i tid.")
        return value
    return _clean_text(value, "Merknaden") or None  # review


def _answer_value(answer: Answer | None, name: str) -> str | None:
    if answer is None:
        return None
    if name == "source":
        return answer.source.url if answer.source else None
    if name == "verified":
        return answer.verified.isoformat() if answer.verified else None
    value = getattr(answer, name)
    return value if value or name.startswith("text_") else None


# ------------------------------------------------------------------------------ writing


def _record(session: Session, who: str, entity: str, target: str, field: str, old, new, reverts=None) -> Change:
    change = Change(at=now(), who=who, entity=entity, target=target, field=field, old=old, new=new, reverts=reverts)
    session.add(change)
    session.flush()
    return change


def _answer(session: Session, topic: Topic, aspect: str) -> Answer | None:
    return session.execute(
        select(Answer).where(Answer.topic_id == topic.id, Answer.aspect == aspect)
    ).scalar_one_or_none()


def _set_answer_field(session: Session, answer: Answer, name: str, value: str | None) -> None:
    if name == "source":
        answer.source = source_for(session, value)
    elif name == "verified":
        answer.verified = dt.date.fromisoformat(value) if value else None
    elif name in ("text_nn", "text_nb"):
        setattr(answer, name, value or "")
    else:
        setattr(answer, name, value)


def save_answer(session: Session, who: str, key: str, aspect: str, values: dict[str, str]) -> list[Change]:
    """Set the answer's fields from `values` (those given), creating the answer if needed."""
    if aspect not in ASPECTS:
        raise EditError(f"Ukjend svartype «{aspect}».")
    topic = get_topic(session, key)
    checked = {name: _check_answer_field(name, values[name]) for name in ANSWER_FIELDS if name in values}
    answer = _answer(session, topic, aspect)
    target = f"{key}/{aspect}"
    changes = []
    if answer is None:
        if not (checked.get("text_nn") or checked.get("text_nb")):
            raise EditError("Skriv svaret på minst éi målform.")
        answer = Answer(topic_id=topic.id, aspect=aspect, text_nn="", text_nb="")
        session.add(answer)
        session.flush()
        changes.append(_record(session, who, "answer", target, "exists", None, "1"))
    for name, value in checked.items():
        old = _answer_value(answer, name)
        if (old or None) == (value or None):
            continue
        _set_answer_field(session, answer, name, value)
        changes.append(_record(session, who, "answer", target, name, old, value))
    if not (answer.text_nn or answer.text_nb):
        raise EditError("Svaret kan ikkje vere tomt på begge målformene.")
    return changes


def save_topic(session: Session, who: str, key: str, values: dict[str, str]) -> list[Change]:
    topic = get_topic(session, key)
    changes = []
    for name in TOPIC_FIELDS:
        if name not in values:
            continue
        value = (values[name] or "").strip() or None
        if name == "url" and value and not _URL.match(value):
            raise EditError("Nettadressa må byrje med https:// eller http://.")
        if name != "url" and not value:
            raise EditError("Namnet kan ikkje vere tomt.")
        if value and len(value) > 300:
            raise EditError("Namnet eller adressa er for lang.")
        old = getattr(topic, name) or None
        if old != value:
            setattr(topic, name, value)
            changes.append(_record(session, who, "topic", key, name, old, value))
    return changes


def _snapshot(session: Session, key: str) -> str:
    data = next(t for t in read_content(session) if t.key == key)
    return json.dumps(dataclasses.asdict(data), ensure_ascii=False, default=str)


def _from_snapshot(text: str) -> TopicData:
    raw = json.loads(text)
    answers = {}
    for aspect, a in raw.pop("answers").items():
        a["verified"] = dt.date.fromisoformat(a["verified"]) if a.get("verified") else None
        answers[aspect] = AnswerData(**a)
    return TopicData(**raw, answers=answers)


def create_topic(session: Session, who: str, key: str, kind: str, name_nn: str, name_nb: str) -> Change:
    key = (key or "").strip().lower()
    if not KEY_RE.match(key) or len(key) > 100:
        raise EditError("Nøkkelen kan ha små bokstavar a–z, tal og bindestrek (til dømes «ny-teneste»).")
    if kind not in ("partner", "project", "service"):
        raise EditError("Vel partnar, prosjekt eller teneste.")
    name_nn, name_nb = (name_nn or "").strip(), (name_nb or "").strip()
    if not name_nn or not name_nb:
        raise EditError("Skriv namnet på både nynorsk og bokmål.")
    if session.execute(select(Topic.id).where(Topic.key == key)).first():
        raise EditError(f"Det finst alt eit emne med nøkkelen «{key}».")
    add_topic(session, TopicData(key=key, kind=kind, name_nn=name_nn, name_nb=name_nb))
    session.flush()
    return _record(session, who, "topic", key, "topic", None, _snapshot(session, key))


def retire_topic(session: Session, who: str, key: str) -> Change:
    """Take the topic out of use (deleted from the database; the history keeps all of it to restore)."""
    topic = get_topic(session, key)
    if topic.kind == "municipality":
        raise EditError("Kommunen sjølv kan ikkje takast ut av bruk.")
    if topic.projects:
        names = ", ".join(p.key for p in topic.projects)
        raise EditError(f"Partnaren har prosjekt ({names}); ta dei ut av bruk eller flytt dei først.")
    snapshot = _snapshot(session, key)
    session.delete(topic)
    session.flush()
    return _record(session, who, "topic", key, "topic", snapshot, None)


def _restore_topic(session: Session, snapshot: str) -> None:
    data = _from_snapshot(snapshot)
    if session.execute(select(Topic.id).where(Topic.key == data.key)).first():
        raise EditError(f"Det finst alt eit emne med nøkkelen «{data.key}».")
    row = add_topic(session, data)
    if data.partner:
        row.partner = session.execute(select(Topic).where(Topic.key == data.partner)).scalar_one_or_none()


def add_example(session: Session, who: str, key: str, aspect: str, malform: str, text: str) -> Change:
    topic = get_topic(session, key)
    text = " ".join((text or "").split())
    if not text:
        raise EditError("Skriv eit spørsmål.")
    if len(text) > 300:
        raise EditError("Spørsmålet er for langt (høgst 300 teikn).")
    if malform not in ("nn", "nb"):
        raise EditError("Vel nynorsk eller bokmål.")
    if _answer(session, topic, aspect) is None:
        raise EditError("Emnet har ikkje noko svar av den typen; skriv svaret først.")
    exists = session.execute(
        select(ExampleQuestion.id).where(
            ExampleQuestion.topic_id == topic.id, ExampleQuestion.aspect == aspect, ExampleQuestion.text == text
        )
    ).first()
    if exists:
        raise EditError("Det spørsmålet står alt ved svaret.")
    session.add(ExampleQuestion(topic_id=topic.id, aspect=aspect, malform=malform, text=text))
    return _record(session, who, "example", f"{key}/{aspect}", malform, None, text)


def remove_example(session: Session, who: str, example_id: int) -> Change:
    row = session.get(ExampleQuestion, example_id)
    if row is None:
        raise EditError("Spørsmålet finst ikkje (lenger).")
    key = session.get(Topic, row.topic_id).key
    session.delete(row)
    return _record(session, who, "example", f"{key}/{row.aspect}", row.malform, row.text, None)


def revert(session: Session, who: str, change_id: int) -> Change:
    """Undo one change (itself a new change in the history)."""
    change = session.get(Change, change_id)
    if change is None:
        raise EditError("Endringa finst ikkje.")
    key, _, aspect = change.target.partition("/")
    undone = None
    if change.entity == "topic" and change.field == "topic":
        if change.new is not None:  # created → retire it
            undone = retire_topic(session, who, key)
        else:
            _restore_topic(session, change.old)
            session.flush()
            undone = _record(session, who, "topic", key, "topic", None, _snapshot(session, key))
    elif change.entity == "topic":
        undone = save_topic(session, who, key, {change.field: change.old or ""})
        undone = undone[0] if undone else None
    elif change.entity == "example":
        if change.new is not None:
            topic = get_topic(session, key)
            row = session.execute(
                select(ExampleQuestion).where(
                    ExampleQuestion.topic_id == topic.id,
                    ExampleQuestion.aspect == aspect,
                    ExampleQuestion.text == change.new,
                )
            ).scalar_one_or_none()
            if row is None:
                raise EditError("Spørsmålet er alt fjerna.")
            undone = remove_example(session, who, row.id)
        else:
            undone = add_example(session, who, key, aspect, change.field, change.old)
    elif change.entity == "answer" and change.field == "exists":
        if change.new is None:
            raise EditError("Eit fjerna svar kjem ikkje attende her: skriv det på nytt (teksten står i historikken).")
        topic = get_topic(session, key)
        answer = _answer(session, topic, aspect)
        if answer is None:
            raise EditError("Svaret er alt fjerna.")
        session.execute(
            delete(ExampleQuestion).where(ExampleQuestion.topic_id == topic.id, ExampleQuestion.aspect == aspect)
        )
        session.delete(answer)
        undone = _record(session, who, "answer", change.target, "exists", "1", None)
    elif change.entity == "answer":
        found = save_answer(session, who, key, aspect, {change.field: change.old or ""})
        undone = found[0] if found else None
    if undone is None:
        raise EditError("Ingenting å angre: verdien er alt den same som før endringa.")
    undone.reverts = change.id
    return undone
