"""The channel's "forget me" hook: deletes the sender's events after the turn and says so."""

import asyncio
import sqlite3

from kari.channels.kari_channel import _forget_if_asked, _SenderMemory

FORGET = {"kari_forget": True, "done": "Samtalen din er no sletta.", "failed": "Eg fekk ikkje sletta samtalen."}


def _db(tmp_path):
    path = tmp_path / "tracker.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp REAL, data TEXT)")
        conn.executemany(
            "INSERT INTO events (sender_id, timestamp, data) VALUES (?, 1.0, '{}')", [("me",), ("me",), ("other",)]
        )
    return path


def _count(path, sender):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


def test_deletes_only_this_conversation_and_replaces_the_marker(tmp_path, monkeypatch):
    path = _db(tmp_path)
    monkeypatch.setenv("KARI_TRACKER_DB_URL", f"sqlite:///{path}")
    memory = _SenderMemory()
    memory.get("me")["malform"] = "nb"
    out = asyncio.run(_forget_if_asked("me", [{"recipient_id": "me", "custom": FORGET}], memory))
    assert out == [{"recipient_id": "me", "text": "Samtalen din er no sletta."}]
    assert _count(path, "me") == 0 and _count(path, "other") == 1
    assert memory.get("me")["malform"] is None  # the channel forgets the sender too


def test_other_replies_pass_untouched(tmp_path, monkeypatch):
    monkeypatch.setenv("KARI_TRACKER_DB_URL", f"sqlite:///{_db(tmp_path)}")
    messages = [{"recipient_id": "me", "text": "Hei!"}, {"recipient_id": "me", "custom": {"x": 1}}]
    assert asyncio.run(_forget_if_asked("me", list(messages), _SenderMemory())) == messages


def test_a_failed_delete_is_said_honestly(tmp_path, monkeypatch):
    monkeypatch.setenv("KARI_TRACKER_DB_URL", "notadriver://nowhere")
    out = asyncio.run(_forget_if_asked("me", [{"recipient_id": "me", "custom": FORGET}], _SenderMemory()))
    assert out == [{"recipient_id": "me", "text": "Eg fekk ikkje sletta samtalen."}]
