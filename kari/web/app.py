"""`python -m kari web`: the demo page, the widget's static files and a same-origin proxy to Rasa.

The proxy lets the demo page talk to the Kari input channel without CORS and under a strict CSP
(`connect-src 'self'`). It passes the JSON body, the status and Retry-After through unchanged.

Rate limits (issue 13), token buckets in memory: per client address KARI_RATE_PER_CLIENT messages
a minute (default 60, bursts of 30) and per conversation (sender) KARI_RATE_PER_CONVERSATION a
minute (default 20, bursts of 8). Over the limit: HTTP 429 with Retry-After. Behind a reverse
proxy set KARI_WEB_PROXIES_COUNT=1 so the client's address is read from X-Forwarded-For.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import mimetypes
import os
import socket
import sys
import time
from collections import OrderedDict
from pathlib import Path

import aiohttp
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, html, redirect
from sanic.response import file as file_response
from sanic.response import json as json_response

from kari.admin.web import bp as admin_pages
from kari.web.pages import render_demo

STATIC_DIR = Path(__file__).parent / "static"
WEBHOOK_PATH = "/webhooks/kari/webhook"
DEFAULT_PORT = 8080
DEFAULT_RASA_URL = "http://localhost:5005"
# Longer than the channel's own reply limit (4 s), so the channel always answers first and no
# answer is computed after the citizen was told there is none.
DEFAULT_PROXY_TIMEOUT = 8.0
MAX_BODY_BYTES = 64 * 1024
DEFAULT_RATE_PER_CLIENT = 60.0  # messages a minute
DEFAULT_RATE_PER_CONVERSATION = 20.0
BUSY = {
    "nn": "Du sender mange meldingar no. Vent litt før du sender neste.",
    "nb": "Du sender mange meldinger nå. Vent litt før du sender neste.",
}


class TokenBucket:
    """Per-key token buckets: `rate` tokens a minute, at most `burst` saved up (bounded LRU)."""

    def __init__(self, per_minute: float, burst: float, max_keys: int = 50_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: "OrderedDict[str, tuple[float, float]]" = OrderedDict()

    def take(self, key: str, now: float | None = None) -> float:
        """0 when allowed (a token is used), else the seconds until the next token."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate if self.rate > 0 else 60.0
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def _sender_of(body: bytes) -> str:
    try:
        sender = json.loads(body.decode("utf-8")).get("sender")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return ""
    return sender if isinstance(sender, str) else ""


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _page_lang(request: Request) -> str:
    return "nb" if request.args.get("lang", "").lower() in ("nb", "no", "nb-no") else "nn"


