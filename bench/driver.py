"""Simulated citizens for the benchmark: an asyncio client (aiohttp, which Rasa already brings).

Why not Locust: it would be a new dependency (gevent) in a venv Rasa pins tightly, and a closed loop of
N users who each wait for Kari's reply before typing the next message is 60 lines of asyncio. Each
user holds one realistic conversation: the answer set's questions in both written standards (tests/
answers/dev, with their follow-ups), a greeting now and then, and thanks at the end.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import requests

from kari.evaluation.answers import SETS, load

# Kari's own replies when it could not answer (kari/channels/kari_channel.py REPLIES): errors here.
FAILURE_MARKS = ("ikkje fram eit svar", "ikke fram et svar", "mykje å gjere", "mye å gjøre", "noko gjekk gale")
FAILURE_MARKS += ("noe gikk galt",)


def conversations(count: int, turns: int, seed: int = 16) -> list[list[str]]:
    """`count` conversations of `turns` messages each, drawn from the answer set's dev cases."""
    cases = load(SETS["dev"])
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        greeting = rng.choice([[], [], ["Hei"], ["hei, eg lurer på noko"], ["Hallo"]])
        messages = list(greeting)
        while len(messages) < turns - 1:
            case = rng.choice(cases)
            messages += [check.text for check in case.turns]
        messages = messages[: turns - 1] + [rng.choice(["takk", "Takk for hjelpa!", "tusen takk", "ok takk"])]
        out.append(messages[:turns])
    return out


@dataclass
class Result:
    """What one round measured: a latency per answered message, and what went wrong."""

    latencies: list[float] = field(default_factory=list)  # seconds, every HTTP 200 reply (empty ones too)
    errors: int = 0  # no HTTP 200, a connection error, a time-out, or Kari's "no answer" reply
    empty: int = 0  # HTTP 200 without any text (also in latencies: the bot did its work)
    seconds: float = 0.0  # wall time of the whole round
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def messages(self) -> int:
        return len(self.latencies) + self.errors


async def _say(http: aiohttp.ClientSession, url: str, sender: str, text: str, result: Result) -> None:
    started = time.perf_counter()
    try:
        async with http.post(url, json={"sender": sender, "message": text}) as reply:
            status = reply.status
            body: Any = await reply.json(content_type=None) if status == 200 else None
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        result.errors += 1
        result.statuses[type(exc).__name__] = result.statuses.get(type(exc).__name__, 0) + 1
        return
    elapsed = time.perf_counter() - started
    result.statuses[str(status)] = result.statuses.get(str(status), 0) + 1
    texts = [m.get("text") or "" for m in body or [] if isinstance(m, dict)]
    if status != 200 or any(mark in t for t in texts for mark in FAILURE_MARKS):
        result.errors += 1
        return
    if not any(t.strip() for t in texts):
        result.empty += 1
    result.latencies.append(elapsed)


async def drive(url: str, dialogues: list[list[str]], timeout: float = 30.0) -> Result:
    """Every dialogue at once, one simulated citizen each, each message after the previous reply."""
    result = Result()
    connector = aiohttp.TCPConnector(limit=len(dialogues) or 1)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as http:

        async def citizen(messages: list[str]) -> None:
            sender = f"bench-{uuid.uuid4().hex[:12]}"  # a new citizen every round
            for text in messages:
                await _say(http, url, sender, text, result)

        started = time.perf_counter()
        await asyncio.gather(*(citizen(m) for m in dialogues))
        result.seconds = time.perf_counter() - started
    return result


def run(url: str, users: int, turns: int, seed: int = 16) -> Result:
    """`users` citizens at once, `turns` messages each, against the REST-shaped webhook at `url`."""
    return asyncio.run(drive(url, conversations(users, turns, seed)))


_one_by_one = requests.Session()


def run_one(url: str, sender: str, text: str) -> float:
    """Seconds until Kari's reply to one message (keep-alive connection); raises when there is none."""
    started = time.perf_counter()
    reply = _one_by_one.post(url, json={"sender": sender, "message": text}, timeout=30)
    elapsed = time.perf_counter() - started
    texts = [m.get("text") or "" for m in reply.json() if isinstance(m, dict)] if reply.ok else []
    if not any(t.strip() for t in texts) or any(mark in t for t in texts for mark in FAILURE_MARKS):
        raise RuntimeError(f"no answer to a benchmark message (HTTP {reply.status_code})")
    return elapsed


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; NaN when there are no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(result: Result) -> dict[str, Any]:
    return {
        "messages": result.messages,
        "seconds": round(result.seconds, 3),
        # replies per second: a quick "busy" (503) or "no answer" does not count as throughput
        "messages_per_s": round(len(result.latencies) / result.seconds, 2) if result.seconds else 0.0,
        "p50_ms": round(percentile(result.latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(result.latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(result.latencies, 99) * 1000, 1),
        "errors": result.errors,
        "empty": result.empty,
        "statuses": result.statuses,
    }
