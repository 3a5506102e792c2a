"""Issue 13 against the real servers (one stack of this module's own, broken on purpose):
1 a crashed part is started again, 2 a locked tracker database neither freezes Rasa nor loses
half turns, 3 nothing is stored after "no answer", 5 only Rasa may call the action server and
Rasa's parts listen on 127.0.0.1, 7 a locked knowledge database does not freeze the action
server, 8 messages sent together by one sender are all answered, 10 Rasa's version is hidden
and a typed /restart does not restart the conversation."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from kari.stack import Stack
from tests.support.chat import reply_text
from tests.support.knowledge import stored_answer
from tests.support.own_stack import make_stack, timed_say
from tests.support.sleeper import Sleeper

pytestmark = pytest.mark.stack

PRICE_QUESTION = "Hva koster barnehageplass?"
PRICE_ANSWER = stored_answer("barnehage", "price", "nb")  # the knowledge base's, never a fallback
NO_ANSWER = ("ikkje fram eit svar", "ikke fram et svar")


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Stack:
    stack = make_stack(tmp_path_factory.mktemp("reliability-var"))
    stack.start()
    yield stack
    stack.stop()


def _user_texts(stack: Stack, sender: str) -> list[str]:
    with sqlite3.connect(stack.var_dir / "tracker.db", timeout=10) as conn:
        rows = conn.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def _hold_lock(db, seconds: float) -> threading.Event:
    """Hold a write lock on `db` from another connection for `seconds`; returns 'locked'."""
    locked = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(db, timeout=10, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    threading.Thread(target=hold, daemon=True).start()
    assert locked.wait(10)
    return locked


def test_the_stack_answers_normally(stack):
    _, status, body = timed_say(stack.rasa_url, PRICE_QUESTION)
    assert status == 200 and PRICE_ANSWER in reply_text(body)


# --- 1 -----------------------------------------------------------------------------------------
def test_a_crashed_action_server_is_started_again_and_the_rest_keeps_running(stack):
    others = {name: stack.processes[name].pid for name in ("rasa", "web")}
    os.killpg(stack.processes["actions"].pid, 9)  # a crash, not a clean stop
    stack.processes["actions"].wait()
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        stack.watch(log=lines.append)
        if stack.processes["actions"].poll() is None:
            try:
                if requests.get(stack.health_url("actions"), timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
        time.sleep(0.3)
    assert any("actions server stopped" in line for line in lines), lines
    assert {name: stack.processes[name].pid for name in others} == others
    assert all(stack.processes[name].poll() is None for name in others)
    _, status, body = timed_say(stack.rasa_url, PRICE_QUESTION)
    assert status == 200 and PRICE_ANSWER in reply_text(body)


# --- 2 -----------------------------------------------------------------------------------------
def test_a_locked_tracker_database_gives_polite_replies_in_time_and_no_half_turns(stack):
    senders = [uuid.uuid4().hex for _ in range(4)]
    _hold_lock(stack.var_dir / "tracker.db", 6)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda s: timed_say(stack.rasa_url, PRICE_QUESTION, sender=s), senders))
    for seconds, status, body in results:
        assert status in (200, 503) and seconds <= 5.0, (seconds, status)
        assert "70 16 20 00" in reply_text(body) or PRICE_ANSWER in reply_text(body) or status == 503
    time.sleep(6)
    # Every stored user message has Kari's answer after it: nothing half stored.
    with sqlite3.connect(stack.var_dir / "tracker.db", timeout=10) as conn:
        for sender in senders:
            kinds = [
                k for (k,) in conn.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,))
            ]
            if "user" in kinds:
                assert "bot" in kinds[kinds.index("user") :], kinds
    # and Kari works again at once
    _, status, body = timed_say(stack.rasa_url, PRICE_QUESTION)
    assert status == 200 and PRICE_ANSWER in reply_text(body)


# --- 3 -----------------------------------------------------------------------------------------
def test_nothing_is_stored_after_the_citizen_was_told_no_answer(stack):
    sender = uuid.uuid4().hex
    stack.kill("actions")
    try:
        with Sleeper(stack.action_port, delay=6):
            seconds, status, body = timed_say(stack.rasa_url, PRICE_QUESTION, sender=sender)
            assert status == 200 and any(n in reply_text(body) for n in NO_ANSWER)
            time.sleep(7)
    finally:
        stack.start(("actions",))
    assert PRICE_QUESTION not in _user_texts(stack, sender)


# --- 5 -----------------------------------------------------------------------------------------
def test_only_rasa_may_call_the_action_server(stack):
    call = {
        "next_action": "action_feedback",
        "sender_id": "x",
        "version": "3.6.2",
        "tracker": {
            "sender_id": "x",
            "slots": {"topic": "<script>alert(1)</script>"},
            "latest_message": {},
            "events": [],
        },
        "domain": {},
    }
    assert requests.post(f"{stack.action_url}/webhook", json=call, timeout=10).status_code == 403
    wrong = {"X-Kari-Action-Token": "guess"}
    assert requests.post(f"{stack.action_url}/webhook", json=call, headers=wrong, timeout=10).status_code == 403
    assert requests.get(f"{stack.action_url}/actions", timeout=10).status_code == 403


def _outside_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_rasa_and_the_action_server_listen_only_on_loopback(stack):
    address = _outside_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    for port in (stack.rasa_port, stack.action_port):
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((address, port)) != 0, f"port {port} is open on {address}"


# --- 7 -----------------------------------------------------------------------------------------
def test_a_locked_knowledge_database_does_not_freeze_the_action_server(stack):
    # A writer holds the knowledge base (a long import or edit). The action server's pooled connections
    # keep the file open, so no other process can take SQLite's exclusive locking mode any more; in WAL
    # mode its readers go on, and a reply that needs a write gets the polite "unavailable" answer in time.
    _hold_lock(stack.var_dir / "kari.db", 8)
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: timed_say(stack.rasa_url, PRICE_QUESTION), range(6)))
    for seconds, status, body in results:
        text = reply_text(body)
        assert status == 200 and seconds <= 5.0, (seconds, status)
        assert PRICE_ANSWER.split("\n")[0][:40] in text or "70 16 20 00" in text, text
        assert not any(n in text for n in NO_ANSWER), "the action server did not answer in time"


# --- 8 -----------------------------------------------------------------------------------------
def test_messages_sent_together_by_one_sender_are_all_answered(stack):
    time.sleep(9)  # the knowledge base lock of the test before is gone
    sender = uuid.uuid4().hex
    questions = [
        "Hva koster barnehageplass?",
        "Hvordan søker jeg om barnehageplass?",
        "takk",
        "Hva er åpningstidene?",
        "Hei",
    ]
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(lambda q: timed_say(stack.rasa_url, q, sender=sender), questions))
    for _seconds, status, body in results:
        assert status == 200 and not any(n in reply_text(body) for n in NO_ANSWER), reply_text(body)
    assert sorted(_user_texts(stack, sender)) == sorted(questions)


# --- 10 ----------------------------------------------------------------------------------------
def test_rasa_does_not_show_its_version(stack):
    resp = requests.get(stack.rasa_url + "/", timeout=10)
    assert resp.status_code == 200 and "Rasa" not in resp.text and "3.6" not in resp.text


def test_a_typed_restart_does_not_restart_the_conversation(stack):
    sender = uuid.uuid4().hex
    timed_say(stack.rasa_url, "Hvordan søker jeg om barnehageplass?", sender=sender)
    timed_say(stack.rasa_url, "/restart", sender=sender)
    _, _, body = timed_say(stack.rasa_url, "hva koster det?", sender=sender)
    assert PRICE_ANSWER in reply_text(body), reply_text(body)
