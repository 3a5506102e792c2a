"""One turn of the conversation: the single entry point every Rasa action calls (`run_turn`).

The action (chosen by Rasa's rules from the intent) says what kind of turn it is; everything else is
decided here: an emergency first, then a knowledge answer found by searching every answer passage
(`ranking.py`), a question back with up to three buttons when two different answers fit about equally,
an honest "I don't know" with the right contact when nothing fits, and a person after a second miss in
a row. What a later turn needs (the topic, the last list shown, what "ja" would pick) travels in the
`topic` slot and in a small note on each reply (`history.Note`).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kari.conversation import emergency, feedback, neighbours
from kari.conversation.elsewhere import other_municipality
from kari.conversation.handover import handover_text
from kari.conversation.history import (
    Note,
    last_listed,
    parse_payload,
    previous_note,
    previous_turn_failed,
    rateable_answer,
)
from kari.conversation.language import is_english
from kari.conversation.mentions import find_mention, resolve
from kari.conversation.own_case import asks_about_own_case
from kari.conversation.ranking import Decision, Priors, decide
from kari.conversation.texts import dt, emergency_text, join_or, likely_emergency_text, option_title
from kari.knowledge import search, vectors
from kari.knowledge.check import PHONE_NUMBER
from kari.knowledge.db import session_scope
from kari.knowledge.kinds import ASPECT_OF_INTENT, BY_ASPECT
from kari.knowledge.linker import link
from kari.knowledge.models import Topic
from kari.knowledge.textnorm import fold, tokens
from kari.knowledge.texts import EMAIL, PHONE, TEXTS, t

log = logging.getLogger(__name__)

FORGET_KEY = "kari_forget"  # the input channel deletes the conversation when a reply carries it
CONFIRM = "confirm"  # entity of the "Gløym meg" confirmation button


@dataclass(frozen=True)
class Turn:
    """What the action knows: the message as the NLU read it, the slots and the events so far."""

    action: str
    text: str = ""
    intent: str | None = None
    ranking: Sequence[tuple[str, float]] = ()
    entities: Sequence[dict[str, Any]] = ()
    topic: str | None = None
    malform: str = "nn"
    events: Sequence[dict[str, Any]] = ()
    alarm: bool = False  # Rasa found a dialogue act reads like an emergency no pattern matched (kari.nlu.alarm)

    @property
    def english(self) -> bool:
        return is_english(self.text)

    @property
    def kinds(self) -> Sequence[tuple[str, float]]:
        """The NLU's ranking as evidence of the kind of question; none for a message in English (the
        NLU was trained on Norwegian only, so its intents for English are noise)."""
        return () if self.english else self.ranking

    def entity(self, name: str) -> str | None:
        for e in self.entities:
            if isinstance(e, dict) and e.get("entity") == name and isinstance(e.get("value"), str):
                return e["value"]
        return None


@dataclass
class Say:
    text: str = ""
    buttons: list[dict[str, str]] = field(default_factory=list)
    note: Note | None = None
    custom: dict[str, Any] | None = None


@dataclass
class Result:
    say: list[Say]
    topic: str | None = None  # set the `topic` slot to this (None: leave it)
    revert: bool = False  # undo the user's message (Rasa's core fallback does this)


def run_turn(turn: Turn) -> Result:
    """The reply to one turn. Never raises: a broken knowledge base still gets a polite answer.
    A message that reads like an emergency gets the emergency numbers first, then its answer."""
    if turn.action != "action_emergency" and neighbours.citizens_words(turn.text):
        vectors.start_query(turn.text)  # the search and the emergency check need it: begin at once
    result = _run_turn(turn)
    if turn.action != "action_emergency" and result.say and (turn.alarm or neighbours.likely(turn.text)):
        result.say[0].text = f"{likely_emergency_text(turn.malform, turn.text)}\n\n{result.say[0].text}"
    return result


def _run_turn(turn: Turn) -> Result:
    try:
        return HANDLERS[turn.action](turn)
    except Exception as exc:  # database down, schema too new, …
        log.error(
            "turn %s failed, knowledge base unavailable? %s",
            turn.action,
            str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        )
        if turn.action == "action_emergency":
            return Result([Say(emergency_text(("medical",), turn.malform, turn.text))])
        return Result([Say(f"{dt(turn.malform, 'unknown')} {handover_text(None, None, turn.malform)}")])


# --- emergencies ------------------------------------------------------------------------------


def _emergency(turn: Turn) -> Result:
    alarm = emergency.detect(turn.text)
    categories = alarm.categories if alarm else ("medical",)  # reached by a button or a test story: 113
    return Result([Say(emergency_text(categories, turn.malform, turn.text), note=Note())])


# --- knowledge answers ------------------------------------------------------------------------


def _feedback_buttons(malform: str) -> list[dict[str, str]]:
    return [
        {"title": dt(malform, "feedback_good_button"), "payload": "/feedback_good"},
        {"title": dt(malform, "feedback_bad_button"), "payload": "/feedback_bad"},
    ]


def _who_knows(index: search.Index, passage: search.Passage, malform: str) -> str:
    """ "Spørsmål om X? Ring …": the topic's own phone, for an answer that has none of its own."""
    if passage.aspect == "contact" or passage.topic is None:
        return ""
    contact = _passage(index, passage.topic, "contact")
    phone = PHONE_NUMBER.search(contact.text(malform)) if contact else None
    if phone is None or phone.group() == PHONE or phone.group() in passage.text(malform):
        return ""
    return dt(malform, "who_knows", name=passage.name(malform), phone=phone.group())


