"""The real knowledge base (data/knowledge) in a temporary SQLite database."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from kari.knowledge import cli
from kari.knowledge.db import dispose_engines, session_scope

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'kari.db'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("KARI_DATABASE_URL", url)
    assert cli.main(["import", "--dir", str(REPO / "data" / "knowledge")]) == 0
    yield url
    dispose_engines()
    mp.undo()


@pytest.fixture
def session(kb_url: str):
    with session_scope(kb_url) as s:
        yield s
