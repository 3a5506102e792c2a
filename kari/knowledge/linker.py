"""Run-time topic linker: which partner, project or service does a question mention?

Matches topic names, keys and aliases from the CURRENT database (both written standards), tolerant of
case, punctuation, diacritics, inflection endings and one-letter typos in words of five letters or more.
The index is cached per database and rebuilt whenever `kb_meta.content_version` changes (database
triggers bump it on any change to topics or aliases), so an entry added a second ago is found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kari.knowledge.models import Alias, Topic
from kari.knowledge.textnorm import stem, tokens, within_one_edit
from kari.knowledge.versioned import PerContentVersion

FUZZY_MIN_LEN = 5
FUZZY_PENALTY = 0.5
OPTIONS_CACHE_SIZE = 50_000  # tokens
# A candidate wins outright when it beats the runner-up by at least this much.
CLEAR_MARGIN = 0.5


@dataclass(frozen=True)
class Candidate:
    key: str
    kind: str
    name_nn: str
    name_nb: str
    score: float
    matched: str = ""  # the name/alias that matched, for logs and tests

    def name(self, malform: str) -> str:
        first, second = (self.name_nb, self.name_nn) if malform == "nb" else (self.name_nn, self.name_nb)
        return first or second or self.key


@dataclass(frozen=True)
class LinkResult:
    candidates: list[Candidate] = field(default_factory=list)  # best first

    @property
    def best(self) -> Candidate | None:
        """The candidate that clearly wins, else None (nothing found, or a tie)."""
        if not self.candidates:
            return None
        if len(self.candidates) == 1 or self.candidates[0].score - self.candidates[1].score >= CLEAR_MARGIN:
            return self.candidates[0]
        return None

    @property
    def ambiguous(self) -> list[Candidate]:
        """The tied top candidates when no single one wins; empty otherwise."""
        if not self.candidates or self.best is not None:
            return []
        top = self.candidates[0].score
        return [c for c in self.candidates if top - c.score < CLEAR_MARGIN]

    def __bool__(self) -> bool:
        return bool(self.candidates)


@dataclass
class _Index:
    topics: dict[str, tuple[str, str, str]]  # key → (kind, name_nn, name_nb)
    by_first: dict[str, list[tuple[tuple[str, ...], str, str]]]  # first stem → (stems, key, phrase)
    vocab: dict[str, set[str]]  # surface token or stem → stems
    # token → `_options`: finding a typo's stems compares it with the whole vocabulary (a millisecond a
    # message); citizens' words repeat, and the index is rebuilt, cache and all, when the content changes
    known_options: dict[str, dict[str, bool]] = field(default_factory=dict)


def _phrase_stems(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokens(text))


def _build(session: Session) -> _Index:
    topics: dict[str, tuple[str, str, str]] = {}
    phrases: dict[int, list[str]] = defaultdict(list)
    keys: dict[int, str] = {}
    for tid, key, kind, nn, nb in session.execute(
        select(Topic.id, Topic.key, Topic.kind, Topic.name_nn, Topic.name_nb)
    ):
        topics[key] = (kind, nn or "", nb or "")
        keys[tid] = key
        phrases[tid] += [key.replace("-", " "), nn or "", nb or ""]
    for tid, alias in session.execute(select(Alias.topic_id, Alias.text)):
        phrases[tid].append(alias)

    by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
    vocab: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple[tuple[str, ...], str]] = set()
    for tid, texts in phrases.items():
        key = keys[tid]
        for phrase in texts:
            surface = tokens(phrase)
            stems = tuple(stem(t) for t in surface)
            if not stems or (stems, key) in seen:
                continue
            seen.add((stems, key))
            by_first[stems[0]].append((stems, key, phrase))
            for t, s in zip(surface, stems):
                vocab[t].add(s)
                vocab[s].add(s)
    return _Index(topics, dict(by_first), dict(vocab))


def _options(index: _Index, token: str) -> dict[str, bool]:
    """Stems this input token may stand for → True when only through a typo."""
    exact = stem(token)
    found: dict[str, bool] = {}
    for s in index.vocab.get(token, set()) | index.vocab.get(exact, set()) | {exact}:
        found[s] = False
    if len(token) >= FUZZY_MIN_LEN and not (index.vocab.get(token) or index.vocab.get(exact)):
        for word, stems in index.vocab.items():
            # a typo of the stem counts only for stems that long too: "døgnet" (stem "dogn") is not "dogs"
            by_stem = len(exact) >= FUZZY_MIN_LEN and within_one_edit(exact, word, typo=True)
            if len(word) >= FUZZY_MIN_LEN - 1 and (within_one_edit(token, word, typo=True) or by_stem):
                for s in stems:
                    found.setdefault(s, True)
    return found


def _cached_options(index: _Index, token: str) -> dict[str, bool]:
    found = index.known_options.get(token)
    if found is None:
        if len(index.known_options) >= OPTIONS_CACHE_SIZE:
            index.known_options.clear()
        found = index.known_options[token] = _options(index, token)
    return found


def _match(index: _Index, text: str) -> list[Candidate]:
    words = tokens(text)
    options = [_cached_options(index, w) for w in words]
    matches: list[tuple[int, int, str, float, str]] = []  # start, end, key, score, phrase
    for i, opts in enumerate(options):
        for s, fuzzy0 in opts.items():
            for stems, key, phrase in index.by_first.get(s, ()):
                end = i + len(stems)
                if end > len(words):
                    continue
                fuzzy = int(fuzzy0)
                for j in range(1, len(stems)):
                    hit = options[i + j].get(stems[j])
                    if hit is None:
                        break
                    fuzzy += int(hit)
                else:
                    matches.append((i, end, key, len(stems) - FUZZY_PENALTY * fuzzy, phrase))
    # Prefer the most specific mention: drop a match lying inside a longer match of another topic
    # ("NTNU grønn campus" is the project, not NTNU).
    kept = [
        m
        for m in matches
        if not any(o[2] != m[2] and o[0] <= m[0] and m[1] <= o[1] and (o[1] - o[0]) > (m[1] - m[0]) for o in matches)
    ]
    best: dict[str, tuple[float, str]] = {}
    for _s, _e, key, score, phrase in kept:
        if key not in best or score > best[key][0]:
            best[key] = (score, phrase)
    out = [Candidate(key, *index.topics[key], score=score, matched=phrase) for key, (score, phrase) in best.items()]
    # The municipality is the setting of every question ("barnehage i kommunen"): it is the topic
    # only when nothing else is mentioned.
    if any(c.kind != "municipality" for c in out):
        out = [c for c in out if c.kind != "municipality"]
    out.sort(key=lambda c: (-c.score, c.key))
    return out


_indexes = PerContentVersion(_build)


def _entity_values(entities: Iterable[Any]) -> list[str]:
    values = []
    for e in entities or ():
        if isinstance(e, dict):
            if e.get("entity") == "topic" and isinstance(e.get("value"), str):
                values.append(e["value"])
        elif isinstance(e, str):
            values.append(e)
    return values


def link(session: Session, text: str, entities: Iterable[Any] = ()) -> LinkResult:
    """Find the topic(s) mentioned in `text`.

    `entities`: Rasa entity dicts (only `topic` is used) or plain strings. A value that is a topic
    key wins outright; any other value is linked like text, before the text itself.
    """
    index = _indexes.get(session)
    for value in _entity_values(entities):
        key = value.strip()
        if key in index.topics:
            return LinkResult([Candidate(key, *index.topics[key], score=float("inf"), matched=key)])
    for value in _entity_values(entities):
        found = _match(index, value)
        if found:
            return LinkResult(found)
    return LinkResult(_match(index, text or ""))
