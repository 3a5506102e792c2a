"""Delete old conversations from Rasa's SQL tracker store.

    python -m kari retention [--days N] [--dry-run]

A conversation is deleted when its newest event is older than N days (default: env
KARI_RETENTION_DAYS, else 30). The database is env KARI_TRACKER_DB_URL, else the SQLite file
var/tracker.db in the repository (the same file endpoints.yml should point Rasa at).
`delete_conversation(sender_id)` deletes one conversation now (for "Gløym meg").
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DB_URL = f"sqlite:///{REPO / 'var' / 'tracker.db'}"
DEFAULT_DAYS = 30

# Only the columns we need of SQLTrackerStore's table (rasa/core/tracker_store.py).
EVENTS = sa.table("events", sa.column("sender_id", sa.String), sa.column("timestamp", sa.Float))


class TrackerDbMissing(Exception):
    """The tracker database (or its events table) does not exist yet."""


@dataclass
class Purged:
    conversations: int
    events: int


def db_url() -> str:
    return os.environ.get("KARI_TRACKER_DB_URL") or DEFAULT_DB_URL


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only used in messages
        return "<invalid database URL>"


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            raise TrackerDbMissing(f"no tracker database at {describe_url(url)}")
    # A PostgreSQL server that does not answer must not hold up `make run` for minutes.
    connect_args = {"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {}
    engine = sa.create_engine(url, future=True, connect_args=connect_args)
    if not sa.inspect(engine).has_table("events"):
        engine.dispose()
        raise TrackerDbMissing(f"the tracker database {describe_url(url)} has no 'events' table")
    return engine


def purge_older_than(days: float, url: Optional[str] = None, dry_run: bool = False) -> Purged:
    """Delete every conversation whose newest event is older than `days` days."""
    cutoff = time.time() - days * 86400
    stale = sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(sa.func.max(EVENTS.c.timestamp) < cutoff)
    engine = _engine(url or db_url())
    try:
        with engine.begin() as conn:
            senders = conn.execute(stale).scalars().all()
            if dry_run or not senders:
                count = (
                    sa.select(sa.func.count())
                    .select_from(EVENTS)
                    .where(EVENTS.c.sender_id.in_(stale.scalar_subquery()))
                )
                return Purged(len(senders), conn.execute(count).scalar_one())
            # The subquery is evaluated again here, so a conversation that got a new
            # event since the select above is kept.
            result = conn.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(stale.scalar_subquery())))
            return Purged(len(senders), result.rowcount)
    finally:
        engine.dispose()


def delete_conversation(sender_id: str, url: Optional[str] = None) -> int:
    """Delete all events of one conversation now; returns how many events were deleted."""
    try:
        engine = _engine(url or db_url())
    except TrackerDbMissing:
        return 0
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
            return result.rowcount
    finally:
        engine.dispose()


def parse_days(raw: Optional[str]) -> float:
    """KARI_RETENTION_DAYS as a number of days; unset or empty means the default.

    Raises ValueError for anything that is not a number above 0.
    """
    if raw is None or raw.strip() == "":
        return DEFAULT_DAYS
    days = float(raw)
    if not 0 < days < float("inf"):
        raise ValueError(raw)
    return days


def _days_from_env() -> float:
    return parse_days(os.environ.get("KARI_RETENTION_DAYS"))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kari retention",
        description="Delete conversations whose last event is older than N days.",
    )
    parser.add_argument("--days", type=float, help="keep N days (default: KARI_RETENTION_DAYS or 30)")
    parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    args = parser.parse_args(argv)

    try:
        days = args.days if args.days is not None else _days_from_env()
    except ValueError:
        print("error: KARI_RETENTION_DAYS must be a number of days above 0, e.g. 30", file=sys.stderr)
        return 2
    if not days > 0:
        print("error: the number of days must be more than 0", file=sys.stderr)
        return 2

    url = db_url()
    try:
        purged = purge_older_than(days, url, dry_run=args.dry_run)
    except TrackerDbMissing as missing:
        print(f"Nothing to delete: {missing}.")
        return 0
    except sa.exc.ArgumentError:
        print(f"error: KARI_TRACKER_DB_URL is not a valid database URL: {describe_url(url)}", file=sys.stderr)
        return 2
    except (sa.exc.SQLAlchemyError, ImportError) as exc:
        reason = type(exc).__name__
        print(f"error: could not use the tracker database {describe_url(url)}: {reason}", file=sys.stderr)
        return 1

    verb = "Would delete" if args.dry_run else "Deleted"
    print(
        f"{verb} {purged.conversations} conversation(s) ({purged.events} event(s)) "
        f"with no activity in the last {days:g} days from {describe_url(url)}."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
