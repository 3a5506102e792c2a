"""action_answer with a real rasa_sdk Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio
import json

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.turns import ActionAnswer
from kari.knowledge.db import dispose_engines, session_scope
from kari.knowledge.models import Answer, Topic


def run(text, intent, slots=None, entities=(), confidence=0.9):
    tracker = Tracker(
        "test-user",
        dict(slots or {}),
        {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": list(entities)},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswer().run(dispatcher, tracker, {}))
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0], events


def test_name():
    assert ActionAnswer().name() == "action_answer"


def test_answers_and_remembers_topic(kb):
    msg, events = run("kva kostar barnehagen", "ask_price")
    assert "3 135 kroner i månaden" in msg["text"]
    assert events == [SlotSet("topic", "barnehage")]


def test_replies_in_slot_standard_and_entity_standard(kb):
    msg, _ = run("hvordan søker jeg barnehage", "ask_apply", {"malform": "nb"})
    assert msg["text"].startswith("Du søker")
    msg, _ = run("korleis søkjer eg barnehage", "ask_apply", {"malform": "nb"}, [{"entity": "malform", "value": "nn"}])
    assert msg["text"].startswith("Du søkjer")


def test_edit_in_database_is_used_by_next_call(kb):
    msg, _ = run("frist barnehage", "ask_deadline")
    assert "1. mars" in msg["text"]
    with session_scope() as s:
        row = s.execute(
            select(Answer).join(Topic).where(Topic.key == "barnehage", Answer.aspect == "deadline")
        ).scalar_one()
        row.text_nn = "Søknadsfristen er flytta til 1. april."
    msg, _ = run("frist barnehage", "ask_deadline")
    assert msg["text"].startswith("Søknadsfristen er flytta til 1. april.")


def test_follow_up_uses_topic_slot(kb):
    msg, events = run("kva kostar det?", "ask_price", {"topic": "barnehage"})
    assert "3 135" in msg["text"] and events == [SlotSet("topic", "barnehage")]


def test_new_topic_in_text_beats_slot(kb):
    msg, events = run("kva med startlån?", "ask_about", {"topic": "barnehage"})
    assert "Startlån hjelper" in msg["text"] and events == [SlotSet("topic", "startlan")]


def test_button_payload_entity_wins(kb):
    msg, events = run('/ask_price{"topic":"barnehage"}', "ask_price", {}, [{"entity": "topic", "value": "barnehage"}])
    assert "3 135" in msg["text"] and events == [SlotSet("topic", "barnehage")]


def test_ambiguous_asks_with_buttons_in_each_standard(kb):
    from dataclasses import replace

    from kari.conversation import ranking

    # "bustad" names two topics equally; ask whenever their best answers are at all close.
    with ranking.using(replace(ranking.HYBRID_PRIORS, named_margin=50.0)):
        msg, events = run("bustad", "ask_about")
        titles = [b["title"] for b in msg["buttons"]]
        assert msg["text"] == f"Meinte du {titles[0]} eller {titles[1]}?" and events == []
        assert sorted(t.split(" – ")[0] for t in titles) == ["Kommunal bustad", "Startlån"]
        topics = {json.loads(b["payload"][b["payload"].index("{") :])["topic"] for b in msg["buttons"]}
        assert topics == {"kommunal-bustad", "startlan"} and all(
            b["payload"].startswith("/ask_") for b in msg["buttons"]
        )
        msg, _ = run("bolig", "ask_about", {"malform": "nb"})
        assert msg["text"].startswith("Mente du ") and len(msg["buttons"]) == 2


def test_missing_aspect_and_unknown_topic(kb):
    msg, events = run("når er barnehagen open", "ask_hours", confidence=0.99)  # sure of the kind: say it is missing
    assert msg["text"].startswith("Eg har dessverre ikkje opningstider for Barnehage.")
    msg, events = run("kva kostar ein båt", "ask_price")
    assert msg["text"].startswith("Det veit eg dessverre ikkje") and "70 16 20 00" in msg["text"] and events == []


def test_partnerships_and_projects(kb):
    msg, _ = run("kva samarbeidspartnarar har kommunen", "ask_partnerships")
    assert "NExTdigital" in msg["text"] and "NTNU" in msg["text"]
    msg, events = run("hvilke prosjekter har ntnu", "ask_projects", {"malform": "nb"})
    assert "1. Grønn campus" in msg["text"] and events == [SlotSet("topic", "ntnu")]
    msg, _ = run("kven står bak grønn campus", "ask_partner")
    assert "NTNU" in msg["text"] and "Grønn campus" in msg["text"]


def test_database_down_is_a_polite_reply_not_a_crash(monkeypatch, tmp_path, caplog):
    from tests.support.postgres import free_port

    dispose_engines()
    monkeypatch.setenv("KARI_DATABASE_URL", f"postgresql+psycopg2://kari@127.0.0.1:{free_port()}/kari")
    try:
        msg, events = run("kva kostar barnehagen", "ask_price")
        assert msg["text"].startswith("Det veit eg dessverre ikkje sikkert") and "70 16 20 00" in msg["text"]
        assert events == []
        monkeypatch.setenv("KARI_DATABASE_URL", f"sqlite:///{tmp_path / 'missing.db'}")
        msg, _ = run("hva koster barnehagen", "ask_price", {"malform": "nb"})
        assert msg["text"].startswith("Det vet jeg dessverre ikke sikkert")
    finally:
        dispose_engines()
    assert "knowledge base unavailable" in caplog.text
