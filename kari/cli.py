"""`python -m kari <command> …` — one entry point for staff and operators.

Each command lives in its own module and is imported only when used, so `kb` works
without loading Sanic and `web` works without loading spaCy.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "run": ("kari.stack", "start the action server, Rasa and the web app (make run)"),
    "kb": ("kari.knowledge.cli", "import, export or check the knowledge base"),
    "web": ("kari.web.app", "serve the demo page, the widget and the admin pages"),
    "staff": ("kari.admin.cli", "staff accounts for the admin pages (/admin)"),
    "prod": ("kari.scaleout.topology", "the production topology on this machine: up, status, rollout"),
    "retention": ("kari.retention", "delete conversations older than KARI_RETENTION_DAYS"),
    "shell": ("kari.shell", "talk to Kari in the terminal through the masking channel (instead of rasa shell)"),
    "evaluate": ("kari.evaluation.command", "run the conversation tests (in-process or --url) and write the report"),
}


def usage() -> str:
    lines = ["usage: python -m kari <command> [options]", "", "commands:"]
    lines += [f"  {name:<10} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"unknown command '{name}'\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return int(module.main(rest) or 0)
