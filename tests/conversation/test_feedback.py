"""Ratings are stored with topic, aspect, helpful, written standard and day — nothing else."""

from datetime import date

from sqlalchemy import create_engine, inspect, select, text

from kari.conversation import feedback
from kari.knowledge.db import session_scope
from kari.knowledge.migrations import LATEST, upgrade
from kari.knowledge.models import Feedback


def test_record_and_summary(kb_url):
    with session_scope(kb_url) as s:
        s.execute(Feedback.__table__.delete())
        feedback.record(s, "barnehage", "price", True, "nb", date(2026, 11, 2))
        feedback.record(s, "barnehage", "price", False, "nn", date(2026, 11, 3))
        feedback.record(s, "barnehage", "price", False, None, date(2026, 11, 3))
        feedback.record(s, "sfo", "deadline", True, "nn", date(2026, 10, 1))
        assert feedback.record(s, "", "price", True, "nn") is None  # no answer to rate
        assert feedback.record(s, "sfo", "partnerships", True, "nn") is None
    with session_scope(kb_url) as s:
        rows = s.execute(select(Feedback.malform).where(Feedback.topic_key == "barnehage")).scalars().all()
        assert sorted(rows) == ["nb", "nn", "nn"]  # unknown standard is stored as Nynorsk
        scores = feedback.summary(s)
        assert [(x.topic_key, x.aspect, x.helpful, x.not_helpful) for x in scores] == [
            ("barnehage", "price", 1, 2),
            ("sfo", "deadline", 1, 0),
        ]
        assert [x.topic_key for x in feedback.summary(s, since=date(2026, 11, 1))] == ["barnehage"]


def test_the_table_holds_no_personal_data(kb_url):
    columns = {c["name"] for c in inspect(create_engine(kb_url)).get_columns("feedback")}
    assert columns == {"id", "topic_key", "aspect", "helpful", "malform", "day"}


def test_migration_adds_the_table_to_an_existing_database(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}", future=True)
    assert upgrade(engine, target=2) == 2
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO topics (key, kind, name_nn, name_nb) VALUES ('x', 'service', 'X', 'X')"))
    assert not inspect(engine).has_table("feedback")
    assert upgrade(engine) == LATEST >= 3
    assert inspect(engine).has_table("feedback")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT key FROM topics")).scalars().all() == ["x"]  # content kept


def test_staff_report_command(kb_url, monkeypatch, capsys):
    monkeypatch.setenv("KARI_DATABASE_URL", kb_url)
    with session_scope(kb_url) as s:
        s.execute(Feedback.__table__.delete())
    assert feedback.main([]) == 0 and "No ratings yet." in capsys.readouterr().out
    with session_scope(kb_url) as s:
        feedback.record(s, "legevakt", "contact", False, "nn", date(2026, 11, 20))
    assert feedback.main(["--since", "2026-11-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["topic", "aspect", "helpful", "not", "helpful"]
    assert lines[1].split() == ["legevakt", "contact", "0", "1"]


def test_a_made_up_topic_is_never_stored(kb_url):
    with session_scope(kb_url) as s:
        assert feedback.record(s, "<script>alert(1)</script>", "price", False, "nn") is None
        assert feedback.record(s, "no-such-topic", "price", False, "nn") is None
        assert feedback.record(s, "barnehage", "price", False, "nn") is not None
