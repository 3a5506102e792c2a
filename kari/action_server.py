"""`python -m kari.action_server`: rasa-sdk's action server, as Kari runs it (issue 13).

- listens on 127.0.0.1 unless told otherwise (--host / KARI_ACTION_HOST): only Rasa talks to it;
- refuses POST /webhook and GET /actions without the header `X-Kari-Action-Token` equal to
  KARI_ACTION_TOKEN (endpoints.yml makes Rasa send it), so nobody else can run an action, e.g.
  store a rating;
- runs every action in a thread pool, each in its own event loop, so an action that waits for
  the database (synchronous SQL, a locked SQLite file) never stalls the server or other actions.
  Actions may therefore call blocking code (kari.conversation.turn.run_turn) directly.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict

from sanic import Sanic, response
from sanic.request import Request

TOKEN_HEADER = "X-Kari-Action-Token"
DEFAULT_WORKERS = 8
logger = logging.getLogger(__name__)


def _run_actions_in_threads(workers: int) -> None:
    from rasa_sdk.executor import ActionExecutor

    if getattr(ActionExecutor.run, "kari_threaded", False):
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kari-action")
    run_on_loop = ActionExecutor.run

    async def run(self: ActionExecutor, action_call: Dict[str, Any]) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, lambda: asyncio.run(run_on_loop(self, action_call)))

    run.kari_threaded = True  # type: ignore[attr-defined]
    ActionExecutor.run = run  # type: ignore[method-assign]


def create_app(actions: str, token: str, workers: int = DEFAULT_WORKERS) -> Sanic:
    if not token:
        raise ValueError("KARI_ACTION_TOKEN is empty: the action server would accept anyone")
    from rasa_sdk.endpoint import create_app as sdk_app

    _run_actions_in_threads(workers)
    app = sdk_app(actions, cors_origins=None)
    expected = token.encode()

    @app.on_request
    async def only_rasa(request: Request):  # type: ignore[no-untyped-def]
        if request.path in ("/webhook", "/actions"):
            given = (request.headers.get(TOKEN_HEADER) or "").encode()
            if not hmac.compare_digest(given, expected):
                logger.warning("kari.action_server.refused path=%s", request.path)
                return response.json({"error": "forbidden"}, status=403)
        return None

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kari.action_server")
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--host", default=os.environ.get("KARI_ACTION_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("KARI_ACTION_PORT", 5055)))
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="threads for actions")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    token = os.environ.get("KARI_ACTION_TOKEN", "")
    if not token:
        print("error: set KARI_ACTION_TOKEN (the same value Rasa sends, see endpoints.yml)", file=sys.stderr)
        return 2
    from kari import logs

    logs.configure()
    app = create_app(args.actions, token, args.workers)
    print(f"Action server on http://{args.host}:{args.port} (actions: {args.actions})", flush=True)
    app.run(args.host, args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
