"""Accounts: log-in, log-out, expiring sessions, CSRF, lock-out, roles, and no page without a session."""

from __future__ import annotations

import functools
import re

import pytest
import requests
from sqlalchemy import create_engine, text

from kari.web.app import create_app
from tests.admin.support import PASSWORD, StaffClient, add_staff

PUBLIC = {"/admin/login", "/admin/static/admin.css"}


@functools.lru_cache(maxsize=1)
def admin_routes() -> list[tuple[str, str]]:
    """(method, path) of every registered /admin route, parameters filled with plausible values."""
    values = {"key": "barnehage", "aspect": "price", "name": "eva", "example_id": "1", "change_id": "1"}
    routes: list[tuple[str, str]] = []
    for route in create_app(name="route_walk").router.routes:
        uri = route.uri if route.uri.startswith("/") else "/" + route.uri
        if not uri.startswith("/admin") or uri in PUBLIC:
            continue
        path = re.sub(r"<(\w+)(?::[^>]*)?>", lambda m: values[m.group(1)], uri)
        routes += [(method, path) for method in sorted(route.methods)]
    return routes


def test_the_walk_sees_every_kind_of_page() -> None:
    paths = {p for _m, p in admin_routes()}
    assert {"/admin", "/admin/topics", "/admin/history", "/admin/staff"} <= paths
    assert len(admin_routes()) >= 15


def test_no_admin_route_without_a_session(site) -> None:
    anonymous = requests.Session()
    for method, path in admin_routes():
        response = anonymous.request(method, site.url + path, data={"csrf": "x"}, allow_redirects=False, timeout=30)
        if method == "GET":
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].startswith("/admin/login"), (method, path)
        else:
            assert response.status_code == 401, (method, path, response.status_code)


def test_log_in_and_out(site) -> None:
    client = StaffClient(site.url)
    page = client.get("/admin/topics")
    assert page.url.endswith("/admin/login?next=%2Fadmin%2Ftopics")
    response = client.post("/admin/login", {"name": "eva", "password": PASSWORD, "next": "/admin/topics"})
    assert response.status_code == 200 and response.url.endswith("/admin/topics")
    assert "Barnehage" in response.text and "eva (redaktør)" in response.text
    cookie = client.http.cookies.get("kari_admin")
    assert cookie and "kari_admin=" in response.history[0].headers["Set-Cookie"]
    assert "HttpOnly" in response.history[0].headers["Set-Cookie"]
    assert "SameSite=Strict" in response.history[0].headers["Set-Cookie"]
    out = client.post("/admin/logout", allow_redirects=False)
    assert out.status_code == 302 and "kari_admin=;" in out.headers["Set-Cookie"].replace('""', "")
    assert "Max-Age=0" in out.headers["Set-Cookie"]
    stolen = requests.get(site.url + "/admin/", cookies={"kari_admin": cookie}, allow_redirects=False, timeout=30)
    assert stolen.status_code == 302, "a session must end at log-out"


def test_wrong_password_and_lock_out(site) -> None:
    add_staff(site.env, "per", "editor")
    client = StaffClient(site.url)
    for _ in range(4):
        response = client.login("per", "feil-passord-her")
        assert response.status_code == 401 and "Feil brukarnamn eller passord." in response.text
    response = client.login("per", "feil-passord-her")
    assert response.status_code == 401 and "låst" in response.text
    response = client.login("per")  # the right password does not help while locked
    assert response.status_code == 401 and "låst" in response.text
    admin = site.client("ada")
    staff = admin.get("/admin/staff")
    assert "Lås opp per" in staff.text
    assert admin.post("/admin/staff/per/unlock").url.endswith("done=unlocked")
    assert client.login("per").url.endswith("/admin/")


def test_unknown_name_gets_the_same_answer(site) -> None:
    response = StaffClient(site.url).login("finst-ikkje")
    assert response.status_code == 401 and "Feil brukarnamn eller passord." in response.text


def test_forms_need_the_csrf_token(site) -> None:
    client = site.client("eva")
    response = client.post("/admin/topics/barnehage", {"name_nn": "Hacka", "csrf": "feil"})
    assert response.status_code == 403
    response = client.post("/admin/topics/barnehage", {"name_nn": "Hacka"}, csrf=False)
    assert response.status_code == 403
    assert "Hacka" not in client.get("/admin/topics").text
    anonymous = StaffClient(site.url)
    anonymous.get("/admin/login")
    response = anonymous.post("/admin/login", {"name": "eva", "password": PASSWORD, "csrf": "gjetta"})
    assert response.status_code == 403


def test_sessions_expire(site) -> None:
    client = site.client("eva")
    assert client.get("/admin/topics").url.endswith("/admin/topics")
    engine = create_engine(site.env["KARI_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text("UPDATE staff_sessions SET expires = :past"), {"past": "2020-01-01 00:00:00"})
    engine.dispose()
    assert "/admin/login" in client.get("/admin/topics").url


@pytest.mark.parametrize(
    ("name", "path", "allowed"),
    [
        ("eva", "/admin/topics", True),
        ("eva", "/admin/staff", False),
        ("tor", "/admin/staff", False),
        ("ada", "/admin/staff", True),
    ],
)
def test_roles(site, name: str, path: str, allowed: bool) -> None:
    response = site.client(name).get(path)
    assert response.status_code == (200 if allowed else 403)
    if not allowed:
        assert "Ikkje tilgang" in response.text


def test_only_admins_add_accounts(site) -> None:
    editor = site.client("eva")
    editor.get("/admin/")
    assert editor.post("/admin/staff", {"name": "mallory", "role": "admin", "password": PASSWORD}).status_code == 403
    admin = site.client("ada")
    admin.get("/admin/staff")
    response = admin.post("/admin/staff", {"name": "kort", "role": "editor", "password": "kort"})
    assert response.status_code == 400 and "minst 10 teikn" in response.text
    response = admin.post("/admin/staff", {"name": "liv", "role": "trainer", "password": PASSWORD})
    assert response.url.endswith("done=staff")
    assert site.client("liv").get("/admin/").status_code == 200


def test_cli_says_what_is_wrong(site) -> None:
    import os
    import subprocess
    import sys

    from tests.admin.support import REPO

    def run(*args: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kari", "staff", *args, "--password-stdin"],
            input=password + "\n",
            text=True,
            capture_output=True,
            env={**os.environ, **site.env, "PYTHONPATH": str(REPO)},
            cwd=REPO,
        )

    result = run("add", "eva", "--role", "editor")
    assert result.returncode == 1 and "finst alt" in result.stderr and "Traceback" not in result.stderr
    result = run("add", "nils", "--role", "editor", password="kort")
    assert result.returncode == 1 and "minst 10 teikn" in result.stderr
    result = run("add", "nils", "--role", "boss")
    assert result.returncode == 2 and "invalid choice" in result.stderr
