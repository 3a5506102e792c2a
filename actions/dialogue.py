"""Dialogue actions: clarification, handover, feedback and "forget me" (logic in kari.dialogue)."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import answer_turn
from actions.texts import handover, handover_after_failure, malform_of
from kari.dialogue import feedback
from kari.dialogue.clarify import clarify
from kari.dialogue.history import (Note, intent_ranking, parse_payload, previous_note, previous_turn_failed,
                                   rateable_answer)
from kari.dialogue.texts import INTENT_TITLES, dt
from kari.knowledge.db import session_scope

log = logging.getLogger(__name__)

# The input channel deletes the conversation when it sees this in a custom message (it must happen
# after Rasa has saved the turn, or the save would bring the events back).
FORGET_KEY = "kari_forget"


class ActionClarify(Action):
    """Low NLU confidence: ask "Meinte du …?" with buttons; the second time in a row, hand over."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        malform = malform_of(tracker)
        if previous_turn_failed(tracker.events):
            dispatcher.utter_message(text=handover_after_failure(tracker, malform), **Note().as_metadata())
            return []
        message = tracker.latest_message or {}
        try:
            with session_scope() as session:
                asked = clarify(session, message.get("text") or "", intent_ranking(message),
                                tracker.get_slot("topic"), malform)
            text, buttons = asked.text, [o.button() for o in asked.options]
        except Exception as exc:  # no knowledge base: still offer a person
            log.error("knowledge base unavailable for clarification: %s", type(exc).__name__)
            title = INTENT_TITLES["nb" if malform == "nb" else "nn"]["request_human"]
            text, buttons = dt(malform, "clarify_one", option=title), [{"title": title, "payload": "/request_human"}]
        note = Note(failed=True, options=tuple(b["payload"] for b in buttons))
        dispatcher.utter_message(text=text, buttons=buttons, **note.as_metadata())
        return []


class ActionYesNo(Action):
    """"ja" takes the first option of Kari's question back; "nei" is a second failure → handover."""

    def name(self) -> Text:
        return "action_yes_no"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        malform = malform_of(tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        note = previous_note(tracker.events)
        asked = note is not None and note.failed and note.options
        if not asked:
            dispatcher.utter_message(text=dt(malform, "anything_else"))
            return []
        if intent != "affirm":
            dispatcher.utter_message(text=handover_after_failure(tracker, malform), **Note().as_metadata())
            return []
        parsed = parse_payload(note.options[0])
        chosen, values = parsed if parsed else ("request_human", {})
        if chosen == "request_human" or not chosen.startswith("ask_"):
            dispatcher.utter_message(text=handover(tracker, malform))
            return []
        entities = [{"entity": "topic", "value": values["topic"]}] if values.get("topic") else []
        return answer_turn(dispatcher, tracker, chosen, "", entities)


class ActionHandover(Action):
    """Who to talk to (the current topic's contact, else the main number) and whether the desk is open."""

    def name(self) -> Text:
        return "action_handover"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=handover(tracker, malform_of(tracker)))
        return []


class ActionFeedback(Action):
    """Store a rating of Kari's latest answer: topic, aspect, helpful, written standard, day."""

    def name(self) -> Text:
        return "action_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        note = rateable_answer(tracker.events)
        if note is None:
            return []
        try:
            with session_scope() as session:
                feedback.record(session, note.topic or "", note.aspect or "", intent == "feedback_good",
                                malform_of(tracker))
        except Exception as exc:  # a lost rating must not disturb the citizen
            log.error("could not store feedback: %s", type(exc).__name__)
        return []


class ActionForgetMe(Action):
    """Ask the input channel to delete this conversation from the tracker store after this turn."""

    def name(self) -> Text:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        malform = malform_of(tracker)
        dispatcher.utter_message(json_message={FORGET_KEY: True, "done": dt(malform, "forgotten"),
                                               "failed": dt(malform, "forget_failed")})
        return []


class ActionDefaultFallback(Action):
    """Rasa's core fallback (no rule fits the conversation): say so honestly and name a person to ask.

    Like Rasa's own, it reverts the user's message so the odd turn does not steer what follows.
    """

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=handover_after_failure(tracker, malform_of(tracker)))
        return [UserUtteranceReverted()]
