"""The evaluators' conversation tests (tests/conversations/*.yml, format: README "Evaluators"), one
pytest test per conversation, run in-process: the trained model's NLU, the real actions and a fresh
copy of the knowledge base, so `{kb: topic.field}` facts are read from what Kari answers from."""

from __future__ import annotations

from pathlib import Path

import pytest

from kari.evaluation import conversations as conv
from kari.evaluation import report
from kari.knowledge import cli
from kari.knowledge.db import dispose_engines
from kari.stack import DEFAULT_MODEL, REPO

HERE = Path(__file__).parent
TESTS = conv.load([HERE])


@pytest.fixture(scope="module")
def kari(tmp_path_factory):
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"No trained model at {DEFAULT_MODEL}: run `make train` (make test does).")
    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'kari.db'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("KARI_DATABASE_URL", url)
    assert cli.main(["import", "--dir", str(REPO / "data/knowledge")]) == 0
    from kari.evaluation.answers import InProcessKari

    yield InProcessKari(), conv.KnowledgeFacts(url)
    dispose_engines()
    mp.undo()


@pytest.mark.parametrize("conversation", TESTS, ids=[c.id for c in TESTS])
def test_conversation(kari, conversation):
    result = conv.run(kari[0], [conversation], kari[1])[0]
    assert result.passed, "\n" + report.exchange_text(result.as_dict())
