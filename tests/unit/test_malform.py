"""Tests of the written-standard detector and its Rasa component."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kari.nlu.malform import detect_malform, malform_evidence

LABELLED = Path(__file__).resolve().parents[1] / "malform" / "labelled.yml"
MIN_ACCURACY = 0.97


@pytest.mark.parametrize(
    "text",
    [
        "Kva kostar ein barnehageplass?",
        "korleis søkjer eg om sfo",
        "eg fekk ikkje svar",
        "kvifor samarbeider kommunen med NTNU",
        "KVEN KAN EG RINGJE",
        "har biblioteket ope på laurdag",
        "korleis kan eg melde fra om eit hol i vegen",  # one nb word among nn words
    ],
)
def test_nynorsk_is_detected(text: str) -> None:
    assert detect_malform(text) == "nn"


@pytest.mark.parametrize(
    "text",
    [
        "Hva koster en barnehageplass?",
        "hvordan søker jeg om sfo",
        "jeg fikk ikke svar",
        "hvorfor samarbeider kommunen med NTNU",
        "HVEM KAN JEG RINGE",
        "har biblioteket åpent på lørdag",
        "kor mye koster det",  # dialect "kor" does not outweigh Bokmål "mye koster"
    ],
)
def test_bokmal_is_detected(text: str) -> None:
    assert detect_malform(text) == "nb"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "ok", "takk", "hei", "barnehage", "NExTdigital", "?!", "12345", "ka koste det", "kan du hjelpe meg"],
)
def test_no_evidence_gives_none(text: str) -> None:
    assert detect_malform(text) is None


def test_tied_evidence_gives_none() -> None:
    # one strong marker of each standard
    assert detect_malform("eg jeg") is None


def test_typos_in_question_words_are_tolerated() -> None:
    assert detect_malform("korleiss søkjer") == "nn"
    assert detect_malform("hvordn søke") == "nb"
    assert detect_malform("kvaa er fristen") == "nn"


def test_punctuation_and_case_do_not_matter() -> None:
    assert detect_malform("KVA?!") == detect_malform("kva") == "nn"
    assert detect_malform("...Hva...") == detect_malform("hva") == "nb"


def test_non_string_input_gives_none() -> None:
    assert detect_malform(None) is None  # type: ignore[arg-type]


def test_accuracy_on_labelled_sentences() -> None:
    data = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["sentences"]
    assert len(data) >= 240
    wrong = []
    for item in data:
        expected = None if item["label"] == "unknown" else item["label"]
        got = detect_malform(item["text"])
        if got != expected:
            wrong.append((item["text"], item["label"], got))
    accuracy = 1 - len(wrong) / len(data)
    print(f"\nmalform accuracy: {accuracy:.4f} ({len(data) - len(wrong)}/{len(data)})")
    for text, label, got in wrong:
        print(f"  MISS label={label:7s} got={got!s:5s} {text!r}")
    assert accuracy >= MIN_ACCURACY


# --- Rasa component ---------------------------------------------------------------

rasa = pytest.importorskip("rasa")


@pytest.fixture()
def detector():
    from kari.nlu.malform import MalformDetector

    return MalformDetector.create({}, None, None, None)  # type: ignore[arg-type]


def _message(text: str):
    from rasa.shared.nlu.training_data.message import Message

    return Message(data={"text": text})


def test_component_adds_malform_entity(detector) -> None:
    msg = _message("kva kostar sfo")
    detector.process([msg])
    entities = msg.get("entities")
    evidence = entities[0].pop("evidence")
    assert entities == [
        {
            "entity": "malform",
            "value": "nn",
            "start": 0,
            "end": len("kva kostar sfo"),
            "confidence": 1.0,
            "extractor": "MalformDetector",
        }
    ]
    # issue 18: the entity also carries the message's log-odds (< 0 Nynorsk) for the conversation
    assert isinstance(evidence, float) and evidence < 0
    assert evidence == malform_evidence("kva kostar sfo")


def test_component_keeps_entities_of_other_extractors(detector) -> None:
    msg = _message("hva koster sfo")
    msg.set("entities", [{"entity": "topic", "value": "sfo", "start": 11, "end": 14}])
    detector.process([msg])
    assert [e["entity"] for e in msg.get("entities")] == ["topic", "malform"]
    assert msg.get("entities")[1]["value"] == "nb"


def test_component_adds_nothing_without_evidence(detector) -> None:
    msg = _message("takk")
    detector.process([msg])
    assert not msg.get("entities")


def test_component_handles_a_batch(detector) -> None:
    msgs = [_message("eg vil søkje"), _message("jeg vil søke"), _message("ok")]
    detector.process(msgs)
    values = [[e["value"] for e in m.get("entities", [])] for m in msgs]
    assert values == [["nn"], ["nb"], []]


def test_component_is_registered_as_entity_extractor() -> None:
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    from kari.nlu.malform import MalformDetector

    registered = DefaultV1Recipe._from_registry(MalformDetector.__name__)
    assert registered.clazz is MalformDetector
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert registered.is_trainable is False


def test_pipeline_config_puts_detector_in_prediction_graph() -> None:
    """A config.yml naming the component by module path must build a predict graph."""
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.recipes.recipe import TrainingType

    config = {
        "recipe": "default.v1",
        "language": "nb",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "kari.nlu.malform.MalformDetector"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "LogisticRegressionClassifier"},
        ],
        "policies": [],
    }
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, training_type=TrainingType.NLU)
    nodes = [n for name, n in graph.predict_schema.nodes.items() if "MalformDetector" in name]
    assert len(nodes) == 1
    assert nodes[0].fn == "process"
