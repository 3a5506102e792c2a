"""Search over answer passages: which answer in the whole knowledge base fits a citizen's message?

Every answer Kari can give is a passage: each topic × aspect with a stored text, plus the derived ones
(a topic's web address, a partner's project list, a project's partner, the list of partnerships). A
passage is found through its topic's names and aliases, its text in both written standards, the words
that ask for its kind of question, and the example questions staff add to it.

Three scores per passage, all cosine similarities: how well the message names the passage's topic
(lexical, against the topic's names and aliases), how well it asks what the passage answers (lexical,
against the passage's text in both standards, the words of its question kind and its example questions)
and how close it is in meaning (dense: multilingual-e5-small vectors, `vectors.py`). Lexical is tf-idf
of character 3–5-grams and of words over folded, stemmed text, so typos and inflections still share most
n-grams. The caller mixes them with its priors (`kari.conversation.ranking`).

The index is cached per database and rebuilt when `kb_meta.content_version` changes (database
triggers bump it on every change to topics, aliases, answers and example questions); dense vectors
of unchanged passages come from a cache, so a rebuild after one edit embeds one passage.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import select
from sqlalchemy.orm import Session

from kari.knowledge import vectors
from kari.knowledge.answers import answer
from kari.knowledge.kinds import BY_ASPECT
from kari.knowledge.models import Alias, Answer, ExampleQuestion, Topic
from kari.knowledge.textnorm import stem, tokens
from kari.knowledge.versioned import PerContentVersion

# Function words (Nynorsk, Bokmål, dialect, English), folded: they say nothing about what is asked.
FUNCTION_WORDS = frozenset(
    """
a ag al all alle alt an and ar are at av bare berre bli blir ble blitt by da dag de dei deg dei dem den
denne der dere dersom desse dette di din dine dit du e eg ei ein eit eller elles en er et ett etter for fra
fraa fri ha hadde han har hatt hei hen her hjelp ho hoss hun hva hvem hver hvilke hvis hvor hvordan hvorfor
i ikkje ikke inn itte ja jeg ka kan kem kor korleis kossen kva kvar kven kvifor kje ma man me meg men mi
mine mitt mot mykje mye min ne nei noe noen noko nokon nokre nar naa no og ogsa om opp oss pa seg selv si
sin sine sitt sjolv ska skal skulle slik so som sa takk te til ut var vart ve vere vi vil ville vaere
about am an any can could do does for from have hello hi how i in is it me my of on or please the there this
to what when where which who why with you your""".split()
)
PARTNERSHIPS = "partnerships"  # the one passage without a topic
DERIVED = ("web", "projects", "partner", PARTNERSHIPS)


@dataclass(frozen=True)
class Passage:
    topic: str | None  # topic key (None: the list of partnerships)
    aspect: str
    kind: str  # the topic's kind (partner, project, service, municipality)
    name_nn: str
    name_nb: str
    text_nn: str  # the reply, composed by kari.knowledge.answers
    text_nb: str
    items: tuple[str, ...]  # topics a list reply shows, in order ("den første")
    derived: bool  # composed from the topic's facts (web address, partner, project list)

    def text(self, malform: str) -> str:
        return self.text_nb if malform == "nb" else self.text_nn

    def name(self, malform: str) -> str:
        return self.name_nb if malform == "nb" else self.name_nn


class _Lexical:
    """tf-idf of character n-grams and of words, averaged: cosine of a text to every document."""

    def __init__(self, docs: list[str]) -> None:
        self.documents = len(docs)
        self.vectorisers = []  # (analyser, vocabulary, idf, feature → its weight in each document)
        for vectorizer in (
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
            TfidfVectorizer(analyzer="word", token_pattern=r"[0-9a-z]+", sublinear_tf=True),
        ):
            by_feature = vectorizer.fit_transform(docs).T.tocsr()
            self.vectorisers.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, by_feature))

    def similarity(self, folded: str) -> np.ndarray:
        """What `TfidfVectorizer.transform` and a product give, for one text without scikit-learn's
        checks and sparse matrices around it: a third of the action server's search time (issue 16)."""
        total = np.zeros(self.documents)
        for analyse, vocabulary, idf, by_feature in self.vectorisers:
            counts = Counter(vocabulary[f] for f in analyse(folded) if f in vocabulary)
            if counts:
                ids = np.fromiter(counts, dtype=np.intp, count=len(counts))
                tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))  # sublinear
                weights = tf * idf[ids]
                total += (weights / np.linalg.norm(weights)) @ by_feature[ids]
        return 0.5 * total


