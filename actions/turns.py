"""The Rasa actions: thin adapters from rasa_sdk's Tracker to `kari.conversation.turn.run_turn`.

Every decision (emergency, answer, question back, "I don't know", handover) is made there; an action
only names the kind of turn and turns the result into messages and events.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from kari.conversation.emergency import ALARM, LIKELY
from kari.conversation.history import intent_ranking
from kari.conversation.language import reply_standard
from kari.conversation.turn import Turn, run_turn
from kari.knowledge import search
from kari.knowledge.db import KnowledgeBaseUnavailable, get_engine, session_scope
from kari.nlu.malform import conversation_malform

log = logging.getLogger(__name__)

# Start-up: connect once, bring the schema up to date and build the search index (embedding every
# passage takes seconds), so problems show in the log at once and the first citizen does not wait.
try:
    get_engine()
    with session_scope() as _session:
        search.index(_session)
except KnowledgeBaseUnavailable as exc:
    log.warning("knowledge base not ready at start-up: %s", exc)


def malform_of(tracker: Tracker) -> str:
    """The written standard to reply in: the citizen's click on the Bokmål/Nynorsk switch, else the
    evidence of all the conversation's messages (recent ones count more; "hei" and "takk" carry none),
    Nynorsk when undecided; Bokmål for a message in English."""
    scores: List[float] = []
    chosen = None
    for event in tracker.events or []:
        if event.get("event") != "user":
            continue
        choice = (event.get("metadata") or {}).get("malform_choice")
        chosen = choice if choice in ("nn", "nb") else chosen
        entities = (event.get("parse_data") or {}).get("entities") or []
        scores.append(next((float(e.get("evidence") or 0.0) for e in entities if e.get("entity") == "malform"), 0.0))
    text = (tracker.latest_message or {}).get("text") or ""
    if chosen is None and not any(scores):  # no evidence in the events: the slot (last decided message)
        latest = next(
            (
                e.get("value")
                for e in (tracker.latest_message or {}).get("entities") or []
                if e.get("entity") == "malform"
            ),
            None,
        )
        return reply_standard(latest or tracker.get_slot("malform"), text)
    return chosen or reply_standard(conversation_malform(scores), text)


def turn_of(name: str, tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    ranking = intent_ranking(message)
    intent = message.get("intent") or {}
    if not ranking and intent.get("name"):  # a button's payload: Rasa gives the intent alone
        ranking = [(intent["name"], float(intent.get("confidence") or 1.0))]
    return Turn(
        action=name,
        text=message.get("text") or "",
        intent=intent.get("name"),
        ranking=tuple(ranking),
        entities=tuple(message.get("entities") or ()),
        topic=tracker.get_slot("topic"),
        malform=malform_of(tracker),
        alarm=message.get(ALARM) == LIKELY,
        events=tuple(tracker.events or ()),
    )


class KariAction(Action):
    """One kind of turn; subclasses only name it."""

    action_name = ""

    def name(self) -> Text:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        result = run_turn(turn_of(self.action_name, tracker))
        for say in result.say:
            metadata = say.note.as_metadata() if say.note is not None else {}
            if say.custom is not None:
                dispatcher.utter_message(json_message=say.custom)
            else:
                dispatcher.utter_message(text=say.text, buttons=say.buttons, **metadata)
        events: List[Dict[Text, Any]] = [SlotSet("topic", result.topic)] if result.topic else []
        return events + ([UserUtteranceReverted()] if result.revert else [])


class ActionEmergency(KariAction):
    action_name = "action_emergency"


class ActionAnswer(KariAction):
    action_name = "action_answer"


class ActionYesNo(KariAction):
    action_name = "action_yes_no"


class ActionHandover(KariAction):
    action_name = "action_handover"


class ActionFeedback(KariAction):
    action_name = "action_feedback"


class ActionForgetMe(KariAction):
    action_name = "action_forget_me"


class ActionDefaultFallback(KariAction):
    """Rasa's core fallback (no rule fits): an honest reply with a person to ask; the message is undone."""

    action_name = "action_default_fallback"
