"""Rasa's own commands, run for real as an evaluator would, from the project root (README "Evaluators")."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kari.evaluation.nlu import load_examples
from kari.stack import REPO, VENV_BIN, latest_model
from tests.support.own_stack import knowledge_env

pytestmark = pytest.mark.rasa_cli

STORY = """version: "3.1"
stories:
  - story: kindergarten price in Nynorsk
    steps:
      - user: |
          [kva kostar barnehage?]{{"entity": "malform", "value": "{standard}"}}
        intent: ask_price
      - action: action_answer
"""


def rasa(*args: str, timeout: float = 1200) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [str(VENV_BIN / "rasa"), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_rasa_test_checks_the_written_standard_and_fails_with_a_non_zero_exit(tmp_path):
    right, wrong = tmp_path / "right" / "test_story.yml", tmp_path / "wrong" / "test_story.yml"
    for path, standard in ((right, "nn"), (wrong, "nb")):
        path.parent.mkdir()
        path.write_text(STORY.format(standard=standard), encoding="utf-8")
    common = ["--e2e", "--fail-on-prediction-errors", "--out", str(tmp_path / "out")]
    passed = rasa("test", "core", "--stories", str(right.parent), *common)
    assert passed.returncode == 0, passed.stdout[-3000:] + passed.stderr[-3000:]
    assert "Correct:          1 / 1" in passed.stdout + passed.stderr
    failed = rasa("test", "core", "--stories", str(wrong.parent), *common)
    assert failed.returncode != 0
    assert "NLU model predicted a wrong intent or entities" in failed.stderr + failed.stdout
    assert "malform: nb" in failed.stderr + failed.stdout  # the story that failed, in Rasa's own words


def test_plain_rasa_test_reports_the_projects_own_tests_and_their_verdict(tmp_path):
    import yaml

    stories = sum(len(yaml.safe_load(p.read_text())["stories"]) for p in (REPO / "tests/stories").glob("test_*.yml"))
    passed = rasa("test", "--out", str(tmp_path / "out"))  # --out only keeps results/ of the developer's run
    log = passed.stdout + passed.stderr
    assert passed.returncode == 0, log[-3000:]
    assert f"Evaluating {stories} stories" in log  # the project's, not Rasa's samples in .venv/
    held_out = len(load_examples(REPO / "tests/nlu_holdout"))  # both files, merged as Rasa merges them
    assert f"Only considering those {held_out} examples" in log  # the held-out set, not data/
    assert "Intent macro-F1 on the held-out set: nb 0.9" in log and ", nn 0.9" in log

    wrong = tmp_path / "wrong" / "test_story.yml"
    wrong.parent.mkdir()
    wrong.write_text(STORY.format(standard="nb"), encoding="utf-8")
    failed = rasa("test", "--stories", str(wrong.parent), "--out", str(tmp_path / "out2"))
    assert failed.returncode == 1
    assert "FAILED: 1 test stories failed" in failed.stderr


def test_rasa_train_writes_the_model_kari_runs(tmp_path):
    models = tmp_path / "models"
    trained = rasa("train", "--out", str(models))
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    (made,) = models.glob("*.tar.gz")
    assert latest_model(models) == made  # what `python -m kari run` (make run) loads from models/


@pytest.mark.stack
def test_rasa_shell_masks_personal_data_like_the_channel(tmp_path):
    env = {**os.environ, **knowledge_env(tmp_path), "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "kari", "kb", "import", "--dir", str(REPO / "data/knowledge")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shell = subprocess.run(
        [str(VENV_BIN / "rasa"), "shell"],  # a bare `rasa shell` is `python -m kari shell`
        input="Ring meg på 98765432, kva kostar barnehage?\n",
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert shell.returncode == 0, shell.stdout[-3000:] + shell.stderr[-3000:]
    assert "personopplysningar (telefonnummer)" in shell.stdout and "barnehageplass" in shell.stdout
    with sqlite3.connect(Path(tmp_path) / "tracker.db") as db:
        stored = " ".join(row[0] for row in db.execute("SELECT data FROM events WHERE type_name = 'user'"))
    assert "98765432" not in stored and "kostar barnehage" in stored
