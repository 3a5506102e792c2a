"""Moving whole knowledge bases between YAML data and the database."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from kari.knowledge.models import ASPECTS, Alias, Answer, ExampleQuestion, Meta, Source, Topic
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
    rows: dict[str, Topic] = {}
    for t in topics:
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
            source = None
            if a.source:
                source = sources.get(a.source)
                if source is None:
                    source = sources[a.source] = Source(url=a.source)
            row.answers.append(
                Answer(
                    aspect=aspect,
                    text_nn=a.nn,
                    text_nb=a.nb,
                    source=source,
                    source_date=a.source_date,
                    verified=a.verified,
                    review=a.review,
                )
            )
        rows[t.key] = row
        session.add(row)
    for t in topics:
        if t.partner:
            rows[t.key].partner = rows[t.partner]
    session.flush()
    for t in topics:
        for aspect, a in t.answers.items():
            for lang, items in (("nn", a.examples_nn), ("nb", a.examples_nb)):
                for text in sort_aliases(items):
                    session.add(ExampleQuestion(topic_id=rows[t.key].id, aspect=aspect, malform=lang, text=text))
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
