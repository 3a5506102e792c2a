"""Issue 14: a promoted model goes live in the running Rasa without a restart (Rasa's own PUT /model,
called by "train and check"), one click restores the previous one, and Rasa's HTTP API is closed to
anyone without KARI_RASA_TOKEN.

A stack of its own (action server and Rasa), with its model files in a temp folder, so the repository's
models/ is never touched. The "different model" is the live one with a new model id in its metadata:
Rasa loads it like any other model and reports that id on GET /status.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import uuid
from pathlib import Path

import pytest
import requests

from kari.admin import training
from kari.stack import DEFAULT_MODEL, Stack
from tests.support.chat import reply_text, say
from tests.support.own_stack import make_stack

pytestmark = pytest.mark.stack


def copy_with_new_model_id(source: Path, target: Path) -> str:
    """Write `source` to `target` with a fresh model id in metadata.json; returns the id."""
    model_id = uuid.uuid4().hex
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member) if member.isfile() else None
            if member.name.lstrip("/") == "metadata.json":
                metadata = json.loads(data.read())
                metadata["model_id"] = model_id
                raw = json.dumps(metadata).encode()
                member.size, data = len(raw), io.BytesIO(raw)
            new.addfile(member, data)
    return model_id


def status(stack: Stack, token: str | None) -> requests.Response:
    return requests.get(f"{stack.rasa_url}/status", params={"token": token} if token else None, timeout=30)


def answered(stack: Stack) -> None:
    assert "Eg er Kari" in reply_text(say(stack.rasa_url, "Hei, kven er du?"))
    assert "Jeg er Kari" in reply_text(say(stack.rasa_url, "Hei, hvem er du?"))


@pytest.fixture(scope="module")
def swap_stack(tmp_path_factory: pytest.TempPathFactory):
    var = tmp_path_factory.mktemp("model-swap")
    (var / "models").mkdir()
    stack = make_stack(var)
    stack.model = var / "models" / "current.tar.gz"
    shutil.copy2(DEFAULT_MODEL, stack.model)
    stack.start(("actions", "rasa"))
    yield stack
    stack.stop()


def test_rasa_api_refuses_requests_without_the_token(swap_stack: Stack) -> None:
    assert status(swap_stack, None).status_code == 401
    assert status(swap_stack, "not-the-token").status_code == 401
    put = requests.put(f"{swap_stack.rasa_url}/model", json={"model_file": str(swap_stack.model)}, timeout=30)
    assert put.status_code == 401
    tracker = requests.get(f"{swap_stack.rasa_url}/conversations/someone/tracker", timeout=30)
    assert tracker.status_code == 401
    assert status(swap_stack, swap_stack.rasa_token).status_code == 200  # the staff side's token works


def test_promoted_model_goes_live_without_restart_and_restore_brings_back_the_previous(
    swap_stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = swap_stack.model.parent
    for name, value in {
        "WORK": tmp_path,
        "STATE": tmp_path / "job.json",
        "CANDIDATE": tmp_path / "candidate.tar.gz",
        "PREVIOUS": models / "previous.tar.gz",
        "DEFAULT_MODEL": swap_stack.model,
    }.items():
        monkeypatch.setattr(training, name, value)
    monkeypatch.setenv("KARI_RASA_URL", swap_stack.rasa_url)
    monkeypatch.setenv("KARI_RASA_TOKEN", swap_stack.rasa_token)
    # Training and the evaluations are replaced by fakes (minutes of CPU); the swap itself is real.
    monkeypatch.setattr(training, "_validate", lambda: "ok")
    monkeypatch.setattr(training, "_train", lambda: "ok")
    monkeypatch.setattr(training, "figures", lambda model: {"intent F1 nn": 0.9})
    live_id = status(swap_stack, swap_stack.rasa_token).json()["model_id"]
    new_id = copy_with_new_model_id(swap_stack.model, training.CANDIDATE)
    rasa_pid = swap_stack.processes["rasa"].pid

    state = training.run_job("tor")
    assert state["status"] == "promoted", state
    assert state["steps"][-1]["status"] == "done", state["steps"][-1]
    assert status(swap_stack, swap_stack.rasa_token).json()["model_id"] == new_id
    assert training.live_model_note() == "Rasa brukar modellen i models/current.tar.gz."  # the page's line
    answered(swap_stack)

    state = training.run_restore("tor")
    assert state["status"] == "restored" and state["steps"][-1]["status"] == "done", state
    assert status(swap_stack, swap_stack.rasa_token).json()["model_id"] == live_id
    assert training.live_model_note() == "Rasa brukar modellen i models/current.tar.gz."
    answered(swap_stack)
    assert swap_stack.processes["rasa"].pid == rasa_pid and swap_stack.processes["rasa"].poll() is None


def test_a_wrong_token_is_reported_and_the_live_model_stays(
    swap_stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = status(swap_stack, swap_stack.rasa_token).json()["model_id"]
    waiting = tmp_path / "current.tar.gz"  # a model file Rasa has not loaded
    copy_with_new_model_id(swap_stack.model, waiting)
    monkeypatch.setattr(training, "DEFAULT_MODEL", waiting)
    monkeypatch.setenv("KARI_RASA_URL", swap_stack.rasa_url)
    monkeypatch.setenv("KARI_RASA_TOKEN", "not-the-token")
    with pytest.raises(training.NotLoaded, match="KARI_RASA_TOKEN må vere den same"):
        training.load_into_rasa()
    assert status(swap_stack, swap_stack.rasa_token).json()["model_id"] == before
    answered(swap_stack)
    assert "ville ikkje seie" in training.live_model_note()
    monkeypatch.setenv("KARI_RASA_TOKEN", swap_stack.rasa_token)
    assert "ein annan modell enn den i models/current.tar.gz" in training.live_model_note()
