"""The real content in data/knowledge/ imports cleanly, is canonical, and answers the citizen questions
in tests/kb_questions.yml (topic found by the linker from the question text, expected fact in the reply)."""

from __future__ import annotations

import pytest
import yaml

from kari.conversation.turn import Turn, answer
from kari.knowledge import cli
from kari.knowledge.db import session_scope
from kari.knowledge.kinds import BY_ASPECT
from tests.kb.conftest import CONTENT, FILES, REPO

QUESTIONS = REPO / "tests" / "kb_questions.yml"


def test_real_content_round_trips_byte_identical(real_kb, tmp_path):
    out = tmp_path / "exported"
    assert cli.main(["export", "--dir", str(out)]) == 0
    differing = [f for f in FILES if (out / f).read_bytes() != (CONTENT / f).read_bytes()]
    assert not differing, (
        f"{differing} are not in canonical form; run `python -m kari kb import && "
        f"python -m kari kb export` and review the diff"
    )


def test_real_content_answers_the_citizen_questions(real_kb):
    if not QUESTIONS.exists():
        pytest.fail(f"{QUESTIONS} is missing", pytrace=False)
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    failures = []
    with session_scope() as s:
        for q in questions:
            intent = BY_ASPECT[q["aspect"]].intent
            turn = Turn("action_answer", q["q"], intent, ((intent, 1.0),), malform=q["malform"])
            result = answer(turn, s)
            text = " ".join(say.text for say in result.say)
            if q.get("topic") and result.topic != q["topic"]:
                failures.append(f"{q['q']!r}: answered {result.topic or text[:60]!r}, expected {q['topic']}")
            elif str(q["expect"]) not in text:
                failures.append(f"{q['q']!r}: {q['expect']!r} not in {text!r}")
    print(f"{len(questions) - len(failures)}/{len(questions)} questions answered right")
    assert not failures, f"{len(failures)}/{len(questions)} wrong:\n" + "\n".join(failures)
