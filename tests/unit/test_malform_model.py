"""Issue 18: the written-standard detector's model file, its held-out accuracy and the
conversation-level decision."""

from __future__ import annotations

import json

import pytest

from kari.nlu import malform
from kari.nlu.malform import conversation_malform, detect_malform, malform_evidence
from kari.nlu.malform_eval import evaluate

# --- the model file ---------------------------------------------------------------------------------


def test_model_file_is_small_json() -> None:
    assert malform.MODEL_PATH.stat().st_size < 2_000_000
    model = json.loads(malform.MODEL_PATH.read_text(encoding="utf-8"))
    assert model["weights"] and model["threshold"] > 0


def test_committed_model_matches_a_rebuild() -> None:
    """`python -m kari.nlu.malform_train` rebuilds the committed file from committed data."""
    pytest.importorskip("sklearn")
    from kari.nlu.malform_train import build

    committed = json.loads(malform.MODEL_PATH.read_text(encoding="utf-8"))
    rebuilt = build()
    assert {k: v for k, v in rebuilt.items() if k != "weights"} == {
        k: v for k, v in committed.items() if k != "weights"
    }
    # same features; weights equal up to solver round-off (rounded to 4 decimals in the file)
    small = [
        k
        for k in set(committed["weights"]) ^ set(rebuilt["weights"])
        if abs(committed["weights"].get(k, rebuilt["weights"].get(k, 0))) > 0.003
    ]
    assert not small, f"features differ: {small[:10]} — run python -m kari.nlu.malform_train"
    drift = max(
        abs(committed["weights"][k] - rebuilt["weights"][k])
        for k in set(committed["weights"]) & set(rebuilt["weights"])
    )
    assert drift < 0.002, "the committed model is stale: run python -m kari.nlu.malform_train"


# --- held-out accuracy (tests/malform: never trained or tuned on) -----------------------------------


@pytest.fixture(scope="module")
def results():
    return evaluate(detect_malform)


@pytest.mark.parametrize("name", ["chat nn", "chat nb"])
def test_issue_targets_on_chat_heldout(results, name) -> None:
    table = results[name]
    assert table["all"]["wrong"] <= 0.01 and table["all"]["undecided"] <= 0.03, table["all"]
    assert table["<=8"]["wrong"] <= 0.02 and table["<=8"]["undecided"] <= 0.10, table["<=8"]


@pytest.mark.parametrize("name", ["UD nn", "UD nb"])
def test_no_worse_than_now_on_ud_heldout(results, name) -> None:
    """A floor at today's figures (see README: the issue's UD targets are not met yet)."""
    table = results[name]
    assert table["all"]["wrong"] <= 0.025 and table["all"]["undecided"] <= 0.10, table["all"]
    assert table["<=8"]["wrong"] <= 0.07 and table["<=8"]["undecided"] <= 0.26, table["<=8"]


@pytest.mark.xfail(reason="issue 18's UD targets are not met yet: see tests/malform/README.md", strict=False)
@pytest.mark.parametrize("name", ["UD nn", "UD nb"])
def test_issue_targets_on_ud_heldout(results, name) -> None:
    table = results[name]
    assert table["all"]["wrong"] <= 0.01 and table["all"]["undecided"] <= 0.03, table["all"]
    assert table["<=8"]["wrong"] <= 0.02 and table["<=8"]["undecided"] <= 0.10, table["<=8"]


# --- evidence and the conversation ------------------------------------------------------------------


def test_evidence_is_signed_log_odds() -> None:
    assert malform_evidence("hvordan søker jeg om barnehageplass") > 1
    assert malform_evidence("korleis søkjer eg om barnehageplass") < -1
    assert malform_evidence("") == 0.0
    assert malform_evidence(None) == 0.0  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["hei", "takk", "Hei!", "ok takk", "ja", "nei", "hei kari"])
def test_greetings_carry_no_evidence(text) -> None:
    assert malform_evidence(text) == 0.0


def test_explicit_choice_wins() -> None:
    nn = malform_evidence("korleis søkjer eg")
    assert conversation_malform([nn, nn], chosen="nb") == "nb"
    assert conversation_malform([], chosen="nn") == "nn"
    assert conversation_malform([malform_evidence("hva koster det")], chosen="bogus") == "nb"


def test_undecidable_conversation_is_nynorsk() -> None:
    assert conversation_malform([]) == "nn"
    assert conversation_malform([0.0, 0.0]) == "nn"
    assert conversation_malform([malform_evidence("barnehage")]) == "nn"


def test_greeting_keeps_the_standard() -> None:
    nb = malform_evidence("hvordan søker jeg om sfo")
    greet = malform_evidence("takk")
    assert conversation_malform([nb, greet]) == "nb"
    assert conversation_malform([nb, greet, malform_evidence("ok")]) == "nb"
    assert conversation_malform([malform_evidence("hei"), nb]) == "nb"


def test_recent_turns_weigh_more() -> None:
    nb = malform_evidence("hvordan søker jeg om sfo")
    nn = malform_evidence("korleis søkjer eg om sfo")
    assert conversation_malform([nb, nn]) == "nn"
    assert conversation_malform([nn, nb]) == "nb"


def test_weak_turns_add_up() -> None:
    weak = malform.default_evidence().threshold * 0.6
    assert detect_malform("x") is None
    assert conversation_malform([weak]) == "nn"  # one weak Bokmål hint: undecided → Nynorsk
    assert conversation_malform([weak, weak, weak]) == "nb"


def test_one_long_message_does_not_outweigh_every_later_turn() -> None:
    assert conversation_malform([100.0, -4.0, -4.0]) == "nn"
