""" "Train and check": a background job that validates the data, trains a candidate model, scores it
and the live model on the held-out NLU set and the held-out answer set (per written standard), and
promotes the candidate only when it is not worse on any of those figures.

Run by the admin page as `python -m kari.admin.training --who NAME` in its own process (one at a time);
progress is written to `var/training/job.json` after every step. Promoting keeps the live model as
`models/previous.tar.gz`, so one click restores it (`--restore`, a job of its own). After promoting or
restoring, the job asks the running Rasa to load `models/current.tar.gz` through Rasa's HTTP API
(`PUT /model?token=KARI_RASA_TOKEN`, at KARI_RASA_URL); when Rasa does not answer, the file is in place
and the next start of Rasa loads it, and the page says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tarfile
import traceback
from pathlib import Path
from typing import Any, Callable

import requests

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
    "load": "Tek den nye modellen i bruk i Rasa",
}
RESTORE_STEPS = {
    "restore": "Set den førre modellen tilbake i models/current.tar.gz",
    "load": "Tek modellen i bruk i Rasa",
}
LOAD_TIMEOUT = 300  # seconds; Rasa answers PUT /model once the model is loaded (under a second here)


class NotLoaded(Exception):
    """The model file is in place, but the running Rasa did not load it (shown as a warning, not a failure)."""


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


def start(who: str, rasa_url: str | None = None, restore: bool = False) -> None:
    """Start the job (or, with `restore`, the restore job) in its own process (nice 10); `rasa_url` is
    the running Rasa that loads the result. ValueError when a job is already running."""
    if running():
        raise ValueError("Ein trenings- og sjekkjobb køyrer alt. Vent til han er ferdig.")
    if restore and not PREVIOUS.exists():
        raise ValueError("Det finst ingen førre modell å gå attende til.")
    WORK.mkdir(parents=True, exist_ok=True)
    log = (WORK / "job.log").open("w")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if rasa_url:
        env["KARI_RASA_URL"] = rasa_url
    process = subprocess.Popen(
        ["nice", "-n", "10", sys.executable, "-m", "kari.admin.training", "--who", who]
        + (["--restore"] if restore else []),
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    _write(_new_state(who, process.pid, RESTORE_STEPS if restore else STEPS))


def rasa_url() -> str:
    return os.environ.get("KARI_RASA_URL") or f"http://127.0.0.1:{os.environ.get('KARI_RASA_PORT', '5005')}"


def load_into_rasa(model: Path | None = None) -> str:
    """Ask the running Rasa to load `model` (default models/current.tar.gz) now: Rasa's own
    `PUT /model`, which answers once the model is loaded. Raises NotLoaded with the reason in words."""
    model = (model or DEFAULT_MODEL).resolve()
    later = "Modellen ligg i models/current.tar.gz, og Rasa tek han i bruk neste gong Rasa startar."
    token = os.environ.get("KARI_RASA_TOKEN")
    if not token:
        raise NotLoaded(f"KARI_RASA_TOKEN er ikkje sett for nettappen, så Rasa kan ikkje lastast no. {later}")
    url = rasa_url().rstrip("/")
    try:
        response = requests.put(
            f"{url}/model", params={"token": token}, json={"model_file": str(model)}, timeout=LOAD_TIMEOUT
        )
    except requests.RequestException as exc:
        raise NotLoaded(f"Rasa svarte ikkje på {url} ({type(exc).__name__}). {later}") from None
    if response.status_code == 204:
        return "Rasa har lasta modellen og brukar han frå neste melding."
    if response.status_code in (401, 403):
        reason = "Rasa godtok ikkje nøkkelen (KARI_RASA_TOKEN må vere den same for Rasa og nettappen)"
    elif response.status_code in (404, 405):
        reason = "Rasa sitt HTTP-API er ikkje slått på (Rasa må starte med --enable-api --auth-token)"
    else:
        try:
            said = response.json().get("message", "")
        except ValueError:
            said = response.text[:200]
        reason = f"Rasa kunne ikkje laste modellen (HTTP {response.status_code}: {said})"
    raise NotLoaded(f"{reason}. {later}")


def model_id(model: Path) -> str | None:
    """The id in a model file's metadata.json (what Rasa reports on GET /status); None if unreadable."""
    try:
        with tarfile.open(model, "r:gz") as tar:
            for member in tar:
                if member.name.lstrip("/") == "metadata.json":
                    return json.load(tar.extractfile(member)).get("model_id")
    except (OSError, tarfile.TarError, ValueError, AttributeError):
        pass
    return None


