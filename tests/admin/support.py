"""A staff member's browser without the browser: requests with cookies, reading the forms' CSRF token."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "riktig-hest-batteri"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class StaffClient:
    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.http = requests.Session()
        self.csrf = ""

    def get(self, path: str, **kwargs) -> requests.Response:
        response = self.http.get(self.base + path, timeout=30, **kwargs)
        found = _CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kwargs) -> requests.Response:
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf", self.csrf)
        response = self.http.post(self.base + path, data=data, timeout=30, **kwargs)
        found = _CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def login(self, name: str, password: str = PASSWORD) -> requests.Response:
        self.get("/admin/login")
        return self.post("/admin/login", {"name": name, "password": password})


def add_staff(env: dict[str, str], name: str, role: str, password: str = PASSWORD) -> None:
    """`python -m kari staff add` as an operator runs it."""
    subprocess.run(
        [sys.executable, "-m", "kari", "staff", "add", name, "--role", role, "--password-stdin"],
        input=password + "\n",
        text=True,
        env={**os.environ, **env, "PYTHONPATH": str(REPO)},
        cwd=REPO,
        check=True,
        capture_output=True,
    )
