"""`action_answer`: answers every knowledge intent from the knowledge base (logic in kari.knowledge)."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.texts import feedback_buttons, handover_after_failure, kb_unavailable, malform_of
from kari.dialogue.history import Note, last_listed, previous_turn_failed
from kari.knowledge.db import KnowledgeBaseUnavailable, get_engine, session_scope
from kari.knowledge.dialogue import INTENT_ASPECT, respond

log = logging.getLogger(__name__)

# Start-up: connect once and bring the schema up to date, so problems show in the log at once.
try:
    get_engine()
except KnowledgeBaseUnavailable as exc:
    log.warning("knowledge base not ready at start-up: %s", exc)


def answer_turn(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, text: str,
                entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """Answer a knowledge question (also used for "ja" to a question back): utter the reply, with
    feedback buttons on a real answer and topic buttons on a question back; return slot events."""
    aspect = INTENT_ASPECT.get(intent, "about")
    malform = malform_of(tracker)
    try:
        with session_scope() as session:
            outcome = respond(session, aspect, text, entities, tracker.get_slot("topic"), malform,
                              listed=last_listed(tracker.events), pointing=intent == "select_item")
    except Exception as exc:  # database down, schema too new, …: answer politely, never crash
        log.error("knowledge base unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        dispatcher.utter_message(text=kb_unavailable(malform))
        return []
    if outcome.choices:
        if previous_turn_failed(tracker.events):  # second failure in a row: a person takes over
            dispatcher.utter_message(text=handover_after_failure(tracker, malform), **Note().as_metadata())
            return []
        if intent not in INTENT_ASPECT:
            intent = "ask_about"
        buttons = [{"title": title, "payload": f"/{intent}{json.dumps({'topic': key}, ensure_ascii=False)}"}
                   for title, key in outcome.choices]
        note = Note(failed=True, options=tuple(b["payload"] for b in buttons))
        dispatcher.utter_message(text=outcome.text, buttons=buttons, **note.as_metadata())
        return []
    note = Note(outcome.topic, aspect, outcome.items, found=bool(outcome.topic),
                failed=not outcome.topic and aspect != "partnerships")
    buttons = feedback_buttons(malform) if note.found else []
    dispatcher.utter_message(text=outcome.text, buttons=buttons, **note.as_metadata())
    return [SlotSet("topic", outcome.topic)] if outcome.topic else []


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name") or "ask_about"
        return answer_turn(dispatcher, tracker, intent, message.get("text") or "", message.get("entities") or [])
