"""Issue 4 targets on the held-out set (never trained on, never tuned on), per written standard.

Uses the model `make test` trained; `make evaluate` prints the full comparison with Rasa's default
pipeline, the development set and 5-fold cross-validation.
"""

import re

import pytest

from kari.evaluation import nlu as evaluation
from kari.evaluation import targets
from kari.stack import DEFAULT_MODEL

TARGETS = targets.section("nlu")  # tests/targets.yml
MAX_GAP_POINTS = TARGETS["gap_points"].value


@pytest.fixture(scope="module")
def holdout_scores():
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"No trained model at {DEFAULT_MODEL}: run `make train` (make test does).")
    return evaluation.holdout_scores(DEFAULT_MODEL)


@pytest.mark.parametrize("standard", ["nn", "nb"])
def test_intent_macro_f1_reaches_the_target(holdout_scores, standard):
    assert TARGETS[f"{standard}.f1"].met(holdout_scores[standard]), holdout_scores


def test_nynorsk_and_bokmal_are_understood_equally_well(holdout_scores):
    gap = abs(holdout_scores["nn"] - holdout_scores["nb"]) * 100
    assert gap <= MAX_GAP_POINTS, holdout_scores


def _plain(text: str) -> str:
    return re.sub(r"[^\wæøå ]", "", text.lower()).strip()


@pytest.mark.parametrize("name", list(evaluation.SETS))
def test_evaluation_sentences_are_not_in_the_training_data(name):
    training = {_plain(t) for t, _ in evaluation.load_examples(evaluation.TRAINING_DATA)}
    for path in evaluation.SETS[name].values():
        leaked = [t for t, _ in evaluation.load_examples(path) if _plain(t) in training]
        assert not leaked, f"{path.name} ({name}) sentences also in data/nlu: {leaked}"
