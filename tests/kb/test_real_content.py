"""The real content in data/knowledge/ imports cleanly, is canonical, and answers the citizen questions
in tests/kb_questions.yml (topic found by the linker from the question text, expected fact in the reply)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kari.knowledge import cli
from kari.knowledge.db import session_scope
from kari.knowledge.dialogue import respond
from tests.kb.conftest import REPO

CONTENT = REPO / "data" / "knowledge"
QUESTIONS = REPO / "tests" / "kb_questions.yml"
FILES = ("partners.yml", "projects.yml", "services.yml", "municipality.yml")


@pytest.fixture
def real_kb(db_url: str, capsys) -> str:
    if not all((CONTENT / f).exists() for f in FILES):
        pytest.fail(f"the knowledge content is not in {CONTENT} yet ({', '.join(FILES)})", pytrace=False)
    code = cli.main(["import", "--dir", str(CONTENT)])
    err = capsys.readouterr().err
    assert code == 0, f"data/knowledge/ does not import:\n{err}"
    return db_url


def test_real_content_round_trips_byte_identical(real_kb, tmp_path):
    out = tmp_path / "exported"
    assert cli.main(["export", "--dir", str(out)]) == 0
    differing = [f for f in FILES if (out / f).read_bytes() != (CONTENT / f).read_bytes()]
    assert not differing, (f"{differing} are not in canonical form; run `python -m kari kb import && "
                           f"python -m kari kb export` and review the diff")


def test_real_content_answers_the_citizen_questions(real_kb):
    if not QUESTIONS.exists():
        pytest.fail(f"{QUESTIONS} is missing", pytrace=False)
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    failures = []
    with session_scope() as s:
        for q in questions:
            outcome = respond(s, q["aspect"], q["q"], malform=q["malform"])
            if q.get("topic") and outcome.topic != q["topic"]:
                failures.append(f"{q['q']!r}: linked {outcome.topic or outcome.text[:60]!r}, expected {q['topic']}")
            elif str(q["expect"]) not in outcome.text:
                failures.append(f"{q['q']!r}: {q['expect']!r} not in {outcome.text!r}")
    print(f"{len(questions) - len(failures)}/{len(questions)} questions answered right")
    assert not failures, f"{len(failures)}/{len(questions)} wrong:\n" + "\n".join(failures)
