"""Issue 13 at the web app (`python -m kari web` as a real process, a stand-in for Rasa):
rate limits per client and per conversation (failure 6), Retry-After passed on (failure 3), and
the minor items of failure 10: odd static paths are 404 (never 500), 502 names no address."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from kari.stack import REPO, free_port

WEBHOOK = "/webhooks/kari/webhook"


class FakeRasa:
    """Answers the Kari channel's route at once; `busy` makes it answer 503 + Retry-After."""

    def __init__(self) -> None:
        self.busy = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                status, extra = (503, {"Retry-After": "2"}) if fake.busy else (200, {})
                data = json.dumps([{"recipient_id": body["sender"], "text": "svar"}]).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for key, value in extra.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _start_web(rasa_url: str, **env: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kari", "web", "--port", str(port), "--rasa-url", rasa_url],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(url + "/", timeout=1)
            return process, url
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    pytest.fail("the web app did not start")


@pytest.fixture(scope="module")
def fake_rasa():
    fake = FakeRasa()
    yield fake
    fake.server.shutdown()


@pytest.fixture()
def web(fake_rasa):
    process, url = _start_web(fake_rasa.url, KARI_RATE_PER_CLIENT="40", KARI_RATE_PER_CONVERSATION="6")
    yield url
    process.terminate()
    process.wait(10)


def _say(url: str, sender: str) -> requests.Response:
    return requests.post(url + WEBHOOK, json={"sender": sender, "message": "hei"}, timeout=10)


def test_one_conversation_is_limited_and_others_are_not(web):
    flooding = [_say(web, "flood-1").status_code for _ in range(12)]
    assert 429 in flooding and flooding[:6] == [200] * 6
    limited = _say(web, "flood-1")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "Vent litt" in limited.json()[0]["text"]
    assert _say(web, "someone-else").status_code == 200


def test_one_client_is_limited(web):
    statuses = [_say(web, uuid.uuid4().hex).status_code for _ in range(60)]
    assert statuses.count(429) >= 30, statuses  # bursts of 20, then about 40 a minute


def test_busy_rasa_gives_503_with_retry_after_through_the_proxy(web, fake_rasa):
    fake_rasa.busy = True
    try:
        resp = _say(web, uuid.uuid4().hex)
    finally:
        fake_rasa.busy = False
    assert resp.status_code == 503 and resp.headers.get("Retry-After") == "2"


@pytest.mark.parametrize(
    "path",
    [
        "/static/",
        "/static/.",
        "/static/%00",
        "/static/a%00b.js",
        "/static/..%2fapp.py",
        "/static/../app.py",
        "/static/nope.js",
    ],
)
def test_odd_static_paths_are_404(web, path):
    resp = requests.get(web + path, timeout=10)
    assert resp.status_code == 404, (path, resp.status_code, resp.text[:200])
    assert "Traceback" not in resp.text and "File " not in resp.text


def test_static_files_are_served(web):
    resp = requests.get(web + "/static/kari-widget.js", timeout=10)
    assert resp.status_code == 200 and "javascript" in resp.headers["Content-Type"]


def test_502_names_no_internal_address():
    port = free_port()
    process, url = _start_web(f"http://127.0.0.1:{port}")
    try:
        resp = _say(url, uuid.uuid4().hex)
    finally:
        process.terminate()
        process.wait(10)
    assert resp.status_code == 502
    assert str(port) not in resp.text and "127.0.0.1" not in resp.text and "localhost" not in resp.text
