"""`python -m kari shell`: talk to Kari in the terminal, as `rasa shell` would, but safely.

`rasa shell` starts Rasa with its own command-line channel, which is Rasa's unmasked REST channel:
personal data typed there reaches the model and the conversation store in clear, and it needs
KARI_ACTION_URL and KARI_TRACKER_DB_URL set by hand. This command starts the action server and Rasa
the way `make run` does (same defaults, free ports, a fresh action token) and runs Rasa's own
console against Kari's REST channel, which masks personal data like the widget's channel.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid

from kari.stack import Stack, StackError, free_port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kari shell", description=__doc__)
    parser.add_argument("--sender", default=None, help="conversation id (default: a new one)")
    args = parser.parse_args(argv)
    from rasa.core.channels.console import record_messages

    stack = Stack(rasa_port=free_port(), action_port=free_port(), web_port=free_port())
    print("Starting Kari (loading the model takes about a minute) …", flush=True)
    try:
        stack.start(("actions", "rasa"))
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("Kari is listening. Type a message; /stop or Ctrl-D ends the conversation.", flush=True)
    try:
        asyncio.run(
            record_messages(
                sender_id=args.sender or f"shell-{uuid.uuid4().hex[:12]}",
                server_url=stack.rasa_url,
                use_response_stream=False,
            )
        )
    except (KeyboardInterrupt, EOFError):
        pass
    finally:
        stack.stop()
    return 0
