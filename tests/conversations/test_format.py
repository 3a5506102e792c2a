"""The conversation-test format: what a check accepts, what it rejects, and that a wrong reply fails
(the judge on Kari's messages as the REST channel returns them; no model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kari.evaluation import conversations as conv
from kari.knowledge import cli
from kari.knowledge.db import dispose_engines, session_scope
from kari.knowledge.models import Answer, Topic
from kari.stack import REPO


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'kari.db'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("KARI_DATABASE_URL", url)
    assert cli.main(["import", "--dir", str(REPO / "data/knowledge")]) == 0
    yield conv.KnowledgeFacts(url)
    dispose_engines()
    mp.undo()


def _stored(kb, topic: str, aspect: str, standard: str) -> str:
    with session_scope(kb.url) as s:
        t = s.query(Topic).filter_by(key=topic).one()
        return s.query(Answer).filter_by(topic_id=t.id, aspect=aspect).one().text(standard)


def _check(yaml_text: str, tmp_path: Path) -> conv.BotCheck:
    path = tmp_path / "t.yml"
    path.write_text(yaml_text, encoding="utf-8")
    return conv.load_file(path)[0].turns[0].bot


def test_the_knowledge_base_answer_passes_and_another_topic_fails(kb, tmp_path):
    check = _check(
        "conversations:\n- turns:\n  - user: x\n    bot: {facts: [{kb: barnehage.deadline}], standard: nn}\n", tmp_path
    )
    right = [{"text": _stored(kb, "barnehage", "deadline", "nn") + "\nKjelde: https://x"}]
    assert conv.judge(check, right, kb) == []
    wrong_topic = [{"text": _stored(kb, "sfo", "deadline", "nn")}]
    assert conv.judge(check, wrong_topic, kb) == [
        f"does not give the knowledge base's barnehage.deadline: «{_stored(kb, 'barnehage', 'deadline', 'nn')}»"
    ]


def test_the_wrong_written_standard_fails(kb, tmp_path):
    check = _check("conversations:\n- turns:\n  - user: x\n    bot: {standard: nn}\n", tmp_path)
    assert conv.judge(check, [{"text": _stored(kb, "barnehage", "price", "nn")}], kb) == []
    assert conv.judge(check, [{"text": _stored(kb, "barnehage", "price", "nb")}], kb) == ["is in Bokmål, not Nynorsk"]


def test_a_staff_edit_is_followed_not_broken(kb, tmp_path):
    check = _check("conversations:\n- turns:\n  - user: x\n    bot: {facts: [{kb: barnehage.deadline}]}\n", tmp_path)
    new = "Søknadsfristen til hovudopptaket er 15. mars."
    with session_scope(kb.url) as s:
        t = s.query(Topic).filter_by(key="barnehage").one()
        row = s.query(Answer).filter_by(topic_id=t.id, aspect="deadline").one()
        old, row.text_nn = row.text_nn, new
    try:
        assert conv.judge(check, [{"text": new}], kb) == []
        assert conv.judge(check, [{"text": old}], kb) != []
    finally:
        with session_scope(kb.url) as s:
            t = s.query(Topic).filter_by(key="barnehage").one()
            s.query(Answer).filter_by(topic_id=t.id, aspect="deadline").one().text_nn = old


def test_buttons_not_handover_and_does_not_know(kb, tmp_path):
    check = _check(
        "conversations:\n- turns:\n  - user: x\n    bot:\n      buttons: [Svaret hjelpte]\n"
        "      not: ['3 135', {kb: sfo.price}]\n      hands_over: false\n      does_not_know: false\n",
        tmp_path,
    )
    answer = {"text": "Barnehage: 1. mars.", "buttons": [{"title": "Svaret hjelpte", "payload": "/feedback_good"}]}
    assert conv.judge(check, [answer], kb) == []
    unknown = {
        "text": "Det veit eg dessverre ikkje sikkert. Du kan snakke med ein person hos Ålesund kommune på "
        "70 16 20 00, eller skrive til postmottak@alesund.kommune.no. Det kostar 3 135 kr."
    }
    assert conv.judge(check, [unknown], kb) == [
        "says «3 135», which it must not",
        "offers no button «Svaret hjelpte» (buttons: none)",
        "hands over to a person",
        "says it does not know",
    ]


@pytest.mark.parametrize(
    "text,message",
    [
        ("turns: []", "expected a top-level `conversations:` list"),
        ("conversations:\n- name: a\n  turns: []", "a conversation has `name` and a list of `turns`"),
        ("conversations:\n- turns:\n  - bot: {}", "turn 1: a turn is `user: <text>`"),
        ("conversations:\n- turns:\n  - user: x\n    bot: {fact: [a]}", "unknown check(s) fact"),
        ("conversations:\n- turns:\n  - user: x\n    bot: {standard: en}", "`standard` is nn (Nynorsk) or nb"),
        ("conversations:\n- turns:\n  - user: x\n    bot: {facts: [{kb: barnehage}]}", "{kb: topic.field}"),
        ("conversations:\n- turns:\n  - user: x\n  bot: [", "not valid YAML"),
    ],
)
def test_format_errors_say_what_to_fix(tmp_path, text, message):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(conv.FormatError) as error:
        conv.load_file(path)
    assert message in str(error.value) and "bad.yml" in str(error.value)


def test_an_unknown_knowledge_base_field_is_named(kb):
    with pytest.raises(conv.FormatError, match="unknown field 'frist'; known: name, url, about"):
        kb.texts(conv.KbRef("barnehage", "frist"), None)
    with pytest.raises(conv.FormatError, match="no topic 'kindergarten'"):
        kb.texts(conv.KbRef("kindergarten", "deadline"), None)
