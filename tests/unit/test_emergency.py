"""Emergencies first (issue 11): the deterministic detector on every emergency phrasing and every
calm health question the project has, written by writers who never saw the detector.

- tests/emergency/writer_{a,b}.yml: 240 emergencies and 300 calm questions with alarming words;
- the emergency and health turns of the answer set's development part (tests/answers/dev, w1–w3;
  w7, written to measure the patterns and kari.nlu.alarm together, counts in the answer evaluation);
- data/nlu/emergency.yml: the classifier's training examples and near misses.
The answer set's held-out emergencies are checked end to end, through the running Kari
(tests/integration/test_answer_set.py), and never used to write a pattern.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kari.conversation.emergency import detect
from kari.conversation.texts import emergency_text

ROOT = Path(__file__).resolve().parents[2]


def _writers() -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    alarms, calm = [], []
    for path in sorted((ROOT / "tests/emergency").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        alarms += [(e["text"], tuple(e["numbers"])) for e in data["emergency"]]
        calm += [c["text"] for c in data["calm"]]
    for path in sorted((ROOT / "tests/answers/dev").glob("w[1-3].yml")):  # w7 measures both layers together
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            for turn in case["turns"]:
                if turn.get("emergency"):
                    numbers = tuple(
                        n
                        for alternatives in turn["facts"]
                        for n in (alternatives if isinstance(alternatives, list) else [alternatives])
                    )
                    alarms.append((turn["text"], numbers))
                elif case["kind"] == "health":
                    calm.append(turn["text"])
    return alarms, calm


def _training() -> tuple[list[str], list[str]]:
    alarms, calm = [], []
    for block in yaml.safe_load((ROOT / "data/nlu/emergency.yml").read_text(encoding="utf-8"))["nlu"]:
        examples = [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
        (alarms if block["intent"] == "emergency" else calm).extend(examples)
    return alarms, calm


ALARMS, CALM = _writers()
TRAINING_ALARMS, TRAINING_CALM = _training()


def test_the_sets_are_big_enough():
    assert len(ALARMS) >= 60 and len(CALM) >= 150


def test_every_emergency_gets_a_fitting_number_first():
    missed = [text for text, _ in ALARMS if detect(text) is None]
    wrong = [
        (text, numbers, detect(text).numbers)
        for text, numbers in ALARMS
        if detect(text) is not None and not set(numbers) & set(detect(text).numbers)
    ]
    assert not missed, f"{len(missed)} of {len(ALARMS)} emergencies not recognised: {missed}"
    assert not wrong, f"wrong numbers: {wrong}"


def test_no_false_alarm_on_calm_questions():
    alarms = [(text, detect(text).categories) for text in CALM if detect(text) is not None]
    assert not alarms, f"{len(alarms)} of {len(CALM)} calm questions raised an alarm: {alarms}"


def test_training_examples_and_their_near_misses():
    assert [t for t in TRAINING_ALARMS if detect(t) is None] == []
    assert [t for t in TRAINING_CALM if detect(t) is not None] == []


@pytest.mark.parametrize("malform", ["nn", "nb"])
def test_the_reply_starts_with_the_number(malform):
    text = emergency_text(detect("han pustar ikkje").categories, malform)
    assert text.startswith("Ring 113")
    assert emergency_text(detect("det brenn i huset").categories, malform).startswith("Ring 110")


def test_english_gets_english_too():
    text = emergency_text(detect("my husband is not breathing").categories, "nb", "my husband is not breathing")
    assert text.startswith("Call 113 now") and "Ring 113 nå" in text


# Learnt from the w8 dev set (tests/answers/dev/w8.yml); phrased anew here, so the patterns are held
# to the situation, not to w8's sentences.
@pytest.mark.parametrize(
    "text,number",
    [
        ("finn ikkje veslejenta, ho var på leikeplassen for litt sidan", "112"),  # a missing child
        ("vi finner ikke datteren vår, hun skulle vært hjemme for lenge siden", "112"),
        ("garasjen tok fyr og det spreier seg", "110"),
        ("bestemor ramla i trappa og rørar seg ikkje", "113"),
        ("ein mann dreg ei jente inn i ein bil og ho skrik om hjelp", "112"),
        ("båten søkk, vi er tre om bord", "112"),  # the rescue centre through 112 fits too
        ("han fekk eit anfall og har skum rundt munnen", "113"),
    ],
)
def test_situations_w8_taught(text, number):
    alarm = detect(text)
    assert alarm is not None and number in alarm.numbers, (text, alarm)


@pytest.mark.parametrize(
    "text",
    [
        "far hadde hjartestans for tre år sidan, kva rehabilitering finst",  # a history
        "låven til naboen brann ned i oktober, kven ryddar tomta",
        "eg druknar i lekser, har biblioteket leksehjelp",  # figures of speech
        "fekk nesten hjarteinfarkt av straumrekninga",
        "how often should the chimney be swept so it doesnt catch fire",
    ],
)
def test_a_history_or_a_figure_of_speech_is_no_alarm(text):
    assert detect(text) is None


def test_a_history_does_not_hide_an_emergency_told_after_it():
    alarm = detect("mor hadde hjartestans i fjor, no pustar ho ikkje")
    assert alarm.numbers[0] == "113" and not alarm.framed


# Learnt from the w10 and w11 dev sets; phrased anew here.
@pytest.mark.parametrize(
    "text",
    [
        "finst det kurs i hjarte-lunge-redning for foreldre, i tilfelle ungen får hjartestans",
        "eg er student og skriv om kva ein gjer ved brystsmerter",
        "svigerfar fekk hjertestans for fire år siden, hvem følger ham opp",
        "bare nysgjerrig, hvor nær er legevakta hvis man får hjerteinfarkt på hytta",
    ],
)
def test_a_strong_word_framed_as_a_course_a_history_or_just_in_case_is_answered_with_the_numbers_first(text):
    alarm = detect(text)
    assert alarm is not None and alarm.framed, (text, alarm)


@pytest.mark.parametrize(
    "text",
    [
        "han fekk hjartestans for ti minutt sidan og eg har starta hjarte-lunge-redning",
        "eg har hatt kurs i førstehjelp, men no pustar han ikkje",
        "she collapsed with chest pain a minute ago",
    ],
)
def test_an_emergency_happening_now_is_never_framed(text):
    alarm = detect(text)
    assert alarm is not None and not alarm.framed, (text, alarm)


@pytest.mark.parametrize("text", ["ho har teke 25 paracet for ei stund sidan", "he took 30 sleeping pills"])
def test_a_number_of_pills_taken_is_an_overdose(text):
    alarm = detect(text)
    assert alarm is not None and alarm.numbers[0] == "113", (text, alarm)


@pytest.mark.parametrize("text", ["kan eg ta 2 paracet mot feber", "kor mange paracet kan ein ta på ein dag"])
def test_an_ordinary_dose_is_no_alarm(text):
    assert detect(text) is None
