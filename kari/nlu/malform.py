"""Written-standard detection: Nynorsk ("nn") or Bokmål ("nb").

Evidence is a signed log-odds, > 0 Bokmål and < 0 Nynorsk (`malform_evidence`). Each word carries
some: the weights of the word and of its character 1–4-grams, learned from both standards
(`malform_model.json`, built by `python -m kari.nlu.malform_train`), plus the hand-written marker
words, stems, endings and phrases of markers.py; one word carries at most the model's `clip`.
Greetings, thanks, yes/no and dialect forms used in both standards (markers.NEUTRAL) carry none.

`detect_malform` decides one message: "nb" / "nn", or None when |evidence| is below the model's
threshold (a bare "takk", "barnehage", "kan du hjelpe meg"). `conversation_malform` decides a
conversation from the evidence of its turns, recent turns counting more; a citizen's explicit
choice wins. `MalformDetector` wraps detection as a Rasa 3.6 NLU component that adds a `malform`
entity with the message's evidence.

The model file is JSON (no pickle), loaded once; without it the markers alone decide.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text

from kari.knowledge.textnorm import within_one_edit
from kari.nlu import markers

logger = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parent / "malform_model.json"
NGRAM_RANGE = (1, 4)
MARKER_FEATURE = "__marker__"
NEUTRAL = markers.NEUTRAL
# Without a model file: markers only, as before issue 18.
_MARKERS_ONLY = {"weights": {}, "clip": 100.0, "marker_weight": 1.0, "threshold": 0.01, "ngrams": list(NGRAM_RANGE)}

_TOKEN = re.compile(r"[a-zæøåäöüéèòóôâêà]+")
# Accents that are typed for emphasis or by accident; Nynorsk "òg" keeps its grave.
_ACCENTS = str.maketrans({"é": "e", "è": "e", "ó": "o", "ô": "o", "â": "a", "ê": "e", "à": "a", "ä": "æ", "ö": "ø"})


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return text.translate(_ACCENTS)


def _tokens(text: str) -> List[str]:
    return _TOKEN.findall(text)


def tokens(text: str) -> List[str]:
    """The lower-cased words of a text, as the detector sees them."""
    return _tokens(_normalise(text))


def word_features(token: str, ngrams: Sequence[int] = NGRAM_RANGE) -> List[str]:
    """The word itself ("w:…") and its character n-grams, "<" and ">" marking its edges."""
    padded = f"<{token}>"
    feats = [f"w:{token}"]
    low, high = ngrams
    for n in range(low, high + 1):
        for i in range(len(padded) - n + 1):
            gram = padded[i : i + n]
            if gram not in ("<", ">"):
                feats.append(gram)
    return feats


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
    """(nn, nb) marker evidence carried by one lower-cased word."""
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


def marker_score(token: str) -> float:
    """A word's marker evidence, Bokmål minus Nynorsk (0 for a neutral word)."""
    if token in NEUTRAL:
        return 0.0
    nn, nb = _token_scores(token)
    return nb - nn


def _phrase_score(norm_tokens: List[str]) -> float:
    spaced = " " + " ".join(norm_tokens) + " "
    nn = sum(w for p, w in markers.NN_PHRASES.items() if p in spaced)
    nb = sum(w for p, w in markers.NB_PHRASES.items() if p in spaced)
    return nb - nn


def malform_scores(text: str) -> tuple[float, float]:
    """Total (nn, nb) marker evidence in a text; exposed for debugging and tests."""
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


class Evidence:
    """Log-odds evidence of a text under one model (a dict as in malform_model.json)."""

    def __init__(self, model: Dict[str, Any]) -> None:
        self.weights: Dict[str, float] = model["weights"]
        self.clip = float(model["clip"])
        # a word the model never saw gets only its n-grams' evidence, capped lower
        self.oov_clip = float(model.get("oov_clip", model["clip"]))
        self.marker_weight = float(model["marker_weight"])
        self.threshold = float(model["threshold"])
        self.ngrams = tuple(model.get("ngrams", NGRAM_RANGE))
        self.word = lru_cache(maxsize=50_000)(self._word)

    def _word(self, token: str) -> float:
        if token in NEUTRAL:
            return 0.0
        feats = word_features(token, self.ngrams)
        score = sum(self.weights.get(f, 0.0) for f in feats)
        if feats[0] not in self.weights:  # unseen word: its n-grams alone count little
            score = max(-self.oov_clip, min(self.oov_clip, score))
        score += self.marker_weight * marker_score(token)
        return max(-self.clip, min(self.clip, score))

    def score(self, text: str) -> float:
        toks = tokens(text)
        return sum(self.word(t) for t in toks) + self.marker_weight * _phrase_score(toks)

    def decide(self, score: float) -> Optional[str]:
        if abs(score) < self.threshold:
            return None
        return "nb" if score > 0 else "nn"


@lru_cache(maxsize=1)
def default_evidence() -> Evidence:
    """The shipped model; markers only (and a warning) if its file is missing or unreadable."""
    try:
        model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("kari.malform.model_missing path=%s; markers only", MODEL_PATH)
        model = _MARKERS_ONLY
    return Evidence(model)


def malform_evidence(text: str) -> float:
    """Signed log-odds that `text` is Bokmål (> 0) rather than Nynorsk (< 0); 0.0 = no evidence."""
    if not text or not isinstance(text, str):
        return 0.0
    return round(default_evidence().score(text), 4)


def detect_malform(text: str) -> Optional[str]:
    """Return "nn" or "nb" for the written standard of `text`, or None if unclear."""
    if not text or not isinstance(text, str):
        return None
    return default_evidence().decide(malform_evidence(text))


# --- a conversation -------------------------------------------------------------------------------
# Each turn's evidence counts at most TURN_CAP (one long message must not outweigh every later one);
# a turn k turns back counts DECAY**k. A conversation's evidence below the detector's threshold is
# undecided: Nynorsk.
TURN_CAP = 6.0
DECAY = 0.7


def conversation_evidence(scores: Iterable[Optional[float]]) -> float:
    """Accumulated evidence of a conversation's turns (oldest first), recent turns weighted more."""
    total = 0.0
    for score in scores:
        s = float(score or 0.0)
        total = DECAY * total + max(-TURN_CAP, min(TURN_CAP, s))
    return total


def conversation_malform(scores: Iterable[Optional[float]], chosen: Optional[str] = None) -> str:
    """The standard to answer in: the citizen's explicit choice ("nn"/"nb") if any, else the
    evidence accumulated over the turns' `malform_evidence` (oldest first); Nynorsk when undecided.

    Greetings and thanks carry 0, so they keep the standard of earlier turns: a 0 turn only shrinks
    the total by DECAY, and one undecided turn cannot bring decided evidence below the threshold
    unless it was already weak.
    """
    if chosen in ("nn", "nb"):
        return chosen
    total = conversation_evidence(scores)
    decided = default_evidence().decide(total)
    return decided or "nn"


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

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
    class MalformDetector(GraphComponent, EntityExtractorMixin):
        """Adds entity `malform` = nn|nb (with its `evidence`) to each message whose standard is clear."""

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
                evidence = malform_evidence(text)
                value = default_evidence().decide(evidence) if text else None
                if value is None:
                    continue
                entity = {
                    "entity": self.ENTITY,
                    "value": value,
                    "start": 0,
                    "end": len(text),
                    "confidence": 1.0,
                    "extractor": self.__class__.__name__,
                    # log-odds, > 0 Bokmål: a conversation accumulates it (conversation_malform)
                    "evidence": evidence,
                }
                message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
            return messages
