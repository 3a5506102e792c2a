"""Rasa's SQL tracker store, made safe for an embedded SQLite file and for long conversations.

Registered in endpoints.yml as `type: kari.tracker_store.KariTrackerStore`. Compared with Rasa's
`SQLTrackerStore` it:
- puts SQLite in WAL mode with a busy timeout, so readers never wait for a writer and a writer
  waits at most `busy_timeout` seconds for another;
- reads and writes in a worker thread, so a slow or locked database never stalls Rasa's event loop;
- raises `TrackerStoreUnavailable` when the store cannot be used. It derives from BaseException
  on purpose: Rasa's FailSafeTrackerStore catches every Exception and then silently keeps the
  conversation in memory (or, on a failed read, starts it afresh); this one reaches the input
  channel instead, which tells the citizen politely and stores nothing. At start-up it stops Rasa
  instead of Rasa falling back to an in-memory store;
- keeps a pool of open SQLite connections and indexes the lookups of every turn (issue 16);
- keeps the stored conversation short: once the current session holds more than
  `max_session_events` events, it stores a new session that carries over every slot and the last
  turn, so Rasa loads and featurises a bounded history however long the conversation gets (all
  events stay in the table until retention or "Gløym meg" deletes them).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from typing import Any, Dict, Iterable, List, Optional, Text, Type

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT = 2.0
DEFAULT_MAX_SESSION_EVENTS = 60  # about ten turns: turn 300 costs what turn 10 does (issue 16)
INDEXES = {
    "ix_events_sender_type_time": ("sender_id", "type_name", "timestamp"),
    "ix_events_sender_time": ("sender_id", "timestamp"),
}


@functools.lru_cache(maxsize=None)
def _event_class(type_name: Text) -> Optional[Type[Event]]:
    try:
        return Event.resolve_by_type(type_name)
    except ValueError:
        return None


def deserialise(stored: List[Dict[Text, Any]]) -> List[Event]:
    """Rasa's `deserialise_events`, with each event type looked up once per process: Rasa walks every
    Event subclass for every stored event, 1.6 ms of each turn here (issue 16, bench/PROFILE.md)."""
    events = []
    for data in stored:
        cls = _event_class(data.get("event"))
        event = cls._from_parameters(data) if cls else None
        if event is None:
            logger.warning("kari.tracker_store.unreadable_event type=%s", data.get("event"))
        else:
            events.append(event)
    return events


class TrackerStoreUnavailable(BaseException):
    """The conversation store cannot be read or written (locked, read-only, unreachable)."""


def _describe(url: str) -> str:
    try:
        return repr(sa.engine.make_url(url))  # hides the password
    except Exception:  # noqa: BLE001 - only for a message
        return "the configured database"


class KariTrackerStore(SQLTrackerStore):
    """SQLTrackerStore with WAL, a busy timeout, work off the event loop and bounded sessions."""

    def __init__(
        self,
        domain: Optional[Any] = None,
        host: Optional[Text] = None,
        event_broker: Optional[Any] = None,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        max_session_events: int = DEFAULT_MAX_SESSION_EVENTS,
        **kwargs: Any,
    ) -> None:
        url = str(host or "sqlite:///rasa.db")
        self.busy_timeout = float(busy_timeout)
        self.max_session_events = int(max_session_events)
        kwargs = {k: v for k, v in kwargs.items() if k in ("retrieve_events_from_previous_conversation_sessions",)}
        self.engine = self.make_engine(url, self.busy_timeout)
        try:
            self.Base.metadata.create_all(self.engine)
            self.create_indexes(self.engine)
            # A write that changes nothing: is the store writable? (No channel sender has "#";
            # PostgreSQL refuses NUL in text.)
            with self.engine.begin() as conn:
                conn.execute(
                    sa.delete(self.SQLEvent.__table__).where(self.SQLEvent.__table__.c.sender_id == "#kari-probe")
                )
        except sa.exc.SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise TrackerStoreUnavailable(f"cannot write the conversation store {_describe(url)}: {detail}") from None
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        TrackerStore.__init__(self, domain, event_broker, **kwargs)

    @classmethod
    def create_indexes(cls, engine: sa.engine.Engine) -> None:
        """Indexes for the two lookups of every turn, so their cost does not grow with the length of
        the conversation (Rasa indexes sender_id alone): the start of the current session (latest
        session_started of a sender) and that session's events (a sender's events from a time on)."""
        table = cls.SQLEvent.__table__.name
        with engine.begin() as conn:
            for name, columns in INDEXES.items():  # IF NOT EXISTS: SQLite and PostgreSQL alike
                conn.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})"))

    @staticmethod
    def make_engine(url: str, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> sa.engine.Engine:
        if not url.startswith("sqlite"):
            return sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        # A pool of open connections: SQLAlchemy 1.4 opens (and sets up) a new SQLite connection for
        # every session of a file database otherwise, two per turn (issue 16).
        engine = sa.create_engine(
            url,
            connect_args={"timeout": busy_timeout, "check_same_thread": False},
            poolclass=sa.pool.QueuePool,
        )

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            mode = dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")

        return engine

    # --- off the event loop ------------------------------------------------------------------
    async def _off_loop(self, function: Any, *args: Any) -> Any:
        try:
            return await asyncio.get_running_loop().run_in_executor(None, function, *args)
        except sa.exc.SQLAlchemyError as exc:
            logger.error("kari.tracker_store.unavailable error=%s", type(exc).__name__)
            raise TrackerStoreUnavailable(type(exc).__name__) from None

    async def keys(self) -> Iterable[Text]:
        return await self._off_loop(self._keys_sync)

    def _keys_sync(self) -> List[Text]:
        with self.session_scope() as session:
            return [sender for (sender,) in session.query(self.SQLEvent.sender_id).distinct().all()]

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._off_loop(self._retrieve_sync, sender_id, False)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        return await self._off_loop(self._retrieve_sync, conversation_id, True)

    def _retrieve_sync(self, sender_id: Text, all_sessions: bool) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = session.execute(self._events(sender_id, all_sessions, self.table.c.data)).all()
        events = [json.loads(data) for (data,) in rows]
        if self.domain and events:
            return DialogueStateTracker.from_events(sender_id, deserialise(events), self.domain.slots)
        return None

    @property
    def table(self) -> sa.Table:
        return self.SQLEvent.__table__

    def _events(self, sender_id: Text, all_sessions: bool, *columns: Any) -> Any:
        """Rasa's `_event_query` as a plain SELECT of `columns`: a sender's events (of the current
        session only, unless `all_sessions`) in the order stored. Reading the JSON column alone, not
        ORM objects, takes a third off the store's time per turn (issue 16)."""
        table = self.table
        query = sa.select(*columns).where(table.c.sender_id == sender_id)
        if not all_sessions:
            start = (
                sa.select(sa.func.max(table.c.timestamp))
                .where(table.c.sender_id == sender_id, table.c.type_name == SessionStarted.type_name)
                .scalar_subquery()
            )
            query = query.where(sa.or_(table.c.timestamp >= start, start.is_(None)))
        return query.order_by(table.c.id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        await self._off_loop(self._save_sync, tracker)

    def _save_sync(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            counted = self._events(tracker.sender_id, False, sa.func.count()).order_by(None)
            stored = session.execute(counted).scalar_one()
            new = [event.as_dict() for event in list(tracker.events)[stored:]]
            if stored + len(new) > self.max_session_events:
                new += self.carried_over(tracker)
            if new:  # one INSERT of many rows, without building ORM objects
                session.execute(self.table.insert(), [self._row(tracker.sender_id, data) for data in new])
            session.commit()

    @staticmethod
    def _row(sender_id: Text, data: Dict[str, Any]) -> Dict[str, Any]:
        return {
            "sender_id": sender_id,
            "type_name": data["event"],
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    @staticmethod
    def carried_over(tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
        """A new session holding every set slot and the last turn (from the last user message)."""
        now = time.time()
        events: List[Any] = [ActionExecuted("action_session_start", timestamp=now), SessionStarted(timestamp=now)]
        events += [
            SlotSet(name, value, timestamp=now)
            for name, value in tracker.current_slot_values().items()
            if value is not None and name != "session_started_metadata"
        ]
        events.append(ActionExecuted("action_listen", timestamp=now))
        events_list = list(tracker.events)
        starts = [i for i, e in enumerate(events_list) if isinstance(e, UserUttered)]
        last_turn = events_list[starts[-1] :] if starts else []
        data = [e.as_dict() for e in events]
        for event in last_turn:
            copied = event.as_dict()
            copied["timestamp"] = now
            data.append(copied)
        return data
