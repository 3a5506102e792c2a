"""The project's `rasa` (kari/rasa_command.py): Rasa's own test commands with the project's test data,
and an exit code that says whether the tests passed. The real commands run in
tests/integration/test_rasa_commands.py; here, what each command line becomes and how Rasa's result
files are judged."""

from __future__ import annotations

import json
import time

import pytest

from kari.rasa_command import failed_stories, judge, standard_scores, with_project_data


@pytest.mark.parametrize(
    "argv, added, judged",
    [
        (["test"], ["--stories", "tests/stories", "--nlu", "tests/nlu_holdout", "--successes"], {"stories", "nlu"}),
        (["test", "core"], ["--stories", "tests/stories"], {"stories"}),
        (["test", "nlu"], ["--nlu", "tests/nlu_holdout", "--successes"], {"nlu"}),
        (["test", "--stories", "mine"], ["--nlu", "tests/nlu_holdout", "--successes"], {"stories", "nlu"}),
        (["test", "nlu", "-u", "mine.yml"], [], set()),
        (["test", "nlu", "--cross-validation"], [], set()),  # trains on its data: Rasa's default, data/
        (["test", "nlu", "--config", "a.yml", "b.yml"], [], set()),
    ],
)
def test_rasa_test_gets_the_projects_test_data_unless_the_command_line_names_some(argv, added, judged):
    assert with_project_data(argv) == ([*argv, *added], judged)


@pytest.mark.parametrize("argv", [["train"], ["shell", "--debug"], ["test", "--help"], ["data", "validate"]])
def test_every_other_command_is_rasas_unchanged(argv):
    assert with_project_data(argv) == (argv, set())


def test_failed_stories_are_read_from_rasas_file_of_this_run(tmp_path):
    start = time.time() - 1
    assert failed_stories(tmp_path, start) == [
        "Rasa did not write " + str(tmp_path / "failed_test_stories.yml") + ": the stories were not tested"
    ]
    (tmp_path / "failed_test_stories.yml").write_text("# None of the test stories failed - all good!")
    assert failed_stories(tmp_path, start) == []
    (tmp_path / "failed_test_stories.yml").write_text("stories:\n- story: a\n  steps: []\n- story: b\n  steps: []\n")
    assert failed_stories(tmp_path, start) == [
        f"2 test stories failed (each is in {tmp_path / 'failed_test_stories.yml'})"
    ]
    assert failed_stories(tmp_path, time.time() + 60)[0].startswith("Rasa did not write")  # an old file


def _holdout(folder, standard, examples):
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in examples.items():
        lines += [f"- intent: {intent}", "  examples: |", *(f"    - {t}" for t in texts)]
    (folder / f"{standard}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _predictions(out, predicted):
    right = [{"text": t, "intent": i, "intent_prediction": {"name": g}} for t, i, g in predicted if i == g]
    wrong = [{"text": t, "intent": i, "intent_prediction": {"name": g}} for t, i, g in predicted if i != g]
    (out / "intent_successes.json").write_text(json.dumps(right), encoding="utf-8")
    (out / "intent_errors.json").write_text(json.dumps(wrong), encoding="utf-8")


def test_the_pooled_predictions_are_scored_per_written_standard(tmp_path):
    holdout, out = tmp_path / "holdout", tmp_path / "results"
    holdout.mkdir(), out.mkdir()
    _holdout(holdout, "nn", {"greet": ["hei", "god kveld"], "thank": ["takk", "tusen takk"]})
    _holdout(holdout, "nb", {"greet": ["hei", "hallo"], "thank": ["takk skal du ha"]})
    start = time.time() - 1
    _predictions(
        out,
        [
            ("hei", "greet", "greet"),  # in both files: Rasa tests it once, it counts in each
            ("god kveld", "greet", "greet"),
            ("takk", "thank", "thank"),
            ("tusen takk", "thank", "greet"),  # Nynorsk's only mistake
            ("hallo", "greet", "greet"),
            ("takk skal du ha", "thank", "thank"),
        ],
    )
    scores = standard_scores(out, start, holdout)
    assert scores["nb"] == 1.0
    assert scores["nn"] == pytest.approx((0.8 + 2 / 3) / 2)  # greet P 2/3 R 1, thank P 1 R 1/2


def test_a_missed_target_or_a_failed_story_makes_the_exit_code_1(tmp_path, capsys):
    out = tmp_path / "results"
    out.mkdir()
    start = time.time() - 1
    (out / "failed_test_stories.yml").write_text("stories:\n- story: a\n  steps: []\n")
    assert judge(["test", "core", "--out", str(out)], {"stories"}, start) == 1
    assert "FAILED: 1 test stories failed" in capsys.readouterr().err
    (out / "failed_test_stories.yml").write_text("# None of the test stories failed - all good!")
    assert judge(["test", "core", "--out", str(out)], {"stories"}, start) == 0
    assert judge(["test", "--out", str(out)], {"stories", "nlu"}, start) == 1  # no NLU predictions written
    assert "leave out --no-errors" in capsys.readouterr().err


def test_each_standard_is_held_to_its_own_target_and_the_gap(capsys):
    from kari.rasa_command import missed_nlu_targets

    assert missed_nlu_targets({"nn": 0.96, "nb": 0.97}) == []
    missed = missed_nlu_targets({"nn": 0.90, "nb": 0.97})
    assert [m.split(":")[0] for m in missed] == ["nn.f1", "gap_points"]
    assert "nn 0.900, nb 0.970" in capsys.readouterr().out
