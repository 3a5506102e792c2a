"""Rasa NLU component that guards two things the intent classifier must not decide alone.

1. Emergencies first: a message about acute danger gets the intent `emergency`, whatever the
   classifier said; the deterministic detector (`kari.conversation.emergency`) decides, so the same
   message always raises the same alarm and an ordinary health question never does. A message the
   detector finds framed as past, a course or "just in case" is answered instead, with the emergency
   numbers first (marked like `kari.nlu.alarm`'s likely ones). The classifier's
   own `emergency` guess (it has training examples, which keep such messages away from other intents)
   is never enough: without the detector, its next guess stands.
2. Dialogue acts are short: a greeting, thanks, a goodbye, "are you a bot?", "forget me", "yes", "no"
   or a rating of more than `max_words_for_small_talk` words is a question wrapped in politeness ("hei,
   eg passar på far min … kan de hjelpe?"), so the best question kind in the ranking stands instead
   when the classifier's next guess is a kind of question, or when a long greeting, thanks or goodbye
   holds a question word. A long message must never
   delete a conversation by being read as "Gløym meg" (which asks to confirm anyway). Nor is a
   message that reads like an emergency (`kari.nlu.alarm` marked it) small talk: it is answered, with
   the emergency numbers first.

Runs after the intent classifier, the FallbackClassifier and EmergencyNeighbours.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from kari.conversation.emergency import ALARM, LIKELY, detect
from kari.nlu.normaliser import QUESTION_WORDS, VARIANTS

EMERGENCY = "emergency"
SMALL_TALK = (
    "greet",
    "goodbye",
    "thank",
    "bot_challenge",
    "forget_me",
    "affirm",
    "deny",
    "feedback_good",
    "feedback_bad",
)
FALLBACK = "nlu_fallback"
# A greeting, thanks or goodbye cannot ask anything: one that goes on to a question word opening a
# clause ("god kveld, kor lang tid tek …") or after "lurer på" wraps a question, however sure the
# classifier is of the greeting. "no veit eg kva eg skal gjere" or "eg lurer på ein ting" ask nothing.
POLITE = tuple(i for i in SMALL_TALK if i not in ("bot_challenge", "forget_me"))  # these two ask by nature
_ASKING = {v for shared in QUESTION_WORDS for v in VARIANTS[shared]} | {"what", "where", "when", "how", "who", "why"}
_QUESTION = re.compile(
    r"(?:^|[,.!?:;]\s*(?:og |men |and |but )?|\blur(?:er|te|e) på )"
    rf"(?:{'|'.join(sorted(map(re.escape, _ASKING), key=len, reverse=True))})\b"
)


def asks(text: str) -> bool:
    return _QUESTION.search(text.lower()) is not None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_words_for_small_talk": 6}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.max_words = int(config.get("max_words_for_small_talk", 6))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentGuard":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        ranking: List[Dict[Text, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
        intent = (message.get(INTENT) or {}).get("name")
        alarm = detect(text)
        if alarm is not None and alarm.framed:  # "kurs i hjarte-lunge-redning": answered, the numbers first
            message.set(ALARM, LIKELY, add_to_output=True)
        if alarm is not None and not alarm.framed:
            others = [r for r in ranking if r.get("name") != EMERGENCY]
            self._set(
                message, {"name": EMERGENCY, "confidence": 1.0}, [{"name": EMERGENCY, "confidence": 1.0}] + others
            )
        elif (
            intent == EMERGENCY
            or (intent in SMALL_TALK and message.get(ALARM) == LIKELY)  # answered, with the numbers first
            or (
                intent in SMALL_TALK
                and len(text.split()) > self.max_words
                and (self._question_next(ranking) or (intent in POLITE and asks(text)))
            )
        ):
            # The ranking keeps every guess with its confidence; only the intent that routes the turn changes.
            best = next((r for r in ranking if r.get("name") not in (EMERGENCY, *SMALL_TALK)), None)
            chosen = (
                {"name": best["name"], "confidence": best.get("confidence", 0.0)}
                if best
                else {"name": FALLBACK, "confidence": 1.0}
            )
            self._set(message, chosen, ranking)

    @staticmethod
    def _question_next(ranking: List[Dict[Text, Any]]) -> bool:
        """Is the classifier's best guess after the dialogue acts a kind of question?"""
        best = next((r for r in ranking if r.get("name") not in (EMERGENCY, *SMALL_TALK)), None)
        return best is not None and str(best.get("name")).startswith("ask_") and best.get("confidence", 0) >= 0.05

    @staticmethod
    def _set(message: Message, intent: Dict[Text, Any], ranking: List[Dict[Text, Any]]) -> None:
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("max_words_for_small_talk", 6)) < 1:
            raise ValueError("max_words_for_small_talk must be at least 1")
