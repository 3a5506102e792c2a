"""Does a message read like the emergency examples, though no pattern matched? Nearest examples by meaning.

The emergency patterns (`kari.conversation.emergency`) are precise but miss what nobody wrote a pattern
for ("det pumpar ut blod", "ein tankbil har velta og det luktar kjemisk"). Here the message is compared
with every intent example by meaning (multilingual-e5-small, `kari.knowledge.vectors`); it reads like an
emergency when most of its nearest examples are emergencies. Such a message is answered as usual, but the
reply opens with the emergency numbers: a false alarm costs the citizen one line, a missed emergency could
cost much more. Measured on emergencies and calm health questions written independently of the training
data (tests/answers/dev/w7.yml and w8.yml; README, "Emergencies"): 7 nearest, 4 of them emergencies.

The examples' vectors are made when training (`kari.nlu.alarm`, about 40 s) and stored in the model as
plain arrays. The action server reads them from the model file (`for_model`), so the decision reuses the
query vector the answer search computes anyway: one embedding per message, not one in Rasa and one here.
"""

from __future__ import annotations

import io
import logging
import os
import tarfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Optional, Union

import numpy as np

from kari.knowledge import vectors

log = logging.getLogger(__name__)
VECTORS_FILE = "examples.npz"
COMPONENT = "EmergencyNeighbours"  # the component's folder in a model file: train_kari.nlu.alarm.EmergencyNeighbours8


def citizens_words(text: str) -> bool:
    """Is there something to compare? Not an empty message, nor a button's payload ("/ask_price…")."""
    return bool(text.strip()) and not text.startswith("/")


@dataclass(frozen=True)
class Neighbours:
    vectors: np.ndarray  # (examples, 384) float32, L2-normalised
    is_emergency: np.ndarray  # (examples,) bool
    k: int = 5  # nearest examples looked at
    needed: int = 3  # how many of them must be emergencies

    def likely(self, text: str) -> bool:
        if not citizens_words(text):
            return False
        similarity = self.vectors @ vectors.query(text)
        k = min(self.k, len(similarity))
        nearest = np.argpartition(-similarity, k - 1)[:k]
        return int(self.is_emergency[nearest].sum()) >= self.needed

    def save(self, file: Union[Path, IO[bytes]]) -> None:
        np.savez(
            file,
            vectors=self.vectors.astype(np.float16),  # half the size; the ranking of neighbours is the same
            is_emergency=self.is_emergency,
            k=np.int32(self.k),
            needed=np.int32(self.needed),
        )

    @classmethod
    def load(cls, file: Union[Path, IO[bytes]]) -> "Neighbours":
        with np.load(file, allow_pickle=False) as stored:
            counts = [int(stored[key]) for key in ("k", "needed") if key in stored]  # models before 2026-11-30: none
            return cls(stored["vectors"].astype(np.float32), stored["is_emergency"].astype(bool), *counts)


def in_model_file(model: Path) -> Optional[Neighbours]:
    """The neighbours a trained Rasa model file (.tar.gz) carries; None when it has none."""
    with tarfile.open(model, "r:gz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(f"/{VECTORS_FILE}") and COMPONENT in member.name:
                data = archive.extractfile(member)
                return Neighbours.load(io.BytesIO(data.read())) if data else None
    return None


_lock = threading.Lock()
_loaded: dict[str, tuple[tuple[int, int], Optional[Neighbours]]] = {}  # path → (file's identity, neighbours)


def for_model(model: Optional[Path] = None) -> Optional[Neighbours]:
    """The neighbours of the model Rasa serves (KARI_MODEL, else the newest in models/), read again
    when staff retrain and the file is replaced. None, with one warning, when there is no usable model."""
    if model is None:
        from kari.stack import latest_model  # the launcher's rule for "the model", not its processes

        model = Path(os.environ["KARI_MODEL"]) if os.environ.get("KARI_MODEL") else latest_model()
    try:
        stat = model.stat()
        identity = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        identity = (0, 0)
    with _lock:
        known = _loaded.get(str(model))
        if known is None or known[0] != identity:
            try:
                found = in_model_file(model) if identity != (0, 0) else None
            except (OSError, tarfile.TarError, ValueError, KeyError) as exc:
                log.warning("emergency neighbours: cannot read %s: %s", model, exc)
                found = None
            if found is None:
                log.warning("emergency neighbours: none in %s; only the emergency patterns raise an alarm", model)
            known = _loaded[str(model)] = (identity, found)
        return known[1]


def likely(text: str, model: Optional[Path] = None) -> bool:
    """For the action server: does `text` read like an emergency, by the served model's examples?"""
    neighbours = for_model(model)
    return neighbours is not None and neighbours.likely(text)
