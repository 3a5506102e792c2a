"""`python -m kari kb import|export|check` — the knowledge base for staff and operators."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from kari.knowledge.db import (
    REPO,
    KnowledgeBaseUnavailable,
    database_reason,
    database_url,
    describe,
    session_scope,
)

DEFAULT_DIR = REPO / "data" / "knowledge"


def _import(args: argparse.Namespace) -> int:
    from kari.knowledge.store import mark_exported, replace_content, unexported_changes
    from kari.knowledge.yamlio import load_dir

    topics, problems = load_dir(Path(args.dir))
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"kb import: {len(problems)} problem(s); the knowledge base was not changed.", file=sys.stderr)
        return 1
    with session_scope(create=True) as session:
        pending = unexported_changes(session)
        if pending and not args.discard_changes:
            print(
                f"kb import: the database has {pending} change(s) made on the admin pages that are not in "
                f"the YAML files yet; nothing was imported. Export them first with "
                f"`python -m kari kb export` (then review and commit data/knowledge/), or throw them away "
                f"with `python -m kari kb import --discard-changes`.",
                file=sys.stderr,
            )
            return 1
        counts = replace_content(session, topics)
        mark_exported(session)
    print(
        f"kb import: {counts['partners']} partners, {counts['projects']} projects, "
        f"{counts['services']} services, {counts['municipality']} municipality; "
        f"{counts['answers']} answers, {counts['aliases']} aliases, {counts['sources']} sources "
        f"→ {describe(database_url())}"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from kari.knowledge.store import mark_exported, read_content
    from kari.knowledge.yamlio import FILES, dump, file_of

    with session_scope() as session:
        topics = read_content(session)
        directory = Path(args.dir)
        directory.mkdir(parents=True, exist_ok=True)
        names = list(FILES) + sorted({file_of(t) for t in topics} - set(FILES))
        for name in names:
            text = dump([t for t in topics if file_of(t) == name], name)
            (directory / f"{name}.yml").write_text(text, encoding="utf-8")
        mark_exported(session)  # only once every file is written
    print(f"kb export: {len(topics)} topics → {', '.join(str(directory / f'{n}.yml') for n in names)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kari.knowledge.check import find_issues, report

    today = dt.date.fromisoformat(args.today) if args.today else None
    with session_scope() as session:
        findings = find_issues(session, today)
    print(report(findings))
    return 1 if findings and args.strict else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kari kb",
        description="Import, export or check the knowledge base (database from KARI_DATABASE_URL).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("import", help="validate data/knowledge/*.yml and replace the database content")
    p.add_argument("--dir", default=str(DEFAULT_DIR), help="folder with the YAML files (default: %(default)s)")
    p.add_argument(
        "--discard-changes",
        action="store_true",
        help="import even when the database has admin-page changes not yet exported (they are lost)",
    )
    p.set_defaults(run=_import)
    p = sub.add_parser("export", help="write the database back to YAML in canonical form")
    p.add_argument("--dir", default=str(DEFAULT_DIR), help="target folder (default: %(default)s)")
    p.set_defaults(run=_export)
    p = sub.add_parser("check", help="list missing translations, missing sources, stale and flagged facts")
    p.add_argument("--strict", action="store_true", help="exit 1 when anything is listed")
    p.add_argument("--today", help=argparse.SUPPRESS)  # fixed date for tests
    p.set_defaults(run=_check)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KnowledgeBaseUnavailable as exc:
        print(f"kb {args.command}: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"kb {args.command}: database error: {database_reason(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kb {args.command}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
