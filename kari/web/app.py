"""`python -m kari web`: the demo page, the widget's static files and a same-origin proxy to Rasa.

The proxy lets the demo page talk to the Kari input channel without CORS and under a strict CSP
(`connect-src 'self'`). It passes the JSON body and the status through unchanged.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from pathlib import Path

import aiohttp
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, html, json as json_response, redirect

from kari.web.pages import render_demo

STATIC_DIR = Path(__file__).parent / "static"
WEBHOOK_PATH = "/webhooks/kari/webhook"
DEFAULT_PORT = 8080
DEFAULT_RASA_URL = "http://localhost:5005"
DEFAULT_PROXY_TIMEOUT = 8.0
MAX_BODY_BYTES = 64 * 1024

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
) -> Sanic:
    """Build the web app. `rasa_url` is where Rasa (with the Kari input channel) listens."""
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.FALLBACK_ERROR_FORMAT = "json"
    upstream = rasa_url.rstrip("/") + WEBHOOK_PATH

    app.static("/static", str(STATIC_DIR), name="static")

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
        try:
            async with request.app.ctx.http.post(
                upstream,
                data=request.body,
                headers={"Content-Type": request.headers.get("content-type", "application/json")},
            ) as upstream_response:
                body = await upstream_response.read()
                return HTTPResponse(
                    body,
                    status=upstream_response.status,
                    content_type=upstream_response.headers.get("Content-Type", "application/json"),
                )
        except asyncio.TimeoutError:
            return json_response({"error": f"Rasa did not answer within {proxy_timeout:g} s"}, status=504)
        except aiohttp.ClientError as exc:
            return json_response({"error": f"Rasa is not reachable at {rasa_url} ({type(exc).__name__})"}, status=502)

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
    parser = argparse.ArgumentParser(prog="python -m kari web",
                                     description="Serve the demo page, the widget and the proxy to Rasa.")
    parser.add_argument("--host", default=os.environ.get("KARI_WEB_HOST", "127.0.0.1"))
    # argparse also runs string defaults through `type`, so a bad KARI_WEB_PORT gets a clear message.
    parser.add_argument("--port", type=_port, default=os.environ.get("KARI_WEB_PORT", str(DEFAULT_PORT)),
                        help=f"default: $KARI_WEB_PORT or {DEFAULT_PORT}")
    parser.add_argument("--rasa-url", default=os.environ.get("KARI_RASA_URL", DEFAULT_RASA_URL),
                        help=f"where Rasa listens; default: $KARI_RASA_URL or {DEFAULT_RASA_URL}")
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
        print(f"kari web: cannot listen on {args.host}:{args.port} ({exc.strerror}); "
              f"is something else using it? Choose another with --port or KARI_WEB_PORT.", file=sys.stderr)
        return 1
    sock.listen(100)
    app = create_app(args.rasa_url, proxy_timeout)
    print(f"kari web: http://{args.host}:{args.port}/ (Rasa: {args.rasa_url})", flush=True)
    app.run(sock=sock, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
