"""Engine, sessions and schema upgrades for the knowledge base.

`KARI_DATABASE_URL` picks the database (SQLite or PostgreSQL); the default is a SQLite file under
`<repo>/var/`. One engine per URL per process; the schema is upgraded the first time an engine is made.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_URL = f"sqlite:///{REPO / 'var' / 'kari.db'}"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


class KnowledgeBaseUnavailable(RuntimeError):
    """The database is missing, unreachable or has a schema this code cannot use (one clear line)."""


def database_url() -> str:
    return os.environ.get("KARI_DATABASE_URL") or DEFAULT_URL


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed URL is reported elsewhere; never echo secrets
        return "<unparsable database URL>"


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        # Busy timeout below the channel's 4 s reply limit: a locked file gives the polite
        # "knowledge base unavailable" answer in time instead of "no answer" (issue 13).
        # A pool of open connections (SQLAlchemy 1.4 would open and set up one for every session).
        engine = create_engine(
            url, future=True, connect_args={"timeout": 2.5, "check_same_thread": False}, poolclass=QueuePool
        )

        # pysqlite's own transaction handling skips BEGIN before DDL; take over so that imports and
        # schema upgrades are really atomic (SQLAlchemy's documented recipe), and enforce foreign keys.
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            # WAL: the action server keeps reading while an import or an edit commits.
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            # WAL's recommended durability: a commit survives a crash of Kari, only a power cut may
            # lose the last edits; no fsync on every commit (feedback, staff edits).
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN")

        return engine
    connect_args = {"connect_timeout": 5} if u.get_backend_name() == "postgresql" else {}
    return create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)


def get_engine(url: str | None = None, *, create: bool = False) -> Engine:
    """The process-wide engine for `url` (default: KARI_DATABASE_URL), with the schema up to date.

    A missing SQLite file is created only with `create=True` (the import does that); otherwise
    KnowledgeBaseUnavailable says to run the import first.
    """
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is not None:
            return engine
        try:
            path = _sqlite_path(url)
        except Exception as exc:
            raise KnowledgeBaseUnavailable(f"KARI_DATABASE_URL is not a valid database URL: {exc}") from None
        if path is not None:
            if not path.exists():
                if not create:
                    raise KnowledgeBaseUnavailable(f"no knowledge base at {path}; run `python -m kari kb import` first")
                path.parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = _make_engine(url)
        except Exception as exc:  # unknown driver, bad options …
            raise KnowledgeBaseUnavailable(f"cannot use database {describe(url)}: {exc}") from None
        try:
            upgrade(engine)
        except KnowledgeBaseUnavailable:
            engine.dispose()
            raise
        except (OperationalError, DBAPIError) as exc:
            engine.dispose()
            reason = database_reason(exc)
            raise KnowledgeBaseUnavailable(f"cannot reach the knowledge base at {describe(url)}: {reason}") from None
        _engines[url] = engine
        return engine


def database_reason(exc: BaseException) -> str:
    """The first line of the driver's message (what an operator can act on), else the error's name."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return detail[0] if detail else type(exc).__name__


def upgrade(engine: Engine) -> int:
    """Apply pending schema migrations; returns the schema version now in the database."""
    from kari.knowledge.migrations import upgrade as _upgrade

    return _upgrade(engine)


@contextmanager
def session_scope(url: str | None = None, *, create: bool = False) -> Iterator[Session]:
    """A Session on the process-wide engine; commits on success, rolls back on error."""
    engine = get_engine(url, create=create)
    with Session(engine, future=True) as session:
        with session.begin():
            yield session


def dispose_engines() -> None:
    """Close every cached engine (tests; a process that changes KARI_DATABASE_URL)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def ping(session: Session) -> None:
    session.execute(text("SELECT 1"))
