""" "Train and check": a background job that validates the data, trains a candidate model, scores it
and the live model on the held-out NLU set and the held-out answer set (per written standard), and
promotes the candidate only when it is not worse on any of those figures.

Run by the admin page as `python -m kari.admin.training --who NAME` in its own process (one at a time);
progress is written to `var/training/job.json` after every step. Promoting keeps the live model as
`models/previous.tar.gz`, so one click restores it. The running Rasa loads `models/current.tar.gz` when
it starts; the page says so (Rasa's HTTP API is off, so there is no live swap yet).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

from kari.knowledge.db import REPO
from kari.stack import DEFAULT_MODEL

WORK = REPO / "var" / "training"
STATE = WORK / "job.json"
CANDIDATE = WORK / "candidate.tar.gz"
PREVIOUS = DEFAULT_MODEL.parent / "previous.tar.gz"
STEPS = {
    "validate": "Sjekkar treningsdata (rasa data validate)",
    "train": "Trenar ein ny modell",
    "score_live": "Måler modellen som er i bruk",
    "score_candidate": "Måler den nye modellen",
    "decide": "Samanliknar og bestemmer",
}
DATA = ["data/nlu", "data/rules.yml", "data/stories.yml"]


def read_state() -> dict[str, Any] | None:
    try:
        return json.loads(STATE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def running() -> bool:
    state = read_state()
    if not state or state.get("status") != "running":
        return False
    try:
        os.kill(int(state.get("pid") or 0), 0)
        return True
    except (OSError, ValueError):
        return False  # the job died without saying so


def _write(state: dict[str, Any]) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = STATE.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(STATE)


def start(who: str) -> None:
    """Start the job in its own process (nice 10); ValueError when one is already running."""
    if running():
        raise ValueError("Ein trenings- og sjekkjobb køyrer alt. Vent til han er ferdig.")
    WORK.mkdir(parents=True, exist_ok=True)
    log = (WORK / "job.log").open("w")
    process = subprocess.Popen(
        ["nice", "-n", "10", sys.executable, "-m", "kari.admin.training", "--who", who],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        start_new_session=True,
    )
    _write(_new_state(who, process.pid))


def _new_state(who: str, pid: int) -> dict[str, Any]:
    return {
        "who": who,
        "pid": pid,
        "started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "status": "running",
        "steps": [{"name": name, "title": title, "status": "waiting", "detail": ""} for name, title in STEPS.items()],
        "figures": {},
        "worse": [],
        "message": "",
    }


def worse_figures(live: dict[str, float], candidate: dict[str, float]) -> list[str]:
    """Where the candidate scores lower than the live model, in words (empty: not worse anywhere)."""
    return [
        f"{name}: {live[name]:.3f} → {candidate.get(name, 0.0):.3f}"
        for name in sorted(live)
        if candidate.get(name, 0.0) < live[name] - 1e-9
    ]


def figures(model: Path) -> dict[str, float]:
    """Held-out intent macro-F1 and right-answer rate on the held-out answer set, per written standard."""
    from kari.evaluation import answers, nlu

    scores = {f"intent F1 {k}": v for k, v in nlu.holdout_scores(model).items()}
    summary = answers.summarise(answers.run(answers.InProcessKari(model), answers.load(REPO / "tests/answers/heldout")))
    scores.update({f"right answers {k}": summary["rates"].get(k, 0.0) for k in ("nn", "nb")})
    return scores


def _validate() -> str:
    rasa = str(Path(sys.executable).parent / "rasa")
    cmd = [rasa, "data", "validate", "--fail-on-warnings", "--config", "config.yml", "--domain", "domain.yml"]
    result = subprocess.run(cmd + ["--data", *DATA], cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-8:]
        raise RuntimeError("rasa data validate fann feil:\n" + "\n".join(tail))
    return "Treningsdata er i orden."


def _train() -> str:
    rasa = str(Path(sys.executable).parent / "rasa")
    cmd = [rasa, "train", "--config", "config.yml", "--domain", "domain.yml", "--data", *DATA]
    cmd += ["--out", str(WORK), "--fixed-model-name", "candidate"]
    result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0 or not CANDIDATE.exists():
        raise RuntimeError("Treninga feila:\n" + "\n".join((result.stdout + result.stderr).strip().splitlines()[-8:]))
    return "Ny modell trena."


def run_job(who: str, steps: dict[str, Callable[[], str]] | None = None) -> dict[str, Any]:
    """Run every step in order, saving the state after each; returns the final state."""
    state = read_state()
    if not state or state.get("pid") != os.getpid():  # not started by the page: a fresh record
        state = _new_state(who, os.getpid())
    found: dict[str, dict[str, float]] = {}

    def score(which: str, model: Path) -> str:
        found[which] = figures(model)
        state["figures"][which] = found[which]
        return ", ".join(f"{k} {v:.3f}" for k, v in found[which].items())

    def decide() -> str:
        state["worse"] = worse_figures(found["live"], found["candidate"])
        if state["worse"]:
            state["status"] = "worse"
            return "Den nye modellen er dårlegare; modellen i bruk er ikkje endra."
        shutil.copy2(DEFAULT_MODEL, PREVIOUS)
        tmp = DEFAULT_MODEL.with_suffix(".new")
        shutil.copy2(CANDIDATE, tmp)
        tmp.replace(DEFAULT_MODEL)
        state["status"] = "promoted"
        return "Den nye modellen er ikkje dårlegare og ligg no i models/current.tar.gz."

    steps = steps or {
        "validate": _validate,
        "train": _train,
        "score_live": lambda: score("live", DEFAULT_MODEL),
        "score_candidate": lambda: score("candidate", CANDIDATE),
        "decide": decide,
    }
    for step in state["steps"]:
        step["status"] = "running"
        _write(state)
        try:
            step["detail"] = steps[step["name"]]()
            step["status"] = "done"
        except Exception as exc:  # one clear line on the page; the whole trace in job.log
            traceback.print_exc()
            step["status"], step["detail"] = "failed", str(exc) or type(exc).__name__
            state["status"] = "failed"
            _write(state)
            return state
    if state["status"] == "running":
        state["status"] = "done"
    _write(state)
    return state


def restore_previous() -> None:
    """Put the model that was live before the last promotion back in place."""
    if not PREVIOUS.exists():
        raise ValueError("Det finst ingen førre modell å gå attende til.")
    tmp = DEFAULT_MODEL.with_suffix(".new")
    shutil.copy2(PREVIOUS, tmp)
    tmp.replace(DEFAULT_MODEL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kari.admin.training", description=__doc__.splitlines()[0])
    parser.add_argument("--who", default="cli")
    args = parser.parse_args(argv)
    state = run_job(args.who)
    print(f"train and check: {state['status']}" + (f" ({'; '.join(state['worse'])})" if state["worse"] else ""))
    return 0 if state["status"] in ("promoted", "worse", "done") else 1


if __name__ == "__main__":
    raise SystemExit(main())
