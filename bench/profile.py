"""`make bench-profile`: where one message's time goes, from py-spy sampling Kari under load.

    .venv/bin/python -m bench.profile [--seconds 40] [--users 20] [--write bench/PROFILE.md]

Starts Kari (Rasa + action server), drives it with simulated citizens and samples both servers with
py-spy (100 Hz, idle threads left out): first the stacks for the table, then a second window for the
flame graphs (py-spy writes one format per run). Writes flame graphs of both processes
(bench/flame-rasa.svg, bench/flame-actions.svg) and a table: for each stage of a turn, the CPU time it
costs per message (samples of stacks passing through that stage ÷ messages answered). Stages overlap
where one contains another (indented rows); each process's first row is all of its CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp

from bench import driver, processes
from kari.stack import REPO, VENV_BIN
from tests.support.own_stack import make_stack

RATE = 100  # samples per second
# (label, depth, pattern any frame of the stack must match), per process. Depth indents the table.
AROUND = r"^(?!.*(kari_channel\.py|_worker|handle_message)).*sanic/"  # the main thread, not in a turn
RASA_STAGES = [
    ("Rasa server, all CPU", 0, r"."),
    ("Sanic and Rasa's app around the turn (HTTP in and out)", 1, AROUND),
    ("Kari channel before the turn (kari_channel.handle)", 1, r"handle \(kari/channels/kari_channel\.py"),
    ("masking of personal data (privacy.mask_details)", 2, r"mask_details \(kari/privacy\.py"),
    ("written-standard evidence (malform_evidence)", 2, r"malform_evidence \(kari/channels/kari_channel\.py"),
    ("Rasa's turn (handle_message, its own task)", 1, r"handle_message \(rasa/core/processor\.py"),
    ("NLU pipeline (parse_message)", 2, r"parse_message \(rasa/core/processor\.py"),
    ("MalformDetector", 3, r"kari/nlu/malform\.py"),
    ("SpellingNormaliser", 3, r"kari/nlu/normaliser\.py"),
    ("CountVectorsFeaturizer", 3, r"count_vectors_featurizer\.py"),
    ("RegexFeaturizer", 3, r"regex_featurizer\.py"),
    ("LinearIntentClassifier", 3, r"kari/nlu/linear_classifier\.py"),
    ("EmergencyNeighbours (dialogue acts only)", 3, r"kari/nlu/alarm\.py"),
    ("IntentGuard", 3, r"kari/nlu/guard\.py"),
    ("policy prediction (RulePolicy, featurising the tracker)", 2, r"rasa/core/policies/|_predict_next_action"),
    ("action server call (RemoteAction.run)", 2, r"(^|;)run \(rasa/core/actions/action\.py"),
    ("HTTP client (aiohttp)", 3, r"aiohttp/|rasa/utils/endpoints\.py|kari/action_client\.py"),
    ("checking the action server's reply (jsonschema)", 3, r"jsonschema/"),
    ("tracker as JSON for the action server", 3, r"current_state \(rasa/shared/core/trackers\.py"),
    ("tracker store read (retrieve, in a worker thread)", 1, r"_retrieve_sync \(kari/tracker_store\.py"),
    ("tracker store write (save, in a worker thread)", 1, r"_save_sync \(kari/tracker_store\.py|stream_events"),
    ("SQL (SQLAlchemy + sqlite3) in the tracker store", 2, r"sqlalchemy/"),
    ("logging", 1, r"logging/__init__\.py"),
]
ACTION_STAGES = [
    ("action server, all CPU", 0, r"."),
    ("rasa-sdk: request JSON, Tracker, response", 1, r"^(?!.*run_turn).*rasa_sdk/"),
    ("dense query vector (its own thread, started by the turn)", 1, r"_embed_query \(kari/knowledge/vectors\.py"),
    ("Kari's turn (run_turn)", 1, r"run_turn \(kari/conversation/turn\.py"),
    ("answer search (kari.knowledge.search)", 2, r"kari/knowledge/search\.py"),
    ("lexical tf-idf (_Lexical.similarity)", 3, r"similarity \(kari/knowledge/search\.py"),
    ("ranking (kari.conversation.ranking)", 2, r"kari/conversation/ranking\.py"),
    ("topic linker (kari.knowledge.linker)", 2, r"kari/knowledge/linker\.py"),
    ("emergency neighbours (kari.conversation.neighbours)", 2, r"kari/conversation/neighbours\.py"),
    ("SQL (SQLAlchemy + sqlite3)", 2, r"sqlalchemy/"),
    ("conversation history from the events", 2, r"kari/conversation/history\.py"),
    ("logging", 1, r"logging/__init__\.py"),
]


def parse_raw(path: Path) -> list[tuple[str, int]]:
    """py-spy's raw (collapsed) output: (stack 'f (file:line);…', samples)."""
    stacks = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack, int(count)))
    return stacks


# Leaf frames of a thread that waits (py-spy cannot always tell idle threads here): not CPU.
IDLE = re.compile(
    r"(^|;)(_worker \(concurrent/futures/thread\.py|serve \(sanic/server/runners\.py|"
    r"(wait|acquire|_wait_for_tstate_lock) \(threading\.py|_get_model \(kari/knowledge/vectors\.py)[^;]*$"
)


