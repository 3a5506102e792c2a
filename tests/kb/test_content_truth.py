"""Issue 12 on the real content: third parties' cautions name their own contact, safety topics open with
the emergency number, and `kb check` finds nothing the content can fix by itself. Every expected fact is
read from the knowledge base, so staff edits do not break these tests."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kari.knowledge.answers import ALL_ASPECTS, answer
from kari.knowledge.check import contact_tokens, find_issues
from kari.knowledge.db import session_scope
from kari.knowledge.models import Answer, Topic
from kari.knowledge.texts import PHONE

# The services the municipality does not run itself (issue 12): each must name its operator.
THIRD_PARTIES = ("renovasjon", "feiing", "parkering", "skuleskyss", "nav")
CAUTION = {"nn": "Dette kan vere utdatert", "nb": "Dette kan være utdatert"}


def topics(session, *where):
    return (
        session.execute(
            select(Topic)
            .options(selectinload(Topic.answers).selectinload(Answer.source))
            .where(*where)
            .order_by(Topic.key)
        )
        .scalars()
        .all()
    )


def test_third_parties_have_an_operator_whose_contact_their_answers_hold(real_kb):
    with session_scope() as s:
        operated = {t.key: t for t in topics(s, Topic.operator_nn.isnot(None))}
        assert set(THIRD_PARTIES) <= set(operated)
        for t in operated.values():
            for m in ("nn", "nb"):
                assert contact_tokens(t.operator(m)), f"{t.key}: operator {t.operator(m)!r} names no contact"
        assert not [f for f in find_issues(s) if f.section == "operator contact not in the topic's answers"]


@pytest.mark.parametrize("malform", ["nn", "nb"])
def test_a_third_partys_caution_names_its_own_contact_not_the_switchboard(real_kb, malform):
    checked = 0
    with session_scope() as s:
        for t in topics(s, Topic.operator_nn.isnot(None)):
            operator = t.operator(malform)
            for row in t.answers:
                if not (row.review or "").strip():
                    continue
                text = answer(s, t.key, row.aspect, malform).text
                caution = text[text.index(CAUTION[malform]) :].split("\n")[0]
                assert PHONE not in caution, f"{t.key}/{row.aspect}: {caution!r}"
                if not all(c in row.text(malform) for c in contact_tokens(operator)):
                    assert operator in caution, f"{t.key}/{row.aspect}: {caution!r}"
                for token in contact_tokens(operator):  # the reply always gives the operator's contact
                    assert token in text, f"{t.key}/{row.aspect}: {token} missing from {text!r}"
                checked += 1
    assert checked >= len(THIRD_PARTIES)


@pytest.mark.parametrize("malform", ["nn", "nb"])
def test_every_reply_about_a_risk_to_life_or_health_opens_with_the_emergency_number(real_kb, malform):
    with session_scope() as s:
        safety = topics(s, Topic.emergency_nn.isnot(None))
        assert {"barnevern", "legevakt", "naudnummer"} <= {t.key for t in safety}
        for t in safety:
            first = t.emergency(malform)
            assert any(n in first for n in ("110", "112", "113")), first
            for aspect in ALL_ASPECTS:
                if aspect == "partnerships":
                    continue
                text = answer(s, t.key, aspect, malform).text
                assert text.startswith(first), f"{t.key}/{aspect}: {text[:80]!r}"
                assert text.count(first) == 1


def test_child_welfare_names_112_before_anything_else(real_kb):
    with session_scope() as s:
        text = answer(s, "barnevern", "contact", "nn").text
        assert text.index("112") < min(text.index(n) for n in ("116 111", "70 16 43 40"))
        assert not text.startswith("Etter den gamle nettsida")


def test_no_reply_says_the_switchboard_number_twice(real_kb):
    with session_scope() as s:
        for t in topics(s):
            for row in t.answers:
                for m in ("nn", "nb"):
                    text = answer(s, t.key, row.aspect, m).text
                    assert text.count(PHONE) <= 1, f"{t.key}/{row.aspect}/{m}: {text!r}"
