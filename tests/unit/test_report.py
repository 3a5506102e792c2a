"""The evaluation report from results an evaluation left: figures, the previous run's, targets, failures."""

from __future__ import annotations

import json
from pathlib import Path

from kari.evaluation import report


def _results(folder: Path, passed: int, nn: float) -> None:
    folder.mkdir(exist_ok=True)
    turn = {
        "user": "kva kostar sfo?",
        "replies": [{"text": "Barnehage: 3 135 kr."}],
        "problems": ["does not say «SFO»"],
    }
    results = [
        {
            "id": f"t.yml::c{i}",
            "name": f"c{i}",
            "kind": "followup",
            "passed": i < passed,
            "error": None,
            "turns": [turn if i >= passed else {**turn, "problems": []}],
        }
        for i in range(25)
    ]
    conversations = {
        "source": "http://127.0.0.1:1",
        "passed": passed,
        "total": 25,
        "results": results,
        "latencies": [0.2, 0.3, 0.4],
    }
    (folder / "conversations.json").write_text(json.dumps(conversations), encoding="utf-8")
    confusion = {"ask_price": {"ask_price": 9, "ask_about": 1}, "ask_about": {"ask_about": 10}}
    holdout = {
        s: {
            "macro_f1": nn if s == "nn" else 0.97,
            "macro_precision": 0.96,
            "macro_recall": 0.95,
            "per_intent_prf": {"ask_price": {"precision": 1.0, "recall": 0.9, "f1": 0.947, "n": 10}},
            "confusion": confusion,
        }
        for s in ("nn", "nb")
    }
    nlu = {"kari": {"training_seconds": 30.0, "holdout": holdout}, "rasa-default": {"holdout": holdout}}
    (folder / "nlu_evaluation.json").write_text(json.dumps(nlu), encoding="utf-8")


def test_the_report_shows_figures_beside_the_previous_run_and_the_targets(tmp_path):
    targets = tmp_path / "targets.yml"
    targets.write_text("conversations.pass_rate: 1.0\nnlu.nn.f1: 0.95\nlatency.p95_seconds: {max: 4}\n")
    results = tmp_path / "results"
    _results(results, passed=25, nn=0.96)
    assert report.write(results, targets) == []
    _results(results, passed=20, nn=0.90)
    missed = report.write(results, targets)
    assert missed == ["conversations.pass_rate: 0.800, target ≥ 1", "nlu.nn.f1: 0.900, target ≥ 0.95"]

    md = (results / "report.md").read_text(encoding="utf-8")
    assert "| conversations.pass_rate | 80.0 % | 100.0 % | ≥ 100.0 % | MISSED |" in md
    assert "| nlu.nn.f1 | 90.0 % | 96.0 % | ≥ 95.0 % | MISSED |" in md
    assert "| latency.p95_seconds | 0.40 | 0.40 | ≤ 4.00 | met |" in md
    assert "| baseline.rasa_default.nn.f1 | 90.0 %" in md
    assert "## The worst 5 failures, with the whole exchange" in md and "✗ does not say «SFO»" in md
    page = (results / "report.html").read_text(encoding="utf-8")
    assert page.count("<details>") == 5 and "data:image/png;base64," in page and 'class="missed"' in page


def test_at_most_twenty_failures_are_shown(tmp_path):
    _results(tmp_path, passed=0, nn=0.96)
    assert len(report.worst_failures(tmp_path)) == 20
