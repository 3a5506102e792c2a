"""Shared fixtures: the real Kari stack (Rasa, action server, web app) on free ports."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kari.stack import DEFAULT_MODEL, REPO, Stack, free_port


@pytest.fixture(scope="session")
def kari_stack(tmp_path_factory) -> Stack:
    """One running Kari for the whole test session, with its own databases in a temp folder."""
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"No trained model at {DEFAULT_MODEL}: run `make train` (make test does).")
    var = tmp_path_factory.mktemp("var")
    env = {
        "KARI_DATABASE_URL": f"sqlite:///{var / 'kari.db'}",
        "KARI_TRACKER_DB_URL": f"sqlite:///{var / 'tracker.db'}",
    }
    subprocess.run(
        [sys.executable, "-m", "kari", "kb", "import", "--dir", str(REPO / "data/knowledge")],
        env={**os.environ, **env, "PYTHONPATH": str(REPO)},
        check=True,
        cwd=REPO,
    )
    stack = Stack(rasa_port=free_port(), action_port=free_port(), web_port=free_port(), var_dir=var, extra_env=env)
    stack.start()
    yield stack
    stack.stop()


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright's sync API keeps an event loop running in the main thread
    for the rest of the session, which would break tests that call asyncio.run()."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))
