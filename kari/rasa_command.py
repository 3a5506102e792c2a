"""`rasa` in this project's virtual environment: Rasa's own command line, with the project's test data.

Rasa 3.6 takes its test paths from the command line only, and its defaults do not fit a project:
plain `rasa test` searches the whole folder for test stories (the virtual environment's sample tests
too), scores the NLU on the training data in data/, and exits 0 whatever failed. `make install`
therefore makes .venv/bin/rasa call this module (scripts/rasa_entry.py), which hands the command to
Rasa unchanged except:

- `rasa test` and `rasa test core` without --stories test the stories in tests/stories;
- `rasa test` and `rasa test nlu` without --nlu score the NLU held-out set (tests/nlu_holdout), and
  then each written standard's macro-F1 against tests/targets.yml (Rasa's report pools them);
- after a test, a failed story or a missed target makes the exit code 1, with one line saying which;
- a bare `rasa shell` is `python -m kari shell`: the action server and Rasa as `make run` starts them,
  and Rasa's console through Kari's masking channel. Rasa's own shell (`rasa shell` with any option)
  needs KARI_ACTION_URL and stores what is typed unmasked.

Any path given on the command line wins. NLU cross-validation and comparisons (--cross-validation,
--config) train on their data, so they keep Rasa's default, the training data.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STORIES = "tests/stories"
NLU_HOLDOUT = "tests/nlu_holdout"


def _test_options(argv: list[str]) -> argparse.Namespace:
    """The options of `rasa test …` this module looks at (Rasa parses them all again)."""
    seen = argparse.ArgumentParser(add_help=False)
    for flags in (("-s", "--stories"), ("-u", "--nlu"), ("--out",), ("-c", "--config")):
        seen.add_argument(*flags, nargs="+" if "--config" in flags else None)
    for flag in ("--cross-validation", "-h", "--help"):
        seen.add_argument(flag, action="store_true")
    return seen.parse_known_args(argv)[0]


def _here(path: str) -> str:
    """A project path as seen from where `rasa` runs (tests/stories from the root, ../tests/stories …)."""
    return os.path.relpath(REPO / path)


def with_project_data(argv: list[str]) -> tuple[list[str], set[str]]:
    """Rasa's arguments with the project's test data filled in, and what this run is to judge:
    "stories" (the failed-stories file) and "nlu" (the held-out set per written standard)."""
    if argv[:1] != ["test"]:
        return argv, set()
    part = argv[1] if len(argv) > 1 and argv[1] in ("core", "nlu") else None
    options = _test_options(argv[1:])
    if options.help or options.h:
        return argv, set()
    added, judge = [], set()
    if part in (None, "core"):
        judge.add("stories")
        if options.stories is None:
            added += ["--stories", _here(STORIES)]
    if part in (None, "nlu") and options.nlu is None and not (options.cross_validation or options.config):
        judge.add("nlu")
        added += ["--nlu", _here(NLU_HOLDOUT), "--successes"]
    return [*argv, *added], judge


def _written_since(path: Path, start: float) -> bool:
    return path.exists() and path.stat().st_mtime >= start


def failed_stories(out: Path, start: float) -> list[str]:
    """Why the stories failed, as lines; [] when every story passed."""
    import yaml

    path = out / "failed_test_stories.yml"
    if not _written_since(path, start):
        return [f"Rasa did not write {path}: the stories were not tested"]
    failed = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("stories") or []
    return [f"{len(failed)} test stories failed (each is in {path})"] if failed else []


def standard_scores(out: Path, start: float, holdout: Path = REPO / NLU_HOLDOUT) -> dict[str, float]:
    """Intent macro-F1 per written standard, from the predictions Rasa wrote for the held-out set."""
    from kari.evaluation.nlu import load_examples, macro_f1

    files = [out / "intent_successes.json", out / "intent_errors.json"]
    missing = [str(p) for p in files if not _written_since(p, start)]
    if missing:
        raise FileNotFoundError(f"Rasa did not write {', '.join(missing)} (leave out --no-errors)")
    predicted = {
        (entry["text"], entry["intent"]): (entry.get("intent_prediction") or {}).get("name")
        for path in files
        for entry in json.loads(path.read_text(encoding="utf-8"))
    }
    scores = {}
    for path in sorted(holdout.glob("*.yml")):  # Rasa tests a text that is in both files once
        examples = load_examples(path)
        if any(example not in predicted for example in examples):
            raise FileNotFoundError(f"Rasa's predictions do not cover {path}: was it run on {holdout}?")
        scores[path.stem] = macro_f1([(intent, predicted[(text, intent)]) for text, intent in examples])
    return scores


def missed_nlu_targets(scores: dict[str, float]) -> list[str]:
    from kari.evaluation import targets

    figures = {f"{standard}.f1": f1 for standard, f1 in scores.items()}
    if {"nn", "nb"} <= set(scores):
        figures["gap_points"] = abs(scores["nn"] - scores["nb"]) * 100
    print(
        "Intent macro-F1 on the held-out set: "
        + ", ".join(f"{standard} {f1:.3f}" for standard, f1 in scores.items())
        + " (targets in tests/targets.yml)"
    )
    return targets.missed(figures, targets.section("nlu"))


def judge(argv: list[str], what: set[str], start: float) -> int:
    out = Path(_test_options(argv[1:]).out or "results")
    problems = failed_stories(out, start) if "stories" in what else []
    if "nlu" in what:
        try:
            problems += missed_nlu_targets(standard_scores(out, start))
        except FileNotFoundError as error:
            problems.append(str(error))
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["shell"]:
        from kari import shell

        return shell.main([])
    from rasa.__main__ import main as rasa_main

    argv, what = with_project_data(argv)
    sys.argv = ["rasa", *argv]
    start = time.time() - 1  # file times have whole-second precision on some file systems
    rasa_main()  # exits by itself on an error of its own
    return judge(argv, what, start) if what else 0
