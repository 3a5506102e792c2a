"""Issue 7: when a part of Kari fails, the citizen still gets a polite answer in time.

One stack of this module's own, which the tests break on purpose: each test kills or replaces a
server and puts the real one back afterwards, so the tests do not depend on their order.
"""

from __future__ import annotations

import uuid

import pytest

from kari.stack import Stack, free_port
from tests.support.chat import reply_text
from tests.support.knowledge import stored_answer
from tests.support.own_stack import make_stack, timed_say
from tests.support.sleeper import Sleeper

pytestmark = pytest.mark.stack

PHONE = "70 16 20 00"
LIMIT_SECONDS = 5.0  # what the citizen notices; an upper bound only
PRICE_QUESTION = "Hva koster barnehageplass?"
PRICE_ANSWER = stored_answer("barnehage", "price", "nb")  # the knowledge base's, never a fallback


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Stack:
    stack = make_stack(tmp_path_factory.mktemp("failures-var"))
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture()
def actions_restored(stack: Stack):
    """Put the real action server back (with the original settings) after the test."""
    env = dict(stack.extra_env)
    yield
    if "actions" in stack.processes:
        stack.kill("actions")
    stack.extra_env.clear()
    stack.extra_env.update(env)
    stack.start(("actions",))


def _assert_polite_fallback(seconds: float, status: int, body: object) -> str:
    assert status == 200, body
    text = reply_text(body)
    assert seconds <= LIMIT_SECONDS, f"the reply took {seconds:.1f} s"
    assert PHONE in text, text
    assert PRICE_ANSWER not in text
    assert "Traceback" not in text and "Error" not in text
    return text


def test_the_stack_answers_normally(stack):
    seconds, status, body = timed_say(stack.rasa_url, PRICE_QUESTION)
    assert status == 200 and PRICE_ANSWER in reply_text(body)


def test_action_server_down(stack, actions_restored):
    stack.kill("actions")
    _assert_polite_fallback(*timed_say(stack.rasa_url, PRICE_QUESTION))
    # The same through the web app's proxy, as the widget sends it.
    _assert_polite_fallback(*timed_say(stack.web_url, PRICE_QUESTION))
    # An emergency still gets its number first: the channel knows it without the action server.
    _, status, body = timed_say(stack.rasa_url, "det brenn i huset vårt")
    assert status == 200 and reply_text(body).startswith("Ring 110")


def test_action_server_too_slow(stack, actions_restored):
    stack.kill("actions")
    with Sleeper(stack.action_port, delay=30) as sleeper:
        text = _assert_polite_fallback(*timed_say(stack.rasa_url, PRICE_QUESTION))
        assert "action_answer" in sleeper.calls, "Rasa did not wait for the action server"
        assert "Prøv igjen" in text


def test_knowledge_database_unreachable(stack, actions_restored):
    stack.kill("actions")
    # A PostgreSQL URL on a port where nothing listens.
    stack.extra_env["KARI_DATABASE_URL"] = f"postgresql+psycopg2://kari:secret@127.0.0.1:{free_port()}/kari"
    stack.start(("actions",))
    text = _assert_polite_fallback(*timed_say(stack.rasa_url, PRICE_QUESTION))
    assert "dessverre" in text and "70 16 20 00" in text
    log = (stack.log_dir / "actions.log").read_text(encoding="utf-8", errors="replace")
    assert "secret" not in log, "the database password was logged"


def test_rasa_killed_mid_conversation_keeps_the_history(stack):
    sender = uuid.uuid4().hex
    _, _, body = timed_say(stack.rasa_url, "Hvordan søker jeg om barnehageplass?", sender=sender)
    assert "Foresattportalen" in reply_text(body)

    stack.kill("rasa")  # SIGKILL: no clean shutdown
    stack.start(("rasa",))

    # The follow-up names no topic and no written standard: both come from the stored history.
    seconds, status, body = timed_say(stack.rasa_url, "hva koster det?", sender=sender)
    assert status == 200 and seconds <= LIMIT_SECONDS
    text = reply_text(body)
    assert PRICE_ANSWER in text and "endres" in text, text  # the price, in Bokmål
    assert "Bare hyggelig" in reply_text(timed_say(stack.rasa_url, "takk", sender=sender)[2])
    # Without that history the same question gets no price.
    assert PRICE_ANSWER not in reply_text(timed_say(stack.rasa_url, "hva koster det?")[2])
