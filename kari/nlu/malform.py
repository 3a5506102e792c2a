"""Written-standard detection: Nynorsk ("nn") or Bokmål ("nb").

`detect_malform` scores weighted marker words, stems and endings (see markers.py)
and returns None when the text gives no evidence or the evidence is tied, so the
caller can keep the standard from earlier turns (or fall back to Nynorsk).
`MalformDetector` wraps it as a Rasa 3.6 NLU component that adds a `malform` entity.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Optional, Text

from kari.knowledge.textnorm import within_one_edit
from kari.nlu import markers

_TOKEN = re.compile(r"[a-zæøåäöüéèòóôâêà]+")
# Accents that are typed for emphasis or by accident; Nynorsk "òg" keeps its grave.
_ACCENTS = str.maketrans({"é": "e", "è": "e", "ó": "o", "ô": "o", "â": "a", "ê": "e",
                          "à": "a", "ä": "æ", "ö": "ø"})


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return text.translate(_ACCENTS)


def _tokens(text: str) -> List[str]:
    return _TOKEN.findall(text)


def _suffix_weight(token: str, suffixes: list[tuple[str, float, int]]) -> float:
    best = 0.0
    best_len = 0
    for suffix, weight, min_len in suffixes:
        if len(token) >= min_len and token.endswith(suffix) and len(suffix) > best_len:
            best, best_len = weight, len(suffix)
    return best


def _prefix_weight(token: str, prefixes: dict[str, float]) -> float:
    return max((w for p, w in prefixes.items() if token.startswith(p)), default=0.0)


def _token_scores(token: str) -> tuple[float, float]:
    """(nn, nb) evidence carried by one lower-cased word."""
    if token in markers.NN_WORDS or token in markers.NB_WORDS:
        return markers.NN_WORDS.get(token, 0.0), markers.NB_WORDS.get(token, 0.0)
    nn = _prefix_weight(token, markers.NN_PREFIXES)
    nb = _prefix_weight(token, markers.NB_PREFIXES)
    if token not in markers.SUFFIX_EXCEPTIONS:
        nn_suffix = _suffix_weight(token, markers.NN_SUFFIXES)
        nb_suffix = _suffix_weight(token, markers.NB_SUFFIXES)
        nn, nb = nn + nn_suffix, nb + nb_suffix
    if nn or nb or len(token) < 4:
        return nn, nb
    # One typo away from a strong marker of exactly one standard counts half.
    near_nn = any(within_one_edit(token, m) for m in markers.FUZZY_NN)
    near_nb = any(within_one_edit(token, m) for m in markers.FUZZY_NB)
    if near_nn != near_nb:
        return (1.0, 0.0) if near_nn else (0.0, 1.0)
    return 0.0, 0.0


def malform_scores(text: str) -> tuple[float, float]:
    """Total (nn, nb) evidence in a text; exposed for debugging and tests."""
    norm = _normalise(text)
    nn = nb = 0.0
    for token in _tokens(norm):
        t_nn, t_nb = _token_scores(token)
        nn += t_nn
        nb += t_nb
    spaced = " " + " ".join(_tokens(norm)) + " "
    nn += sum(w for p, w in markers.NN_PHRASES.items() if p in spaced)
    nb += sum(w for p, w in markers.NB_PHRASES.items() if p in spaced)
    return nn, nb


def detect_malform(text: str) -> Optional[str]:
    """Return "nn" or "nb" for the written standard of `text`, or None if unclear."""
    if not text or not isinstance(text, str):
        return None
    nn, nb = malform_scores(text)
    if nn == nb:
        return None
    return "nn" if nn > nb else "nb"


# --- Rasa component -------------------------------------------------------------
# Guarded import: detect_malform stays usable where Rasa is not installed.
try:
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.nlu.extractors.extractor import EntityExtractorMixin
    from rasa.shared.nlu.constants import ENTITIES, TEXT
    from rasa.shared.nlu.training_data.message import Message
except ImportError:  # pragma: no cover - only without Rasa
    GraphComponent = None  # type: ignore[assignment,misc]

if GraphComponent is not None:

    @DefaultV1Recipe.register(
        [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
    )
    class MalformDetector(GraphComponent, EntityExtractorMixin):
        """Adds entity `malform` = nn|nb to each message whose standard is clear."""

        ENTITY = "malform"

        @classmethod
        def create(
            cls,
            config: Dict[Text, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> "MalformDetector":
            return cls(config)

        def __init__(self, config: Optional[Dict[Text, Any]] = None) -> None:
            self._config = config or {}

        def process(self, messages: List[Message]) -> List[Message]:
            for message in messages:
                text = message.get(TEXT) or ""
                value = detect_malform(text)
                if value is None:
                    continue
                entity = {
                    "entity": self.ENTITY,
                    "value": value,
                    "start": 0,
                    "end": len(text),
                    "confidence": 1.0,
                    "extractor": self.__class__.__name__,
                }
                message.set(
                    ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True
                )
            return messages
