"""Ask back when the NLU is unsure: "Meinte du …?" with up to three buttons in plain words.

Options combine the topics the question mentions (or the conversation's current topic) with the most
likely kinds of question from the NLU's ranking; questions that need no topic (the partnerships, a
person to talk to) come from the ranking too. Button payloads are Rasa intents with the topic as an
entity, e.g. `/ask_price{"topic":"barnehage"}`; titles never show intent names.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kari.dialogue.texts import INTENT_TITLES, dt, option_title
from kari.knowledge.linker import link
from kari.knowledge.models import Topic
from kari.knowledge.texts import std

MAX_OPTIONS = 3
TOPIC_INTENTS = {
    "ask_about": "about", "ask_why": "why", "ask_apply": "apply", "ask_contact": "contact",
    "ask_hours": "hours", "ask_deadline": "deadline", "ask_price": "price", "ask_web": "web",
    "ask_projects": "projects", "ask_partner": "partner",
}
# Fallback when the ranking suggests nothing usable: a person can always help.
DEFAULT_INTENTS = ("request_human",)


@dataclass(frozen=True)
class Option:
    title: str
    intent: str
    topic: str | None = None

    @property
    def payload(self) -> str:
        if self.topic is None:
            return f"/{self.intent}"
        return f"/{self.intent}{json.dumps({'topic': self.topic}, ensure_ascii=False, separators=(',', ':'))}"

    def button(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Clarification:
    text: str
    options: list[Option]


def _topics(session: Session, text: str, slot_topic: str | None, malform: str) -> list[tuple[str, str, str]]:
    """(key, kind, name) of the topics to offer: those the text mentions, else the current one."""
    found = link(session, text).candidates[:MAX_OPTIONS]
    if found:
        return [(c.key, c.kind, c.name(malform)) for c in found]
    if slot_topic:
        row = session.execute(select(Topic).where(Topic.key == slot_topic)).scalars().first()
        if row is not None:
            return [(row.key, row.kind, row.name(malform))]
    return []


def clarify(session: Session, text: str, ranking: Sequence[tuple[str, float]],
            slot_topic: str | None = None, malform: str | None = None) -> Clarification:
    """The question back and its buttons for a message the NLU was unsure about."""
    m = std(malform)
    topics = _topics(session, text, slot_topic, m)
    ranked = [name for name, _ in ranking]
    kinds = [i for i in ranked if i in TOPIC_INTENTS]
    if not any(kind == "partner" for _, kind, _ in topics) and "ask_projects" in kinds:
        kinds.remove("ask_projects")  # only partners have project lists
    kinds = kinds or ["ask_about"]
    options: list[Option] = []
    if topics:
        # One topic: its most likely question kinds. Several: the most likely kind for each.
        pairs = [(topics[0], k) for k in kinds] if len(topics) == 1 else [(t, kinds[0]) for t in topics]
        options = [Option(option_title(name, TOPIC_INTENTS[intent], m), intent, key)
                   for (key, _kind, name), intent in pairs[:MAX_OPTIONS]]
        # A question that needs no topic only when the NLU ranks it above every topic question.
        top = ranked.index(kinds[0]) if kinds[0] in ranked else len(ranked)
        free = [i for i in ranked[:top] if i in INTENT_TITLES[m]]
        options = [Option(INTENT_TITLES[m][i], i) for i in free] + options
    else:
        options = [Option(INTENT_TITLES[m][i], i) for i in ranked[:MAX_OPTIONS] if i in INTENT_TITLES[m]]
    options = options[:MAX_OPTIONS] or [Option(INTENT_TITLES[m][i], i) for i in DEFAULT_INTENTS]
    if len(options) == 1:
        return Clarification(dt(m, "clarify_one", option=options[0].title), options)
    return Clarification(dt(m, "clarify_many"), options)