def create_app(
    rasa_url: str = DEFAULT_RASA_URL,
    proxy_timeout: float = DEFAULT_PROXY_TIMEOUT,
    name: str = "kari_web",
    rate_per_client: float = DEFAULT_RATE_PER_CLIENT,
    rate_per_conversation: float = DEFAULT_RATE_PER_CONVERSATION,
    proxies_count: int = 0,
) -> Sanic:
    """Build the web app. `rasa_url` is where Rasa (with the Kari input channel) listens."""
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.PROXIES_COUNT = proxies_count
    upstream = rasa_url.rstrip("/") + WEBHOOK_PATH
    app.ctx.rasa_url = rasa_url.rstrip("/")  # the staff pages load a promoted model there (PUT /model)
    per_client = TokenBucket(rate_per_client, burst=max(1.0, rate_per_client / 2))
    per_conversation = TokenBucket(rate_per_conversation, burst=max(1.0, min(8.0, rate_per_conversation)))
    static_root = STATIC_DIR.resolve()

    @app.get("/static/<name:path>")
    async def static(request: Request, name: str) -> HTTPResponse:
        """Only regular files inside static/; anything else (directories, "..", NUL) is a 404."""
        not_found = json_response({"error": "not found"}, status=404)
        if not name or "\x00" in name or "\\" in name:
            return not_found
        try:
            path = (static_root / name).resolve()
        except (OSError, ValueError):
            return not_found
        if static_root not in path.parents or not path.is_file():
            return not_found
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return await file_response(str(path), mime_type=content_type)

    @app.get("/static")
    async def static_root_path(request: Request) -> HTTPResponse:
        return json_response({"error": "not found"}, status=404)

    @app.get("/")
    async def demo_nn(request: Request) -> HTTPResponse:
        return html(render_demo(_page_lang(request)))

    @app.get("/nb")
    async def demo_nb(request: Request) -> HTTPResponse:
        return html(render_demo("nb"))

    @app.get("/nn")
    async def demo_nn_alias(request: Request) -> HTTPResponse:
        return redirect("/")

    @app.before_server_start
    async def open_client(app_: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app_.ctx.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=proxy_timeout))

    @app.after_server_stop
    async def close_client(app_: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        await app_.ctx.http.close()

    @app.post(WEBHOOK_PATH)
    async def proxy(request: Request) -> HTTPResponse:
        client = request.remote_addr or request.ip or "?"
        wait = per_client.take(f"ip:{client}")
        sender = _sender_of(request.body or b"")
        if not wait and sender:
            wait = per_conversation.take(f"sender:{sender}")
        if wait:
            lang = "nb" if "nb" in (request.headers.get("accept-language") or "")[:5].lower() else "nn"
            return json_response(
                [{"recipient_id": sender, "text": BUSY[lang]}],
                status=429,
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        try:
            async with request.app.ctx.http.post(
                upstream,
                data=request.body,
                headers={"Content-Type": request.headers.get("content-type", "application/json")},
            ) as upstream_response:
                body = await upstream_response.read()
                headers = {}
                if upstream_response.headers.get("Retry-After"):
                    headers["Retry-After"] = upstream_response.headers["Retry-After"]
                return HTTPResponse(
                    body,
                    status=upstream_response.status,
                    headers=headers,
                    content_type=upstream_response.headers.get("Content-Type", "application/json"),
                )
        except asyncio.TimeoutError:
            return json_response({"error": "Kari svarte ikkje i tide. Prøv igjen om litt."}, status=504)
        except aiohttp.ClientError:
            # No internal address in the body: the citizen cannot use it, an attacker could.
            return json_response(
                {"error": "Kari er ikkje tilgjengeleg akkurat no. Prøv igjen om litt."},
                status=502,
                headers={"Retry-After": "5"},
            )

    app.blueprint(admin_pages)  # the staff pages under /admin (kari/admin/)

    @app.on_response
    async def security_headers(_request: Request, response: HTTPResponse) -> None:
        for key, value in SECURITY_HEADERS.items():
            response.headers[key] = value

    return app


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port number (1-65535)")
    return port


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kari web", description="Serve the demo page, the widget and the proxy to Rasa."
    )
    parser.add_argument("--host", default=os.environ.get("KARI_WEB_HOST", "127.0.0.1"))
    # argparse also runs string defaults through `type`, so a bad KARI_WEB_PORT gets a clear message.
    parser.add_argument(
        "--port",
        type=_port,
        default=os.environ.get("KARI_WEB_PORT", str(DEFAULT_PORT)),
        help=f"default: $KARI_WEB_PORT or {DEFAULT_PORT}",
    )
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("KARI_RASA_URL", DEFAULT_RASA_URL),
        help=f"where Rasa listens; default: $KARI_RASA_URL or {DEFAULT_RASA_URL}",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the web app until interrupted. Returns the process exit code."""
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    try:
        proxy_timeout = float(os.environ.get("KARI_WEB_PROXY_TIMEOUT", DEFAULT_PROXY_TIMEOUT))
    except ValueError:
        print("kari web: KARI_WEB_PROXY_TIMEOUT must be a number of seconds", file=sys.stderr)
        return 2
    # Bind ourselves so that a busy port gives one clear line instead of a traceback.
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except socket.gaierror:
        sock.close()
        print(f"kari web: unknown host '{args.host}' (use an address such as 127.0.0.1 or 0.0.0.0)", file=sys.stderr)
        return 1
    except OSError as exc:
        sock.close()
        print(
            f"kari web: cannot listen on {args.host}:{args.port} ({exc.strerror}); "
            f"is something else using it? Choose another with --port or KARI_WEB_PORT.",
            file=sys.stderr,
        )
        return 1
    sock.listen(100)
    try:
        rate_client = float(os.environ.get("KARI_RATE_PER_CLIENT", DEFAULT_RATE_PER_CLIENT))
        rate_conversation = float(os.environ.get("KARI_RATE_PER_CONVERSATION", DEFAULT_RATE_PER_CONVERSATION))
        proxies = int(os.environ.get("KARI_WEB_PROXIES_COUNT", "0"))
    except ValueError:
        print(
            "kari web: KARI_RATE_PER_CLIENT, KARI_RATE_PER_CONVERSATION and KARI_WEB_PROXIES_COUNT must be numbers",
            file=sys.stderr,
        )
        return 2
    app = create_app(
        args.rasa_url,
        proxy_timeout,
        rate_per_client=rate_client,
        rate_per_conversation=rate_conversation,
        proxies_count=proxies,
    )
    print(f"kari web: http://{args.host}:{args.port}/ (Rasa: {args.rasa_url})", flush=True)
    app.run(sock=sock, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
