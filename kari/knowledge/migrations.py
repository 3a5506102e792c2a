"""Versioned schema migrations, applied in order by `upgrade()`.

Why not Alembic: the schema is small, the migrations must run programmatically at start-up on both
SQLite and PostgreSQL, and a table holding one version number plus a list of plain functions does that
with no extra dependency (and no alembic.ini/env.py to ship). Each migration is frozen Core DDL (never the
current ORM models), runs in its own transaction, and only ever adds or alters — so a database that
staff have edited keeps its content across upgrades (migration 4 drops one column whose values were
never staff input; its docstring says why). Add a migration by appending to MIGRATIONS.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Connection, Engine

VERSION_TABLE = "kb_schema_version"


def _m1_tables(conn: Connection) -> None:
    md = MetaData()
    Table(
        "topics",
        md,
        Column("id", Integer, primary_key=True),
        Column("key", String(100), nullable=False, unique=True),
        Column("kind", String(20), nullable=False),
        Column("partner_id", Integer, ForeignKey("topics.id", ondelete="SET NULL"), nullable=True),
        Column("name_nn", Text, nullable=False),
        Column("name_nb", Text, nullable=False),
        Column("url", Text, nullable=True),
        Column("file", String(50), nullable=True),
    )
    Table(
        "aliases",
        md,
        Column("id", Integer, primary_key=True),
        Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("malform", String(2), nullable=False),
        Column("text", Text, nullable=False),
        UniqueConstraint("topic_id", "malform", "text", name="uq_alias"),
    )
    Table("sources", md, Column("id", Integer, primary_key=True), Column("url", Text, nullable=False, unique=True))
    Table(
        "answers",
        md,
        Column("id", Integer, primary_key=True),
        Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("aspect", String(20), nullable=False),
        Column("text_nn", Text, nullable=False),
        Column("text_nb", Text, nullable=False),
        Column("source_id", Integer, ForeignKey("sources.id", ondelete="SET NULL"), nullable=True),
        Column("checked", Date, nullable=True),
        Column("review", Text, nullable=True),
        UniqueConstraint("topic_id", "aspect", name="uq_answer_aspect"),
    )
    md.create_all(conn)


def _bump_triggers(conn: Connection, tables: tuple[str, ...]) -> None:
    """Triggers that bump `kb_meta.content_version` on any change to `tables` (SQLite, PostgreSQL)."""
    bump = "UPDATE kb_meta SET content_version = content_version + 1"
    if conn.dialect.name == "sqlite":
        for table in tables:
            for op in ("INSERT", "UPDATE", "DELETE"):
                conn.exec_driver_sql(
                    f"CREATE TRIGGER kb_bump_{table}_{op.lower()} AFTER {op} ON {table} BEGIN {bump}; END"
                )
    elif conn.dialect.name == "postgresql":
        for table in tables:
            conn.exec_driver_sql(
                f"CREATE TRIGGER kb_bump_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE PROCEDURE kb_bump_content_version()"
            )


def _m2_content_version(conn: Connection) -> None:
    """A content counter that any change to topics/aliases bumps — from the import, admin pages or
    plain SQL — so the topic linker can cache its index and still see a new entry at once."""
    md = MetaData()
    Table("kb_meta", md, Column("id", Integer, primary_key=True), Column("content_version", Integer, nullable=False))
    md.create_all(conn)
    conn.execute(text("INSERT INTO kb_meta (id, content_version) VALUES (1, 1)"))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION kb_bump_content_version() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN UPDATE kb_meta SET content_version = content_version + 1; RETURN NULL; END $$"
        )
    _bump_triggers(conn, ("topics", "aliases"))
    # Other databases: the import bumps the counter itself; edits made there must bump it too.


def _m3_feedback(conn: Connection) -> None:
    """Citizens' ratings of answers, for staff reports: topic key, aspect, helpful, written standard and
    the day — nothing that identifies anyone. No foreign key: ratings outlive a re-import of topics."""
    md = MetaData()
    Table(
        "feedback",
        md,
        Column("id", Integer, primary_key=True),
        Column("topic_key", String(100), nullable=False),
        Column("aspect", String(20), nullable=False),
        Column("helpful", Boolean, nullable=False),
        Column("malform", String(2), nullable=False),
        Column("day", Date, nullable=False),
        Index("ix_feedback_topic_key", "topic_key"),
    )
    md.create_all(conn)


def _m4_source_date_verified_operator(conn: Connection) -> None:
    """Split the one `checked` date into `source_date` (when the source said it) and `verified` (when
    staff last verified it), and give topics an operator (third parties' own contact) and an emergency
    sentence.

    `checked` is dropped, not copied: its only writer was `kb import`, and the content audit (issue 12)
    found its values were the day the fact sheet was compiled (2026-11-26), a placeholder (2019-06-01) or
    synthetic 1 January dates — none of them a staff verification, and none the date of the source. Copying
    them into `verified` would keep the false claim; into `source_date`, invent a source date. Every
    answer starts unverified; the next `kb import` fills `source_date` from the YAML. Texts, sources and
    review notes are untouched."""
    for table, column, kind in (
        ("answers", "source_date", "VARCHAR(30)"),
        ("answers", "verified", "DATE"),
        ("topics", "operator_nn", "TEXT"),
        ("topics", "operator_nb", "TEXT"),
        ("topics", "emergency_nn", "TEXT"),
        ("topics", "emergency_nb", "TEXT"),
    ):
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    conn.exec_driver_sql("ALTER TABLE answers DROP COLUMN checked")  # SQLite ≥ 3.35, PostgreSQL


def _m5_example_questions(conn: Connection) -> None:
    """Example questions per answer (the search finds an answer through them), and the content version
    now also follows answers, sources and example questions: the search index shows the newest text."""
    md = MetaData()
    Table("topics", md, Column("id", Integer, primary_key=True))  # exists: only for the foreign key
    questions = Table(
        "example_questions",
        md,
        Column("id", Integer, primary_key=True),
        Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("aspect", String(20), nullable=False),
        Column("malform", String(2), nullable=False),
        Column("text", Text, nullable=False),
        UniqueConstraint("topic_id", "aspect", "text", name="uq_example_question"),
    )
    md.create_all(conn, tables=[questions])
    _bump_triggers(conn, ("answers", "sources", "example_questions"))


def _m6_staff_and_history(conn: Connection) -> None:
    """Staff accounts and their log-in sessions (the admin pages), the history of every change staff
    make there (who, when, what, old → new), and how far that history has been exported to YAML, so
    `kb import` can refuse to overwrite edits that exist only in the database."""
    md = MetaData()
    staff = Table(
        "staff",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String(100), nullable=False, unique=True),
        Column("role", String(20), nullable=False),
        Column("password_hash", Text, nullable=False),
        Column("failed_logins", Integer, nullable=False, default=0),
        Column("locked_until", DateTime, nullable=True),
        Column("created", DateTime, nullable=False),
    )
    sessions = Table(
        "staff_sessions",
        md,
        Column("id", String(64), primary_key=True),  # sha256 of the cookie's token, never the token
        Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("csrf", String(64), nullable=False),
        Column("created", DateTime, nullable=False),
        Column("expires", DateTime, nullable=False),
    )
    changes = Table(
        "kb_changes",
        md,
        Column("id", Integer, primary_key=True),
        Column("at", DateTime, nullable=False),
        Column("who", String(100), nullable=False),
        Column("entity", String(20), nullable=False),
        Column("target", String(200), nullable=False),
        Column("field", String(50), nullable=False),
        Column("old", Text, nullable=True),
        Column("new", Text, nullable=True),
        Column("reverts", Integer, nullable=True),
        Index("ix_kb_changes_target", "target"),
    )
    md.create_all(conn, tables=[staff, sessions, changes])
    conn.exec_driver_sql("ALTER TABLE kb_meta ADD COLUMN exported_change INTEGER NOT NULL DEFAULT 0")


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "topics, aliases, sources, answers", _m1_tables),
    (2, "content version counter with triggers", _m2_content_version),
    (3, "feedback on answers (no personal data)", _m3_feedback),
    (
        4,
        "answers: source_date and verified instead of checked; topics: operator, emergency",
        _m4_source_date_verified_operator,
    ),
    (5, "example questions; content version follows answers too", _m5_example_questions),
    (6, "staff accounts, sessions, change history, export mark", _m6_staff_and_history),
]
LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    from sqlalchemy import inspect

    if not inspect(conn).has_table(VERSION_TABLE):
        return 0
    return int(conn.execute(text(f"SELECT max(version) FROM {VERSION_TABLE}")).scalar() or 0)


def upgrade(engine: Engine, target: int | None = None) -> int:
    """Bring the schema to `target` (default: newest). Safe to call on every start-up."""
    from kari.knowledge.db import KnowledgeBaseUnavailable

    target = LATEST if target is None else target
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")
        if conn.execute(text(f"SELECT count(*) FROM {VERSION_TABLE}")).scalar() == 0:
            conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version) VALUES (0)"))
    for number, _title, apply in MIGRATIONS:
        if number > target:
            break
        with engine.begin() as conn:
            # Writing first takes the write lock, so two processes starting together upgrade in turn.
            conn.execute(text(f"UPDATE {VERSION_TABLE} SET version = version"))
            version = current_version(conn)
            if version > LATEST:
                raise KnowledgeBaseUnavailable(
                    f"the knowledge base has schema version {version}, newer than this code "
                    f"understands ({LATEST}); update Kommune-Kari"
                )
            if version >= number:
                continue
            apply(conn)
            conn.execute(text(f"UPDATE {VERSION_TABLE} SET version = :v"), {"v": number})
    with engine.connect() as conn:
        version = current_version(conn)
    if version > LATEST:
        raise KnowledgeBaseUnavailable(
            f"the knowledge base has schema version {version}, newer than this code understands "
            f"({LATEST}); update Kommune-Kari"
        )
    return version
