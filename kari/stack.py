"""Start and stop Kari's three servers: action server, Rasa server and web app.

`python -m kari run` (what `make run` calls) starts them on the configured ports and stops
them cleanly on Ctrl-C; the integration tests use the same `Stack` on free ports, so what is
tested is what runs.

Supervision (issue 13): when a server dies, `watch()` logs it and starts it again after a back-off
(1 s, 2 s, 4 s … up to 60 s; reset once it has run for a minute); the others keep running. For
production use the service units in deploy/ (systemd restarts each part on its own).

Rasa and the action server listen on 127.0.0.1 (KARI_RASA_HOST, KARI_ACTION_HOST open them on
purpose); Rasa calls the action server with a secret header (KARI_ACTION_TOKEN, a new random
one per start unless set). Rasa's HTTP API is on for the staff pages only (PUT /model loads a
promoted model without a restart) and needs KARI_RASA_TOKEN (likewise new per start unless set).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MODELS = REPO / "models"


def latest_model(models: Path = MODELS) -> Path:
    """The newest model in models/, chosen as Rasa's own commands choose it (`rasa shell`, `rasa test`):
    so a plain `rasa train` (a timestamped file) is what `make run` loads too. `make train` writes
    models/current.tar.gz, the name when there is none yet."""
    found = sorted(models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else models / "current.tar.gz"


DEFAULT_MODEL = latest_model()


class StackError(RuntimeError):
    """Something an operator must fix; the message says what."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Stack:
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8080
    model: Path = DEFAULT_MODEL
    var_dir: Path = REPO / "var"
    endpoints: str = "endpoints.yml"  # endpoints.prod.yml in the production profile (kari.scaleout)
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    action_token: str = field(default_factory=lambda: os.environ.get("KARI_ACTION_TOKEN") or secrets.token_urlsafe(32))
    rasa_token: str = field(default_factory=lambda: os.environ.get("KARI_RASA_TOKEN") or secrets.token_urlsafe(32))
    # supervision: name -> (failures in a row, monotonic time of the next start, time of last start)
    _restarts: dict[str, list[float]] = field(default_factory=dict)
    BACKOFF_MAX = 60.0
    STABLE_AFTER = 60.0

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "logs"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("KARI_DATABASE_URL", f"sqlite:///{self.var_dir / 'kari.db'}")
        env.setdefault("KARI_TRACKER_DB_URL", f"sqlite:///{self.var_dir / 'tracker.db'}")
        env.setdefault("KARI_ALLOWED_ORIGINS", f"http://localhost:{self.web_port} {self.web_url}")
        env.update(self.extra_env)
        env["KARI_ACTION_URL"] = f"{self.action_url}/webhook"
        env["KARI_ACTION_TOKEN"] = self.action_token
        env["KARI_RASA_TOKEN"] = self.rasa_token
        env["PYTHONPATH"] = str(REPO)
        env["KARI_MODEL"] = str(self.model)  # the action server reads its emergency neighbours from it
        # OpenBLAS's threads spin after each numpy product and took the cores the sentence model's own
        # threads needed: one message cost 83 ms instead of 50 (bench/PROFILE.md). Kari's products are small.
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        # The sentence model's OpenMP threads spin after each embedding too, by default, taking the CPU
        # Rasa needs under load; sleeping instead gave 1.4x the messages/s at 20 citizens (issue 16).
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env["RASA_TELEMETRY_ENABLED"] = "false"  # no telemetry or error reports leave the machine
        return env

    def commands(self) -> dict[str, list[str]]:
        origins = self.env()["KARI_ALLOWED_ORIGINS"].split()
        return {
            "actions": [
                str(VENV_BIN / "python"),
                "-m",
                "kari.action_server",
                "--actions",
                "actions",
                "--host",
                self.env().get("KARI_ACTION_HOST", "127.0.0.1"),
                "--port",
                str(self.action_port),
            ],
            "rasa": [
                str(VENV_BIN / "rasa"),
                "run",
                "--model",
                str(self.model),
                "--interface",
                self.env().get("KARI_RASA_HOST", "127.0.0.1"),
                "--port",
                str(self.rasa_port),
                "--endpoints",
                self.endpoints,
                "--credentials",
                "credentials.yml",
                "--enable-api",
                f"--auth-token={self.rasa_token}",  # one argument: a token may start with "-"
                "--cors",
                *origins,
            ],
            "web": [
                str(VENV_BIN / "python"),
                "-m",
                "kari",
                "web",
                "--port",
                str(self.web_port),
                "--rasa-url",
                self.rasa_url,
            ],
        }

    def health_url(self, name: str) -> str:
        return {"actions": f"{self.action_url}/health", "rasa": f"{self.rasa_url}/", "web": f"{self.web_url}/"}[name]

    def check(self, names: tuple[str, ...]) -> None:
        if "rasa" in names and not self.model.exists():
            raise StackError(f"No trained model at {self.model}: run `make train` first.")
        ports = {"actions": self.action_port, "rasa": self.rasa_port, "web": self.web_port}
        for name in names:
            if port_in_use(ports[name]):
                raise StackError(
                    f"Port {ports[name]} (for the {name} server) is already in use: "
                    f"stop what runs there or set another port (README, 'Ports')."
                )

    def start(self, names: tuple[str, ...] = ("actions", "rasa", "web"), timeout: float = 240) -> None:
        self.check(names)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if "rasa" in names:
            self.check_tracker_store()
            self.purge_old_conversations()
        # The web app (the citizens' way in) starts once the action server (which builds the search
        # index) and Rasa answer, so no citizen meets a half-started Kari.
        for group in ([n for n in names if n != "web"], [n for n in names if n == "web"]):
            for name in group:
                self._start_one(name)
            for name in group:
                self._wait_ready(name, timeout)

    def check_tracker_store(self) -> None:
        """Stop with one clear line when the conversation store cannot be written (Rasa would
        otherwise keep conversations in memory and lose them)."""
        from kari.tracker_store import KariTrackerStore, TrackerStoreUnavailable

        try:
            store = KariTrackerStore(host=self.env()["KARI_TRACKER_DB_URL"])
        except TrackerStoreUnavailable as error:
            raise StackError(f"{error}; fix KARI_TRACKER_DB_URL or the file's permissions.") from None
        store.engine.dispose()

    def purge_old_conversations(self) -> None:
        """Retention at start-up: delete conversations idle for KARI_RETENTION_DAYS before Rasa
        loads them. A database problem is one warning line (Rasa will report it too); a bad
        setting stops the start."""
        from kari import retention

        env = self.env()
        try:
            days = retention.parse_days(env.get("KARI_RETENTION_DAYS"))
        except ValueError:
            raise StackError("KARI_RETENTION_DAYS must be a number of days above 0, e.g. 30.") from None
        url = env["KARI_TRACKER_DB_URL"]
        try:
            purged = retention.purge_older_than(days, url)
        except retention.TrackerDbMissing:
            return  # first start: nothing stored yet
        except Exception as exc:  # noqa: BLE001 - any failure is reported in one line, start goes on
            print(
                f"warning: could not delete conversations older than {days:g} days from "
                f"{retention.describe_url(url)} ({type(exc).__name__}); run `python -m kari "
                f"retention` once the database works.",
                file=sys.stderr,
                flush=True,
            )
            return
        if purged.conversations:
            print(
                f"Deleted {purged.conversations} conversation(s) with no activity in the last {days:g} days.",
                flush=True,
            )

    def _start_one(self, name: str) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            self.commands()[name],
            cwd=REPO,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait_ready(self, name: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                self.stop()
                raise StackError(
                    f"The {name} server stopped during start-up ({self._last_log_line(name)}): "
                    f"see {self.log_dir / (name + '.log')}"
                )
            try:
                if requests.get(self.health_url(name), timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise StackError(
            f"The {name} server did not answer within {timeout:.0f} s: see {self.log_dir / (name + '.log')}"
        )

    def _last_log_line(self, name: str) -> str:
        lines = (self.log_dir / f"{name}.log").read_text(errors="replace").strip().splitlines()
        return lines[-1].strip() if lines else "no output"

    def watch(self, log=None) -> list[str]:
        """Start again every server that died, after its back-off; returns the names started."""
        log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        now, started = time.monotonic(), []
        for name, process in list(self.processes.items()):
            failures, next_start, last_start = self._restarts.setdefault(name, [0, 0.0, now])
            if process.poll() is None:
                if failures and now - last_start > self.STABLE_AFTER:
                    self._restarts[name][0] = 0
                continue
            if next_start <= last_start:  # newly found dead: plan the restart
                delay = min(self.BACKOFF_MAX, 2.0**failures)
                self._restarts[name] = [failures + 1, now + delay, last_start]
                log(
                    f"{time.strftime('%Y-%m-%d %H:%M:%S')} the {name} server stopped (exit code "
                    f"{process.returncode}); starting it again in {delay:g} s. Log: "
                    f"{self.log_dir / (name + '.log')}"
                )
                continue
            if now >= next_start:
                self._start_one(name)
                self._restarts[name] = [self._restarts[name][0], 0.0, now]
                log(f"{time.strftime('%Y-%m-%d %H:%M:%S')} started the {name} server again.")
                started.append(name)
        return started

    def kill(self, name: str) -> None:
        """Kill one server at once (SIGKILL), as a crash would."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kari run", description="Start Kari's servers and stop them on Ctrl-C."
    )
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("KARI_RASA_PORT", 5005)))
    parser.add_argument("--action-port", type=int, default=int(os.environ.get("KARI_ACTION_PORT", 5055)))
    parser.add_argument("--web-port", type=int, default=int(os.environ.get("KARI_WEB_PORT", 8080)))
    args = parser.parse_args(argv)
    stack = Stack(rasa_port=args.rasa_port, action_port=args.action_port, web_port=args.web_port)
    print("Starting Kari (loading the model takes about a minute) …", flush=True)
    try:
        stack.start()
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"\nKari is running:\n"
        f"  demo page with the chat   {stack.web_url}/\n"
        f"  Rasa (REST channel)       {stack.rasa_url}/webhooks/rest/webhook\n"
        f"  Kari channel              {stack.rasa_url}/webhooks/kari/webhook\n"
        f"  action server             {stack.action_url}\n"
        f"  logs                      {stack.log_dir}\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )
    # Ctrl-C and SIGTERM both stop everything; SIGINT explicitly, as a shell that starts us in the
    # background hands us SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        while True:  # a server that dies is started again; the others keep serving
            stack.watch()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping Kari …", flush=True)
        return 0
    finally:
        stack.stop()
