"""`action_answer`: answers every knowledge intent from the knowledge base (logic in kari.knowledge)."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.texts import kb_unavailable
from kari.knowledge.db import KnowledgeBaseUnavailable, get_engine, session_scope
from kari.knowledge.dialogue import INTENT_ASPECT, respond

log = logging.getLogger(__name__)

# Start-up: connect once and bring the schema up to date, so problems show in the log at once.
try:
    get_engine()
except KnowledgeBaseUnavailable as exc:
    log.warning("knowledge base not ready at start-up: %s", exc)


def _malform(tracker: Tracker) -> str:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "malform" and entity.get("value") in ("nn", "nb"):
            return entity["value"]
    return "nb" if tracker.get_slot("malform") == "nb" else "nn"


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name") or "ask_about"
        aspect = INTENT_ASPECT.get(intent, "about")
        malform = _malform(tracker)
        try:
            with session_scope() as session:
                outcome = respond(session, aspect, message.get("text") or "", message.get("entities") or [],
                                  tracker.get_slot("topic"), malform)
        except Exception as exc:  # database down, schema too new, …: answer politely, never crash
            log.error("knowledge base unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            dispatcher.utter_message(text=kb_unavailable(malform))
            return []
        if outcome.choices:
            if intent not in INTENT_ASPECT:
                intent = "ask_about"
            buttons = [{"title": title, "payload": f"/{intent}{json.dumps({'topic': key}, ensure_ascii=False)}"}
                       for title, key in outcome.choices]
            dispatcher.utter_message(text=outcome.text, buttons=buttons)
            return []
        dispatcher.utter_message(text=outcome.text)
        return [SlotSet("topic", outcome.topic)] if outcome.topic else []