def live_model_note(url: str | None = None) -> str:
    """One sentence for the page: does the running Rasa use the model in models/current.tar.gz?"""
    token = os.environ.get("KARI_RASA_TOKEN")
    if not token:
        return "Nettappen kjenner ikkje KARI_RASA_TOKEN, så han kan ikkje sjå kva modell Rasa brukar."
    try:
        response = requests.get(f"{(url or rasa_url()).rstrip('/')}/status", params={"token": token}, timeout=3)
        live = response.json().get("model_id") if response.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return "Rasa svarar ikkje no; når Rasa startar, tek han i bruk modellen i models/current.tar.gz."
    if live is None:
        return f"Rasa ville ikkje seie kva modell han brukar (HTTP {response.status_code}; sjå KARI_RASA_TOKEN)."
    if live == model_id(DEFAULT_MODEL):
        return "Rasa brukar modellen i models/current.tar.gz."
    return (
        "Rasa brukar ein annan modell enn den i models/current.tar.gz; han blir teken i bruk neste gong Rasa startar."
    )


def _new_state(who: str, pid: int, steps: dict[str, str] = STEPS) -> dict[str, Any]:
    return {
        "who": who,
        "pid": pid,
        "started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "status": "running",
        "steps": [{"name": name, "title": title, "status": "waiting", "detail": ""} for name, title in steps.items()],
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
    state = _own_state(who, STEPS)
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
        "load": load_into_rasa,
    }
    return _run_steps(state, steps)


def run_restore(who: str) -> dict[str, Any]:
    """Put the model that was live before the last promotion back in place, and load it into Rasa."""

    def restore() -> str:
        restore_previous()
        return "Den førre modellen ligg no i models/current.tar.gz."

    state = _own_state(who, RESTORE_STEPS)
    state = _run_steps(state, {"restore": restore, "load": load_into_rasa})
    if state["status"] == "done":
        state["status"] = "restored"
        _write(state)
    return state


def _own_state(who: str, steps: dict[str, str]) -> dict[str, Any]:
    state = read_state()
    if not state or state.get("pid") != os.getpid() or state.get("status") != "running":  # not from start()
        state = _new_state(who, os.getpid(), steps)
    return state


def _run_steps(state: dict[str, Any], steps: dict[str, Callable[[], str]]) -> dict[str, Any]:
    for step in state["steps"]:
        if state["status"] == "worse":  # nothing to put in use
            step["status"] = "skipped"
            continue
        step["status"] = "running"
        _write(state)
        try:
            step["detail"] = steps[step["name"]]()
            step["status"] = "done"
        except NotLoaded as exc:  # the file is in place; the page says Rasa loads it at its next start
            step["status"], step["detail"] = "not_loaded", str(exc)
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
    parser.add_argument("--restore", action="store_true", help="put the previous model back and load it into Rasa")
    args = parser.parse_args(argv)
    state = run_restore(args.who) if args.restore else run_job(args.who)
    print(f"train and check: {state['status']}" + (f" ({'; '.join(state['worse'])})" if state["worse"] else ""))
    for step in state["steps"]:
        if step["status"] in ("not_loaded", "failed"):
            print(f"{step['title']}: {step['detail']}")
    return 0 if state["status"] in ("promoted", "worse", "done", "restored") else 1


if __name__ == "__main__":
    raise SystemExit(main())
