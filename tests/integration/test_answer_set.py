"""Right answers end to end, on the held-out answer set (tests/answers/heldout), through the REST
channel of a running Kari: the figure a citizen meets (issue 11). Never tuned on.

The issue's targets (kari.evaluation.answers.TARGETS) are not all met yet; this test holds the floor
measured when the search landed, so a change that makes answers worse fails here, and prints where
the targets stand. Raise the floors when the figures rise.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kari.evaluation.answers import SETS, TARGETS, RestKari, load, misses, run, summarise
from kari.knowledge.db import session_scope
from kari.knowledge.models import ExampleQuestion, Topic
from tests.support.chat import reply_text, say

pytestmark = pytest.mark.stack

# Measured on the held-out set (closing notes of issue 11: when the search landed all 66.1; fifth
# session all 76.7; seventh session, with every answer's example questions, the ranking retuned on dev,
# follow-ups that keep the kind of question and 257 more emergency examples: all 81.0, nn 79.9, nb 82.2,
# dialect 82.4, follow-up 83.7, emergency 96.3, calm 90.0, reply standard nn 100, nb 93.5; tenth
# session, two answers of a topic when asked two things, framed alarms answered and the ranking retuned
# on the larger dev set: all 84.8, nn 83.1, nb 87.0, dialect 85.9, follow-up 83.7), minus one or two
# points (one turn of the smaller groups).
FLOORS = {
    "all": 0.83,
    "nn": 0.81,
    "nb": 0.85,
    "dialect": 0.82,
    "followup": 0.81,
    "emergency": 0.95,
    "calm": 0.86,
    "standard nn": 0.99,
    "standard nb": 0.92,
}


def test_held_out_answers_hold_their_floor(kari_stack, capsys):
    outcomes = run(RestKari(kari_stack.rasa_url), load(SETS["heldout"]))
    summary = summarise(outcomes)
    rates = summary["rates"]
    with capsys.disabled():
        print("\nheld-out right answers: " + ", ".join(f"{k} {rates[k] * 100:.1f} %" for k in FLOORS if k in rates))
        print("short of the issue's targets: " + ("; ".join(misses(TARGETS, summary)) or "none"))
    below = {k: (round(rates.get(k, 0), 3), floor) for k, floor in FLOORS.items() if rates.get(k, 0) < floor}
    assert not below, f"right-answer rate fell below its floor: {below}"


def test_an_example_question_added_by_staff_is_used_by_the_next_message(kari_stack):
    """Staff attach a citizen's own words to an answer; no retraining, no restart."""
    question = "kvar kan eg hente nøkkelbrikke til gjenvinningsstasjonen"
    before = reply_text(say(kari_stack.rasa_url, question))
    url = kari_stack.env()["KARI_DATABASE_URL"]
    with session_scope(url) as session:
        topic = session.execute(select(Topic).where(Topic.key == "renovasjon")).scalar_one()
        session.add(ExampleQuestion(topic_id=topic.id, aspect="contact", malform="nn", text=question))
    try:
        after = reply_text(say(kari_stack.rasa_url, question))
        with session_scope(url) as session:
            from kari.knowledge.answers import answer

            expected = answer(session, "renovasjon", "contact", "nn").text.split("\n")[0]
        assert expected in after and expected not in before
    finally:
        with session_scope(url) as session:
            session.query(ExampleQuestion).filter(ExampleQuestion.text == question).delete()
