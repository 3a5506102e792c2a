"""A value built from the knowledge base, cached per database until its content version moves.

Database triggers bump `kb_meta.content_version` on every change to the content, so the topic linker
and the search index can keep their indexes in memory and still see a staff edit at the next message.
"""

from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kari.knowledge.models import Meta

T = TypeVar("T")
# Read twice every turn (linker and search): the statement is built once.
CONTENT_VERSION = select(Meta.content_version).where(Meta.id == 1)


class PerContentVersion(Generic[T]):
    def __init__(self, build: Callable[[Session], T]) -> None:
        self._build = build
        self._cache: dict[str, tuple[int, T]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session) -> T:
        version = session.execute(CONTENT_VERSION).scalar()
        url = str(session.get_bind().url)
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and version is not None and cached[0] == version:
                return cached[1]
        value = self._build(session)
        if version is not None:
            with self._lock:
                self._cache[url] = (version, value)
        return value
