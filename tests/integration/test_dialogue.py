"""Issue 5 end to end: follow-ups, clarification, handover, feedback and "forget me", through the real
Rasa server, action server and input channel (fixture `kari_stack`). What Kari says in plain
conversations is checked by the conversation tests (tests/conversations/*.yml, also run through the
channel by tests/integration/test_evaluators.py); these need the databases or the buttons' payloads."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date

import pytest
from sqlalchemy.engine import make_url

from kari.conversation import service_desk
from tests.support.chat import reply_text, say
from tests.support.knowledge import stored_answer

pytestmark = pytest.mark.stack


class Citizen:
    def __init__(self, stack, channel: str = "kari") -> None:
        self.stack, self.channel, self.sender = stack, channel, uuid.uuid4().hex

    def say(self, text: str) -> list[dict]:
        return say(self.stack.rasa_url, text, sender=self.sender, channel=self.channel)

    def text(self, text: str) -> str:
        return reply_text(self.say(text))


def _sqlite(stack, variable: str) -> sqlite3.Connection:
    return sqlite3.connect(make_url(stack.env()[variable]).database)


def _events(stack, sender: str) -> int:
    with _sqlite(stack, "KARI_TRACKER_DB_URL") as conn:
        return conn.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


def test_follow_ups_stay_with_nextdigital(kari_stack):
    c = Citizen(kari_stack)
    assert stored_answer("nextdigital", "about", "nn") in c.text("Kva er NExTdigital?")
    projects = c.text("kva prosjekt har dei?")
    assert projects.startswith("NExTdigital har desse prosjekta")
    assert "NExTdigital" in c.text("kven kan eg kontakte?")
    second = [line.split(". ", 1)[1] for line in projects.splitlines() if line[:2] == "2."][0]
    assert c.text("fortel meir om det andre prosjektet").startswith(f"{second}: ")


def test_a_name_two_topics_share_asks_which_one_with_buttons(kari_stack):
    """Staff give two projects the same alias; a citizen who writes just that word is asked which one."""
    from kari.knowledge.answers import answer
    from kari.knowledge.db import session_scope
    from kari.knowledge.kinds import ASPECT_OF_INTENT
    from kari.knowledge.models import Alias, Topic

    url, keys = kari_stack.env()["KARI_DATABASE_URL"], ("simulering-beredskap", "simulering-pleie-omsorg")
    with session_scope(url) as session:
        for topic in session.query(Topic).filter(Topic.key.in_(keys)):
            topic.aliases.append(Alias(malform="nn", text="simuleringsprosjektet"))
    try:
        replies = Citizen(kari_stack).say("simuleringsprosjektet")
        buttons = replies[0].get("buttons") or []
        assert reply_text(replies).startswith("Meinte du") and len(buttons) == 2
        assert all("_" not in b["title"] for b in buttons) and all(b["payload"].startswith("/ask_") for b in buttons)
        assert {b["payload"].split('"topic":"')[1].rstrip('"}') for b in buttons} == set(keys)
        # a click on a button answers about that project
        click = Citizen(kari_stack)
        click.say("simuleringsprosjektet")
        payload = buttons[0]["payload"]
        chosen, intent = payload.split('"topic":"')[1].rstrip('"}'), payload[1 : payload.index("{")]
        with session_scope(url) as session:
            expected = answer(session, chosen, ASPECT_OF_INTENT[intent], "nn").text
        assert click.text(payload) == expected
    finally:
        with session_scope(url) as session:
            session.query(Alias).filter(Alias.text == "simuleringsprosjektet").delete()


def test_handover_says_who_and_whether_the_desk_is_open(kari_stack):
    before = service_desk.status().open
    text = Citizen(kari_stack).text("kan eg snakke med eit menneske?")
    after = service_desk.status().open
    assert "70 16 20 00" in text and "postmottak@alesund.kommune.no" in text
    if before == after:
        assert ("er ope no" in text) if before else ("er stengt no" in text)
    nb = Citizen(kari_stack)
    nb.say("hvordan søker jeg kulturskole?")
    text = nb.text("kan jeg snakke med et menneske?")
    assert text.startswith("Vil du snakke med noen om Kulturskole") and "70 16 20 00" in text


def test_ratings_are_stored_without_personal_data(kari_stack):
    c = Citizen(kari_stack)
    answer = c.say("kva kostar barnehage?")
    assert [b["payload"] for b in answer[-1]["buttons"]] == ["/feedback_good", "/feedback_bad"]
    assert "Takk for tilbakemeldinga" in c.text("/feedback_good")
    with _sqlite(kari_stack, "KARI_DATABASE_URL") as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("SELECT * FROM feedback WHERE topic_key = 'barnehage'")]
    assert rows and set(rows[-1]) == {"id", "topic_key", "aspect", "helpful", "malform", "day"}
    assert (rows[-1]["aspect"], rows[-1]["helpful"], rows[-1]["malform"]) == ("price", 1, "nn")
    assert rows[-1]["day"] == date.today().isoformat()


@pytest.mark.parametrize(
    "words,standard,done",
    [("gløym meg", "nn", "Samtalen din er no sletta"), ("glem meg", "nb", "Samtalen din er nå slettet")],
)
def test_forget_me_deletes_the_conversation_from_the_tracker_store(kari_stack, words, standard, done):
    c = Citizen(kari_stack)
    c.say("kva kostar barnehage?" if standard == "nn" else "hva koster barnehage?")
    assert _events(kari_stack, c.sender) > 0
    asked = c.say(words)  # Kari asks first: a misread message must never destroy anything
    assert _events(kari_stack, c.sender) > 0 and [b["payload"] for b in asked[0]["buttons"]][0].startswith("/forget_me")
    replies = c.say(asked[0]["buttons"][0]["payload"])
    assert done in reply_text(replies) and all("custom" not in r for r in replies)
    assert _events(kari_stack, c.sender) == 0
    # the citizen can start again; nothing of the old conversation comes back
    assert "Kari" in c.text("hei")
    assert stored_answer("barnehage", "price", "nn") not in c.text("kva kostar det?")
