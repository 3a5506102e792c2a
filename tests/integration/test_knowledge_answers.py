"""Issue 3 end to end: questions through the REST channel get the right fact, from the live database."""

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from kari.knowledge.db import session_scope
from kari.knowledge.models import Answer, Topic
from tests.support.chat import reply_text, say

pytestmark = pytest.mark.stack

QUESTIONS = yaml.safe_load((Path(__file__).parents[1] / "kb_questions.yml").read_text())["questions"]

# Questions the current model puts in the wrong kind of question (the knowledge base and linker
# answer them right when the kind is right). Strict: when Kari answers one right (the NLU got better,
# or the search found the answer despite the kind: the seventh session's example questions and
# retraining took three off this list, the tenth session's retuned ranking one more), the test says so
# and it must leave this list.
KNOWN_NLU_MISSES = {
    "kva er kommune-kari": "bot_challenge (Kari on herself) instead of ask_about (the project)",
    "hvem kan få kommunal bolig": "ask_about instead of ask_apply",
}


def _case(question: dict):
    reason = KNOWN_NLU_MISSES.get(question["q"])
    marks = [pytest.mark.xfail(reason=f"NLU: {reason}", strict=True)] if reason else []
    return pytest.param(question, id=question["q"], marks=marks)


@pytest.mark.parametrize("case", [_case(q) for q in QUESTIONS])
def test_question_gets_the_right_fact(kari_stack, case):
    answer = reply_text(say(kari_stack.rasa_url, case["q"]))
    assert case["expect"] in answer, f"{case['q']!r} ({case['aspect']} of {case['topic']}) → {answer!r}"


def test_knowledge_answers_carry_a_source_link(kari_stack):
    answer = reply_text(say(kari_stack.rasa_url, "korleis søkjer eg barnehageplass"))
    assert "https://" in answer


def test_edited_answer_is_used_by_the_very_next_message(kari_stack):
    """Staff change an answer in the database; no retraining, no restart."""
    url = kari_stack.env()["KARI_DATABASE_URL"]
    with session_scope(url) as session:
        answer = session.execute(
            select(Answer).join(Topic).where(Topic.key == "legevakt", Answer.aspect == "contact")
        ).scalar_one()
        original = answer.text_nn
        answer.text_nn = "Legevakta har fått nytt testnummer: 12 34 56 78 (endra av tilsette)."
    try:
        reply = reply_text(say(kari_stack.rasa_url, "kva er telefonnummeret til legevakta"))
        assert "endra av tilsette" in reply
    finally:
        with session_scope(url) as session:
            session.execute(
                select(Answer).join(Topic).where(Topic.key == "legevakt", Answer.aspect == "contact")
            ).scalar_one().text_nn = original


def test_unknown_topic_gets_an_honest_answer_not_another_topic(kari_stack):
    reply = reply_text(say(kari_stack.rasa_url, "kva kostar ein flybillett til Tromsø?"))
    assert "70 16 20 00" in reply
    assert not re.search(r"\d+ ?kr\b", reply)  # no price of some other topic
