"""Helpers and texts the actions themselves need (knowledge answers: kari.knowledge.texts;
dialogue texts: kari.dialogue.texts)."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker

from kari.dialogue.handover import handover_text
from kari.dialogue.texts import dt
from kari.knowledge.texts import t

log = logging.getLogger(__name__)


def kb_unavailable(malform: str | None) -> str:
    """Reply when the knowledge base cannot be read: the honest fallback with the phone number."""
    return t(malform, "unknown")


def malform_of(tracker: Tracker) -> str:
    """The written standard of the latest message, else of the conversation; Nynorsk by default."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "malform" and entity.get("value") in ("nn", "nb"):
            return entity["value"]
    return "nb" if tracker.get_slot("malform") == "nb" else "nn"


def feedback_buttons(malform: str | None) -> list[dict[str, Any]]:
    return [{"title": dt(malform, "feedback_good_button"), "payload": "/feedback_good"},
            {"title": dt(malform, "feedback_bad_button"), "payload": "/feedback_bad"}]


def handover(tracker: Tracker, malform: str | None) -> str:
    """Contact for the current topic (or the municipality) and whether the service desk is open."""
    from kari.knowledge.db import session_scope

    topic = tracker.get_slot("topic")
    try:
        with session_scope() as session:
            return handover_text(session, topic, malform)
    except Exception as exc:  # the general contact needs no database
        log.error("knowledge base unavailable for handover: %s", type(exc).__name__)
        return handover_text(None, None, malform)


def handover_after_failure(tracker: Tracker, malform: str | None) -> str:
    return f"{dt(malform, 'give_up')} {handover(tracker, malform)}"
