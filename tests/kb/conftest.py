"""Fixtures for the knowledge-base tests: every database test runs on SQLite AND PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from kari.knowledge import cli
from kari.knowledge.db import dispose_engines, session_scope
from tests.support.postgres import postgres_server  # noqa: F401  (session fixture)

FIXTURES = Path(__file__).parent / "fixtures" / "knowledge"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database of each kind, selected through KARI_DATABASE_URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kari.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    monkeypatch.setenv("KARI_DATABASE_URL", url)
    yield url
    dispose_engines()


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture YAML (canonical form)."""
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def kb(db_url: str, kb_dir: Path) -> str:
    """A database loaded with the fixture content."""
    assert cli.main(["import", "--dir", str(kb_dir)]) == 0
    return db_url


@pytest.fixture
def session(kb: str):
    with session_scope() as s:
        yield s


CONTENT = REPO / "data" / "knowledge"
FILES = ("partners.yml", "projects.yml", "services.yml", "municipality.yml")


@pytest.fixture
def real_kb(db_url: str, capsys) -> str:
    if not all((CONTENT / f).exists() for f in FILES):
        pytest.fail(f"the knowledge content is not in {CONTENT} yet ({', '.join(FILES)})", pytrace=False)
    code = cli.main(["import", "--dir", str(CONTENT)])
    err = capsys.readouterr().err
    assert code == 0, f"data/knowledge/ does not import:\n{err}"
    return db_url
