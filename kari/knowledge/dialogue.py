"""One knowledge turn: intent → aspect, find the topic, compose the reply or ask which topic was meant.

The Rasa action only translates between the tracker and `respond()`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kari.knowledge.answers import answer, unknown
from kari.knowledge.linker import link
from kari.knowledge.models import Topic
from kari.knowledge.texts import std

INTENT_ASPECT = {
    "ask_about": "about", "ask_why": "why", "ask_apply": "apply", "ask_contact": "contact",
    "ask_hours": "hours", "ask_deadline": "deadline", "ask_price": "price", "ask_web": "web",
    "ask_projects": "projects", "ask_partner": "partner", "ask_partnerships": "partnerships",
}
MAX_CHOICES = 3

CLARIFY = {"nn": "Meinte du {choices}?", "nb": "Mente du {choices}?"}
OR = {"nn": "eller", "nb": "eller"}


@dataclass(frozen=True)
class Outcome:
    text: str
    topic: str | None = None                 # topic to remember in the `topic` slot
    choices: list[tuple[str, str]] = field(default_factory=list)  # (button title, topic key)


def _join(names: list[str], malform: str) -> str:
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {OR[malform]} {names[-1]}"


def respond(session: Session, aspect: str, text: str, entities: Iterable[Any] = (),
            slot_topic: str | None = None, malform: str | None = None) -> Outcome:
    m = std(malform)
    if aspect == "partnerships":
        reply = answer(session, None, aspect, m)
        return Outcome(reply.text)
    result = link(session, text, entities)
    if result.best is not None:
        key = result.best.key
    elif result.ambiguous:
        options = result.ambiguous[:MAX_CHOICES]
        names = [c.name(m) for c in options]
        return Outcome(CLARIFY[m].format(choices=_join(names, m)),
                       choices=[(c.name(m), c.key) for c in options])
    elif slot_topic and session.execute(select(Topic.id).where(Topic.key == slot_topic)).first():
        key = slot_topic  # a follow-up such as "kva kostar det?"
    else:
        return Outcome(unknown(m).text)
    reply = answer(session, key, aspect, m)
    return Outcome(reply.text, topic=key)
