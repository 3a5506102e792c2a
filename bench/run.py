"""`make bench`: Kari against the `rasa init` default bot, on the same machine in the same run.

    .venv/bin/python -m bench.run [--rounds 3] [--levels 1x40,20x20,50x10] [--no-growth]

Starts Kari (Rasa + action server, its own databases under var/bench/) and the default bot, then for
each concurrency level runs `rounds` rounds, alternating which bot goes first, each round new citizens
holding multi-turn conversations (bench/driver.py). Both servers stay up the whole time; only one is
driven at a time. Figures are the median over rounds; the ratios Kari / default bot are what count, as
the machine's two cores are shared with other work (its load is recorded). Then the growth checks
(bench/growth.py). Writes bench/results/bench-<time>.json (with the git commit) and a chart beside it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import default_bot, driver, growth, processes
from kari.stack import REPO
from tests.support.own_stack import make_stack

RESULTS = REPO / "bench" / "results"
TARGETS = {
    "throughput_20_ratio_min": 1.5,
    "p50_1_ratio_max": 1.0,
    "errors_50_max": 0,
    "rss_ratio_max": 0.7,
    "turn300_vs_turn1_max": 1.2,
}


def git_commit() -> str:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True)
    return commit + ("-dirty" if dirty.stdout.strip() else "")


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number of 1 or more")
    return int(text)


def parse_levels(text: str) -> list[tuple[int, int]]:
    """'1x40,20x20' → [(1, 40), (20, 20)]: users × messages each."""
    levels = []
    for level in text.split(","):
        users, _, turns = level.strip().partition("x")
        if not (users.isdigit() and turns.isdigit() and int(users) > 0 and int(turns) > 0):
            raise argparse.ArgumentTypeError(f"{level!r}: write USERSxMESSAGES, e.g. 20x20")
        levels.append((int(users), int(turns)))
    return levels


def median_of(rounds: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(r[key] for r in rounds), 2)


def compare(levels: list[tuple[int, int]], rounds: int, urls: dict[str, str]) -> dict[str, Any]:
    """Every level, `rounds` times, the bots alternating; per bot and level the rounds and medians."""
    out: dict[str, Any] = {}
    for users, turns in levels:
        level = f"{users}x{turns}"
        out[level] = {bot: {"rounds": []} for bot in urls}
        for r in range(rounds):
            order = list(urls) if r % 2 == 0 else list(reversed(urls))
            for bot in order:
                result = driver.run(urls[bot], users, turns, seed=100 * users + r)
                row = driver.summary(result)
                row["load"] = processes.load()
                out[level][bot]["rounds"].append(row)
                out[level][bot].setdefault("latencies_ms", []).extend(round(s * 1000, 1) for s in result.latencies)
                print(
                    f"{level} round {r + 1} {bot:>7}: {row['messages_per_s']:6.1f} msg/s  p50 {row['p50_ms']:6.1f} ms"
                    f"  p95 {row['p95_ms']:6.1f}  errors {row['errors']}  empty {row['empty']}  load {row['load']}",
                    flush=True,
                )
        for bot in urls:
            entry = out[level][bot]
            for key in ("messages_per_s", "p50_ms", "p95_ms", "p99_ms"):
                entry[key] = median_of(entry["rounds"], key)
            entry["errors"] = sum(r["errors"] for r in entry["rounds"])
            entry["empty"] = sum(r["empty"] for r in entry["rounds"])
    return out


def verdict(results: dict[str, Any], levels: list[tuple[int, int]]) -> dict[str, Any]:
    """The issue's targets, as ratios Kari / default bot."""
    by_users = {users: f"{users}x{turns}" for users, turns in levels}
    runs = results["levels"]
    ratios: dict[str, Any] = {}
    if 20 in by_users:
        level = runs[by_users[20]]
        ratios["throughput_20_ratio"] = round(level["kari"]["messages_per_s"] / level["default"]["messages_per_s"], 2)
    if 1 in by_users:
        level = runs[by_users[1]]
        ratios["p50_1_ratio"] = round(level["kari"]["p50_ms"] / level["default"]["p50_ms"], 2)
    if 50 in by_users:
        level = runs[by_users[50]]["kari"]
        ratios["errors_50"] = level["errors"] + level["empty"]
    memory = results["memory"]
    ratios["rss_ratio"] = round(memory["kari_rasa"]["rss_mb"] / memory["default_rasa"]["rss_mb"], 2)
    if "growth" in results:
        ratios["turn300_vs_turn1"] = results["growth"]["turn300_vs_turn1"]
    met = {
        "throughput_20": ratios.get("throughput_20_ratio", 0) >= TARGETS["throughput_20_ratio_min"],
        "p50_1": ratios.get("p50_1_ratio", 9) <= TARGETS["p50_1_ratio_max"],
        "errors_50": ratios.get("errors_50", 1) <= TARGETS["errors_50_max"],
        "rss": ratios["rss_ratio"] <= TARGETS["rss_ratio_max"],
        "turn300": ratios.get("turn300_vs_turn1", 9) <= TARGETS["turn300_vs_turn1_max"],
    }
    return {"ratios": ratios, "met": met, "targets": TARGETS}


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = list(results["levels"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    colours = {"kari": "#1b6e3c", "default": "#8a8a8a"}
    names = {"kari": "Kari", "default": "rasa init default bot"}
    width = 0.38
    for i, bot in enumerate(("kari", "default")):
        xs = [x + (i - 0.5) * width for x in range(len(levels))]
        ys = [results["levels"][lv][bot]["messages_per_s"] for lv in levels]
        left.bar(xs, ys, width, label=names[bot], color=colours[bot])
    left.set_xticks(range(len(levels)), [f"{lv.split('x')[0]} citizens at once" for lv in levels])
    left.set_ylabel("messages / s (median of rounds)")
    left.set_title("Throughput per concurrency")
    left.legend(loc="upper left")
    data, labels, positions = [], [], []
    for j, lv in enumerate(levels):
        for i, bot in enumerate(("kari", "default")):
            data.append(results["levels"][lv][bot].get("latencies_ms") or [0])
            positions.append(j * 3 + i)
            labels.append(f"{'Kari' if bot == 'kari' else 'default'}\n{lv.split('x')[0]}")
    parts = right.boxplot(data, positions=positions, showfliers=False, patch_artist=True, whis=(5, 95))
    for patch, pos in zip(parts["boxes"], positions):
        patch.set_facecolor(colours["kari"] if pos % 3 == 0 else colours["default"])
    right.set_xticks(positions, labels, fontsize=8)
    right.set_yscale("log")
    right.set_ylabel("ms per message (log scale)")
    right.set_xlabel("citizens at once")
    right.set_title("Latency: box p25–p75, line p50, whiskers p5–p95")
    fig.suptitle(f"make bench, {results['commit'][:12]}, load {results['load_before']}", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=positive, default=3)
    parser.add_argument("--levels", type=parse_levels, default=parse_levels("1x40,20x20,50x10"))
    parser.add_argument("--no-growth", action="store_true", help="skip turn 300 and 10,000 conversations")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    default_bot.train()
    var = Path(tempfile.mkdtemp(prefix="kari-", dir=REPO / "var" / "bench"))
    stack = make_stack(var)
    bot = default_bot.DefaultBot()
    results: dict[str, Any] = {"commit": git_commit(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    results["load_before"] = processes.load()
    try:
        stack.start(("actions", "rasa"))
        bot.start()
        urls = {"kari": f"{stack.rasa_url}/webhooks/kari/webhook", "default": f"{bot.url}/webhooks/rest/webhook"}
        for url in urls.values():  # warm-up: first calls load lazily built parts (not measured)
            driver.run(url, 2, 4, seed=1)
        results["levels"] = compare(args.levels, args.rounds, urls)
        results["memory"] = {
            "kari_rasa": processes.rss_mb(stack.processes["rasa"].pid),
            "kari_actions": processes.rss_mb(stack.processes["actions"].pid),
            "default_rasa": processes.rss_mb(bot.process.pid),
        }
    finally:
        bot.stop()
        stack.stop()
    shutil.rmtree(var)  # its databases and logs: kept only when the run failed
    if not args.no_growth:
        results["growth"] = growth.measure(REPO / "var" / "bench")
    results["load_after"] = processes.load()
    results["verdict"] = verdict(results, args.levels)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "bench-" + time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    (args.out / f"{stem}.json").write_text(json.dumps(results, indent=1))
    chart(results, args.out / f"{stem}.png")
    print(report(results))
    print(f"\nwritten: {args.out / (stem + '.json')} and {stem}.png")
    return 0


def report(results: dict[str, Any]) -> str:
    lines = ["", "| | Kari | default bot | ratio |", "|---|---|---|---|"]
    for level, bots in results["levels"].items():
        users = level.split("x")[0]
        k, d = bots["kari"], bots["default"]
        lines.append(
            f"| messages/s, {users} users × {level.split('x')[1]} | {k['messages_per_s']} | {d['messages_per_s']} "
            f"| {k['messages_per_s'] / d['messages_per_s']:.2f} |"
        )
        lines.append(
            f"| p50 / p95 ms, {users} users | {k['p50_ms']} / {k['p95_ms']} | {d['p50_ms']} / {d['p95_ms']} "
            f"| {k['p50_ms'] / d['p50_ms']:.2f} |"
        )
        failed = f"{k['errors']} + {k['empty']} | {d['errors']} + {d['empty']}"
        lines.append(f"| errors + empty, {users} users | {failed} | |")
    memory = results["memory"]
    actions = memory["kari_actions"]["rss_mb"]
    lines.append(
        f"| Rasa server RSS | {memory['kari_rasa']['rss_mb']:.0f} MB (+ actions {actions:.0f}) "
        f"| {memory['default_rasa']['rss_mb']:.0f} MB | {results['verdict']['ratios']['rss_ratio']} |"
    )
    if "growth" in results:
        g = results["growth"]
        lines.append(
            f"| p50 turn 1–20 → turn 281–300 | {g['turn1_p50_ms']} → {g['turn300_p50_ms']} ms | | "
            f"{g['turn300_vs_turn1']} |"
        )
        lines.append(
            f"| p50 new conversation, empty store → 10,000 stored | {g['empty_store_p50_ms']} → "
            f"{g['full_store_p50_ms']} ms | | {g['full_vs_empty']} |"
        )
    lines.append("")
    lines.append(f"load before {results['load_before']}, after {results['load_after']}; commit {results['commit']}")
    met = results["verdict"]["met"]
    lines.append("targets met: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in met.items()))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
