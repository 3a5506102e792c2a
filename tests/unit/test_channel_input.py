"""The Kari input channel on a real Sanic server, with a stub in place of Rasa's agent."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import uuid
from typing import Any, List, Optional

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from kari.channels import kari_channel
from kari.channels.kari_channel import KariInput
from tests.support.bad_inputs import (
    CASES,
    EMPTY_NB,
    JSON,
    NOTICE,
    NOTICE_NB,
    ONLY_PII,
    Case,
)

NN_WORDS = {"eg", "ikkje", "kva", "korleis", "kvar"}
NB_WORDS = {"jeg", "ikke", "hva", "hvordan", "hvor"}


def stub_detect_malform(text: str) -> Optional[str]:
    """Deterministic stand-in for kari.nlu.malform.detect_malform (tested by its own suite)."""
    words = {w.strip("?.,!").lower() for w in text.split()}
    if words & NB_WORDS:
        return "nb"
    if words & NN_WORDS:
        return "nn"
    return None


def stub_malform_evidence(text: str) -> float:
    """Log-odds stand-in: the stub's decision as ±3, 0 when it has none."""
    return {"nb": 3.0, "nn": -3.0, None: 0.0}[stub_detect_malform(text)]


class FakeRasa:
    """Records what Rasa would receive and answers like a bot with one button."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []
        self.fail = False

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.fail:
            raise RuntimeError("agent crashed")
        await message.output_channel.send_text_with_buttons(
            message.sender_id,
            f"Du skreiv: {message.text}",
            [{"title": "Pris", "payload": '/ask_price{"topic":"barnehage"}'}],
        )


class Server:
    def __init__(self) -> None:
        Sanic.test_mode = True
        self.rasa = FakeRasa()
        self.channel = KariInput()
        self.app = Sanic(f"kari_channel_test_{uuid.uuid4().hex[:8]}")
        self.app.config.REQUEST_MAX_SIZE = 1_000_000
        self.app.blueprint(self.channel.blueprint(self.rasa.on_new_message), url_prefix="/webhooks/kari")
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/webhooks/kari/webhook"
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            self.app.create_server(sock=self.sock, return_asyncio_server=True, access_log=False)
        )
        self.loop.run_until_complete(server.startup())
        self.loop.run_until_complete(server.before_start())
        self.loop.run_until_complete(server.after_start())
        self._ready.set()
        self.loop.run_forever()
        server.close()

    def start(self) -> "Server":
        self._thread.start()
        assert self._ready.wait(30), "Sanic test server did not start"
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def post(self, body: bytes, content_type: Optional[str] = JSON, method: str = "POST") -> requests.Response:
        headers = {"Content-Type": content_type} if content_type else {}
        session = requests.Session()
        request = requests.Request(method, self.url, data=body, headers=headers).prepare()
        if content_type is None:
            request.headers.pop("Content-Type", None)
        return session.send(request, timeout=30)

    def say(self, sender: str, message: Any) -> requests.Response:
        return self.post(Case("say", sender=sender, message=message).request_body())


@pytest.fixture(scope="module")
def server():
    srv = Server().start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def fresh(server: Server, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(kari_channel, "detect_malform", stub_detect_malform)
    monkeypatch.setattr(kari_channel, "malform_evidence", stub_malform_evidence)
    server.rasa.received.clear()
    server.rasa.fail = False
    yield


def test_table_has_enough_cases():
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_and_odd_input(server: Server, case: Case, caplog: pytest.LogCaptureFixture):
    # a fresh sender per case, so the once-per-sender privacy notice shows every time
    if case.sender == "citizen-1":
        case = Case(**{**case.__dict__, "sender": f"c-{uuid.uuid4().hex}"})
    caplog.set_level(logging.DEBUG)
    resp = server.post(case.request_body(), case.content_type, case.method)

    assert resp.status_code == case.status, resp.text
    assert resp.status_code < 500
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()

    if case.status >= 400:
        assert isinstance(body, dict) and case.error in body["error"], body
        assert server.rasa.received == []
    else:
        assert isinstance(body, list) and body, body
        for bubble in body:
            assert bubble["recipient_id"] == case.sender
            assert isinstance(bubble["text"], str) and bubble["text"].strip()
        if case.forwarded is None:
            assert server.rasa.received == []
        else:
            assert [m.text for m in server.rasa.received] == [case.forwarded]
            message = server.rasa.received[0]
            assert message.sender_id == case.sender
            assert message.input_channel == "kari"
            assert set(message.metadata) == {"masked"}
            assert body[-1]["text"] == f"Du skreiv: {case.forwarded}"
            assert body[-1]["buttons"][0]["payload"] == '/ask_price{"topic":"barnehage"}'
        if case.reply:
            assert case.reply in body[0]["text"], body
        elif case.forwarded is not None:
            assert len(body) == 1, "no notice when nothing was masked"

    seen_by_rasa = " ".join(f"{m.text} {m.metadata}" for m in server.rasa.received)
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for secret in case.secrets:
        assert secret not in seen_by_rasa
        assert secret not in resp.text
        assert secret not in logs
    if isinstance(case.message, str) and len(case.message.strip()) >= 6:
        assert case.message.strip() not in logs, "the message text must not be logged"


def test_masked_kinds_recorded_in_metadata(server: Server):
    server.say("kinds-1", "tlf 987 65 432 og e-post kari@example.no")
    assert server.rasa.received[0].metadata == {"masked": ["telefonnummer", "e-post"]}


def test_privacy_notice_only_once_per_sender(server: Server):
    first = server.say("once-1", "Eg har nummer 987 65 432").json()
    second = server.say("once-1", "Og fnr 15108695088, kva no?").json()
    assert NOTICE in first[0]["text"]
    assert [b["text"] for b in second] == ["Du skreiv: Og fnr [fødselsnummer], kva no?"]
    other = server.say("once-2", "Eg har nummer 987 65 432").json()
    assert NOTICE in other[0]["text"]


def test_privacy_notice_in_bokmal(server: Server):
    replies = server.say("nb-1", "Hvordan søker jeg? Telefon 987 65 432").json()
    assert NOTICE_NB in replies[0]["text"]
    assert NOTICE not in replies[0]["text"]


def test_only_personal_data_again_asks_for_a_question(server: Server):
    server.say("only-1", "98765432")
    replies = server.say("only-1", "41234567").json()
    assert server.rasa.received == []
    assert [b["text"] for b in replies] == [kari_channel.REPLIES["only_personal_data"]["nn"]]
    assert ONLY_PII in replies[0]["text"]


def test_empty_reply_keeps_the_senders_written_standard(server: Server):
    server.say("std-1", "Hvor er biblioteket?")
    replies = server.say("std-1", "   ").json()
    assert EMPTY_NB in replies[0]["text"]


def test_rasa_failure_gives_a_friendly_200(server: Server):
    server.rasa.fail = True
    resp = server.say("fail-1", "kva kostar barnehage")
    assert resp.status_code == 200
    assert "noko gjekk gale" in resp.json()[0]["text"]


def test_health_endpoint(server: Server):
    resp = requests.get(server.url.rsplit("/", 1)[0] + "/", timeout=10)
    assert resp.status_code == 200 and resp.json() == {"status": "ok"}


def test_from_credentials_reads_limits():
    channel = KariInput.from_credentials({"max_chars": 200, "max_body_bytes": 4096})
    assert (channel.max_chars, channel.max_body_bytes) == (200, 4096)
    default = KariInput.from_credentials(None)
    assert (default.max_chars, default.max_body_bytes) == (1000, 16 * 1024)
    assert KariInput.name() == "kari"


def test_detect_malform_without_errors_falls_back(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.undo()  # the real wrapper, not the stub
    import sys
    import types

    broken = types.ModuleType("kari.nlu.malform")

    def boom(text: str) -> str:
        raise ValueError("broken detector")

    broken.detect_malform = boom  # type: ignore[attr-defined]
    broken.malform_evidence = boom  # type: ignore[attr-defined]
    broken.conversation_malform = boom  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kari.nlu.malform", broken)
    assert kari_channel.detect_malform("Eg lurer på noko") is None
    assert kari_channel.malform_evidence("Eg lurer på noko") == 0.0
    assert kari_channel.conversation_malform([3.0], None) == "nn"
    assert kari_channel.conversation_malform([3.0], "nb") == "nb"


def test_with_the_real_malform_detector(server: Server, monkeypatch: pytest.MonkeyPatch):
    """The contract kari.nlu.malform.detect_malform(text) -> "nn" | "nb" | None, for real."""
    pytest.importorskip("kari.nlu.malform")
    monkeypatch.undo()
    nb = server.say("real-nb", "Jeg lurer på hvordan jeg søker. Ring meg på 987 65 432.").json()
    nn = server.say("real-nn", "Eg lurer på korleis eg søkjer. Ring meg på 987 65 432.").json()
    assert NOTICE_NB in nb[0]["text"]
    assert NOTICE in nn[0]["text"]


# --- issue 18: the citizen's choice of written standard and the conversation's evidence -----------


def _say_with_choice(server: Server, sender: str, message: str, malform: Any) -> requests.Response:
    body = json.dumps({"sender": sender, "message": message, "malform": malform})
    return server.post(body.encode("utf-8"))


@pytest.mark.parametrize("bad", ["NB", "nynorsk", "", 1, ["nb"], {"x": 1}, True])
def test_malform_field_is_validated(server: Server, bad: Any):
    resp = _say_with_choice(server, "choice-bad", "hei", bad)
    assert resp.status_code == 400
    assert "malform" in resp.json()["error"]
    assert server.rasa.received == []


def test_malform_choice_goes_to_rasa_as_metadata(server: Server):
    _say_with_choice(server, "choice-1", "kva kostar barnehage", "nb")
    assert server.rasa.received[-1].metadata["malform_choice"] == "nb"
    # remembered: later messages without the field carry it too
    server.say("choice-1", "og sfo?")
    assert server.rasa.received[-1].metadata["malform_choice"] == "nb"
    plain = server.say("choice-2", "kva kostar barnehage")
    assert plain.status_code == 200
    assert "malform_choice" not in server.rasa.received[-1].metadata


def test_malform_choice_wins_for_the_channels_own_replies(server: Server):
    resp = _say_with_choice(server, "choice-3", "   ", "nb")
    assert EMPTY_NB in resp.json()[0]["text"]
    resp = _say_with_choice(server, "choice-4", "Eg lurer på korleis eg søkjer", None)
    assert resp.status_code == 200  # null is the same as no choice


def test_a_greeting_keeps_the_conversations_standard(server: Server):
    server.say("conv-1", "Hvor er biblioteket?")
    server.say("conv-1", "takk")
    replies = server.say("conv-1", "   ").json()
    assert EMPTY_NB in replies[0]["text"]
