"""`make evaluate` (python -m kari.evaluation): everything measured, one report.

1. the held-out and dev answer sets in-process: Kari, the old grid lookup, the ranking's ablations and
   the plain knowledge-base search with no dialogue (answers.py; minutes);
2. the conversation tests (tests/conversations) against Kari's real servers on free ports, which also
   measures the reply latency through HTTP;
3. the NLU: Kari's pipeline, ablations and Rasa's default pipeline trained on the same data (nlu.py;
   ~35 min; arguments are passed on to it, e.g. --configs kari rasa-default --cross-validate);
4. results/report.html and .md with the previous run's figures and the targets (tests/targets.yml).
Exit code 1 when a figure misses its target.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from kari.evaluation import answers, command, conversations, nlu, report
from kari.stack import REPO, Stack, StackError, free_port, latest_model

RESULTS = REPO / "results"


def conversation_tests() -> dict:
    """The conversation tests through the REST channel of Kari's servers, with a fresh knowledge base."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"KARI_DATABASE_URL": f"sqlite:///{tmp}/kari.db", "KARI_TRACKER_DB_URL": f"sqlite:///{tmp}/tracker.db"}
        subprocess.run(
            [sys.executable, "-m", "kari", "kb", "import", "--dir", str(REPO / "data/knowledge")],
            env={**os.environ, **env, "PYTHONPATH": str(REPO)},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        stack = Stack(
            rasa_port=free_port(), action_port=free_port(), web_port=free_port(), var_dir=Path(tmp), extra_env=env
        )
        stack.start(("actions", "rasa"))
        try:
            kari = answers.RestKari(stack.rasa_url)
            return command.run_conversations(
                kari, [conversations.DEFAULT_DIR], env["KARI_DATABASE_URL"], "REST, fresh servers"
            )
        finally:
            stack.stop()


def main(argv: list[str]) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    answers.main(["--strategies", "grid", "lexical", "dense", "hybrid", answers.SEARCH_ONLY, "hybrid+priors"])
    print("\n== conversation tests (tests/conversations) through Kari's servers …", flush=True)
    try:
        data = conversation_tests()
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    (RESULTS / "conversations.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"Conversation tests: {data['passed']} of {data['total']} passed.", flush=True)
    nlu.main(argv)
    model = latest_model()
    (RESULTS / "run.json").write_text(
        json.dumps({"model": model.name, "model_mb": round(model.stat().st_size / 1e6, 1)}), encoding="utf-8"
    )
    missed = report.write(RESULTS)
    print(f"\nReport: {RESULTS / 'report.html'} and {RESULTS / 'report.md'}")
    print("Targets: all met" if not missed else "Targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
