"""`python -m kari staff add|list|unlock|password|remove` — staff accounts for the admin pages."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.exc import SQLAlchemyError

from kari.admin import accounts
from kari.knowledge.db import KnowledgeBaseUnavailable, session_scope


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
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except accounts.AccountError as exc:
        print(f"staff {args.command}: {exc}", file=sys.stderr)
        return 1
    except KnowledgeBaseUnavailable as exc:
        print(f"staff {args.command}: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        print(f"staff {args.command}: database error: {detail[0] if detail else type(exc).__name__}", file=sys.stderr)
        return 1
