"""Helpers for the browser tests: a tiny fake bot and a real `python -m kari web` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kari.stack import free_port

REPO = Path(__file__).resolve().parents[2]

PRICE_PAYLOAD = '/ask_price{"topic":"barnehage"}'
PRICE_URL = "https://alesund.kommune.no/barnehage-og-skole/barnehage/pris-og-betaling-for-barnehageplass/"

XSS_TEXT = (
    'Sjå <img src=x onerror="window.__pwned=1"> og <script>window.__pwned=2</script>, '
    "javascript:window.__pwned=3 og [klikk her](javascript:window.__pwned=4) "
    "og data:text/html,<script>window.__pwned=5</script>."
)
XSS_BUTTON = "<img src=x onerror=window.__pwned=6>"

# message → reply (a list is sent as JSON with status 200)
CANNED: dict[str, list] = {
    "hei": [
        {
            "text": "Hei! Kva vil du vite meir om?",
            "buttons": [
                {"title": "Pris for barnehage", "payload": PRICE_PAYLOAD},
                {"title": "Legevakt", "payload": '/ask_contact{"topic":"legevakt"}'},
            ],
        }
    ],
    PRICE_PAYLOAD: [
        {"text": f"Kva ein barnehageplass kostar, står på {PRICE_URL}."},
        {"text": "Spørsmål? Ring 70 16 20 00 eller skriv til postmottak@alesund.kommune.no."},
    ],
    "xss": [{"text": XSS_TEXT, "buttons": [{"title": XSS_BUTTON, "payload": "<script>window.__pwned=7</script>"}]}],
    "tom": [],
    "bilete": [{"image": "https://example.invalid/x.png"}],
}


@dataclass
class FakeBot:
    """Answers POST /webhooks/kari/webhook with canned replies and records what it was sent."""

    url: str
    received: list[dict] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def messages(self) -> list[str]:
        return [r.get("message", "") for r in self.received]

    def senders(self) -> list[str]:
        return [r.get("sender", "") for r in self.received]

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def start_fake_bot() -> FakeBot:
    bot = FakeBot(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def _reply(self, status: int, payload: object) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path != "/webhooks/kari/webhook":
                return self._reply(404, {"error": "not found"})
            data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            bot.received.append(data)
            message = data.get("message", "")
            if message == "feil":
                return self._reply(500, {"error": "intern feil"})
            if message == "treig":
                time.sleep(6.5)
                return self._reply(200, [{"recipient_id": data.get("sender"), "text": "Takk for at du venta."}])
            if message == "kjempetreig":
                time.sleep(3)
                return self._reply(200, [{"text": "for seint"}])
            reply = CANNED.get(message, [{"text": f"Du skreiv: {message}"}])
            self._reply(200, [dict(r, recipient_id=data.get("sender")) for r in reply])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    bot.server = server
    bot.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return bot


@dataclass
class WebApp:
    url: str
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_web(rasa_url: str, log_dir: Path, env: dict[str, str] | None = None) -> WebApp:
    """Start `python -m kari web` on a free port and wait until it serves the demo page."""
    port = free_port()
    log_path = log_dir / f"web-{port}.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "kari", "web", "--host", "127.0.0.1", "--port", str(port), "--rasa-url", rasa_url],
        cwd=REPO,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    web = WebApp(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kari web exited with {process.returncode}:\n{web.log()}")
        try:
            with urllib.request.urlopen(web.url + "/", timeout=2) as response:
                if response.status == 200:
                    return web
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    web.stop()
    raise RuntimeError(f"kari web did not start within 30 s:\n{web.log()}")


def post_json(url: str, payload: object, timeout: float = 20) -> tuple[int, object, dict[str, str]]:
    """POST JSON; returns (status, decoded JSON body, headers) also for 4xx/5xx."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null"), dict(exc.headers)


class Widget:
    """What a citizen sees and does with the chat widget on a page (Playwright sync Page)."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.launcher = page.locator(".kari-launch")
        self.panel = page.get_by_role("dialog")
        self.input = page.locator("#kari-input")
        self.log = page.get_by_role("log")
        self.bot = page.locator(".kari-msg.kari-bot")
        self.user = page.locator(".kari-msg.kari-user")
        self.notice = page.locator(".kari-msg.kari-sys")
        self.choices = page.locator(".kari-choice")

    def goto(self, url: str) -> "Widget":
        self.page.goto(url)
        self.launcher.wait_for(state="visible")
        return self

    def open(self) -> "Widget":
        self.launcher.click()
        self.panel.wait_for(state="visible")
        return self

    def ask(self, text: str, wait_bot: int | None = None) -> None:
        """Type a message and press Enter; optionally wait until there are `wait_bot` bot messages."""
        self.input.fill(text)
        self.input.press("Enter")
        if wait_bot is not None:
            self.bot.nth(wait_bot - 1).wait_for()

    def last_bot(self) -> object:
        return self.bot.last
