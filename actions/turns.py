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

from kari.conversation.language import reply_standard
from kari.conversation.turn import Turn, run_turn
from kari.knowledge.db import KnowledgeBaseUnavailable, get_engine

log = logging.getLogger(__name__)

# Start-up: connect once and bring the schema up to date, so problems show in the log at once.
try:
    get_engine()
except KnowledgeBaseUnavailable as exc:
    log.warning("knowledge base not ready at start-up: %s", exc)


def malform_of(tracker: Tracker) -> str:
    """The written standard to reply in: the latest message's, else the conversation's; Nynorsk by default."""
    message = tracker.latest_message or {}
    latest = next((e.get("value") for e in message.get("entities") or []
                   if e.get("entity") == "malform" and e.get("value") in ("nn", "nb")), None)
    return reply_standard(latest or tracker.get_slot("malform"), message.get("text") or "")


def turn_of(name: str, tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    ranking = [(r.get("name"), float(r.get("confidence") or 0.0)) for r in message.get("intent_ranking") or []
               if isinstance(r, dict) and r.get("name") and r.get("name") != "nlu_fallback"]
    return Turn(action=name, text=message.get("text") or "",
                intent=(message.get("intent") or {}).get("name"),
                ranking=tuple(sorted(ranking, key=lambda r: -r[1])),
                entities=tuple(message.get("entities") or ()), topic=tracker.get_slot("topic"),
                malform=malform_of(tracker), events=tuple(tracker.events or ()))


class KariAction(Action):
    """One kind of turn; subclasses only name it."""

    action_name = ""

    def name(self) -> Text:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
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
