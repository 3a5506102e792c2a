"""Rerun of issue 13's probes against a fresh Kari on free ports (not a test; prints a summary).

    .venv/bin/python -m bench.reliability_probe [--users 40] [--turns 5]

Counts: requests sent, errors (5xx other than 503 + Retry-After, connection errors), lost (a
message Kari answered but did not store, stored though the citizen was told "no answer"/busy, or
stored out of order), leaked (any probe identifier found in the tracker database or the logs).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.support.own_stack import make_stack

NO_ANSWER = ("ikkje fram eit svar", "ikke fram et svar", "mykje å gjere", "mye å gjøre")
PII = [
    "140263 - 29559",
    "030958/24144",
    "09_07_72_126_60",
    "98 409 513",
    "494 527 31",
    "9 6654762",
    "ola (at) gmail.com",
    "kari [at] online.no",
    "Eg heiter Solveig Aasen",
    "Eg bur i Storgata 12",
]
QUESTIONS = ["Hva koster barnehageplass?", "Kva kostar SFO?", "Når er biblioteket ope?", "takk", "Hei"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--turns", type=int, default=5)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="kari-probe-"))
    stack = make_stack(var, KARI_RATE_PER_CLIENT="100000", KARI_RATE_PER_CONVERSATION="100000")
    stack.start()
    stats = {"sent": 0, "errors": 0, "lost": 0, "leaked": 0, "busy_503": 0, "limited_429": 0}
    told: dict[str, list[tuple[str, bool]]] = {}  # sender -> [(text, answered)]
    try:

        def say(base: str, sender: str, text: str) -> None:
            stats["sent"] += 1
            try:
                r = requests.post(f"{base}/webhooks/kari/webhook", json={"sender": sender, "message": text}, timeout=30)
            except requests.RequestException:
                stats["errors"] += 1
                told.setdefault(sender, []).append((text, False))
                return
            if r.status_code == 503 and r.headers.get("Retry-After"):
                stats["busy_503"] += 1
            elif r.status_code >= 500:
                stats["errors"] += 1
            answered = r.status_code == 200 and not any(
                n in json.dumps(r.json(), ensure_ascii=False) for n in NO_ANSWER
            )
            told.setdefault(sender, []).append((text, answered))

        def user(i: int) -> None:
            sender = f"probe-{i}-{uuid.uuid4().hex[:6]}"
            for t in range(args.turns):
                say(stack.web_url, sender, f"{QUESTIONS[t % len(QUESTIONS)]} ({t})")

        started = time.monotonic()
        with ThreadPoolExecutor(args.users) as pool:  # overload through the web app's proxy
            list(pool.map(user, range(args.users)))
        with ThreadPoolExecutor(5) as pool:  # five together from one sender, ten times
            for k in range(10):
                sender = f"together-{k}"
                list(pool.map(lambda q, s=sender: say(stack.rasa_url, s, q), QUESTIONS))
        for text in PII:  # masking, through both routes
            say(stack.rasa_url, uuid.uuid4().hex, f"Ring meg, {text}")
            say(stack.web_url, uuid.uuid4().hex, text)
        os.killpg(stack.processes["actions"].pid, 9)  # a crash: served again?
        stack.processes["actions"].wait()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not stack.watch(log=lambda line: None):
            time.sleep(0.3)
        time.sleep(4)
        say(stack.rasa_url, "after-crash", "Hva koster barnehageplass?")
        stats["seconds"] = round(time.monotonic() - started, 1)
        time.sleep(5)  # let every turn finish before counting

        with sqlite3.connect(var / "tracker.db") as conn:
            stored: dict[str, list[str]] = {}
            for sender, data in conn.execute("SELECT sender_id, data FROM events WHERE type_name='user' ORDER BY id"):
                stored.setdefault(sender, []).append(json.loads(data)["text"])
        for sender, messages in told.items():
            if sender.startswith("together-"):
                answered = sorted(t for t, ok in messages if ok)
                if sorted(t for t in stored.get(sender, []) if t in answered) != answered:
                    stats["lost"] += 1
                continue
            if not sender.startswith("probe-"):
                continue
            kept = [t for t in stored.get(sender, []) if t in {m for m, _ in messages}]
            expected = [t for t, ok in messages if ok]
            if [t for t in kept if t in expected] != expected or any(t not in expected for t in kept):
                stats["lost"] += 1
        blobs = [(var / "tracker.db").read_bytes()] + [p.read_bytes() for p in (var / "logs").glob("*.log")]
        for text in PII:
            needle = {"Eg heiter Solveig Aasen": "Aasen", "Eg bur i Storgata 12": "Storgata 12"}.get(text, text)
            found = [i for i, blob in enumerate(blobs) if needle.encode() in blob]
            if found:
                print("leaked:", needle, found)
            stats["leaked"] += len(found)
    finally:
        stack.stop()
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
