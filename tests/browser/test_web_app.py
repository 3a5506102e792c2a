"""The web app over plain HTTP: demo pages, security headers, the proxy to Rasa, a busy port."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request
from typing import Any

import pytest

from tests.browser.support import REPO, FakeBot, post_json, start_web

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def get(url: str) -> tuple[int, str, Any]:
    """Status, body and headers (case-insensitive, as HTTP header names are)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode(), response.headers


@pytest.mark.parametrize(
    "path, lang, heading",
    [
        ("/", "nn", "Velkomen til Ålesund kommune"),
        ("/?lang=nb", "nb", "Velkommen til Ålesund kommune"),
        ("/nb", "nb", "Velkommen til Ålesund kommune"),
    ],
)
def test_demo_page(web, path: str, lang: str, heading: str) -> None:
    status, body, headers = get(web.url + path)
    assert status == 200
    assert f'<html lang="{lang}">' in body and heading in body
    assert body.count("<script") == 1 and '<script src="/static/kari-widget.js" defer></script>' in body
    assert "70 16 20 00" in body and "postmottak@alesund.kommune.no" in body
    assert " style=" not in body


@pytest.mark.parametrize("path", ["/", "/nb", "/static/kari-widget.js", "/static/kari-widget.css"])
def test_security_headers(web, path: str) -> None:
    _, _, headers = get(web.url + path)
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in headers


def test_static_types(web) -> None:
    assert get(web.url + "/static/kari-widget.js")[2]["Content-Type"].startswith(
        ("application/javascript", "text/javascript")
    )
    assert get(web.url + "/static/kari-widget.css")[2]["Content-Type"].startswith("text/css")


def test_proxy_passes_body_and_status_through(web, fake_bot: FakeBot) -> None:
    status, body, headers = post_json(web.url + "/webhooks/kari/webhook", {"sender": "s-1", "message": "hei"})
    assert status == 200
    assert body[0]["text"] == "Hei! Kva vil du vite meir om?" and body[0]["recipient_id"] == "s-1"
    assert fake_bot.received[-1] == {"sender": "s-1", "message": "hei"}
    assert headers["Content-Security-Policy"] == CSP

    status, body, _ = post_json(web.url + "/webhooks/kari/webhook", {"sender": "s-1", "message": "feil"})
    assert (status, body) == (500, {"error": "intern feil"})


def test_proxy_when_rasa_is_down(web_without_rasa) -> None:
    status, body, _ = post_json(web_without_rasa.url + "/webhooks/kari/webhook", {"sender": "s", "message": "hei"})
    assert status == 502 and body["error"] == "Kari er ikkje tilgjengeleg akkurat no. Prøv igjen om litt."
    assert "127.0.0.1" not in body["error"]  # no internal address for the citizen


def test_proxy_timeout(fake_bot: FakeBot, tmp_path) -> None:
    app = start_web(fake_bot.url, tmp_path, env={"KARI_WEB_PROXY_TIMEOUT": "1"})
    try:
        status, body, _ = post_json(app.url + "/webhooks/kari/webhook", {"sender": "s", "message": "kjempetreig"})
    finally:
        app.stop()
    assert status == 504 and body["error"] == "Kari svarte ikkje i tide. Prøv igjen om litt."


def test_port_in_use_gives_one_clear_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "kari", "web", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "--port" in lines[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
