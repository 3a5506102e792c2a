"""Issue 13 in the input channel (a real Sanic server, a stub in place of Rasa's agent):
order per sender, no answer computed after "no answer", 503 + Retry-After under overload,
typed "/…" commands as text (buttons Kari offered still work, once), cross-origin POSTs refused,
Rasa's version hidden, DEBUG log records masked."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import List

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from sanic import response as sanic_response

from kari.channels import kari_channel
from kari.channels.kari_channel import KariInput, KariRestInput
from tests.unit.test_channel_input import Server, stub_detect_malform

PAYLOAD = '/ask_price{"topic":"barnehage"}'


class SlowRasa:
    """Answers after `delays[text]` seconds; records the order in which turns start and finish."""

    def __init__(self) -> None:
        self.delays: dict[str, float] = {}
        self.started: List[str] = []
        self.finished: List[str] = []

    async def on_new_message(self, message: UserMessage) -> None:
        self.started.append(message.text)
        await asyncio.sleep(self.delays.get(message.text, 0.05))
        self.finished.append(message.text)
        if message.text.startswith("/"):  # like Kari: "takk for svaret", no new buttons
            await message.output_channel.send_text_with_buttons(message.sender_id, "Takk", [])
            return
        await message.output_channel.send_text_with_buttons(
            message.sender_id,
            f"Svar på {message.text}",
            [{"title": "Pris", "payload": PAYLOAD}, {"title": "Bra", "payload": "/feedback_good"}],
        )


def _server(channel: KariInput) -> tuple[Server, SlowRasa]:
    srv = Server.__new__(Server)
    Server.__init__(srv)
    rasa = SlowRasa()
    srv.rasa = rasa  # type: ignore[assignment]
    srv.channel = channel
    from sanic import Sanic

    srv.app = Sanic(f"kari_rel_{uuid.uuid4().hex[:8]}")
    srv.app.blueprint(channel.blueprint(rasa.on_new_message), url_prefix="/webhooks/kari")

    @srv.app.get("/")
    async def hello(_request):  # what Rasa's own "/" says
        return sanic_response.text("Hello from Rasa: 3.6.21")

    return srv.start(), rasa


@pytest.fixture()
def slow(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(kari_channel, "detect_malform", stub_detect_malform)
    monkeypatch.setattr(kari_channel, "REPLY_TIMEOUT_SECONDS", 1.5)
    srv, rasa = _server(KariInput(max_concurrent=2, max_queued=2, allowed_origins=["http://kari.example"]))
    yield srv, rasa
    srv.stop()


def _texts(resp: requests.Response) -> str:
    return " ".join(m.get("text", "") for m in resp.json())


def test_a_sender_s_message_is_never_overtaken_by_the_next(slow):
    srv, rasa = slow
    rasa.delays = {"første": 0.6, "andre": 0.0}
    sender = uuid.uuid4().hex
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(srv.say, sender, "første")
        time.sleep(0.1)
        second = pool.submit(srv.say, sender, "andre")
        assert first.result().status_code == second.result().status_code == 200
    assert rasa.finished == ["første", "andre"]


def test_no_answer_is_computed_after_the_citizen_was_told_there_is_none(slow):
    srv, rasa = slow
    rasa.delays = {"treg": 3.0}
    resp = srv.say(uuid.uuid4().hex, "treg")
    assert resp.status_code == 200 and "ikkje fram eit svar" in _texts(resp)
    time.sleep(2.0)
    assert rasa.started == ["treg"] and rasa.finished == [], "the turn went on after 'no answer'"


def test_overload_gives_503_with_retry_after_at_once(slow):
    srv, rasa = slow
    rasa.delays = {"tung": 1.0}
    with ThreadPoolExecutor(8) as pool:
        started = time.monotonic()
        futures = [
            pool.submit(lambda: (srv.say(uuid.uuid4().hex, "tung"), time.monotonic() - started)) for _ in range(8)
        ]
        results = [f.result() for f in futures]
    busy = [(r, s) for r, s in results if r.status_code == 503]
    assert busy, [r.status_code for r, _ in results]
    for resp, seconds in busy:
        assert resp.headers.get("Retry-After") == "2"
        assert "send meldinga di på nytt" in _texts(resp)
        assert seconds < 0.8, "the busy answer came late"
    assert len(rasa.started) <= 4  # 2 at work + 2 queued: the rest were never processed


def test_messages_sent_together_by_one_sender_are_all_answered(slow):
    srv, rasa = slow
    sender = uuid.uuid4().hex
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(lambda i: srv.say(sender, f"melding {i}"), range(5)))
    assert [r.status_code for r in results] == [200] * 5
    assert all("Svar på melding" in _texts(r) for r in results)


def test_typed_commands_are_text_and_offered_buttons_work_once(slow):
    srv, rasa = slow
    sender = uuid.uuid4().hex
    srv.say(sender, PAYLOAD)  # nothing offered yet: text
    assert rasa.started[-1] == PAYLOAD.lstrip("/")
    srv.say(sender, "/restart")  # never offered: text
    assert rasa.started[-1] == "restart"
    # Kari's last reply offered PAYLOAD and /feedback_good: a click is a command …
    srv.say(sender, "/feedback_good")
    assert rasa.started[-1] == "/feedback_good"
    # … once: the same rating again is text (one rating per answer)
    srv.say(sender, "/feedback_good")
    assert rasa.started[-1] == "feedback_good"
    # buttons are per sender
    assert srv.channel.accept_command(uuid.uuid4().hex, PAYLOAD) is False


def test_cross_origin_posts_are_refused(slow):
    srv, rasa = slow
    body = b'{"sender": "x1", "message": "hei"}'
    evil = requests.post(
        srv.url, data=body, headers={"Content-Type": "application/json", "Origin": "http://evil.example"}, timeout=10
    )
    assert evil.status_code == 403 and rasa.started == []
    ok = requests.post(
        srv.url, data=body, headers={"Content-Type": "application/json", "Origin": "http://kari.example"}, timeout=10
    )
    assert ok.status_code == 200


def test_rest_route_refuses_cross_origin_text_plain(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(kari_channel, "detect_malform", stub_detect_malform)
    srv, rasa = _server(KariRestInput(allowed_origins=["http://kari.example"]))
    try:
        resp = requests.post(
            srv.url,
            data=b'{"sender": "x2", "message": "hei"}',
            headers={"Content-Type": "text/plain", "Origin": "http://evil.example"},
            timeout=10,
        )
        assert resp.status_code == 403 and rasa.started == []
        # curl (no Origin) still works with any content type
        resp = requests.post(srv.url, data=b'{"sender": "x2", "message": "hei"}', timeout=10)
        assert resp.status_code == 200
    finally:
        srv.stop()


def test_rasa_version_is_hidden(slow):
    srv, _ = slow
    resp = requests.get(srv.url.split("/webhooks")[0] + "/", timeout=10)
    assert resp.status_code == 200 and "Rasa" not in resp.text and "3.6" not in resp.text


def test_debug_records_are_masked(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    for name in ("rasa", "rasa.core.processor", "sanic"):  # Rasa, loaded in-process by earlier tests, sets its own
        caplog.set_level(logging.DEBUG, logger=name)
    logging.getLogger("rasa.core.processor").debug("Received user message '%s'", "ring 98 409 513 no")
    logging.getLogger("sanic").debug("body: ola (at) gmail.com 030958/24144")
    text = caplog.text
    assert "98 409 513" not in text and "ola (at)" not in text and "24144" not in text
    assert "[telefonnummer]" in text


def test_an_emergency_gets_its_numbers_even_when_kari_cannot_answer():
    from kari.channels.kari_channel import KariInput

    channel = KariInput()
    reply = channel._fallback("s", "no_answer", "nn", "far min pustar ikkje")
    assert reply["text"].startswith("Ring 113")
    assert (
        channel._fallback("s", "no_answer", "nb", "hva koster sfo")["text"]
        == channel._reply("s", "no_answer", "nb")["text"]
    )
