"""Compose the reply for (topic, aspect, written standard) from the current database.

Never answers about a different topic than the one asked for: a missing aspect gets an honest reply
that names the topic and points to the municipality's phone and e-mail. Three rules are applied here so
that staff never have to write them into a text:
- a topic about a risk to life or health (`Topic.emergency`) opens every reply with its emergency sentence;
- an answer flagged for review ends with a caution that names whoever runs the service: the topic's
  `operator` (ÅRIM, the fire service, NAV …) for a third party, else the municipality's switchboard — and
  never repeats a number the answer already gave;
- figures (prices, hours, deadlines, contact details) from a source more than twelve months old say how
  old they are ("Tala er frå 2021."), derived from `Answer.source_date` (or `verified`, when later).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kari.knowledge.check import STALE_MONTHS, contact_tokens, months_ago, source_latest
from kari.knowledge.models import ASPECTS, Answer, Topic, source_span
from kari.knowledge.texts import MUNICIPALITY_URL, PHONE, std, t

# Aspects the bot can answer; the first seven are stored answers, the rest are derived.
ALL_ASPECTS = ASPECTS + ("web", "projects", "partner", "partnerships")
# Aspects whose answers are figures that age: they say how old their source is.
AGEING = {"price": "as_of.figures", "hours": "as_of.figures", "deadline": "as_of.figures", "contact": "as_of.contact"}


@dataclass(frozen=True)
class Reply:
    text: str
    topic: str | None  # key of the topic the reply is about (None: partnerships or unknown)
    found: bool  # False: the honest "I don't know" reply
    items: tuple[str, ...] = ()  # keys of the topics a reply lists, in the order shown (for "den første")


def unknown(malform: str | None) -> Reply:
    return Reply(t(malform, "unknown"), None, False)


def _with_source(text: str, malform: str, url: str | None) -> str:
    return f"{text}\n{t(malform, 'source', url=url)}" if url else text


def _missing(topic: Topic, aspect: str, malform: str) -> Reply:
    name = topic.name(malform)
    parts = [
        t(malform, f"missing.{aspect}" if aspect in ALL_ASPECTS else "missing.about", name=name),
        t(malform, "contact_us"),
    ]
    if topic.url:
        parts.append(t(malform, "see_also", url=topic.url))
    return Reply(" ".join(parts), topic.key, False)


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def _partnerships(session: Session, malform: str) -> Reply:
    partners = session.execute(select(Topic).where(Topic.kind == "partner")).scalars().all()
    if not partners:
        return Reply(f"{t(malform, 'partnerships_none')} {t(malform, 'contact_us')}", None, False)
    partners = sorted(partners, key=lambda p: p.name(malform).casefold())
    names = [p.name(malform) for p in partners]
    home = (
        session.execute(
            select(Topic.url).where(Topic.kind == "municipality", Topic.url.isnot(None)).order_by(Topic.key)
        )
        .scalars()
        .first()
    )
    text = f"{t(malform, 'partnerships')}\n{_numbered(names)}"
    # Why the municipality has these partnerships at all: the `why` answer of a municipality topic.
    why = (
        session.execute(
            select(Answer)
            .join(Topic)
            .options(selectinload(Answer.source))
            .where(Topic.kind == "municipality", Answer.aspect == "why")
            .order_by(Topic.key)
        )
        .scalars()
        .first()
    )
    source = home or MUNICIPALITY_URL
    if why is not None and why.text(malform):
        text = f"{text}\n{why.text(malform)}"
        source = why.source.url if why.source is not None else source
    return Reply(_with_source(text, malform, source), None, True, tuple(p.key for p in partners))


def _as_of(row: Answer, malform: str, today: dt.date) -> str:
    """ "Tala er frå 2021." when the answer's figures come from a source (or verification) more than
    twelve months old and the text does not already name that year; else ""."""
    template = AGEING.get(row.aspect)
    if template is None:
        return ""
    limit = months_ago(today, STALE_MONTHS)
    if row.verified is not None and row.verified >= limit:
        return ""
    latest = source_latest(row)
    if row.verified is not None and (latest is None or row.verified > latest):
        earliest, latest = row.verified, row.verified
    elif latest is None:
        return ""
    else:
        earliest = source_span(row.source_date)[0]
    if latest >= limit:
        return ""
    if earliest is None:  # "../2019": some time before 2020
        years = [latest.year + 1]
        when = t(malform, "before", year=str(latest.year + 1))
    elif earliest.year == latest.year:
        years = [latest.year]
        when = str(latest.year)
    else:
        years = [earliest.year, latest.year]
        when = f"{earliest.year}–{latest.year}"
    if any(str(year) in row.text(malform) for year in years):  # the text says it already ("I 2020 …")
        return ""
    return t(malform, template, when=when)


def _caution(topic: Topic, text: str, source: str | None, malform: str) -> str:
    operator = topic.operator(malform)
    if operator:
        if all(c in text for c in contact_tokens(operator)):
            return t(malform, "caution_short") if source else ""
        return t(malform, "caution_operator" if source else "caution_operator_no_source", operator=operator)
    if PHONE in text:
        return t(malform, "caution_short") if source else ""
    return t(malform, "caution" if source else "caution_no_source")


def _stored(topic: Topic, aspect: str, m: str, today: dt.date) -> Reply:
    row = next((a for a in topic.answers if a.aspect == aspect), None)
    text = row.text(m) if row is not None else ""
    if not text:
        return _missing(topic, aspect, m)
    source = row.source.url if row.source is not None else topic.url
    parts = [text, _as_of(row, m, today)]
    if (row.review or "").strip():
        parts.append(_caution(topic, text, source, m))
    return Reply(_with_source(" ".join(p for p in parts if p), m, source), topic.key, True)


def _web(topic: Topic, m: str) -> Reply:
    if topic.url:
        return Reply(t(m, "web", name=topic.name(m), url=topic.url), topic.key, True)
    sources = sorted({a.source.url for a in topic.answers if a.source is not None})
    if len(sources) == 1:  # no website of its own, but every fact comes from one page
        return Reply(t(m, "web_source_only", name=topic.name(m), url=sources[0]), topic.key, False)
    return _missing(topic, "web", m)


def _about_topic(session: Session, topic: Topic, aspect: str, m: str, today: dt.date) -> Reply:
    name = topic.name(m)
    if aspect == "web":
        return _web(topic, m)

    if aspect == "projects":
        projects = sorted((p for p in topic.projects if p.kind == "project"), key=lambda p: p.name(m).casefold())
        if topic.kind != "partner" or not projects:
            return _missing(topic, aspect, m)
        text = f"{t(m, 'projects', name=name)}\n{_numbered([p.name(m) for p in projects])}"
        return Reply(_with_source(text, m, topic.url), topic.key, True, tuple(p.key for p in projects))

    if aspect == "partner":
        if topic.kind == "partner":
            return Reply(_with_source(t(m, "partner_is_partner", name=name), m, topic.url), topic.key, True)
        if topic.kind != "project" or topic.partner is None:
            return _missing(topic, aspect, m)
        partner = topic.partner
        text = t(m, "partner_of_project", name=name, partner=partner.name(m))
        return Reply(_with_source(text, m, partner.url or topic.url), topic.key, True)

    return _stored(topic, aspect, m, today)


def answer(session: Session, key: str | None, aspect: str, malform: str | None) -> Reply:
    """The reply text for `aspect` of topic `key` in `malform` ("nn" when unknown)."""
    m = std(malform)
    if aspect == "partnerships":
        return _partnerships(session, m)
    if not key:
        return unknown(m)
    topic = (
        session.execute(
            select(Topic)
            .where(Topic.key == key)
            .options(
                selectinload(Topic.answers).selectinload(Answer.source),
                selectinload(Topic.projects),
                selectinload(Topic.partner),
            )
        )
        .scalars()
        .first()
    )
    if topic is None:
        return unknown(m)
    reply = _about_topic(session, topic, aspect, m, dt.date.today())
    emergency = topic.emergency(m)
    if emergency and not reply.text.startswith(emergency):
        reply = replace(reply, text=f"{emergency} {reply.text}")
    return reply
