"""The production topology (kari.scaleout) for the scale-out tests: PostgreSQL, Redis, nginx, 2 Rasa
instances and 2 action servers under supervisord, all on free ports in temp folders."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from kari.scaleout.topology import Ports, ProdStack
from kari.stack import DEFAULT_MODEL, StackError


@pytest.fixture(scope="session")
def prod() -> ProdStack:
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"No trained model at {DEFAULT_MODEL}: run `make train` (make test does).")
    # Temp folders outside pytest's (which are closed to the postgres user the database runs as).
    root = Path(tempfile.mkdtemp(prefix="kari-scale-"))
    os.chmod(root, 0o755)
    stack = ProdStack(
        root=root,
        ports=Ports.free(),
        pg_dir=root / "pg",
        durable=False,
        rate_per_client=100_000,  # every simulated citizen comes from 127.0.0.1
    )
    try:
        stack.up(timeout=1800)  # a slow, shared machine: minutes, not seconds
    except StackError as error:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"The production topology did not start: {error}", pytrace=False)
    yield stack
    stack.down()
    shutil.rmtree(root, ignore_errors=True)
