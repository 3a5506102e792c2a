"""Answer-level evaluation: does Kari's reply contain what the citizen needed, in their written standard?

The sets (`tests/answers/`, README there) were written by six writers who had seen neither the
training data nor the answers' wording, then annotated with the facts a right reply must contain.
`dev/` (writers 1–3) is for tuning and error analysis; `heldout/` (writers 4–6) is never tuned on.

Two ways to run Kari:
- `--url URL`: any running Kari, through its REST channel (what a citizen meets).
- in-process (default): the trained model's NLU and the real Rasa actions, with Rasa's rules
  replayed from data/rules.yml — fast enough to compare strategies (today's grid, lexical only, dense
  only, hybrid, hybrid with priors) and to tune the ranking's weights on dev (`--tune`).

    python -m kari.evaluation.answers                       # strategies × sets, table + chart
    python -m kari.evaluation.answers --url http://localhost:5005
    python -m kari.evaluation.answers --tune                # grid search on dev only
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from kari.evaluation import targets

REPO = Path(__file__).resolve().parents[2]
SETS = {"dev": REPO / "tests/answers/dev", "heldout": REPO / "tests/answers/heldout"}
STANDARDS = ("nn", "nb", "dialect", "en")
# Targets on the held-out set (issue 11), from tests/targets.yml ("answers.…").
_TARGETS = targets.section("answers")
TARGETS = {k: t.value for k, t in _TARGETS.items() if not t.ceiling}
MAX_GAP = _TARGETS["gap_points"].value / 100  # Nynorsk and Bokmål within two points of each other


@dataclass(frozen=True)
class Check:
    """One citizen turn and what a right reply must contain."""

    case: str
    malform: str  # nn | nb | dialect | en
    kind: str  # single | followup | emergency | calm | health | out_of_scope | personal_data | english
    text: str
    facts: tuple[tuple[str, ...], ...]  # every item must appear; an item is a tuple of alternatives
    emergency: bool = False
    out_of_scope: bool = False
    smalltalk: bool = False


@dataclass(frozen=True)
class Case:
    id: str
    malform: str
    kind: str
    turns: tuple[Check, ...]


def load(directory: Path) -> list[Case]:
    cases = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in data["cases"]:
            turns = []
            for i, turn in enumerate(raw["turns"]):
                kind = (
                    "followup"
                    if raw["kind"] == "followup" and i > 0
                    else ("single" if raw["kind"] == "followup" else raw["kind"])
                )
                facts = tuple(tuple(f) if isinstance(f, list) else (f,) for f in turn.get("facts") or [])
                turns.append(
                    Check(
                        raw["id"],
                        raw["malform"],
                        kind,
                        turn["text"],
                        facts,
                        bool(turn.get("emergency")),
                        bool(turn.get("out_of_scope")),
                        bool(turn.get("smalltalk")),
                    )
                )
            cases.append(Case(raw["id"], raw["malform"], raw["kind"], tuple(turns)))
    return cases


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", (text or "").casefold().replace("–", "-").replace("—", "-")).strip()


def _has_source(text: str) -> bool:
    return "kjelde:" in text or "kilde:" in text


def raises_alarm(first_reply: str) -> bool:
    """Does Kari's first message open with emergency numbers (a detected or a likely emergency)?"""
    from kari.conversation.texts import EMERGENCY

    first = normalise(first_reply)
    return any(first.startswith(normalise(line)) for lines in EMERGENCY.values() for line in lines.values())


def is_right(check: Check, replies: list[str]) -> bool:
    """The judge: every fact in the reply (an emergency's number in the first message); a calm message
    with alarming words raises no alarm."""
    if check.kind == "calm":
        return bool(replies) and not raises_alarm(replies[0])
    if check.emergency:
        first = normalise(replies[0]) if replies else ""
        return all(any(normalise(a) in first for a in alts) for alts in check.facts)
    text = normalise("\n".join(replies))
    if check.out_of_scope:  # right when Kari does not pretend to know
        return bool(text) and not _has_source(text)
    return all(any(normalise(a) in text for a in alts) for alts in check.facts)


def reply_standard(replies: list[str]) -> str | None:
    from kari.nlu.malform import detect_malform

    text = " ".join(re.sub(r"\S+://\S+", " ", r) for r in replies)
    return detect_malform(text)


@dataclass(frozen=True)
class Outcome:
    check: Check
    replies: tuple[str, ...]
    right: bool
    standard: str | None


