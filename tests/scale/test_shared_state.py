"""What staff and citizens change is seen by every instance: the knowledge base and the conversations
live in PostgreSQL, not in any one process."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from kari.knowledge.db import session_scope
from kari.knowledge.models import Answer, Topic
from tests.scale.support import Citizen, answer_of, stored_events

pytestmark = pytest.mark.stack

QUESTION = "Hva koster barnehagplass"


def _ask_on_every_instance(prod, text: str) -> dict[str, str]:
    """One new conversation per Rasa instance (new senders until each instance answered one):
    instance name → Kari's answer. Each answer also passes through one of the action servers."""
    answers: dict[str, str] = {}
    for _ in range(200):
        citizen = Citizen(prod.url, [text])
        citizen.run(pause=(0, 0))
        assert not citizen.problems, citizen.problems
        turn = citizen.turns[0]
        answers.setdefault(turn.instance, "\n".join(answer_of(turn.replies)))
        if len(answers) == len(prod.rasa_names) and len(answers) >= 2:
            break
    assert sorted(answers) == sorted(prod.rasa_names), answers
    return answers


def test_an_answer_edited_by_staff_is_used_by_every_instance_at_the_next_message(prod):
    for name in prod.rasa_names + prod.action_names:
        prod.wait_healthy(name, timeout=1800)
    url = prod.env()["KARI_DATABASE_URL"]
    with session_scope(url) as session:
        answer = session.execute(
            select(Answer).join(Topic).where(Topic.key == "barnehage", Answer.aspect == "price")
        ).scalar_one()
        answer_id, original = answer.id, answer.text_nb
    before = _ask_on_every_instance(prod, QUESTION)
    assert all(original.split(".")[0] in text for text in before.values()), before

    edited = original.replace("3 135", "3 999") if "3 135" in original else original + " Ny pris: 3 999 kr."
    try:
        with session_scope(url) as session:  # what `kari kb import` or the staff pages do
            session.execute(select(Answer).where(Answer.id == answer_id)).scalar_one().text_nb = edited
        for _ in range(3):  # several messages, so both action servers (least connections) answer some
            after = _ask_on_every_instance(prod, QUESTION)
            assert all("3 999" in text for text in after.values()), after
    finally:
        with session_scope(url) as session:
            session.execute(select(Answer).where(Answer.id == answer_id)).scalar_one().text_nb = original


def test_forget_me_deletes_the_conversation_from_postgresql(prod):
    citizen = Citizen(prod.url, [])
    with requests.Session() as http:
        assert citizen.send("hva koster barnehage?", http) is not None
        assert stored_events(prod, citizen.sender)
        asked = citizen.send("glem meg", http)
        payload = asked.replies[0]["buttons"][0]["payload"]
        done = citizen.send(payload, http)
    assert "Samtalen din er nå slettet" in "\n".join(answer_of(done.replies))
    assert stored_events(prod, citizen.sender) == []
