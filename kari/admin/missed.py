"""What Kari missed: citizens' questions that ended in "I don't know", a question back nobody answered
by clicking, a handover to a person, or a "not helpful" rating — read from Rasa's tracker store.

The input channel masks personal data before Rasa stores a message; the text is masked once more here
(kari.privacy) so nothing slips through from another channel. Questions are grouped by similar wording
(the same word stems, in any order, mostly), with counts, first and last day and written standard.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import sqlalchemy as sa

from kari.knowledge.db import REPO
from kari.knowledge.textnorm import stem, tokens
from kari.privacy import mask

REASONS = {
    "unknown": "«Eg veit ikkje»",
    "clarify": "Ingen klikka på valet",
    "handover": "Sendt vidare til eit menneske",
    "not_helpful": "Vurdert som lite nyttig",
}
SIMILAR = 0.6  # share of shared word stems (Jaccard) for two wordings to count as one question


def tracker_url() -> str:
    return os.environ.get("KARI_TRACKER_DB_URL") or f"sqlite:///{REPO / 'var' / 'tracker.db'}"


@dataclass
class Miss:
    text: str
    reason: str
    malform: str
    day: dt.date


@dataclass
class Group:
    wordings: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    malforms: Counter = field(default_factory=Counter)
    first: dt.date | None = None
    last: dt.date | None = None
    stems: frozenset[str] = frozenset()

    @property
    def text(self) -> str:
        return self.wordings.most_common(1)[0][0]

    @property
    def count(self) -> int:
        return sum(self.wordings.values())

    @property
    def malform(self) -> str:
        return self.malforms.most_common(1)[0][0]


def note_of(event: dict[str, Any]) -> dict[str, Any] | None:
    note = (event.get("metadata") or {}).get("kari")
    return note if isinstance(note, dict) else None


def malform_of(event: dict[str, Any]) -> str:
    for entity in (event.get("parse_data") or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == "malform" and entity.get("value") in ("nn", "nb"):
            return entity["value"]
    return "nn"


def misses_in(events: Iterable[dict[str, Any]]) -> Iterator[Miss]:
    """The misses in one conversation's events (oldest first)."""
    question: dict[str, Any] | None = None  # the citizen's latest own words
    answered: dict[str, Any] | None = None  # the question behind Kari's latest real answer
    clarified: tuple[dict[str, Any], list[str]] | None = None  # a question back and its buttons

    def miss(event: dict[str, Any] | None, reason: str) -> Miss | None:
        if event is None:
            return None
        day = dt.datetime.fromtimestamp(float(event.get("timestamp") or 0), dt.timezone.utc).date()
        return Miss(mask(event.get("text") or "")[0], reason, malform_of(event), day)

    last_action = ""
    previous_failed = False  # Kari's reply before this one asked back or did not understand
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = (event.get("text") or "").strip()
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if clarified is not None:
                if text not in clarified[1]:
                    found = miss(clarified[0], "clarify")
                    if found:
                        yield found
                clarified = None
            if intent == "feedback_bad" and answered is not None:
                found = miss(answered, "not_helpful")
                if found:
                    yield found
                answered = None
            if text and not text.startswith("/") and intent not in ("feedback_good", "feedback_bad"):
                if intent != "request_human":
                    question = event
        elif kind == "action":
            last_action = event.get("name") or ""
            if last_action == "action_handover" and question is not None:
                found = miss(question, "handover")
                if found:
                    yield found
                question = None
        elif kind == "bot":
            note = note_of(event)
            if note is None:
                continue
            if note.get("found"):
                answered = question
            elif note.get("failed") and note.get("options"):
                clarified = (question, [str(o) for o in note["options"]]) if question else None
            elif note.get("failed"):
                found = miss(question, "unknown")
                if found:
                    yield found
            elif last_action == "action_default_fallback" or (
                previous_failed and last_action in ("action_answer", "action_yes_no")
            ):
                found = miss(question, "handover")  # a second miss in a row: Kari gave up
                if found:
                    yield found
            # A plain note without a miss before it is no miss (out of scope …).
            previous_failed = bool(note.get("failed"))
    if clarified is not None:
        found = miss(clarified[0], "clarify")
        if found:
            yield found


def read_misses(url: str | None = None, since: dt.date | None = None) -> list[Miss]:
    """Every miss in the tracker store (empty when there is no store yet)."""
    url = url or tracker_url()
    if url.startswith("sqlite:///") and not os.path.exists(url[len("sqlite:///") :]):
        return []
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            return []
        query = "SELECT sender_id, data FROM events ORDER BY sender_id, id"
        conversations: dict[str, list[dict[str, Any]]] = {}
        with engine.connect() as conn:
            for sender, data in conn.execute(sa.text(query)):
                try:
                    conversations.setdefault(sender, []).append(json.loads(data))
                except (TypeError, ValueError):
                    continue
    finally:
        engine.dispose()
    found = [m for events in conversations.values() for m in misses_in(events) if m.text]
    return [m for m in found if since is None or m.day >= since]


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(t) for t in tokens(text) if len(t) > 1)


def group(misses: list[Miss]) -> list[Group]:
    """Similar wordings together, the most frequent group first."""
    groups: list[Group] = []
    for m in sorted(misses, key=lambda m: m.day):
        stems = _stems(m.text)
        best, score = None, 0.0
        for g in groups:
            union = len(stems | g.stems) or 1
            similarity = len(stems & g.stems) / union
            if similarity > score:
                best, score = g, similarity
        if best is None or score < SIMILAR:
            best = Group(stems=stems)
            groups.append(best)
        best.wordings[m.text] += 1
        best.reasons[m.reason] += 1
        best.malforms[m.malform] += 1
        best.first = best.first or m.day
        best.last = m.day
    return sorted(groups, key=lambda g: (-g.count, g.text))
