"""How a live model swap (PUT /model, as "train and check" does) feels to citizens (not a test; prints
a summary). Starts its own action server and Rasa on free ports with a copy of models/current.tar.gz.

    .venv/bin/python -m bench.model_swap_probe [--swaps 2]

Prints the seconds PUT /model takes, the slowest citizen reply while Rasa loads the model against the
median reply when idle (the ratio), and how many messages sent during the swaps went unanswered.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from kari.stack import DEFAULT_MODEL
from tests.support.own_stack import make_stack


def ask(url: str) -> tuple[float, bool]:
    start = time.monotonic()
    try:
        response = requests.post(
            f"{url}/webhooks/rest/webhook", json={"sender": "probe", "message": "Hei, kven er du?"}, timeout=120
        )
        ok = response.status_code == 200 and "Eg er Kari" in str(response.json())
    except requests.RequestException:
        ok = False
    return time.monotonic() - start, ok


def swap(stack, put_seconds: list[float], done: threading.Event) -> None:
    start = time.monotonic()
    try:
        response = requests.put(
            f"{stack.rasa_url}/model",
            params={"token": stack.rasa_token},
            json={"model_file": str(stack.model)},
            timeout=600,
        )
        if response.status_code != 204:
            print(f"PUT /model answered {response.status_code}: {response.text[:200]}")
        put_seconds.append(time.monotonic() - start)
    finally:
        done.set()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--swaps", type=int, default=2)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="kari-swap-"))
    (var / "models").mkdir()
    stack = make_stack(var)
    stack.model = var / "models" / "current.tar.gz"
    shutil.copy2(DEFAULT_MODEL, stack.model)
    stack.start(("actions", "rasa"))
    try:
        idle = [ask(stack.rasa_url)[0] for _ in range(5)]
        during, put_seconds = [], []
        for _ in range(args.swaps):
            done = threading.Event()
            thread = threading.Thread(target=swap, args=(stack, put_seconds, done))
            thread.start()
            while not done.is_set():
                during.append(ask(stack.rasa_url))
                time.sleep(0.5)
            thread.join()
        slowest = max(seconds for seconds, _ in during)
        print(f"PUT /model: {', '.join(f'{s:.1f}' for s in put_seconds)} s")
        print(f"idle reply (median of 5): {statistics.median(idle):.2f} s")
        print(f"slowest reply during a swap: {slowest:.1f} s (ratio to idle {slowest / statistics.median(idle):.0f})")
        print(f"messages during swaps: {len(during)}, unanswered: {sum(not ok for _, ok in during)}")
    finally:
        stack.stop()
        shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
