"""Throughput and p95 through nginx with 1 and 2 Rasa instances at 20 and 50 users (issue 17).

    .venv/bin/python -m bench.scaleout [--users 20 50] [--turns 10] [--attach var/prod]

Starts the production topology (kari.scaleout, 2 Rasa instances and 2 action servers) on free ports,
or uses a running one (--attach ROOT, e.g. var/prod of `make run-prod`). "1 instance" is the same
topology with rasa-2 stopped (supervisorctl), so nginx sends every conversation to rasa-1; the two
action servers stay. Each user is a closed loop with no think time: a new conversation of the
10-turn scripts of tests/scale, the next message as soon as the last one is answered; a polite
"try again" (the channel's 503 busy or its "no answer right now") is sent again after 1 s.

Prints, per (instances, users): answered turns per second, p50/p95 of answered requests, and the
share of requests that got a "try again". Not a test: the figures depend on the machine and on what
else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from kari.scaleout.topology import Ports, ProdStack
from tests.scale.support import POLITE, SCRIPTS, Citizen


def run_load(url: str, users: int, turns: int) -> dict[str, float]:
    answered: list[float] = []
    polite, lock = [0], threading.Lock()

    def user(number: int) -> None:
        script = SCRIPTS[number % len(SCRIPTS)]
        sender = Citizen(url, script).sender
        with requests.Session() as http:
            for text in (script * (turns // len(script) + 1))[:turns]:
                while True:
                    start = time.monotonic()
                    response = http.post(
                        f"{url}/webhooks/kari/webhook", json={"sender": sender, "message": text}, timeout=120
                    )
                    took = time.monotonic() - start
                    is_json = response.headers.get("content-type", "").startswith("application/json")
                    body = response.json() if is_json else None
                    busy = response.status_code != 200 or (
                        isinstance(body, list) and any(r.get("text") in POLITE for r in body)
                    )
                    with lock:
                        if busy:
                            polite[0] += 1
                        else:
                            answered.append(took)
                    if not busy:
                        break
                    time.sleep(1)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - start
    answered.sort()
    return {
        "turns_per_s": len(answered) / wall,
        "p50_s": statistics.median(answered),
        "p95_s": answered[int(0.95 * (len(answered) - 1))],
        "try_again_share": polite[0] / (polite[0] + len(answered)),
        "seconds": wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaleout", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--turns", type=int, default=10, help="turns per user")
    parser.add_argument("--attach", type=Path, help="state folder of a running topology")
    args = parser.parse_args()
    if args.attach:
        prod, started = ProdStack.attach(args.attach), False
    else:
        root = Path(tempfile.mkdtemp(prefix="kari-bench-"))
        os.chmod(root, 0o755)
        prod = ProdStack(root=root, ports=Ports.free(), durable=False, rate_per_client=1_000_000)
        prod.up(timeout=1800)
        started = True
    results = []
    try:
        for instances in (2, 1):
            if instances == 1:
                prod.ctl("stop", *prod.rasa_names[1:])
            run_load(prod.url, 5, 2)  # warm-up
            for users in args.users:
                result = {"instances": instances, "users": users, **run_load(prod.url, users, args.turns)}
                results.append(result)
                rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}
                print(json.dumps(rounded), flush=True)
    finally:
        if not started:
            prod.ctl("start", *prod.rasa_names[1:])
        else:
            prod.down()
    print("\n| Rasa instances | users | answered turns/s | p50 s | p95 s | 'try again' share |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['instances']} | {r['users']} | {r['turns_per_s']:.2f} | {r['p50_s']:.2f} | {r['p95_s']:.2f} "
            f"| {r['try_again_share']:.0%} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
