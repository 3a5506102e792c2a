"""Issue 13, failures 2 and 9: Kari's tracker store (kari/tracker_store.py) on a real SQLite file.

- WAL mode with a busy timeout; a store that cannot be written raises TrackerStoreUnavailable
  (never Rasa's silent in-memory fallback), at start-up with one clear line from `Stack`;
- however long the conversation, Rasa loads a bounded history, with every slot carried over.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from kari.stack import Stack, StackError
from kari.tracker_store import KariTrackerStore, TrackerStoreUnavailable

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [ask]
slots:
  topic: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  malform: {type: text, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_x: [{text: x}]
""")


def _store(path: Path, **kwargs) -> KariTrackerStore:
    return KariTrackerStore(domain=DOMAIN, host=f"sqlite:///{path}", **kwargs)


def _turn(tracker: DialogueStateTracker, i: int) -> None:
    tracker.update(UserUttered(f"spørsmål {i}", {"name": "ask", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_answer"))
    tracker.update(BotUttered(f"svar {i}"))
    tracker.update(ActionExecuted("action_listen"))


def test_sqlite_is_in_wal_mode_with_a_busy_timeout(tmp_path):
    store = _store(tmp_path / "t.db", busy_timeout=1.5)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1500


def test_a_locked_store_fails_loudly_after_the_busy_timeout(tmp_path):
    db = tmp_path / "t.db"
    store = _store(db, busy_timeout=0.5)
    tracker = DialogueStateTracker.from_events("a", [ActionExecuted("action_listen")], DOMAIN.slots)
    _turn(tracker, 1)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(TrackerStoreUnavailable):
            asyncio.run(store.save(tracker))
        assert time.monotonic() - started < 2
        # a reader is not blocked by the writer (WAL)
        assert asyncio.run(store.retrieve("nobody")) is None
    finally:
        other.execute("ROLLBACK")
        other.close()
    asyncio.run(store.save(tracker))
    assert len(asyncio.run(store.retrieve("a")).events) == len(tracker.events)


def test_an_unwritable_store_is_refused_at_start(tmp_path):
    with pytest.raises(TrackerStoreUnavailable):
        KariTrackerStore(host="sqlite:////proc/no-such-dir/tracker.db")
    stack = Stack(var_dir=tmp_path, extra_env={"KARI_TRACKER_DB_URL": "sqlite:////proc/no-such-dir/tracker.db"})
    with pytest.raises(StackError) as error:
        stack.check_tracker_store()
    assert "\n" not in str(error.value) and "KARI_TRACKER_DB_URL" in str(error.value)


def test_long_conversations_load_a_bounded_history_with_every_slot(tmp_path):
    store = _store(tmp_path / "t.db", max_session_events=60)
    tracker = DialogueStateTracker.from_events("long", [ActionExecuted("action_listen")], DOMAIN.slots)
    sizes = []
    for i in range(300):
        if i == 5:
            tracker.update(SlotSet("malform", "nb"))
        tracker.update(SlotSet("topic", f"tema-{i % 7}"))
        _turn(tracker, i)
        asyncio.run(store.save(tracker))
        tracker = asyncio.run(store.retrieve("long"))
        sizes.append(len(tracker.events))
    assert max(sizes[250:]) <= 60 + 12, max(sizes[250:])
    assert tracker.get_slot("malform") == "nb" and tracker.get_slot("topic") == f"tema-{299 % 7}"
    assert tracker.latest_message.text == "spørsmål 299"  # the last turn is carried over
    # every event is kept in the table (retention and "Gløym meg" delete them)
    with sqlite3.connect(tmp_path / "t.db") as conn:
        users = conn.execute("SELECT count(*) FROM events WHERE type_name = 'user'").fetchone()[0]
    assert users >= 300


def test_a_stored_conversation_reads_back_as_rasa_reads_it_and_an_unreadable_row_is_skipped(tmp_path, caplog):
    from rasa.shared.core.events import deserialise_events

    from kari.tracker_store import deserialise

    tracker = DialogueStateTracker("citizen", DOMAIN.slots)
    for i in range(3):
        _turn(tracker, i)
    tracker.update(SlotSet("topic", "barnehage"))
    stored = [e.as_dict() for e in tracker.events]
    assert deserialise(stored) == deserialise_events(stored)
    assert deserialise(stored + [{"event": "no_such_event", "timestamp": 1.0}]) == deserialise_events(stored)
    assert "unreadable_event type=no_such_event" in caplog.text
    store = _store(tmp_path / "t.db")
    asyncio.run(store.save(tracker))
    back = asyncio.run(store.retrieve("citizen"))
    assert list(back.events) == list(tracker.events) and back.get_slot("topic") == "barnehage"
