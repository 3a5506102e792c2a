"""Issue 7: Rasa's HTTP API is closed, and browsers may call Kari only from the configured origins.

Since issue 14 the API is on for the staff pages (PUT /model) but answers 401 without KARI_RASA_TOKEN;
its one route without a token, /version, tells only Rasa's version, on 127.0.0.1.

Runs against the shared real stack (`kari_stack`): these tests only read.
"""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.support.chat import reply_text, say

pytestmark = pytest.mark.stack

EVIL = "https://evil.example"
SECRET_WORDS = "kva kostar barnehage hjå dykk"

# Rasa's HTTP API (rasa/server.py): status, model, conversations and their trackers.
API_CALLS = [
    ("GET", "/status"),
    ("GET", "/version"),
    ("GET", "/domain"),
    ("GET", "/conversations/{sender}/tracker"),
    ("GET", "/conversations/{sender}/story"),
    ("POST", "/conversations/{sender}/messages"),
    ("POST", "/conversations/{sender}/tracker/events"),
    ("PUT", "/conversations/{sender}/tracker/events"),
    ("POST", "/conversations/{sender}/trigger_intent"),
    ("POST", "/conversations/{sender}/execute"),
    ("POST", "/conversations/{sender}/predict"),
    ("POST", "/model/parse"),
    ("POST", "/model/predict"),
    ("POST", "/model/train"),
    ("POST", "/model/test/intents"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
]


@pytest.fixture(scope="module")
def known_conversation(kari_stack) -> str:
    """A conversation whose text an open API would give away."""
    sender = uuid.uuid4().hex
    assert reply_text(say(kari_stack.rasa_url, SECRET_WORDS, sender=sender))
    return sender


def _call(base: str, method: str, path: str, sender: str) -> requests.Response:
    body = {"text": SECRET_WORDS, "sender": "user", "name": "greet", "event": "slot", "message": "hei"}
    return requests.request(method, base + path.format(sender=sender) + "?token=x", json=body, timeout=15)


def _assert_closed(response: requests.Response, sender: str, refused: tuple[int, ...] = (403, 404, 405)) -> None:
    assert response.status_code in refused, (response.status_code, response.text[:200])
    text = response.text
    # (the 404 page may repeat the URL, so the sender id itself is no leak)
    for leak in (SECRET_WORDS, '"events"', '"slots"', '"intent"', "fingerprint", "model_file"):
        assert leak not in text, f"answer contains {leak!r}"


@pytest.mark.parametrize("method,path", API_CALLS, ids=[f"{m} {p}" for m, p in API_CALLS])
def test_rasa_http_api_is_closed(kari_stack, known_conversation, method, path):
    response = _call(kari_stack.rasa_url, method, path, known_conversation)
    if path == "/version":  # Rasa serves it without a token: the version number and nothing else
        assert set(response.json()) <= {"version", "minimum_compatible_version"}
        return
    _assert_closed(response, known_conversation, refused=(401, 403, 404, 405))


@pytest.mark.parametrize("method,path", API_CALLS, ids=[f"{m} {p}" for m, p in API_CALLS])
def test_web_app_does_not_pass_the_api_on(kari_stack, known_conversation, method, path):
    _assert_closed(_call(kari_stack.web_url, method, path, known_conversation), known_conversation)


def test_web_app_proxies_only_the_kari_channel(kari_stack, known_conversation):
    response = requests.post(
        f"{kari_stack.web_url}/webhooks/rest/webhook", json={"sender": known_conversation, "message": "hei"}, timeout=15
    )
    _assert_closed(response, known_conversation)
    assert say(kari_stack.web_url, "hei", channel="kari"), "the widget's route works"


def _preflight(url: str, origin: str) -> requests.Response:
    return requests.options(
        url,
        timeout=15,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


def _post(url: str, origin: str) -> requests.Response:
    return requests.post(
        url, json={"sender": uuid.uuid4().hex, "message": "hei"}, headers={"Origin": origin}, timeout=30
    )


@pytest.mark.parametrize("channel", ["kari", "rest"])
def test_cors_only_for_configured_origins(kari_stack, channel):
    allowed = kari_stack.env()["KARI_ALLOWED_ORIGINS"].split()
    assert allowed and "*" not in allowed
    url = f"{kari_stack.rasa_url}/webhooks/{channel}/webhook"
    for origin in (EVIL, "null", "http://localhost:1", allowed[0] + ".evil.example"):
        for response in (_preflight(url, origin), _post(url, origin)):
            assert "Access-Control-Allow-Origin" not in response.headers, (origin, response.headers)
    for response in (_preflight(url, allowed[0]), _post(url, allowed[0])):
        assert response.headers.get("Access-Control-Allow-Origin") == allowed[0], response.headers


def test_web_app_allows_no_cross_origin_calls(kari_stack):
    url = f"{kari_stack.web_url}/webhooks/kari/webhook"
    allowed = kari_stack.env()["KARI_ALLOWED_ORIGINS"].split()
    for origin in (EVIL, "null", *allowed):
        for response in (_preflight(url, origin), _post(url, origin)):
            assert "Access-Control-Allow-Origin" not in response.headers, (origin, response.headers)
    page = requests.get(f"{kari_stack.web_url}/", timeout=15)
    assert "connect-src 'self'" in page.headers.get("Content-Security-Policy", "")