@dataclass(frozen=True)
class Scores:
    topic: np.ndarray  # the message names the passage's topic
    body: np.ndarray  # the message asks what the passage answers
    dense: np.ndarray  # the message means what the passage says
    cues: np.ndarray  # words of the passage's question kind in the message (0–1)
    covered: np.ndarray  # share of the message's content words found in the passage (names and text)


@dataclass
class Index:
    passages: list[Passage]
    topics: _Lexical  # one document per topic (names and aliases)
    topic_row: np.ndarray  # passage → its topic's document
    bodies: _Lexical  # one document per passage
    dense: np.ndarray  # (vectors, 384)
    dense_owner: np.ndarray  # passage row of each dense vector (several per passage)
    by_topic: dict[str | None, list[int]]
    cue_words: dict[str, frozenset[str]]  # aspect → the stems that ask for it
    vocabulary: list[frozenset[str]]  # passage → the stems of its topic's names and its text
    asked: dict[str, int]  # a staff example question (normalised) → its passage's row

    def staff_example(self, text: str) -> Passage | None:
        """The passage staff attached this very question to (word for word, after normalising)."""
        row = self.asked.get(normalise(text))
        return self.passages[row] if row is not None else None

    @cached_property
    def all_cues(self) -> frozenset[str]:
        return frozenset().union(*self.cue_words.values())

    @cached_property
    def own_cues(self) -> dict[str, frozenset[str]]:
        """aspect → its cue words no other kind shares ("gratis" names the price; "når" names none)."""
        counts = Counter(w for cues in self.cue_words.values() for w in cues)
        return {aspect: frozenset(w for w in cues if counts[w] == 1) for aspect, cues in self.cue_words.items()}

    def scores(self, text: str, *, dense: bool = True) -> Scores:
        """Similarity of `text` to every passage; dense is zeros when turned off."""
        folded = normalise(text)
        topic = self.topics.similarity(folded)[self.topic_row]
        near = np.zeros(len(self.passages), dtype=np.float32)
        if dense and len(self.dense):
            sims = self.dense @ vectors.query(text)
            np.maximum.at(near, self.dense_owner, sims)  # a passage is as close as its closest text
        words = set(folded.split())
        cues = np.zeros(len(self.passages), dtype=np.float32)
        for word in words & self.all_cues:
            cues[self.rows_cued_by.get(word, [])] = 1.0
        content = {w for w in words if w not in FUNCTION_WORDS and w not in self.all_cues and len(w) > 2}
        covered = np.zeros(len(self.passages), dtype=np.float32)
        for word in content:
            covered[self.rows_with_word.get(word, [])] += 1.0
        covered = covered / len(content) if content else covered + 1.0
        return Scores(topic, self.bodies.similarity(folded), near, cues, covered)

    @cached_property
    def rows_cued_by(self) -> dict[str, list[int]]:
        """A cue word → the passages whose question kind it asks for."""
        rows = defaultdict(list)
        for row, passage in enumerate(self.passages):
            for word in self.cue_words[passage.aspect]:
                rows[word].append(row)
        return dict(rows)

    @cached_property
    def rows_with_word(self) -> dict[str, list[int]]:
        """A stem → the passages whose vocabulary holds it."""
        rows = defaultdict(list)
        for row, vocabulary in enumerate(self.vocabulary):
            for word in vocabulary:
                rows[word].append(row)
        return dict(rows)


def normalise(text: str) -> str:
    """Folded text with each word stemmed: what both lexical vectorisers read."""
    return " ".join(stem(t) for t in tokens(text))


