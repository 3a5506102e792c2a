"""Rank every answer passage for a message and decide: answer, ask which one, or say "I don't know".

score = topic names + text + dense (each z-scored over all passages, so their scales are comparable)
        − a little for derived passages (a web address or a partner's name answers only when asked)
        + priors: the NLU's question kind (intent confidence of the passage's aspect), the topic the
          linker finds in the message, and the conversation's current topic (follow-ups).
The weights and the two decision thresholds were tuned on the dev answer set only
(`python -m kari.evaluation.answers --tune`); the held-out set is never used to choose them.

Strategies, for the evaluation's comparison: "grid" (the old way: linked topic × intent's aspect, no
search), "lexical", "dense", "hybrid" (both, no priors) and "hybrid+priors" (what Kari uses).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Iterator, Sequence, Union

import numpy as np

from kari.knowledge.kinds import ASPECT_OF_INTENT
from kari.knowledge.search import Index, Passage

MAX_CHOICES = 3


@dataclass(frozen=True)
class Weights:
    names: float = 0.5          # lexical: the message names the passage's topic
    lexical: float = 0.5        # lexical: the message asks what the passage answers
    dense: float = 0.5
    derived: float = 4.0        # subtracted from derived passages
    kind: float = 6.0           # × the NLU's confidence in the passage's question kind
    topic: float = 1.0          # the passage's topic is named in the message
    conversation: float = 6.0   # the passage's topic is the conversation's (no topic named)
    answer_at: float = 4.0      # below this best score: "I don't know"
    margin: float = 0.0         # a runner-up about something else this close: ask which one


HYBRID_PRIORS = Weights()
STRATEGIES = {
    "lexical": replace(HYBRID_PRIORS, dense=0.0, kind=0.0, topic=0.0, conversation=0.0),
    "dense": replace(HYBRID_PRIORS, names=0.0, lexical=0.0, kind=0.0, topic=0.0, conversation=0.0),
    "hybrid": replace(HYBRID_PRIORS, kind=0.0, topic=0.0, conversation=0.0),
    "hybrid+priors": HYBRID_PRIORS,
}


Strategy = Union[Weights, str]  # Weights, or "grid"
_active: Strategy = HYBRID_PRIORS


@contextmanager
def using(strategy: Strategy) -> Iterator[None]:
    """Answer with another strategy inside the block (the evaluation's comparison and tuning)."""
    global _active
    before, _active = _active, strategy
    try:
        yield
    finally:
        _active = before


@dataclass(frozen=True)
class Priors:
    ranking: Sequence[tuple[str, float]] = ()   # the NLU's intents, best first
    linked: dict[str, float] = field(default_factory=dict)  # topics named in the message → how sure
    conversation: str | None = None              # the conversation's current topic


@dataclass(frozen=True)
class Decision:
    kind: str                                    # "answer" | "choose" | "unknown"
    passages: list[Passage] = field(default_factory=list)  # answer: one; choose: up to three
    topic: str | None = None                     # unknown: the topic it is about, if any


def _z(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)


def scores(index: Index, text: str, priors: Priors, weights: Weights = HYBRID_PRIORS) -> np.ndarray:
    found = index.scores(text, dense=weights.dense > 0)
    total = weights.names * _z(found.topic) + weights.lexical * _z(found.body) + weights.dense * _z(found.dense)
    kind = {ASPECT_OF_INTENT[name]: conf for name, conf in priors.ranking if name in ASPECT_OF_INTENT}
    for row, passage in enumerate(index.passages):
        total[row] += weights.kind * kind.get(passage.aspect, 0.0) - weights.derived * passage.derived
        if passage.topic in priors.linked:
            total[row] += weights.topic * priors.linked[passage.topic]
        elif not priors.linked and passage.topic is not None and passage.topic == priors.conversation:
            total[row] += weights.conversation
    return total


def _topic(priors: Priors) -> str | None:
    """The topic the message is about: the surest one it names, else the conversation's."""
    if priors.linked:
        return max(priors.linked, key=lambda k: priors.linked[k])
    return priors.conversation


def decide(index: Index, text: str, priors: Priors, weights: Strategy | None = None) -> Decision:
    weights = _active if weights is None else weights
    if weights == "grid":
        return grid(index, priors)
    assert isinstance(weights, Weights)
    total = scores(index, text, priors, weights)
    order = np.argsort(-total, kind="stable")
    best = float(total[order[0]])
    topic = _topic(priors)
    if best < weights.answer_at:
        return Decision("unknown", topic=topic)
    close = [index.passages[i] for i in order[:MAX_CHOICES] if best - float(total[i]) < weights.margin]
    if len(close) > 1:
        return Decision("choose", close)
    return Decision("answer", [index.passages[order[0]]])


def grid(index: Index, priors: Priors) -> Decision:
    """The old way, for comparison: the named (or current) topic × the top intent's question kind."""
    top = priors.ranking[0][0] if priors.ranking else None
    topic = _topic(priors)
    if top not in ASPECT_OF_INTENT:
        return Decision("unknown", topic=topic)
    aspect = ASPECT_OF_INTENT[top]
    if aspect == "partnerships":
        topic = None
    for row in index.by_topic.get(topic, []):
        if index.passages[row].aspect == aspect:
            return Decision("answer", [index.passages[row]])
    return Decision("unknown", topic=topic)
