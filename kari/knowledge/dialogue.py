"""One knowledge turn: intent → aspect, find the topic, compose the reply or ask which topic was meant.

Which topic a question is about, in this order: a topic named in the question (or a button's entity);
several equally good ones → ask which was meant; a reference to the last list Kari showed ("den
første", "det andre prosjektet"); else the topic of the conversation so far (follow-ups such as
"kva kostar det?"). The Rasa action only translates between the tracker and `respond()`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kari.dialogue.mentions import find_mention, resolve
from kari.dialogue.texts import dt, join_or
from kari.knowledge.answers import answer, unknown
from kari.knowledge.linker import link
from kari.knowledge.models import Topic
from kari.knowledge.texts import std

INTENT_ASPECT = {
    "ask_about": "about", "ask_why": "why", "ask_apply": "apply", "ask_contact": "contact",
    "ask_hours": "hours", "ask_deadline": "deadline", "ask_price": "price", "ask_web": "web",
    "ask_projects": "projects", "ask_partner": "partner", "ask_partnerships": "partnerships",
}
ASPECT_INTENT = {aspect: intent for intent, aspect in INTENT_ASPECT.items()}
MAX_CHOICES = 3


@dataclass(frozen=True)
class Outcome:
    text: str
    topic: str | None = None                 # topic to remember in the `topic` slot
    choices: list[tuple[str, str]] = field(default_factory=list)  # (button title, topic key)
    items: tuple[str, ...] = ()              # topics the reply lists, in order (for "den første")
    found: bool = False                      # a real answer (worth rating), not "I don't know"


def _exists(session: Session, key: str | None) -> bool:
    return bool(key) and session.execute(select(Topic.id).where(Topic.key == key)).first() is not None


def respond(session: Session, aspect: str, text: str, entities: Iterable[Any] = (),
            slot_topic: str | None = None, malform: str | None = None,
            listed: Sequence[str] | None = None, pointing: bool = False) -> Outcome:
    """The reply to a knowledge question. `listed`: topics of the last list shown; `pointing`: the
    citizen only points at an item of it ("den andre"), so without a list there is nothing to answer."""
    m = std(malform)
    if aspect == "partnerships":
        reply = answer(session, None, aspect, m)
        return Outcome(reply.text, items=reply.items, found=reply.found)
    result = link(session, text, entities)
    mentioned = resolve(find_mention(text), listed)
    if result.best is not None and not (mentioned and result.best.kind == "municipality"):
        key = result.best.key
    elif result.ambiguous:
        options = result.ambiguous[:MAX_CHOICES]
        titles = [c.name(m) for c in options]  # the question kind is already clear: names only
        return Outcome(dt(m, "clarify_topic", options=join_or(titles, m)),
                       choices=[(title, c.key) for title, c in zip(titles, options)])
    elif mentioned and _exists(session, mentioned):
        reply = answer(session, mentioned, aspect, m)
        name = session.execute(select(Topic).where(Topic.key == mentioned)).scalar_one().name(m)
        text = reply.text if reply.text.startswith(name) else f"{name}: {reply.text}"  # say which one
        return Outcome(text, topic=mentioned, items=reply.items, found=reply.found)
    elif pointing:
        return Outcome(dt(m, "no_list"))
    elif _exists(session, slot_topic):
        key = slot_topic  # a follow-up such as "kva kostar det?"
    else:
        return Outcome(unknown(m).text)
    reply = answer(session, key, aspect, m)
    return Outcome(reply.text, topic=key, items=reply.items, found=reply.found)