def _answered(
    index: search.Index,
    passage: search.Passage,
    malform: str,
    *,
    say_name: bool = False,
    also: Sequence[search.Passage] = (),
) -> Result:
    """The passage's text (and `also` passages of its topic after it), in the citizen's standard."""
    text = passage.text(malform)
    source = t(malform, "source", url="")
    extra = _who_knows(index, passage, malform)
    if extra:
        head, newline, last = text.rpartition("\n")
        text = f"{head} {extra}{newline}{last}" if newline and last.startswith(source) else f"{text} {extra}"
    for more in also:
        text = _followed_by(text, more.text(malform), source)
    name = passage.name(malform)
    if say_name and not text.startswith(name):
        text = f"{name}: {text}"  # a pick from a list: say which one
    note = Note(passage.topic, passage.aspect, passage.items, found=True)
    buttons = _feedback_buttons(malform) if passage.topic else []  # a list of partners rates no topic
    return Result([Say(text, buttons, note)], topic=passage.topic)


def _followed_by(text: str, more: str, source: str) -> str:
    """Two answers in one reply; a source line or a caution they share is said once, at the end."""
    head, newline, last = text.rpartition("\n")
    if newline and last.startswith(source) and more.endswith(last):
        text = head
    said_last = text.rsplit(". ", 1)[-1]
    if len(said_last) > 20 and said_last in more:  # "Dette kan vere utdatert – …"
        text = text[: -len(said_last)].rstrip()
    return f"{text}\n\n{more}"


def _payload(passage: search.Passage) -> str:
    intent = BY_ASPECT[passage.aspect].intent
    if passage.topic is None:
        return f"/{intent}"
    return f"/{intent}{json.dumps({'topic': passage.topic}, ensure_ascii=False, separators=(',', ':'))}"


def _choose(turn: Turn, session: Session, passages: list[search.Passage]) -> Result:
    if previous_turn_failed(turn.events):  # second miss in a row: a person takes over
        return _give_up(turn, session)
    m = turn.malform
    titles = [option_title(p.name(m), p.aspect, m) for p in passages]
    buttons = [{"title": title, "payload": _payload(p)} for title, p in zip(titles, passages)]
    note = Note(failed=True, options=tuple(b["payload"] for b in buttons))
    return Result([Say(dt(m, "clarify_topic", options=join_or(titles, m)), buttons, note)])


def _unknown(turn: Turn, session: Session, topic: str | None) -> Result:
    if previous_turn_failed(turn.events):
        return _give_up(turn, session)
    m = turn.malform
    top = turn.kinds[0][0] if turn.kinds else None
    aspect = None if turn.english else ASPECT_OF_INTENT.get(turn.intent or "")
    if top == "out_of_scope":
        text = dt(m, "out_of_scope")
    elif topic is not None and f"missing.{aspect}" in TEXTS[m] and aspect != "about":
        name = session.execute(select(Topic).where(Topic.key == topic)).scalar_one().name(m)
        text = f"{t(m, f'missing.{aspect}', name=name)} {handover_text(session, topic, m, desk=False)}"
    else:
        text = f"{dt(m, 'unknown')} {handover_text(session, topic, m, desk=False)}"
    return Result([Say(text, note=Note(topic=topic, failed=True))], topic=topic)  # follow-ups stay on it


def _give_up(turn: Turn, session: Session | None) -> Result:
    text = f"{dt(turn.malform, 'give_up')} {handover_text(session, turn.topic, turn.malform)}"
    return Result([Say(text, note=Note())])


