"""A real Kari stack of a test module's own, for tests that break it or need other settings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from kari.stack import DEFAULT_MODEL, REPO, Stack, free_port


def knowledge_env(var: Path) -> dict[str, str]:
    return {
        "KARI_DATABASE_URL": f"sqlite:///{var / 'kari.db'}",
        "KARI_TRACKER_DB_URL": f"sqlite:///{var / 'tracker.db'}",
    }


def make_stack(var: Path, **extra_env: str) -> Stack:
    """A Stack (not started) on free ports with its own databases in `var`, knowledge imported."""
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"No trained model at {DEFAULT_MODEL}: run `make train` (make test does).")
    env = {**knowledge_env(var), **extra_env}
    subprocess.run(
        [sys.executable, "-m", "kari", "kb", "import", "--dir", str(REPO / "data/knowledge")],
        env={**os.environ, **env, "PYTHONPATH": str(REPO)},
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    return Stack(rasa_port=free_port(), action_port=free_port(), web_port=free_port(), var_dir=var, extra_env=env)


def timed_say(
    url: str, text: str, sender: str | None = None, channel: str = "kari", timeout: float = 30
) -> tuple[float, int, object]:
    """(seconds until the reply, HTTP status, JSON body) for one message."""
    start = time.monotonic()
    response = requests.post(
        f"{url}/webhooks/{channel}/webhook",
        json={"sender": sender or uuid.uuid4().hex, "message": text},
        timeout=timeout,
    )
    return time.monotonic() - start, response.status_code, response.json()
