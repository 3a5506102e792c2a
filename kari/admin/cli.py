"""`python -m kari staff …` — staff accounts for the admin pages, and the pages' reports and history for
scripts: add, list, unlock, password, remove, missed, stats, history, revert, and the intents of data/nlu/:
intents, intent-create, intent-remove, example-add."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from sqlalchemy.exc import SQLAlchemyError

from kari.admin import accounts
from kari.admin.intents import IntentError
from kari.knowledge.db import KnowledgeBaseUnavailable, database_reason, session_scope


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a day (YYYY-MM-DD)") from None


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Passord: ")
    if getpass.getpass("Passord ein gong til: ") != first:
        raise accounts.AccountError("Passorda var ikkje like.")
    return first


def _add(args: argparse.Namespace) -> int:
    password = _password(args)
    with session_scope() as db:
        staff = accounts.add_staff(db, args.name, args.role, password)
        print(f"staff add: {staff.name} ({staff.role}) can log in at /admin/login")
    return 0


def _list(args: argparse.Namespace) -> int:
    with session_scope() as db:
        people = accounts.list_staff(db)
        moment = accounts.now()
        for p in people:
            locked = " locked" if p.locked_until and p.locked_until > moment else ""
            print(f"{p.name}\t{p.role}{locked}")
        if not people:
            print("No staff accounts yet: python -m kari staff add NAME --role admin")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    with session_scope() as db:
        accounts.unlock(db, args.name)
    print(f"staff unlock: {args.name} can log in again")
    return 0


def _set_password(args: argparse.Namespace) -> int:
    password = _password(args)
    with session_scope() as db:
        accounts.set_password(db, args.name, password)
    print(f"staff password: new password for {args.name}; their sessions were ended")
    return 0


def _remove(args: argparse.Namespace) -> int:
    with session_scope() as db:
        accounts.remove(db, args.name)
    print(f"staff remove: {args.name} removed")
    return 0


def _missed(args: argparse.Namespace) -> int:
    from kari.admin.missed import REASONS, group, read_misses

    groups = group(read_misses(since=args.since))
    if not groups:
        print("Nothing missed yet.")
    for g in groups[: args.limit]:
        reasons = ", ".join(f"{REASONS[r]} {n}" for r, n in g.reasons.most_common())
        print(f"{g.count:>4}  {g.malform}  {g.first}..{g.last}  {g.text}  [{reasons}]")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from kari.admin.stats import collect

    with session_scope() as db:
        f = collect(db)
    print(
        f"questions: {f.questions}; answered: {f.share(f.answered)}; outside office hours: "
        f"{f.share(f.outside_hours)}; nn: {f.share(f.per_malform['nn'])}; nb: {f.share(f.per_malform['nb'])}"
    )
    for week, n in sorted(f.per_week.items()):
        print(f"{week}  {n}")
    for malform, c in sorted(f.ratings.items()):
        print(f"ratings {malform}: helpful {c['good']}, not helpful {c['bad']}")
    return 0


def _history(args: argparse.Namespace) -> int:
    from kari.admin.edits import history

    with session_scope() as db:
        for c in reversed(history(db, args.target or "", limit=args.limit)):
            undo = f" (reverts #{c.reverts})" if c.reverts else ""
            old = (c.old or "–") if c.field != "topic" else ("(topic)" if c.old else "–")
            new = (c.new or "–") if c.field != "topic" else ("(topic)" if c.new else "–")
            print(f"#{c.id} {c.at:%Y-%m-%d %H:%M} {c.who} {c.target} {c.field}{undo}: {old[:60]!r} → {new[:60]!r}")
    return 0


def _revert(args: argparse.Namespace) -> int:
    from kari.admin.edits import EditError, revert

    try:
        with session_scope() as db:
            change = revert(db, accounts.check_name(args.who), args.id)
            print(f"staff revert: #{args.id} undone by #{change.id}")
    except EditError as exc:
        raise accounts.AccountError(str(exc)) from None
    return 0


def _intents(args: argparse.Namespace) -> int:
    from kari.admin.intents import read

    for it in read().values():
        made = "  (made by staff: intent-remove can remove it)" if it.made_by_staff else ""
        print(f"{it.name:<20} nn {len(it.examples['nn']):>4}  nb {len(it.examples['nb']):>4}{made}")
    return 0


def _intent_create(args: argparse.Namespace) -> int:
    from kari.admin.intents import create_intent

    name = create_intent(args.name, {"nn": "\n".join(args.nn), "nb": "\n".join(args.nb)})
    print(f"staff intent-create: {name} written to domain.yml, data/rules.yml and data/nlu/staff.yml; train to use it")
    return 0


def _intent_remove(args: argparse.Namespace) -> int:
    from kari.admin.intents import remove_intent

    remove_intent(args.name)
    print(f"staff intent-remove: {args.name} removed; train to make the model forget it")
    return 0


def _example_add(args: argparse.Namespace) -> int:
    from kari.admin.intents import add_example

    text = add_example(args.intent, args.malform, args.text)
    print(f"staff example-add: {text!r} added to {args.intent} ({args.malform}) in data/nlu/staff.yml")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m kari staff", description="Staff accounts for /admin.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("add", help="create an account (asks for the password)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=accounts.ROLES)
    p.add_argument("--password-stdin", action="store_true", help="read the password from one line on stdin")
    p.set_defaults(run=_add)
    sub.add_parser("list", help="list accounts").set_defaults(run=_list)
    p = sub.add_parser("unlock", help="unlock an account after too many failed log-ins")
    p.add_argument("name")
    p.set_defaults(run=_unlock)
    p = sub.add_parser("password", help="set a new password (ends the account's sessions)")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from one line on stdin")
    p.set_defaults(run=_set_password)
    p = sub.add_parser("remove", help="delete an account")
    p.add_argument("name")
    p.set_defaults(run=_remove)
    p = sub.add_parser("missed", help="what Kari missed, grouped by similar wording (like /admin/missed)")
    p.add_argument("--since", type=_day, help="only from this day (YYYY-MM-DD)")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(run=_missed)
    sub.add_parser("stats", help="the figures of /admin/stats").set_defaults(run=_stats)
    p = sub.add_parser("history", help="changes made on the admin pages, oldest first")
    p.add_argument("--target", help="a topic key, or key/aspect")
    p.add_argument("--limit", type=int, default=200)
    p.set_defaults(run=_history)
    p = sub.add_parser("revert", help="undo one change of the history")
    p.add_argument("id", type=int)
    p.add_argument("--as", dest="who", required=True, help="your staff name (recorded in the history)")
    p.set_defaults(run=_revert)
    sub.add_parser("intents", help="intents with their number of examples per written standard").set_defaults(
        run=_intents
    )
    p = sub.add_parser("intent-create", help="a new intent answered by the knowledge-base search")
    p.add_argument("name", help="lower case, digits and _, e.g. ask_parking")
    p.add_argument("--nn", action="append", default=[], help="a Nynorsk example (repeat the flag)")
    p.add_argument("--nb", action="append", default=[], help="a Bokmål example (repeat the flag)")
    p.set_defaults(run=_intent_create)
    p = sub.add_parser("intent-remove", help="remove an intent made with intent-create or on the pages")
    p.add_argument("name")
    p.set_defaults(run=_intent_remove)
    p = sub.add_parser("example-add", help="add a training example to an intent (data/nlu/staff.yml)")
    p.add_argument("intent")
    p.add_argument("malform", choices=("nn", "nb"))
    p.add_argument("text")
    p.set_defaults(run=_example_add)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (accounts.AccountError, KnowledgeBaseUnavailable, IntentError) as exc:
        print(f"staff {args.command}: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"staff {args.command}: database error: {database_reason(exc)}", file=sys.stderr)
        return 1