def _passage(index: search.Index, topic: str | None, aspect: str) -> search.Passage | None:
    return next((index.passages[r] for r in index.by_topic.get(topic, []) if index.passages[r].aspect == aspect), None)


def _linked(session: Session, text: str) -> dict[str, float]:
    """Topics named in the message → how sure (1 exact, 0.5 through a typo)."""
    result = link(session, text)
    top = result.candidates[:1] if result.best is not None else result.ambiguous
    # "kommunen" is the setting of most questions, hardly a topic: it counts a quarter.
    return {c.key: min(1.0, c.score) * (0.25 if c.kind == "municipality" else 1.0) for c in top}


def _surest(linked: dict[str, float]) -> str:
    return max(linked, key=lambda k: linked[k])


# "og sfo?", "hva med kulturskolen?", "what about parking": the previous question, about another topic.
_ELLIPSIS = re.compile(r"^\W*(?:og|enn|men|also|and|(?:kva|hva|ka|what|how) (?:med|about))\b(?: for| om)?")
ELLIPSIS_WORDS = 5  # a longer message says what it asks itself


def _carried_aspect(turn: Turn, index: search.Index, linked: dict[str, float]) -> str | None:
    """The kind of question of Kari's previous answer, for a short follow-up that names another topic
    and asks nothing of its own ("korleis søkjer eg barnehageplass" … "og sfo?" asks how to apply for
    SFO); None otherwise. The NLU reads "og sfo?" alone and cannot know."""
    folded = fold(turn.text)
    opener = _ELLIPSIS.match(folded)
    if not linked or opener is None or len(tokens(turn.text)) > ELLIPSIS_WORDS:
        return None
    rest = set(search.normalise(folded[opener.end() :]).split())
    note = previous_note(turn.events)
    if rest & index.all_cues or note is None or note.topic in linked:
        return None
    return note.aspect


OUT_OF_SCOPE_AT = 0.8  # the NLU this sure a message is not about the municipality, and it names no topic


def _surely_out_of_scope(turn: Turn) -> bool:
    return bool(turn.kinds) and turn.kinds[0][0] == "out_of_scope" and turn.kinds[0][1] >= OUT_OF_SCOPE_AT


def answer(turn: Turn, session: Session) -> Result:
    """A knowledge question (or one the NLU was unsure about): find the answer passage."""
    index = search.index(session)
    aspect = ASPECT_OF_INTENT.get(turn.intent or "", "about")
    chosen = turn.entity("topic")  # a button: the citizen has said which topic
    pointed = resolve(find_mention(turn.text), last_listed(turn.events))
    if chosen is not None or pointed is not None:
        key = chosen if chosen is not None else pointed
        found = _passage(index, key, aspect) or (_passage(index, key, "about") if pointed else None)
        if found is not None:
            return _answered(index, found, turn.malform, say_name=pointed is not None)
        return _unknown(turn, session, key)
    if turn.intent == "select_item":
        return Result([Say(dt(turn.malform, "no_list"), note=Note(failed=True))])
    example = index.staff_example(turn.text)
    if example is not None:  # staff attached this very question to an answer: it wins over every rule
        return _answered(index, example, turn.malform)
    linked = _linked(session, turn.text)
    if _surely_out_of_scope(turn) and not any(sure >= 0.5 for sure in linked.values()):
        return _unknown(turn, session, None)  # the weather, football …: said so, and a miss staff see
    place = other_municipality(turn.text)
    if place is not None:  # a service of another municipality
        return Result(
            [Say(dt(turn.malform, "elsewhere", place=place, phone=PHONE, email=EMAIL), note=Note(failed=True))]
        )
    carried = _carried_aspect(turn, index, linked)
    if carried:  # "og sfo?": the same question about SFO, when SFO has an answer to it
        same = _passage(index, _surest(linked), carried)
        if same is not None:
            return _answered(index, same, turn.malform)
    kinds = ((BY_ASPECT[carried].intent, 1.0),) if carried else turn.kinds
    decision: Decision = decide(index, turn.text, Priors(kinds, linked, turn.topic))
    if asks_about_own_case(turn.text):  # "er søknaden min motteken?": say who can look it up
        return _own_case(turn, session, index, decision, linked)
    if decision.kind == "answer":
        return _answered(index, decision.passages[0], turn.malform, also=decision.passages[1:])
    if decision.kind == "choose":
        return _choose(turn, session, decision.passages)
    return _why_partnership(turn, session, index, decision.topic) or _unknown(turn, session, decision.topic)


