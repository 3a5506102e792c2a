"""What Kari said before, read from the conversation's events (rasa_sdk's tracker.events).

Every knowledge reply carries a small `kari` note in the bot event's metadata (never shown to the
citizen): the topic and aspect answered, the topics it listed, whether it was a real answer or a
clarification. Keeping this with the message it belongs to means a rating refers to the answer it
was given for, "den første" to the last list shown, and "twice in a row" to the turn just before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

NOTE = "kari"
FEEDBACK_INTENTS = ("feedback_good", "feedback_bad")


@dataclass(frozen=True)
class Note:
    topic: str | None = None
    aspect: str | None = None
    items: tuple[str, ...] = ()
    found: bool = False  # a real answer, worth rating
    failed: bool = False  # Kari did not understand / had to ask back
    options: tuple[str, ...] = ()  # a question back: its buttons' payloads, first = what "ja" picks

    def as_metadata(self) -> dict[str, Any]:
        return {
            NOTE: {
                "topic": self.topic,
                "aspect": self.aspect,
                "items": list(self.items),
                "found": self.found,
                "failed": self.failed,
                "options": list(self.options),
            }
        }


def _note(event: dict[str, Any]) -> Note | None:
    raw = (event.get("metadata") or {}).get(NOTE)
    if event.get("event") != "bot" or not isinstance(raw, dict):
        return None
    items = raw.get("items") or []
    options = raw.get("options") or []
    return Note(
        raw.get("topic"),
        raw.get("aspect"),
        tuple(i for i in items if isinstance(i, str)),
        bool(raw.get("found")),
        bool(raw.get("failed")),
        tuple(o for o in options if isinstance(o, str)),
    )


def _before_latest_user(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events before the latest user message (the one being answered now)."""
    events = list(events or [])
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("event") == "user":
            return events[:i]
    return events


def last_listed(events: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """The topics of the last list Kari showed (empty when it never showed one)."""
    for event in reversed(_before_latest_user(events)):
        note = _note(event)
        if note is not None and note.items:
            return note.items
    return ()


def previous_note(events: Sequence[dict[str, Any]]) -> Note | None:
    """The note on Kari's reply to the citizen's previous message, if it carried one."""
    for event in reversed(_before_latest_user(events)):
        if event.get("event") == "user":
            return None
        note = _note(event)
        if note is not None:
            return note
    return None


def previous_turn_failed(events: Sequence[dict[str, Any]]) -> bool:
    """Did Kari's reply to the citizen's previous message ask back or fail to understand?"""
    note = previous_note(events)
    return bool(note and note.failed)


def parse_payload(payload: str) -> tuple[str, dict[str, Any]] | None:
    """'/ask_price{"topic":"barnehage"}' → ("ask_price", {"topic": "barnehage"})."""
    import json
    import re

    match = re.fullmatch(r"/([A-Za-z_]+)(\{.*\})?", (payload or "").strip(), flags=re.S)
    if not match:
        return None
    try:
        values = json.loads(match.group(2)) if match.group(2) else {}
    except ValueError:
        return None
    return match.group(1), values if isinstance(values, dict) else {}


def rateable_answer(events: Sequence[dict[str, Any]]) -> Note | None:
    """The latest real answer, if the citizen has not rated it yet."""
    for event in reversed(_before_latest_user(events)):
        if event.get("event") == "user":
            intent = (event.get("parse_data") or {}).get("intent") or {}
            if intent.get("name") in FEEDBACK_INTENTS:
                return None  # the answer before this was already rated
            continue
        note = _note(event)
        if note is not None:  # only Kari's latest knowledge reply can be rated
            return note if note.found and note.topic and note.aspect else None
    return None


def intent_ranking(latest_message: dict[str, Any]) -> list[tuple[str, float]]:
    """The NLU's intent ranking for the latest message, best first, without nlu_fallback."""
    ranking: Iterable[dict[str, Any]] = latest_message.get("intent_ranking") or []
    out = [
        (r.get("name"), float(r.get("confidence") or 0.0))
        for r in ranking
        if isinstance(r, dict) and r.get("name") and r.get("name") != "nlu_fallback"
    ]
    return sorted(out, key=lambda r: -r[1])