def _texts(session: Session) -> tuple[list[Passage], list[str], list[str], list[list[str]], list[list[str]]]:
    """The passages, the names of each one's topic, the lexical text of each, the texts whose vectors
    stand for each, and each one's staff example questions."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for tid, alias in session.execute(select(Alias.topic_id, Alias.text)):
        aliases[tid].append(alias)
    examples: dict[tuple[int, str], list[str]] = defaultdict(list)
    for tid, aspect, question in session.execute(
        select(ExampleQuestion.topic_id, ExampleQuestion.aspect, ExampleQuestion.text)
    ):
        examples[(tid, aspect)].append(question)
    stored: dict[int, set[str]] = defaultdict(set)
    for tid, aspect in session.execute(select(Answer.topic_id, Answer.aspect)):
        stored[tid].add(aspect)

    passages: list[Passage] = []
    names_of: list[str] = []
    lexical: list[str] = []
    dense: list[list[str]] = []
    asked_of: list[list[str]] = []

    def add(topic: Topic | None, aspect: str, names: list[str], kind: str) -> None:
        key = topic.key if topic is not None else None
        nn, nb = answer(session, key, aspect, "nn"), answer(session, key, aspect, "nb")
        if not (nn.found or nb.found):
            return
        name_nn = topic.name("nn") if topic is not None else nn.text.split("\n")[0]
        name_nb = topic.name("nb") if topic is not None else nb.text.split("\n")[0]
        derived = aspect in DERIVED and topic is not None  # the partnerships list is nobody's side dish
        passages.append(Passage(key, aspect, kind, name_nn, name_nb, nn.text, nb.text, nn.items, derived))
        asked = examples.get((topic.id, aspect), []) if topic is not None else []
        body = list(dict.fromkeys([_without_source(nn.text), _without_source(nb.text)]))
        names_of.append(" ".join(names))
        lexical.append(" ".join([BY_ASPECT[aspect].cues] + body + asked))
        title = names[0] if names else ""
        dense.append([f"{title}: {b}" for b in body] + asked)
        asked_of.append(asked)

    topics = session.execute(select(Topic).order_by(Topic.key)).scalars().all()
    for topic in topics:
        names = list(dict.fromkeys([topic.name_nn, topic.name_nb] + aliases.get(topic.id, [])))
        derived = (
            ["web"]
            + (["projects"] if topic.kind == "partner" else [])
            + (["partner"] if topic.kind in ("project", "partner") else [])
        )
        for aspect in sorted(stored.get(topic.id, set())) + derived:
            add(topic, aspect, names, topic.kind)
    add(None, PARTNERSHIPS, [], "municipality")
    return passages, names_of, lexical, dense, asked_of


def _without_source(text: str) -> str:
    """The reply without its source line (an address says nothing about the question)."""
    return "\n".join(line for line in text.split("\n") if "://" not in line)


def build(session: Session) -> Index:
    passages, names, lexical_texts, dense_texts, asked_of = _texts(session)
    topic_docs = list(dict.fromkeys(names))
    topic_row = np.asarray([topic_docs.index(n) for n in names], dtype=np.int64)
    owners = [row for row, texts in enumerate(dense_texts) for _ in texts]
    flat = [text for texts in dense_texts for text in texts]
    by_topic: dict[str | None, list[int]] = defaultdict(list)
    for row, passage in enumerate(passages):
        by_topic[passage.topic].append(row)
    bodies = [normalise(t) for t in lexical_texts]
    vocabulary = [frozenset((normalise(n) + " " + b).split()) for n, b in zip(names, bodies)]
    return Index(
        passages,
        _Lexical([normalise(n) or "-" for n in topic_docs]),
        topic_row,
        _Lexical(bodies),
        vectors.passages(flat),
        np.asarray(owners, dtype=np.int64),
        dict(by_topic),
        {aspect: frozenset(normalise(kind.cues).split()) for aspect, kind in BY_ASPECT.items()},
        vocabulary,
        {normalise(q): row for row, questions in enumerate(asked_of) for q in questions},
    )


_indexes = PerContentVersion(build)


def index(session: Session) -> Index:
    """The search index of the current content (rebuilt when the content version moved)."""
    return _indexes.get(session)