def summarise(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """Right-answer rates overall, per written standard and per kind; reply-standard rates for nn/nb."""
    groups: dict[str, list[bool]] = defaultdict(list)
    standard: dict[str, list[bool]] = defaultdict(list)
    for o in outcomes:
        if o.check.smalltalk:
            continue
        for key in ("all", o.check.malform, o.check.kind):
            groups[key].append(o.right)
        if o.check.malform in ("nn", "nb") and not o.check.emergency:
            standard[f"standard {o.check.malform}"].append(o.standard in (None, o.check.malform))
    rates = {k: sum(v) / len(v) for k, v in {**groups, **standard}.items() if v}
    counts = {k: len(v) for k, v in {**groups, **standard}.items()}
    return {"rates": rates, "counts": counts}


def misses(targets: dict[str, float], summary: dict[str, Any]) -> list[str]:
    """The targets a summary falls short of, in words (empty: all met)."""
    rates = summary["rates"]
    out = [f"{k}: {rates.get(k, 0):.3f} < {v:.2f}" for k, v in targets.items() if rates.get(k, 0) < v]
    gap = abs(rates.get("nn", 0) - rates.get("nb", 0))
    if gap > MAX_GAP:
        out.append(f"nn–nb gap {gap * 100:.1f} points > {MAX_GAP * 100:.0f}")
    return out


# --- running Kari -----------------------------------------------------------------------------


class RestKari:
    """A running Kari, through its REST channel."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        import requests

        self.url = url.rstrip("/") + "/webhooks/rest/webhook"
        self.http = requests.Session()
        self.timeout = timeout
        self.latencies: list[float] = []  # seconds from each message to Kari's reply

    def exchange(self, texts: list[str], sender: str = "eval") -> list[list[dict[str, Any]]]:
        """Kari's messages ({"text", "buttons"?}) for each of a conversation's texts."""
        sender = f"{sender}-{uuid.uuid4().hex[:8]}"
        out = []
        for text in texts:
            started = time.perf_counter()
            reply = self.http.post(self.url, json={"sender": sender, "message": text}, timeout=self.timeout)
            self.latencies.append(time.perf_counter() - started)
            reply.raise_for_status()
            out.append([m for m in reply.json() if isinstance(m, dict)])
        return out

    def conversation(self, case: Case) -> list[list[str]]:
        return _texts(self.exchange([c.text for c in case.turns], f"eval-{case.id}"))


def _texts(exchange: list[list[dict[str, Any]]]) -> list[list[str]]:
    return [[m["text"] for m in messages if m.get("text")] for messages in exchange]


class InProcessKari:
    """The trained model's NLU and the real actions in this process; Rasa's rules replayed."""

    def __init__(self, model: Path | None = None) -> None:
        from rasa.core.agent import Agent

        from actions import turns as actions
        from kari.evaluation import quiet_rasa

        quiet_rasa()

        self.loop = asyncio.new_event_loop()
        from kari.stack import latest_model

        self.agent = Agent.load(str(model or latest_model()))
        self.parsed: dict[str, dict[str, Any]] = {}
        self.actions = {
            cls.action_name: cls
            for cls in vars(actions).values()
            if isinstance(cls, type) and issubclass(cls, actions.KariAction) and cls.action_name
        }
        self.rules = _rules(REPO / "data/rules.yml")
        self.responses = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))["responses"]
        self.latencies: list[float] = []  # seconds per message, in this process (no HTTP)

    def parse(self, text: str) -> dict[str, Any]:
        if text not in self.parsed:
            self.parsed[text] = self.loop.run_until_complete(self.agent.parse_message(text))
        return self.parsed[text]

    def _utter(self, name: str, malform: str | None) -> dict[str, Any]:
        variants = self.responses[name]
        chosen = next(
            (v for v in variants if any(c.get("value") == malform for c in v.get("condition") or [])),
            next(v for v in variants if not v.get("condition")),
        )
        return {k: v for k, v in chosen.items() if k in ("text", "buttons")}

    def conversation(self, case: Case) -> list[list[str]]:
        return _texts(self.exchange([c.text for c in case.turns]))

    def exchange(self, texts: list[str], sender: str = "eval") -> list[list[dict[str, Any]]]:
        """Kari's messages ({"text", "buttons"?}) for each of a conversation's texts."""
        from rasa_sdk import Tracker
        from rasa_sdk.executor import CollectingDispatcher

        from kari import privacy

        events: list[dict[str, Any]] = []
        slots: dict[str, Any] = {"malform": None, "topic": None}
        out = []
        for raw in texts:
            started = time.perf_counter()
            text = privacy.mask_details(raw).text
            message = self.parse(text)
            intent = (message.get("intent") or {}).get("name") or "nlu_fallback"
            for e in message.get("entities") or []:
                if e.get("entity") == "malform":
                    slots["malform"] = e.get("value")
            events.append({"event": "user", "text": text, "parse_data": message})
            said: list[dict[str, Any]] = []
            for action in self.rules.get(intent, ["action_default_fallback"]):
                if action.startswith("utter_"):
                    said.append(self._utter(action, slots["malform"]))
                    events.append({"event": "bot", "text": said[-1].get("text"), "metadata": {}})
                    continue
                tracker = Tracker(sender, dict(slots), message, list(events), False, None, {}, "action_listen")
                dispatcher = CollectingDispatcher()
                result = self.loop.run_until_complete(self.actions[action]().run(dispatcher, tracker, {}))
                for e in result:
                    if e.get("event") == "slot":
                        slots[e["name"]] = e["value"]
                for m in dispatcher.messages:
                    meta = {k: v for k, v in m.items() if k == "kari"}
                    events.append(
                        {"event": "bot", "text": m.get("text"), "metadata": meta, "data": {"buttons": m.get("buttons")}}
                    )
                    if m.get("text"):
                        said.append({k: v for k, v in m.items() if k in ("text", "buttons") and v})
            out.append(said)
            self.latencies.append(time.perf_counter() - started)
        return out


def _rules(path: Path) -> dict[str, list[str]]:
    """intent → the actions its rule runs (rules of the form: intent, then actions)."""
    rules: dict[str, list[str]] = {}
    for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
        steps = rule.get("steps") or []
        if steps and "intent" in steps[0] and not rule.get("condition"):
            rules[steps[0]["intent"]] = [s["action"] for s in steps[1:] if "action" in s]
    return rules


def single_turns(cases: list[Case]) -> list[Case]:
    """Every turn as a conversation of its own: the baseline of a site search, which has no dialogue."""
    return [replace(c, id=f"{c.id}#{i}", turns=(turn,)) for c in cases for i, turn in enumerate(c.turns, 1)]


# The "no dialogue" baseline: the same search without the NLU's and the conversation's priors, each
# message on its own (python -m kari.evaluation.answers --strategies search).
SEARCH_ONLY = "search"


def run(kari: Any, cases: list[Case]) -> list[Outcome]:
    outcomes = []
    for case in cases:
        for check, replies in zip(case.turns, kari.conversation(case)):
            outcomes.append(Outcome(check, tuple(replies), is_right(check, replies), reply_standard(replies)))
    return outcomes


# --- reports ------------------------------------------------------------------------------------

COLUMNS = (
    "all",
    "nn",
    "nb",
    "dialect",
    "en",
    "single",
    "followup",
    "emergency",
    "calm",
    "health",
    "out_of_scope",
    "personal_data",
    "english",
    "standard nn",
    "standard nb",
)


def table(rows: dict[str, dict[str, Any]]) -> str:
    head = "| | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    for name, summary in rows.items():
        rates = summary["rates"]
        lines.append(
            f"| {name} | " + " | ".join(f"{rates[c] * 100:.1f}" if c in rates else "–" for c in COLUMNS) + " |"
        )
    any_summary = next(iter(rows.values()))
    lines.append("| (turns) | " + " | ".join(str(any_summary["counts"].get(c, 0)) for c in COLUMNS) + " |")
    return "\n".join(lines)


def chart(rows: dict[str, dict[str, Any]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = ("all", "nn", "nb", "dialect", "followup", "emergency")
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / max(1, len(rows))
    for i, (name, summary) in enumerate(rows.items()):
        ax.bar(
            [g + i * width for g in range(len(groups))],
            [summary["rates"].get(c, 0) * 100 for c in groups],
            width,
            label=name,
        )
    ax.set_xticks([g + width * (len(rows) - 1) / 2 for g in range(len(groups))], groups)
    ax.set_ylabel("right answers (%)")
    ax.set_ylim(0, 115)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper center", ncol=len(rows), frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _failures(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """The wrong turns, each with its case's whole exchange (what the citizen and Kari said)."""
    exchange: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for o in outcomes:
        exchange[o.check.case].append({"user": o.check.text, "replies": list(o.replies), "right": o.right})
    return [
        {
            "case": o.check.case,
            "malform": o.check.malform,
            "kind": o.check.kind,
            "text": o.check.text,
            "facts": o.check.facts,
            "replies": o.replies,
            "exchange": exchange[o.check.case],
        }
        for o in outcomes
        if not o.right and not o.check.smalltalk
    ]


# --- tuning (dev only) -------------------------------------------------------------------------


def _memoise_search() -> None:
    """Lexical and dense scores and linked topics do not depend on the weights: compute each once."""
    from kari.conversation import turn
    from kari.knowledge import search

    scores, links = search.Index.scores, turn._linked
    score_cache: dict[tuple[int, str, bool], Any] = {}
    link_cache: dict[str, Any] = {}

    def cached_scores(self, text, *, dense=True):  # type: ignore[no-untyped-def]
        key = (id(self), text, dense)
        if key not in score_cache:
            score_cache[key] = scores(self, text, dense=dense)
        return score_cache[key]

    def cached_link(session, text):  # type: ignore[no-untyped-def]
        if text not in link_cache:
            link_cache[text] = links(session, text)
        return link_cache[text]

    search.Index.scores = cached_scores  # type: ignore[method-assign]
    turn._linked = cached_link  # type: ignore[assignment]


def tune(
    kari: InProcessKari, cases: list[Case], grid: dict[str, tuple[float, ...]], rounds: int = 2
) -> tuple[Any, float]:
    """Coordinate ascent over the ranking's weights: each weight in turn takes its best value."""
    from kari.conversation import ranking

    _memoise_search()

    def rate(weights: Any) -> float:
        with ranking.using(weights):
            return summarise(run(kari, cases))["rates"]["all"]

    best = ranking.HYBRID_PRIORS
    best_rate = rate(best)
    for _ in range(rounds):
        for name, values in grid.items():
            for value in values:
                candidate = replace(best, **{name: value})
                if candidate == best:
                    continue
                r = rate(candidate)
                if r > best_rate:
                    best, best_rate = candidate, r
                    print(f"{r:.3f} {name}={value}", flush=True)
    return best, best_rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kari.evaluation.answers",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", help="evaluate a running Kari through its REST channel (e.g. http://localhost:5005)")
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument(
        "--strategies",
        nargs="+",
        default=["grid", "lexical", "dense", "hybrid", "hybrid+priors"],
        help=f"ranking strategies to compare; '{SEARCH_ONLY}': the search alone, each message on its own",
    )
    parser.add_argument("--tune", action="store_true", help="grid-search the ranking's weights on dev")
    parser.add_argument("--out", type=Path, default=REPO / "results")
    args = parser.parse_args(argv)
    from kari.conversation import ranking

    sets = {name: load(SETS[name]) for name in args.sets}
    if args.tune:
        kari = InProcessKari()
        grid = {
            "names": (0.0, 0.5, 1.0, 2.0),
            "lexical": (0.25, 0.5, 1.0, 2.0),
            "dense": (0.25, 0.5, 1.0, 2.0),
            "derived": (1.0, 2.0, 4.0, 8.0),
            "kind": (2.0, 4.0, 6.0, 9.0),
            "topic": (0.0, 1.0, 2.0, 4.0),
            "conversation": (2.0, 4.0, 6.0, 9.0),
            "answer_at": (0.0, 2.0, 4.0, 6.0),
            "margin": (0.0, 0.25, 0.5),
            "missing_at": (0.6, 0.8, 0.95, 1.01),
            "named_at": (0.0, 0.1, 0.2, 0.3),
            "meant_at": (1.0, 1.5, 2.0, 2.5, 3.0),
            "cues": (0.0, 0.5, 1.0, 2.0, 4.0),
            "named_margin": (0.0, 1.0, 3.0, 6.0),
        }
        best, rate = tune(kari, load(SETS["dev"]), grid)
        print(f"best on dev: {rate:.3f} with {best}")
        return 0
    report: dict[str, Any] = {}
    if args.url:
        kari: Any = RestKari(args.url)
        runs: dict[str, Callable[[], Any]] = {"Kari (REST)": lambda: None}
    else:
        kari = InProcessKari()
        runs = {
            name: (
                lambda s=name: ranking.using(
                    s if s == "grid" else ranking.STRATEGIES["hybrid" if s == SEARCH_ONLY else s]
                )
            )
            for name in args.strategies
        }
    for set_name, cases in sets.items():
        rows: dict[str, dict[str, Any]] = {}
        for run_name, context in runs.items():
            started = time.perf_counter()
            manager = context()
            asked = single_turns(cases) if run_name == SEARCH_ONLY else cases
            if manager is None:
                outcomes = run(kari, asked)
            else:
                with manager:
                    outcomes = run(kari, asked)
            rows[run_name] = summarise(outcomes)
            report[f"{set_name}/{run_name}"] = {
                **rows[run_name],
                "seconds": time.perf_counter() - started,
                "failures": _failures(outcomes),
            }
        print(f"\n## {set_name} ({sum(len(c.turns) for c in cases)} turns) — right answers (%)\n")
        print(table(rows))
        chart(rows, args.out / f"answers_{set_name}.png", f"Right answers, {set_name} set")
        if set_name == "heldout":
            last = rows[list(rows)[-1]]
            short = misses(TARGETS, last)
            print("\nTargets: " + ("all met" if not short else "; ".join(short)))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "answer_evaluation.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, default=list), encoding="utf-8"
    )
    print(f"\nReport: {args.out / 'answer_evaluation.json'}; charts: {args.out}/answers_*.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
