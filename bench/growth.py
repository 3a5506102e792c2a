"""How Kari's cost grows: turn 1 vs turn 300 of one conversation, and an empty conversation store vs
one holding 10,000 conversations. Both must stay flat.

    .venv/bin/python -m bench.growth

One citizen at a time (latency, not throughput). Turns 281–300 repeat the texts of turns 1–20, and
turn 300 vs turn 1 is the median over those 20 texts of each one's latency at turn 281–300 ÷ at 1–20.
The store comparison is the median over 30 new three-message conversations, before and after 10,000
stored conversations (copies of real ones, made through the API) are added while Kari is stopped.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import driver
from kari.stack import REPO
from tests.support.own_stack import make_stack

STORED = 10_000


def _new_conversations(url: str, count: int = 30) -> list[float]:
    latencies: list[float] = []
    for messages in driver.conversations(count, 3, seed=7):
        sender = f"growth-{uuid.uuid4().hex[:10]}"
        latencies += [driver.run_one(url, sender, text) for text in messages]
    return latencies


def fill(db: Path, conversations: int = STORED) -> int:
    """Add `conversations` copies of the stored conversations (fresh sender ids, recent timestamps)."""
    engine = sa.create_engine(f"sqlite:///{db}")
    columns = "type_name, timestamp, intent_name, action_name, data"
    with engine.begin() as conn:
        senders = [s for (s,) in conn.execute(sa.text("SELECT DISTINCT sender_id FROM events")).all()]
        templates = {
            s: conn.execute(sa.text(f"SELECT {columns} FROM events WHERE sender_id=:s ORDER BY id"), {"s": s}).all()
            for s in senders
        }
        templates = {s: rows for s, rows in templates.items() if len(rows) < 200}  # not the 300-turn one
        now = time.time()
        rows = []
        for n in range(conversations):
            source = templates[senders[n % len(senders)]] if senders[n % len(senders)] in templates else None
            source = source or next(iter(templates.values()))
            sender = f"stored-{n:05d}"
            shift = now - 3600 - source[-1][1]  # the last hour: retention keeps them
            for type_name, timestamp, intent, action, data in source:
                rows.append(
                    {
                        "sender_id": sender,
                        "type_name": type_name,
                        "timestamp": timestamp + shift,
                        "intent_name": intent,
                        "action_name": action,
                        "data": data,
                    }
                )
        conn.execute(
            sa.text(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                "VALUES (:sender_id, :type_name, :timestamp, :intent_name, :action_name, :data)"
            ),
            rows,
        )
    engine.dispose()
    return len(rows)


def measure(base: Path = REPO / "var" / "bench") -> dict[str, Any]:
    base.mkdir(parents=True, exist_ok=True)
    var = Path(tempfile.mkdtemp(prefix="growth-", dir=base))
    stack = make_stack(var)
    out: dict[str, Any] = {}
    try:
        stack.start(("actions", "rasa"))
        url = f"{stack.rasa_url}/webhooks/kari/webhook"
        driver.run(url, 2, 4, seed=1)  # warm-up
        out["empty_store_p50_ms"] = round(statistics.median(_new_conversations(url)) * 1000, 1)
        # Turns 281–300 repeat the texts of turns 1–20, so the two medians differ only by the turn
        # number: a knowledge question costs twice a "takk", and 20 turns of a different mix moved the
        # ratio by ±0.2 on its own.
        first = driver.conversations(1, 280, seed=300)[0]
        messages = first + first[:20]
        sender = f"long-{uuid.uuid4().hex[:10]}"
        turns = [driver.run_one(url, sender, text) for text in messages]
        out["turn_ms"] = [round(s * 1000, 1) for s in turns]
        out["turn1_p50_ms"] = round(statistics.median(turns[:20]) * 1000, 1)
        out["turn300_p50_ms"] = round(statistics.median(turns[-20:]) * 1000, 1)
        # The ratio is the median of each text's own ratio: the medians of 20 turns fall between the
        # cheap mode (a "takk", ~18 ms) and the dear one (a question, ~45 ms), so one slow turn (SQLite's
        # WAL checkpoint, ~250 ms once near turn 290) moved the ratio of medians from 1.1 to 1.4.
        pairs = [late / early for early, late in zip(turns[:20], turns[-20:])]
        out["turn300_vs_turn1"] = round(statistics.median(pairs), 2)
        stack.stop()
        out["stored_events"] = fill(var / "tracker.db")
        out["stored_conversations"] = STORED
        stack.start(("actions", "rasa"))
        driver.run(url, 2, 4, seed=1)
        out["full_store_p50_ms"] = round(statistics.median(_new_conversations(url)) * 1000, 1)
        out["full_vs_empty"] = round(out["full_store_p50_ms"] / out["empty_store_p50_ms"], 2)
        long_again = [driver.run_one(url, sender, text) for text in messages[:20]]
        out["turn320_p50_ms_full_store"] = round(statistics.median(long_again) * 1000, 1)
    finally:
        stack.stop()
    shutil.rmtree(var)  # 10,000 conversations (~200 MB): kept only when the measurement failed
    return out


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in measure().items() if k != "turn_ms"}, indent=1))
