"""The yardstick: the bot `rasa init` makes (Rasa's own starter project and default configuration:
DIET, ResponseSelector, TED, memoization and rules; in-memory tracker store, no action server).

The project is copied from the installed Rasa (what `rasa init --no-prompt` copies) and trained once
into var/bench/default-bot; a later run reuses the model while the installed Rasa's project is unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import rasa.cli
import requests

from kari.stack import REPO, VENV_BIN, free_port

PROJECT = Path(rasa.cli.__file__).parent / "initial_project"
HOME = REPO / "var" / "bench" / "default-bot"
MODEL = HOME / "models" / "default.tar.gz"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in PROJECT.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(PROJECT)).encode() + path.read_bytes())
    return digest.hexdigest()


def env() -> dict[str, str]:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def train() -> Path:
    """The trained default bot (trains it, about a minute, when missing or out of date)."""
    stamp = HOME / "fingerprint"
    if MODEL.exists() and stamp.exists() and stamp.read_text() == _fingerprint():
        return MODEL
    print("Training the `rasa init` default bot (about a minute) …", flush=True)
    shutil.rmtree(HOME, ignore_errors=True)
    shutil.copytree(PROJECT, HOME, ignore=shutil.ignore_patterns("__pycache__"))
    with open(HOME / "train.log", "wb") as log:
        subprocess.run(
            ["nice", str(VENV_BIN / "rasa"), "train", "--fixed-model-name", "default", "--out", "models"],
            cwd=HOME,
            env=env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
    stamp.write_text(_fingerprint())
    return MODEL


class DefaultBot:
    """`rasa run` of the default bot on a free port (REST channel, as its credentials.yml has)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 240) -> None:
        command = [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--port", str(self.port)]
        command += ["--interface", "127.0.0.1"]
        log = open(HOME / "run.log", "ab")
        self.process = subprocess.Popen(
            command, cwd=HOME, env=env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the default bot stopped during start-up: see {HOME / 'run.log'}")
            try:
                if requests.get(f"{self.url}/", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the default bot did not answer within {timeout:.0f} s: see {HOME / 'run.log'}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
