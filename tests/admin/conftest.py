"""The admin pages against a running web app (`python -m kari web`) and a real database, on SQLite and
PostgreSQL, with the knowledge base's test fixture content and one account per role."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests.admin.support import REPO, StaffClient, add_staff
from tests.browser.support import WebApp, free_port, start_web
from tests.support.postgres import postgres_server  # noqa: F401  (session fixture)

FIXTURES = REPO / "tests" / "kb" / "fixtures" / "knowledge"


@dataclass
class AdminSite:
    url: str
    env: dict[str, str]
    web: WebApp

    def client(self, name: str | None = None) -> StaffClient:
        client = StaffClient(self.url)
        if name:
            assert client.login(name).url.endswith("/admin/"), f"{name} could not log in"
        return client


def import_kb(env: dict[str, str], directory: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "kari", "kb", "import", "--dir", str(directory)],
        env={**os.environ, **env, "PYTHONPATH": str(REPO)},
        cwd=REPO,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdminSite]:
    var = tmp_path_factory.mktemp("admin")
    if request.param == "sqlite":
        url = f"sqlite:///{var / 'kari.db'}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
    project = var / "project"  # the intents pages write into this copy, not into the repo
    shutil.copytree(REPO / "data" / "nlu", project / "data" / "nlu")
    shutil.copy(REPO / "data" / "rules.yml", project / "data" / "rules.yml")
    shutil.copy(REPO / "domain.yml", project / "domain.yml")
    env = {
        "KARI_DATABASE_URL": url,
        "KARI_TRACKER_DB_URL": f"sqlite:///{var / 'tracker.db'}",
        "KARI_NLU_DIR": str(project / "data" / "nlu"),
    }
    import_kb(env, FIXTURES)
    for name, role in (("eva", "editor"), ("tor", "trainer"), ("ada", "admin")):
        add_staff(env, name, role)
    web = start_web(f"http://127.0.0.1:{free_port()}", var, env)
    yield AdminSite(web.url, env, web)
    web.stop()
