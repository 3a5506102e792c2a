"""Rasa NLU component: a message about acute danger gets the intent `emergency`, whatever came before.

Runs after the intent classifier and the FallbackClassifier. The deterministic detector
(`kari.conversation.emergency`) decides; the classifier's own `emergency` prediction counts only at
`classifier_threshold` or above, so ordinary health questions never raise a false alarm through it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from kari.conversation.emergency import detect

EMERGENCY = "emergency"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyOverride(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"classifier_threshold": 0.6}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.threshold = float(config.get("classifier_threshold", 0.6))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "EmergencyOverride":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        ranking: List[Dict[Text, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
        classified = next((r.get("confidence", 0.0) for r in ranking if r.get("name") == EMERGENCY), 0.0)
        if detect(message.get(TEXT) or "") is not None or classified >= self.threshold:
            others = [r for r in ranking if r.get("name") != EMERGENCY]
            message.set(INTENT, {"name": EMERGENCY, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": EMERGENCY, "confidence": 1.0}] + others,
                        add_to_output=True)
        elif (message.get(INTENT) or {}).get("name") == EMERGENCY:
            # Not sure enough for an alarm: the classifier's next guess stands.
            others = [r for r in ranking if r.get("name") != EMERGENCY]
            best = others[0] if others else {"name": "nlu_fallback", "confidence": 1.0}
            message.set(INTENT, {"name": best["name"], "confidence": best.get("confidence", 0.0)},
                        add_to_output=True)
            message.set(INTENT_RANKING_KEY, others, add_to_output=True)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        threshold = config.get("classifier_threshold", 0.6)
        if not 0.0 <= float(threshold) <= 1.0:
            raise ValueError("classifier_threshold must be between 0 and 1")


