"""The answer search over the knowledge base: example questions, and edits seen at once."""

from __future__ import annotations

from sqlalchemy import select

from kari.knowledge import cli, search
from kari.knowledge.db import session_scope
from kari.knowledge.models import Answer, ExampleQuestion, Topic


def test_every_answer_is_a_passage_in_both_standards(session):
    index = search.index(session)
    stored = session.execute(select(Topic.key, Answer.aspect).join(Answer)).all()
    found = {(p.topic, p.aspect) for p in index.passages}
    assert set(stored) <= found
    assert all(p.text_nn and p.text_nb for p in index.passages)
    assert ("ntnu", "projects") in found and (None, "partnerships") in found


def test_example_questions_round_trip_through_yaml(kb_dir, tmp_path, db_url):
    path = kb_dir / "services.yml"
    text = path.read_text(encoding="utf-8")
    at = text.index("    about:\n", text.index("  answers:\n")) + len("    about:\n")
    at = text.index("\n", text.index("      nb:", at)) + 1  # after the about answer's Bokmål text
    examples = '      examples:\n        nn: ["kven tek imot ungen om morgonen"]\n        nb: []\n'
    path.write_text(text[:at] + examples + text[at:], encoding="utf-8")
    assert cli.main(["import", "--dir", str(kb_dir)]) == 0
    with session_scope() as s:
        assert [q.text for q in s.execute(select(ExampleQuestion)).scalars()] == ["kven tek imot ungen om morgonen"]
    once, twice = tmp_path / "once", tmp_path / "twice"
    assert cli.main(["export", "--dir", str(once)]) == 0
    assert examples in (once / "services.yml").read_text(encoding="utf-8")
    assert cli.main(["import", "--dir", str(once)]) == 0 and cli.main(["export", "--dir", str(twice)]) == 0
    assert (twice / "services.yml").read_text(encoding="utf-8") == (once / "services.yml").read_text(encoding="utf-8")


def test_an_edit_rebuilds_the_index_and_reuses_unchanged_vectors(session):
    before = search.index(session)
    row = session.execute(
        select(Answer).join(Topic).where(Topic.key == "barnehage", Answer.aspect == "price")
    ).scalar_one()
    row.text_nn = "Ein plass kostar no 1 234 kr i månaden."
    session.flush()
    after = search.index(session)
    assert after is not before
    texts = {(p.topic, p.aspect): p.text_nn for p in after.passages}
    assert texts[("barnehage", "price")].startswith("Ein plass kostar no 1 234 kr")
    assert search.index(session) is after  # nothing changed: the cached index