def _why_partnership(turn: Turn, session: Session, index: search.Index, topic: str | None) -> Result | None:
    """ "Kvifor er kommunen med på det?" about a project: projects have no reason of their own in the
    knowledge base, their partnership has one. Say whose project it is and give that reason."""
    if topic is None or ASPECT_OF_INTENT.get(turn.intent or "") != "why":
        return None
    project = session.execute(select(Topic).where(Topic.key == topic)).scalar_one_or_none()
    if project is None or project.kind != "project" or project.partner is None:
        return None
    passage = _passage(index, project.partner.key, "why")
    if passage is None:
        return None
    m = turn.malform
    result = _answered(index, passage, m)
    lead = dt(m, "why_partnership", project=project.name(m), partner=project.partner.name(m))
    result.say[0].text = f"{lead} {result.say[0].text}"
    result.topic = topic  # the conversation is still about the project
    return result


def _own_case(
    turn: Turn, session: Session, index: search.Index, decision: Decision, linked: dict[str, float]
) -> Result:
    """Kari cannot see a case or call anyone: it says so and names who can look the case up, then
    answers what the message also asks ("ring meg …, kva kostar barnehage?")."""
    m = turn.malform
    answered = (
        _answered(index, decision.passages[0], m, also=decision.passages[1:]) if decision.kind == "answer" else None
    )
    topic = answered.topic if answered else _surest(linked) if linked else turn.topic
    notice = f"{dt(m, 'own_case')} {handover_text(session, topic, m, desk=False)}"
    if answered is None:
        return Result([Say(notice, note=Note(topic=topic))], topic=topic)
    answered.say[0].text = f"{notice}\n\n{answered.say[0].text}"
    return answered


def _with_session(handler: Callable[[Turn, Session], Result]) -> Callable[[Turn], Result]:
    def run(turn: Turn) -> Result:
        with session_scope() as session:
            return handler(turn, session)

    return run


# --- "ja" / "nei", a person, ratings, "Gløym meg", Rasa's fallback -----------------------------


def _yes_no(turn: Turn, session: Session) -> Result:
    note = previous_note(turn.events)
    if note is None or not note.options:
        return Result([Say(dt(turn.malform, "anything_else"))])
    if turn.intent != "affirm":
        return _give_up(turn, session)
    parsed = parse_payload(note.options[0])
    intent, values = parsed if parsed else ("request_human", {})
    if not intent.startswith("ask_"):
        return _handover(turn, session)
    entities = [{"entity": "topic", "value": values["topic"]}] if values.get("topic") else []
    follow = Turn("action_answer", "", intent, ((intent, 1.0),), entities, turn.topic, turn.malform, turn.events)
    if not entities:  # a question without a topic (the partnerships)
        index = search.index(session)
        passage = _passage(index, None, ASPECT_OF_INTENT[intent])
        return _answered(index, passage, turn.malform) if passage else _give_up(turn, session)
    return answer(follow, session)


def _handover(turn: Turn, session: Session) -> Result:
    return Result([Say(handover_text(session, turn.topic, turn.malform))])


def _feedback(turn: Turn, session: Session) -> Result:
    note = rateable_answer(turn.events)
    if note is not None:
        feedback.record(session, note.topic or "", note.aspect or "", turn.intent == "feedback_good", turn.malform)
    return Result([])


def _forget_me(turn: Turn) -> Result:
    m = turn.malform
    if turn.entity(CONFIRM) == "yes":
        return Result([Say(custom={FORGET_KEY: True, "done": dt(m, "forgotten"), "failed": dt(m, "forget_failed")})])
    buttons = [
        {"title": dt(m, "forget_yes"), "payload": '/forget_me{"confirm":"yes"}'},
        {"title": dt(m, "forget_no"), "payload": "/deny"},
    ]
    return Result([Say(dt(m, "forget_confirm"), buttons, Note())])


def _fallback(turn: Turn, session: Session) -> Result:
    result = _give_up(turn, session)
    result.revert = True
    return result


HANDLERS: dict[str, Callable[[Turn], Result]] = {
    "action_emergency": _emergency,
    "action_answer": _with_session(answer),
    "action_yes_no": _with_session(_yes_no),
    "action_handover": _with_session(_handover),
    "action_feedback": _with_session(_feedback),
    "action_forget_me": _forget_me,
    "action_default_fallback": _with_session(_fallback),
}
