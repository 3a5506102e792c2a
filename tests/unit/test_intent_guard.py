"""The NLU guard: emergencies by the detector, long "dialogue acts" read as the question they wrap."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from kari.conversation.emergency import ALARM, LIKELY
from kari.nlu.guard import IntentGuard


def _guarded(text: str, ranking: list[tuple[str, float]], alarm: bool = False) -> str:
    message = Message(
        data={
            TEXT: text,
            INTENT: {"name": ranking[0][0], "confidence": ranking[0][1]},
            INTENT_RANKING_KEY: [{"name": n, "confidence": c} for n, c in ranking],
            **({ALARM: LIKELY} if alarm else {}),
        }
    )
    IntentGuard({}).process([message])
    return message.get(INTENT)["name"]


def test_a_long_message_read_as_a_rating_is_the_question_it_asks():
    text = "skulen skal ha brannøving neste veke og guten min med astma blir stressa, kven snakkar eg med"
    assert _guarded(text, [("feedback_good", 0.6), ("ask_contact", 0.3)]) == "ask_contact"


def test_a_short_rating_stays_a_rating():
    assert _guarded("takk, bra svar", [("feedback_good", 0.9), ("ask_about", 0.05)]) == "feedback_good"


def test_an_emergency_is_decided_by_the_detector():
    assert _guarded("mannen min puster ikkje", [("ask_about", 0.8)]) == "emergency"
    assert _guarded("kva er legevakta sitt nummer", [("emergency", 0.7), ("ask_contact", 0.2)]) == "ask_contact"


def test_an_alarm_framed_as_a_course_is_answered_with_the_numbers_first():
    text = "har kommunen kurs i hjarte-lunge-redning for bedrifter, i tilfelle nokon får hjartestans"
    message = Message(
        data={
            TEXT: text,
            INTENT: {"name": "emergency", "confidence": 0.8},
            INTENT_RANKING_KEY: [{"name": "emergency", "confidence": 0.8}, {"name": "ask_about", "confidence": 0.15}],
        }
    )
    IntentGuard({}).process([message])
    assert message.get(INTENT)["name"] == "ask_about" and message.get(ALARM) == LIKELY


def test_a_long_greeting_wrapping_a_question():
    text = "hei, eg passar på far min kvar dag og lurer på om de kan hjelpe"
    assert _guarded(text, [("greet", 0.5), ("ask_apply", 0.2)]) == "ask_apply"
    assert _guarded("hei hei", [("greet", 0.9), ("ask_apply", 0.05)]) == "greet"


def test_a_message_that_reads_like_an_emergency_is_never_small_talk():
    # no pattern matches it; marked by EmergencyNeighbours, it is answered (numbers first), not greeted
    text = "tankbil velta, det lek noko"
    assert _guarded(text, [("greet", 0.6), ("ask_about", 0.01)], alarm=True) == "ask_about"
    assert _guarded(text, [("greet", 0.6)], alarm=True) == "nlu_fallback"
    assert _guarded(text, [("greet", 0.6), ("ask_about", 0.01)]) == "greet"


def test_a_greeting_or_thanks_with_a_question_word_is_the_question_however_sure_the_classifier_is():
    sure = [("greet", 0.9), ("ask_hours", 0.02), ("out_of_scope", 0.01)]
    assert _guarded("hallo! jeg lurer på når søppelet blir hentet", sure) == "ask_hours"
    assert _guarded("god kveld, kor lang tid tek ein byggesøknad no", sure) == "ask_hours"
    # without a question word it stays what it says; a short one too, and "are you a bot?" asks by nature
    assert _guarded("hei kari, eg har eit lite spørsmål til deg", sure) == "greet"
    assert _guarded("hei, kva gjer du?", sure) == "greet"
    bot = [("bot_challenge", 0.9), ("ask_about", 0.01)]
    assert _guarded("hallo, kven er du eigentleg, er du ein robot eller eit menneske", bot) == "bot_challenge"
