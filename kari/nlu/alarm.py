"""Rasa NLU component: does a message read like the emergency examples, though no pattern matched?

The emergency patterns (`kari.conversation.emergency`) are precise but miss what nobody wrote a
pattern for ("det pumpar ut blod", "ein tankbil har velta og det luktar kjemisk"). This component compares the
message with every training example by meaning (multilingual-e5-small, `kari.knowledge.vectors`) and
marks it `kari_alarm: likely` when most of its nearest examples are emergencies. A marked message is
still answered as usual, but the reply opens with the emergency numbers (`kari.conversation.turn`):
a false alarm costs the citizen one line, a missed emergency could cost much more.

Measured on emergencies and calm health questions written independently of the training data
(tests/answers/*/w7.yml; README, "Emergencies"): 5 nearest, 3 of them emergencies.

The vectors of the examples are made when training (about 40 s here) and stored as plain arrays.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from kari.conversation.emergency import ALARM, LIKELY
from kari.knowledge import vectors

logger = logging.getLogger(__name__)
EMERGENCY = "emergency"
VECTORS_FILE = "examples.npz"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class EmergencyNeighbours(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"neighbours": 5, "emergencies_among_them": 3}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectors: Optional[np.ndarray] = None,
        is_emergency: Optional[np.ndarray] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.vectors = vectors  # (examples, 384) float16, L2-normalised
        self.is_emergency = is_emergency  # (examples,) bool
        self._matrix: Optional[np.ndarray] = None  # the vectors as float32, made on first use

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencyNeighbours":
        return cls(config, model_storage, resource)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        k, needed = int(config.get("neighbours", 5)), int(config.get("emergencies_among_them", 3))
        if not 1 <= needed <= k:
            raise ValueError("EmergencyNeighbours: need 1 <= emergencies_among_them <= neighbours")

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not any(e.get(INTENT) == EMERGENCY for e in examples):
            logger.warning("EmergencyNeighbours not trained: no examples of the intent '%s'.", EMERGENCY)
            return self._resource
        self.vectors = np.stack([vectors.query(e.get(TEXT)) for e in examples]).astype(np.float16)
        self.is_emergency = np.array([e.get(INTENT) == EMERGENCY for e in examples])
        self._matrix = None
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / VECTORS_FILE, vectors=self.vectors, is_emergency=self.is_emergency)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "EmergencyNeighbours":
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / VECTORS_FILE, allow_pickle=False) as stored:
                    return cls(config, model_storage, resource, stored["vectors"], stored["is_emergency"])
        except (ValueError, FileNotFoundError):  # not trained (warned then)
            return cls(config, model_storage, resource)

    def likely(self, text: str) -> bool:
        if self.vectors is None or not text.strip():
            return False
        if self._matrix is None:
            self._matrix = self.vectors.astype(np.float32)
        similarity = self._matrix @ vectors.query(text)
        k = min(int(self.config["neighbours"]), len(similarity))
        nearest = np.argpartition(-similarity, k - 1)[:k]
        return int(self.is_emergency[nearest].sum()) >= int(self.config["emergencies_among_them"])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self.likely(message.get(TEXT) or ""):
                message.set(ALARM, LIKELY, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
