"""Hand the citizen over to a person: the right contact for the current topic, else the main
number and e-mail, and whether the service desk is open right now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kari.conversation import service_desk
from kari.conversation.texts import dt
from kari.knowledge.models import Answer, Topic
from kari.knowledge.texts import std

# Topics whose contact is the main number itself: no separate "contact for X" sentence.
GENERAL_TOPICS = ("alesund-kommune", "innbyggartorg")


def topic_contact(session: Session, topic_key: str | None, malform: str | None) -> tuple[str, str] | None:
    """(topic name, contact text or "") for the current topic; None without a (specific) topic."""
    if not topic_key or topic_key in GENERAL_TOPICS:
        return None
    topic = session.execute(select(Topic).where(Topic.key == topic_key)).scalars().first()
    if topic is None:
        return None
    row = (
        session.execute(select(Answer).where(Answer.topic_id == topic.id, Answer.aspect == "contact")).scalars().first()
    )
    return topic.name(std(malform)), (row.text(std(malform)) if row is not None else "")


def handover_text(
    session: Session | None,
    topic_key: str | None,
    malform: str | None,
    now: datetime | None = None,
    *,
    desk: bool = True,
) -> str:
    """Who to contact (topic first, then the municipality) and, with `desk`, whether the service desk
    is open now.

    `session` may be None when the knowledge base cannot be read: the general contact still works.
    """
    m = std(malform)
    parts = []
    contact = topic_contact(session, topic_key, m) if session is not None else None
    if contact and contact[1]:
        parts += [dt(m, "handover_topic", name=contact[0], contact=contact[1]), dt(m, "handover_also")]
    elif contact:
        parts.append(dt(m, "handover_no_contact", name=contact[0]))
    else:
        parts.append(dt(m, "handover_general"))
    if desk:
        parts.append(service_desk.describe(service_desk.status(now), m))
    return " ".join(parts)
