"""Retention on a real SQLite tracker database written by Rasa's SQLTrackerStore."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from kari import cli, retention

DAY = 86400.0


def _conversation(sender: str, *ages_in_days: float) -> DialogueStateTracker:
    now = time.time()
    events = []
    for age in ages_in_days:
        ts = now - age * DAY
        events += [
            ActionExecuted("action_listen", timestamp=ts),
            UserUttered("kva kostar barnehage", timestamp=ts + 1),
            BotUttered("Sjå prislista.", timestamp=ts + 2),
        ]
    return DialogueStateTracker.from_events(sender, events)


@pytest.fixture()
def tracker_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A tracker DB with: old (40 days), fresh (1 day), revived (first 90 days ago, last 2 days ago)."""
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(dialect="sqlite", db=str(db))

    async def fill() -> None:
        await store.save(_conversation("old", 40))
        await store.save(_conversation("fresh", 1))
        await store.save(_conversation("revived", 90, 2))

    asyncio.run(fill())
    store.engine.dispose()
    monkeypatch.setenv("KARI_TRACKER_DB_URL", f"sqlite:///{db}")
    monkeypatch.delenv("KARI_RETENTION_DAYS", raising=False)
    return db


def _senders(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id").fetchall())


def test_deletes_only_conversations_idle_longer_than_the_limit(tracker_db: Path, capsys):
    assert set(_senders(tracker_db)) == {"old", "fresh", "revived"}
    assert retention.main([]) == 0
    assert set(_senders(tracker_db)) == {"fresh", "revived"}
    assert _senders(tracker_db)["revived"] == 6, "an active conversation keeps its old events too"
    out = capsys.readouterr().out
    assert "Deleted 1 conversation(s) (3 event(s))" in out and "30 days" in out


def test_days_from_env_and_flag(tracker_db: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("KARI_RETENTION_DAYS", "50")
    assert retention.main([]) == 0
    assert set(_senders(tracker_db)) == {"old", "fresh", "revived"}
    assert retention.main(["--days", "1.5"]) == 0
    assert set(_senders(tracker_db)) == {"fresh"}
    assert "Deleted 2 conversation(s) (9 event(s))" in capsys.readouterr().out


def test_dry_run_only_counts(tracker_db: Path, capsys):
    assert retention.main(["--days", "1.5", "--dry-run"]) == 0
    assert "Would delete 2 conversation(s) (9 event(s))" in capsys.readouterr().out
    assert set(_senders(tracker_db)) == {"old", "fresh", "revived"}


def test_rasa_can_still_read_what_is_left(tracker_db: Path):
    retention.main([])
    store = SQLTrackerStore(dialect="sqlite", db=str(tracker_db))

    async def read():
        return sorted(await store.keys()), await store.retrieve("old")

    keys, old = asyncio.run(read())
    store.engine.dispose()
    assert keys == ["fresh", "revived"]
    assert old is None


def test_via_python_m_kari(tracker_db: Path, capsys):
    assert cli.main(["retention", "--days", "10"]) == 0
    assert "Deleted 1 conversation(s)" in capsys.readouterr().out


def test_delete_conversation_forget_me(tracker_db: Path):
    assert retention.delete_conversation("fresh") == 3
    assert set(_senders(tracker_db)) == {"old", "revived"}
    assert retention.delete_conversation("fresh") == 0
    assert retention.delete_conversation("nobody") == 0


def test_missing_database_is_a_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    db = tmp_path / "var" / "tracker.db"
    monkeypatch.setenv("KARI_TRACKER_DB_URL", f"sqlite:///{db}")
    assert retention.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nothing to delete: no tracker database at") and str(db) in out
    assert not db.exists(), "retention must not create an empty database"
    assert retention.delete_conversation("x") == 0


def test_database_without_events_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    db = tmp_path / "other.db"
    sqlite3.connect(db).execute("CREATE TABLE t (x INTEGER)").connection.close()
    monkeypatch.setenv("KARI_TRACKER_DB_URL", f"sqlite:///{db}")
    assert retention.main([]) == 0
    assert "no 'events' table" in capsys.readouterr().out


@pytest.mark.parametrize("env,argv", [("abc", []), ("30", ["--days", "0"]), ("-5", [])])
def test_bad_days_are_refused(tracker_db: Path, monkeypatch: pytest.MonkeyPatch, capsys, env, argv):
    monkeypatch.setenv("KARI_RETENTION_DAYS", env)
    assert retention.main(argv) == 2
    assert "error:" in capsys.readouterr().err
    assert set(_senders(tracker_db)) == {"old", "fresh", "revived"}


def test_bad_url_is_a_clear_error_without_password(monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("KARI_TRACKER_DB_URL", "not a url")
    assert retention.main([]) == 2
    assert "not a valid database URL" in capsys.readouterr().err
    monkeypatch.setenv("KARI_TRACKER_DB_URL", "postgresql://kari:hemmeleg@127.0.0.1:1/rasa")
    assert retention.main([]) == 1
    err = capsys.readouterr().err
    assert "could not use the tracker database" in err and "hemmeleg" not in err
