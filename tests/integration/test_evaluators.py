"""What the README promises an evaluator, done as they would: the README's five-turn conversation test,
run against a running Kari with `python -m kari evaluate --url`, and the HTML report read."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kari.stack import REPO

pytestmark = pytest.mark.stack


def readme_example() -> str:
    section = REPO.joinpath("README.md").read_text(encoding="utf-8").split("## Evaluators", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)


def evaluate(stack, test, out):
    return subprocess.run(
        [sys.executable, "-m", "kari", "evaluate", str(test), "--url", stack.rasa_url, "--out", str(out)],
        env=stack.env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_readme_example_runs_against_a_running_kari_and_the_report_shows_it(kari_stack, tmp_path):
    example = readme_example()
    assert example.count("- user:") == 5
    test, out = tmp_path / "five_turns.yml", tmp_path / "results"
    test.write_text(example, encoding="utf-8")

    passed = evaluate(kari_stack, test, out)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Conversation tests: 1 of 1 passed" in passed.stdout
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Conversation tests (http://127.0.0.1:" in page and "1 of 1" in page
    assert "latency.p95_seconds" in page
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]
    assert figures["conversations.pass_rate"] == 1.0

    # The same test asserting the wrong topic in turn 3 fails, names what is wrong and shows the exchange.
    wrong = example.replace("facts: [{kb: sfo.price}]", "facts: [{kb: barnehage.price}]")
    test.write_text(wrong, encoding="utf-8")
    failed = evaluate(kari_stack, test, out)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "does not give the knowledge base's barnehage.price" in failed.stdout
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "0 of 1" in page and "MISSED" in page and "kva kostar sfo?" in page
    assert "100.0 %" in page  # the previous run's pass rate, beside this one's 0.0 %


def test_a_mistake_in_a_test_file_is_one_clear_line(kari_stack, tmp_path):
    test = tmp_path / "bad.yml"
    test.write_text("conversations:\n- turns:\n  - user: hei\n    bot: {standard: no}\n", encoding="utf-8")
    result = evaluate(kari_stack, test, tmp_path / "results")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: bad.yml, 'conversation 1', turn 1: `standard` is nn (Nynorsk) or nb (Bokmål), not no"
    ]


def test_every_conversation_test_passes_through_the_channel(kari_stack, tmp_path):
    """tests/conversations runs in-process in tests/conversations/; here through the REST channel."""
    result = subprocess.run(
        [sys.executable, "-m", "kari", "evaluate", "--url", kari_stack.rasa_url, "--out", str(tmp_path)],
        env=kari_stack.env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
