"""A stand-in action server that answers its health check at once but every action too slowly.

    with Sleeper(port, delay=30):
        ...  # Rasa's calls to POST /webhook hang for `delay` seconds (or until the block ends)

Runs in a thread of the test process, on the port where Rasa expects the real action server.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sleeper:
    def __init__(self, port: int, delay: float = 30.0) -> None:
        self.port = port
        self.delay = delay
        self.calls: list[str] = []  # names of the actions Rasa asked for
        self._released = threading.Event()
        sleeper = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # /health, as rasa-sdk answers it
                self._json(200, {"status": "ok"})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    sleeper.calls.append(json.loads(body).get("next_action", "?"))
                except ValueError:
                    sleeper.calls.append("?")
                sleeper._released.wait(sleeper.delay)
                # After the delay: no events, no messages (what a slow but working server returns).
                self._json(200, {"events": [], "responses": []})

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the caller gave up: that is the point of this server

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "Sleeper":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
