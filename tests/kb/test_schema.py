"""Schema migrations keep staff-edited content; clear one-line errors when the database is missing."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from kari.knowledge import cli
from kari.knowledge.db import KnowledgeBaseUnavailable, dispose_engines, get_engine, session_scope
from kari.knowledge.linker import link
from kari.knowledge.migrations import LATEST, upgrade
from kari.knowledge.models import Base


def test_upgrade_from_empty_builds_the_model_schema(db_url):
    engine = get_engine(create=True)
    insp = inspect(engine)
    for table in Base.metadata.sorted_tables:
        assert {c["name"] for c in insp.get_columns(table.name)} == {c.name for c in table.columns}, table.name
    assert upgrade(engine) == LATEST  # idempotent


def test_staff_edited_database_survives_upgrade(db_url):
    engine = create_engine(db_url, future=True)
    upgrade(engine, target=1)  # an "old" database …
    with engine.begin() as conn:  # … that staff filled by hand
        conn.execute(
            text(
                "INSERT INTO topics (key, kind, name_nn, name_nb) VALUES "
                "('symjehall', 'service', 'Symjehall', 'Svømmehall')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO answers (topic_id, aspect, text_nn, text_nb) "
                "SELECT id, 'hours', 'Ope 07–21.', 'Åpent 07–21.' FROM topics"
            )
        )
    engine.dispose()
    with session_scope() as s:  # start-up upgrades to the newest schema
        assert link(s, "opningstider symjehallen").best.key == "symjehall"
        assert s.execute(text("SELECT text_nb FROM answers")).scalar() == "Åpent 07–21."
        assert s.execute(text("SELECT max(version) FROM kb_schema_version")).scalar() == LATEST


def test_newer_schema_than_code_is_refused_clearly(db_url):
    engine = get_engine(create=True)
    with engine.begin() as conn:
        conn.execute(text("UPDATE kb_schema_version SET version = 99"))
    dispose_engines()
    with pytest.raises(KnowledgeBaseUnavailable, match="newer than this code"):
        get_engine()


def test_missing_sqlite_file_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KARI_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    for command in ("check", "export"):
        assert cli.main([command, "--dir", str(tmp_path / "out")] if command == "export" else [command]) == 1
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "kb import" in err, err
    assert not (tmp_path / "none.db").exists()


def test_unreachable_postgresql_is_one_clear_line(monkeypatch, capsys):
    from tests.support.postgres import free_port

    monkeypatch.setenv("KARI_DATABASE_URL", f"postgresql+psycopg2://kari:secret@127.0.0.1:{free_port()}/kari")
    try:
        assert cli.main(["check"]) == 1
    finally:
        dispose_engines()
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "cannot reach" in err and "127.0.0.1" in err, err
    assert "secret" not in err


def test_upgrade_to_4_splits_checked_and_keeps_staff_content(db_url):
    engine = create_engine(db_url, future=True)
    upgrade(engine, target=3)  # a database from before issue 12, with a `checked` date …
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO topics (key, kind, name_nn, name_nb) VALUES "
                "('renovasjon', 'service', 'Renovasjon', 'Renovasjon')"
            )
        )
        conn.execute(text("INSERT INTO sources (url) VALUES ('https://arim.no')"))
        conn.execute(
            text(
                "INSERT INTO answers (topic_id, aspect, text_nn, text_nb, source_id, checked, review) "
                "SELECT t.id, 'contact', 'Ring ÅRIM.', 'Ring ÅRIM.', s.id, '2026-11-26', 'sjekk' "
                "FROM topics t, sources s"
            )
        )
    engine.dispose()
    assert upgrade(create_engine(db_url, future=True)) == LATEST >= 4
    with session_scope() as s:
        row = s.execute(text("SELECT text_nb, review, source_date, verified FROM answers")).one()
        assert tuple(row) == ("Ring ÅRIM.", "sjekk", None, None)  # never verified: the old date was not
        columns = {c["name"] for c in inspect(s.get_bind()).get_columns("answers")}
        assert "checked" not in columns and {"source_date", "verified"} <= columns
        topic_columns = {c["name"] for c in inspect(s.get_bind()).get_columns("topics")}
        assert {"operator_nn", "operator_nb", "emergency_nn", "emergency_nb"} <= topic_columns