def busy(stacks: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(stack, n) for stack, n in stacks if not IDLE.search(stack)]


def breakdown(stacks: list[tuple[str, int]], stages: list, messages: int) -> list[dict]:
    """Per stage (a pattern over the whole stack, frames joined by ';'): samples and ms per message."""
    rows = []
    for label, depth, pattern in stages:
        regex = re.compile(pattern)
        samples = sum(n for stack, n in stacks if regex.search(stack))
        rows.append(
            {"stage": label, "depth": depth, "samples": samples, "ms_per_message": samples * 1000 / RATE / messages}
        )
    return rows


def top_functions(stacks: list[tuple[str, int]], count: int = 12) -> list[tuple[str, int]]:
    """Leaf frames (self time) with the most samples."""
    leaves: Counter[str] = Counter()
    for stack, n in stacks:
        leaves[re.sub(r":\d+\)$", ")", stack.split(";")[-1])] += n
    return leaves.most_common(count)


def _spy(pid: int, seconds: int, fmt: str, out: Path) -> subprocess.Popen:
    command = [str(VENV_BIN / "py-spy"), "record", "--pid", str(pid), "--rate", str(RATE)]
    command += ["--duration", str(seconds), "--format", fmt, "--output", str(out), "--subprocesses"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def _load(url: str, users: int, seconds: float) -> driver.Result:
    """`users` citizens talking without pause until `seconds` have passed."""
    result = driver.Result()
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:

        async def citizen(i: int) -> None:
            round_ = 0
            while time.monotonic() < deadline:
                sender = f"profile-{uuid.uuid4().hex[:10]}"
                for text in driver.conversations(1, 8, seed=1000 * i + round_)[0]:
                    if time.monotonic() >= deadline:
                        return
                    await driver._say(http, url, sender, text, result)
                round_ += 1

        started = time.perf_counter()
        await asyncio.gather(*(citizen(i) for i in range(users)))
        result.seconds = time.perf_counter() - started
    return result


def table(name: str, rows: list[dict]) -> str:
    lines = [f"| {name} | CPU ms per message | share |", "|---|---:|---:|"]
    total = rows[0]["samples"] or 1
    for row in rows:
        indent = "&nbsp;&nbsp;" * row["depth"] * 2
        lines.append(f"| {indent}{row['stage']} | {row['ms_per_message']:.1f} | {100 * row['samples'] / total:.0f} % |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--svg-dir", type=Path, default=REPO / "bench")
    parser.add_argument("--write", type=Path, help="write the tables between the marks of this Markdown file")
    args = parser.parse_args(argv)

    base = REPO / "var" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    var = Path(tempfile.mkdtemp(prefix="profile-", dir=base))
    stack = make_stack(var)
    try:
        stack.start(("actions", "rasa"))
        url = f"{stack.rasa_url}/webhooks/kari/webhook"
        driver.run(url, 2, 4, seed=1)  # warm-up
        load_before = processes.load()
        loads: dict[str, driver.Result] = {}
        for fmt in ("raw", "flamegraph"):  # the table's window, then the flame graphs' window
            spies = [
                _spy(
                    stack.processes[name].pid,
                    args.seconds + 2,
                    fmt,
                    var / f"{name}.txt" if fmt == "raw" else args.svg_dir / f"flame-{name}.svg",
                )
                for name in ("rasa", "actions")
            ]
            time.sleep(1)
            loads[fmt] = asyncio.run(_load(url, args.users, args.seconds))
            for spy in spies:
                spy.wait(timeout=120)
    finally:
        stack.stop()
    result = loads["raw"]
    messages = result.messages
    header = (
        f"{messages} messages in {result.seconds:.1f} s ({messages / result.seconds:.1f}/s) from {args.users} "
        f"simulated citizens; errors {result.errors}, empty {result.empty}; py-spy at {RATE} Hz; load "
        f"{load_before} → {processes.load()}."
    )
    rasa = busy(parse_raw(var / "rasa.txt"))
    actions = busy(parse_raw(var / "actions.txt"))
    shutil.rmtree(var)  # databases, logs and py-spy's raw samples: kept only when the run failed
    text = "\n\n".join(
        [
            header,
            table("Rasa server (channel, NLU, policy, tracker store)", breakdown(rasa, RASA_STAGES, messages)),
            table("Action server (Kari's turn, search, SQL)", breakdown(actions, ACTION_STAGES, messages)),
            "Most self time, Rasa server: "
            + "; ".join(f"{f} {n * 1000 / RATE / messages:.1f} ms" for f, n in top_functions(rasa, 8)),
            "Most self time, action server: "
            + "; ".join(f"{f} {n * 1000 / RATE / messages:.1f} ms" for f, n in top_functions(actions, 8)),
        ]
    )
    print(text)
    if args.write:
        write_between_marks(args.write, text)
    return 0


START, END = "<!-- measured: make bench-profile rewrites from here -->", "<!-- end of measured -->"


def write_between_marks(path: Path, text: str) -> None:
    """Put `text` between the marks in `path`, keeping the hand-written text around them."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    before, start, rest = old.partition(START)
    after = rest.partition(END)[2] if start else ""
    path.write_text(f"{before}{START}\n{text}\n{END}{after}" if start else f"{old}{START}\n{text}\n{END}\n")


if __name__ == "__main__":
    raise SystemExit(main())
