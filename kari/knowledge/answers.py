"""Compose the reply for (topic, aspect, written standard) from the current database.

Never answers about a different topic than the one asked for: a missing aspect gets an honest reply
that names the topic and points to the municipality's phone and e-mail.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kari.knowledge.models import ASPECTS, Answer, Topic
from kari.knowledge.texts import MUNICIPALITY_URL, std, t

# Aspects the bot can answer; the first seven are stored answers, the rest are derived.
ALL_ASPECTS = ASPECTS + ("web", "projects", "partner", "partnerships")


@dataclass(frozen=True)
class Reply:
    text: str
    topic: str | None  # key of the topic the reply is about (None: partnerships or unknown)
    found: bool        # False: the honest "I don't know" reply
    items: tuple[str, ...] = ()  # keys of the topics a reply lists, in the order shown (for "den første")


def unknown(malform: str | None) -> Reply:
    return Reply(t(malform, "unknown"), None, False)


def _with_source(text: str, malform: str, url: str | None) -> str:
    return f"{text}\n{t(malform, 'source', url=url)}" if url else text


def _missing(topic: Topic, aspect: str, malform: str) -> Reply:
    name = topic.name(malform)
    parts = [t(malform, f"missing.{aspect}" if aspect in ALL_ASPECTS else "missing.about", name=name),
             t(malform, "contact_us")]
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
    home = session.execute(select(Topic.url).where(Topic.kind == "municipality", Topic.url.isnot(None))
                           .order_by(Topic.key)).scalars().first()
    text = f"{t(malform, 'partnerships')}\n{_numbered(names)}"
    return Reply(_with_source(text, malform, home or MUNICIPALITY_URL), None, True,
                 tuple(p.key for p in partners))


def answer(session: Session, key: str | None, aspect: str, malform: str | None) -> Reply:
    """The reply text for `aspect` of topic `key` in `malform` ("nn" when unknown)."""
    m = std(malform)
    if aspect == "partnerships":
        return _partnerships(session, m)
    if not key:
        return unknown(m)
    topic = session.execute(
        select(Topic).where(Topic.key == key)
        .options(selectinload(Topic.answers).selectinload(Answer.source),
                 selectinload(Topic.projects), selectinload(Topic.partner))).scalars().first()
    if topic is None:
        return unknown(m)
    name = topic.name(m)

    if aspect == "web":
        if not topic.url:
            return _missing(topic, aspect, m)
        return Reply(t(m, "web", name=name, url=topic.url), topic.key, True)

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

    row = next((a for a in topic.answers if a.aspect == aspect), None)
    text = row.text(m) if row is not None else ""
    if not text:
        return _missing(topic, aspect, m)
    source = row.source.url if row.source is not None else topic.url
    if (row.review or "").strip():
        text = f"{text} {t(m, 'caution' if source else 'caution_no_source')}"
    return Reply(_with_source(text, m, source), topic.key, True)
