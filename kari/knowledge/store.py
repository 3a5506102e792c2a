"""Moving whole knowledge bases between YAML data and the database."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from kari.knowledge.models import ASPECTS, Alias, Answer, Change, ExampleQuestion, Meta, Source, Topic
from kari.knowledge.yamlio import AnswerData, TopicData, sort_aliases


def replace_content(session: Session, topics: list[TopicData]) -> dict[str, int]:
    """Replace everything with `topics` inside the caller's transaction; returns counts."""
    session.execute(delete(ExampleQuestion))
    session.execute(delete(Alias))
    session.execute(delete(Answer))
    session.execute(update(Topic).values(partner_id=None))
    session.execute(delete(Topic))
    session.execute(delete(Source))
    session.flush()

    sources: dict[str, Source] = {}
    rows = {t.key: add_topic(session, t, sources) for t in topics}
    for t in topics:
        if t.partner:
            rows[t.key].partner = rows[t.partner]
    session.flush()
    # Triggers bump the counter on SQLite/PostgreSQL; bump here too for any other database.
    session.execute(update(Meta).where(Meta.id == 1).values(content_version=Meta.content_version + 1))

    kinds = Counter(t.kind for t in topics)
    return {
        "partners": kinds["partner"],
        "projects": kinds["project"],
        "services": kinds["service"],
        "municipality": kinds["municipality"],
        "aliases": sum(len(r.aliases) for r in rows.values()),
        "answers": sum(len(r.answers) for r in rows.values()),
        "sources": len(sources),
    }


def add_topic(session: Session, t: TopicData, sources: dict[str, Source] | None = None) -> Topic:
    """Insert one topic with its aliases, answers and example questions (its partner is set by the
    caller, or looked up by key when it exists already). `sources` caches Source rows by URL."""
    sources = {} if sources is None else sources
    row = Topic(
        key=t.key,
        kind=t.kind,
        name_nn=t.name_nn,
        name_nb=t.name_nb,
        url=t.url,
        file=t.file,
        operator_nn=t.operator_nn,
        operator_nb=t.operator_nb,
        emergency_nn=t.emergency_nn,
        emergency_nb=t.emergency_nb,
    )
    for lang, items in (("nn", t.aliases_nn), ("nb", t.aliases_nb)):
        for text in sort_aliases(items):
            row.aliases.append(Alias(malform=lang, text=text))
    for aspect in ASPECTS:
        a = t.answers.get(aspect)
        if a is None:
            continue
        row.answers.append(
            Answer(
                aspect=aspect,
                text_nn=a.nn,
                text_nb=a.nb,
                source=source_for(session, a.source, sources),
                source_date=a.source_date,
                verified=a.verified,
                review=a.review,
            )
        )
    session.add(row)
    session.flush()
    for aspect, a in t.answers.items():
        for lang, items in (("nn", a.examples_nn), ("nb", a.examples_nb)):
            for text in sort_aliases(items):
                session.add(ExampleQuestion(topic_id=row.id, aspect=aspect, malform=lang, text=text))
    return row


def source_for(session: Session, url: str | None, cache: dict[str, Source] | None = None) -> Source | None:
    """The Source row for `url` (made when new), or None for no URL."""
    if not url:
        return None
    cache = {} if cache is None else cache
    if url not in cache:
        found = session.execute(select(Source).where(Source.url == url)).scalar_one_or_none()
        cache[url] = found if found is not None else Source(url=url)
    return cache[url]


def unexported_changes(session: Session) -> int:
    """How many staff changes (admin pages) are newer than the last `kb export` or `kb import`."""
    mark = session.execute(select(Meta.exported_change).where(Meta.id == 1)).scalar() or 0
    return int(session.execute(select(func.count(Change.id)).where(Change.id > mark)).scalar() or 0)


def mark_exported(session: Session) -> None:
    """The database and the YAML agree now: every change so far counts as exported."""
    newest = session.execute(select(func.max(Change.id))).scalar() or 0
    session.execute(update(Meta).where(Meta.id == 1).values(exported_change=newest))


def read_content(session: Session) -> list[TopicData]:
    """Everything in the database as TopicData, sorted by key."""
    rows = (
        session.execute(
            select(Topic)
            .options(
                selectinload(Topic.aliases),
                selectinload(Topic.answers).selectinload(Answer.source),
                selectinload(Topic.partner),
            )
            .order_by(Topic.key)
        )
        .scalars()
        .all()
    )
    examples: dict[tuple[int, str, str], list[str]] = {}
    for q in session.execute(select(ExampleQuestion)).scalars():
        examples.setdefault((q.topic_id, q.aspect, q.malform), []).append(q.text)
    out = []
    for r in rows:
        answers = {
            a.aspect: AnswerData(
                a.text_nn or "",
                a.text_nb or "",
                a.source.url if a.source else None,
                a.source_date or None,
                a.verified,
                a.review or None,
                sort_aliases(examples.get((r.id, a.aspect, "nn"), [])),
                sort_aliases(examples.get((r.id, a.aspect, "nb"), [])),
            )
            for a in r.answers
        }
        out.append(
            TopicData(
                key=r.key,
                kind=r.kind,
                name_nn=r.name_nn or "",
                name_nb=r.name_nb or "",
                partner=r.partner.key if r.partner else None,
                url=r.url or None,
                operator_nn=r.operator_nn or None,
                operator_nb=r.operator_nb or None,
                emergency_nn=r.emergency_nn or None,
                emergency_nb=r.emergency_nb or None,
                aliases_nn=[a.text for a in r.aliases if a.malform == "nn"],
                aliases_nb=[a.text for a in r.aliases if a.malform == "nb"],
                answers={k: answers[k] for k in ASPECTS if k in answers},
                file=r.file,
            )
        )
    return out
