"""Kari's production topology on one machine, under supervisord (`make run-prod`, tests/scale/).

    nginx :HTTP ─┬─ /webhooks/…  → Rasa instances rasa-1 … rasa-N   (hash of the sender id, consistent)
                 └─ everything else → web app (demo page, widget)
    Rasa ──▶ nginx :ACTION_LB → action servers actions-1 … actions-M (least connections)
    Rasa: tracker store on PostgreSQL (database kari_tracker), lock store on Redis
    action servers: knowledge base on PostgreSQL (database kari_kb)

Every process is a supervisord program (autorestart: a killed one is started again at once);
supervisord itself runs in the foreground of `python -m kari prod up`. The configuration files
are written to the state folder (var/prod by default) at every start, from the settings here.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from kari.scaleout import nginx, postgres
from kari.stack import DEFAULT_MODEL, REPO, VENV_BIN, Stack, StackError, free_port

DB_USER = "kari"
KB_DB, TRACKER_DB = "kari_kb", "kari_tracker"
# Rasa's ticket lock lives this long when its holder is killed; a turn takes at most the channel's
# 4 s, so 10 s never cuts a live turn short and a dead instance's conversations wait at most this.
TICKET_LOCK_LIFETIME = 10


@dataclass
class Ports:
    http: int
    web: int
    action_lb: int
    postgres: int
    redis: int
    rasa: list[int]
    actions: list[int]

    @classmethod
    def fixed(cls, http: int = 8000, rasa_instances: int = 2, action_servers: int = 2) -> "Ports":
        """`make run-prod`'s ports: nginx on `http`, the internal ones above 15000."""
        return cls(
            http=http,
            web=15080,
            action_lb=15054,
            postgres=15432,
            redis=16379,
            rasa=[15005 + i for i in range(rasa_instances)],
            actions=[15055 + i for i in range(action_servers)],
        )

    @classmethod
    def free(cls, rasa_instances: int = 2, action_servers: int = 2) -> "Ports":
        return cls(
            http=free_port(),
            web=free_port(),
            action_lb=free_port(),
            postgres=free_port(),
            redis=free_port(),
            rasa=[free_port() for _ in range(rasa_instances)],
            actions=[free_port() for _ in range(action_servers)],
        )


@dataclass
class ProdStack:
    """The topology's settings, its generated files and its control (start, kill, roll out, stop)."""

    root: Path = REPO / "var" / "prod"
    ports: Ports = field(default_factory=Ports.fixed)
    model: Path = DEFAULT_MODEL
    pg_dir: Path | None = None  # default: root/postgres; must be reachable by the postgres user
    durable: bool = True  # False for tests: no fsync (a crash of the machine may lose the last commits)
    rate_per_client: int = 60  # messages a minute nginx accepts from one address (bursts of half)
    extra_env: dict[str, str] = field(default_factory=dict)
    supervisord: subprocess.Popen | None = None

    # --- names and places --------------------------------------------------------------------
    @property
    def rasa_names(self) -> list[str]:
        return [f"rasa-{i + 1}" for i in range(len(self.ports.rasa))]

    @property
    def action_names(self) -> list[str]:
        return [f"actions-{i + 1}" for i in range(len(self.ports.actions))]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.http}"

    @property
    def data_dir(self) -> Path:
        return self.pg_dir or self.root / "postgres"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    @property
    def conf(self) -> Path:
        return self.root / "supervisord.conf"

    def model_of(self, rasa_name: str) -> Path:
        return self.root / "models" / f"{rasa_name}.tar.gz"

    def secrets(self) -> dict[str, str]:
        """Database and Redis passwords, the action token and Rasa's API token: from the environment,
        else made once and kept in root/secrets.env (mode 0600)."""
        path = self.root / "secrets.env"
        stored: dict[str, str] = {}
        if path.exists():
            stored = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
        keys = ("KARI_DB_PASSWORD", "KARI_REDIS_PASSWORD", "KARI_ACTION_TOKEN", "KARI_RASA_TOKEN")
        values = {k: os.environ.get(k) or stored.get(k) or secrets.token_urlsafe(24) for k in keys}
        if values != stored:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        return values

    def database_url(self, database: str) -> str:
        password = self.secrets()["KARI_DB_PASSWORD"]
        return f"postgresql+psycopg2://{DB_USER}:{password}@127.0.0.1:{self.ports.postgres}/{database}"

    def env(self) -> dict[str, str]:
        """The environment every program gets (supervisord passes its own on)."""
        s = self.secrets()
        origins = f"http://localhost:{self.ports.http} http://127.0.0.1:{self.ports.http}"
        env = {
            "KARI_DATABASE_URL": self.database_url(KB_DB),
            "KARI_TRACKER_DB_URL": self.database_url(TRACKER_DB),
            "KARI_REDIS_HOST": "127.0.0.1",
            "KARI_REDIS_PORT": str(self.ports.redis),
            "KARI_REDIS_PASSWORD": s["KARI_REDIS_PASSWORD"],
            "KARI_REDIS_DB": "1",
            "KARI_ALLOWED_ORIGINS": os.environ.get("KARI_ALLOWED_ORIGINS", origins),
            "KARI_LOG_FORMAT": "json",
            "KARI_EMBED_THREADS": "1",  # M action servers share the cores
            "TICKET_LOCK_LIFETIME": str(TICKET_LOCK_LIFETIME),
        }
        env.update(self.extra_env)
        stack = Stack(action_port=self.ports.action_lb, model=self.model, extra_env=env)
        stack.action_token = s["KARI_ACTION_TOKEN"]
        stack.rasa_token = s["KARI_RASA_TOKEN"]
        return stack.env()

    # --- generated configuration ---------------------------------------------------------------
    def programs(self) -> dict[str, dict[str, str]]:
        """supervisord programs: name → options."""
        pg_bin = postgres.bin_dir()
        pg_options = "-c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            pg_options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        programs: dict[str, dict[str, str]] = {
            "postgres": {
                "command": f"{pg_bin / 'postgres'} -D {self.data_dir / 'data'} -p {self.ports.postgres} "
                f"-k {self.data_dir} {pg_options}",
                "stopsignal": "INT",  # fast shutdown: rolls back open transactions, no recovery later
                "autostart": "true",
                "directory": str(self.data_dir),  # the postgres user may not enter the repository's folder
                **({"user": "postgres"} if os.geteuid() == 0 else {}),
            },
            "redis": {
                "command": f"{shutil.which('redis-server') or 'redis-server'} {self.root / 'redis.conf'}",
                "autostart": "true",
            },
            "nginx": {
                "command": f"{shutil.which('nginx') or '/usr/sbin/nginx'} -p {self.root / 'nginx'} "
                f"-c {self.root / 'nginx.conf'} -e {self.log_dir / 'nginx-error.log'} -g 'daemon off;'",
                "stopsignal": "QUIT",  # graceful: finishes the requests in progress
            },
        }
        for name, port in zip(self.action_names, self.ports.actions):
            command = Stack(action_port=port).commands()["actions"]
            programs[name] = {"command": _join(command), "environment": f'KARI_INSTANCE="{name}"'}
        for name, port in zip(self.rasa_names, self.ports.rasa):
            stack = Stack(rasa_port=port, model=self.model_of(name), endpoints="endpoints.prod.yml")
            stack.rasa_token = self.secrets()["KARI_RASA_TOKEN"]  # one token: the admin pages reach every instance
            stack.extra_env = {"KARI_ALLOWED_ORIGINS": self.env()["KARI_ALLOWED_ORIGINS"]}
            programs[name] = {"command": _join(stack.commands()["rasa"]), "environment": f'KARI_INSTANCE="{name}"'}
        web = Stack(web_port=self.ports.web).commands()["web"]
        web[web.index("--rasa-url") + 1] = self.url
        programs["web"] = {"command": _join(web), "environment": 'KARI_INSTANCE="web"'}
        return programs

    @classmethod
    def attach(cls, root: Path) -> "ProdStack":
        """The topology running from `root` (its ports as written at start), to inspect or control."""
        ports = Ports(**json.loads((root / "ports.json").read_text()))
        return cls(root=root, ports=ports)

    def write_config(self) -> None:
        for folder in (self.root, self.log_dir, self.root / "run", self.root / "nginx", self.root / "models"):
            folder.mkdir(parents=True, exist_ok=True)
        (self.root / "redis").mkdir(exist_ok=True)
        (self.root / "ports.json").write_text(json.dumps(self.ports.__dict__))
        redis_password = self.secrets()["KARI_REDIS_PASSWORD"]
        (self.root / "redis.conf").write_text(
            f"bind 127.0.0.1\nport {self.ports.redis}\nrequirepass {redis_password}\ndaemonize no\n"
            f'dir {self.root / "redis"}\nsave ""\nappendonly no\nlogfile ""\n'
            "# Only Rasa's conversation locks live here: nothing to keep across restarts.\n"
        )
        os.chmod(self.root / "redis.conf", 0o600)
        (self.root / "nginx.conf").write_text(
            nginx.config(
                root=self.root / "nginx",
                log_dir=self.log_dir,
                listen=f"127.0.0.1:{self.ports.http}",
                web=f"127.0.0.1:{self.ports.web}",
                rasa={name: f"127.0.0.1:{port}" for name, port in zip(self.rasa_names, self.ports.rasa)},
                action_listen=f"127.0.0.1:{self.ports.action_lb}",
                actions=[f"127.0.0.1:{port}" for port in self.ports.actions],
                rate_per_client=self.rate_per_client,
            )
        )
        lines = [
            "; Written by kari.scaleout at every start; change the settings there, not here.",
            "[unix_http_server]",
            f"file={self.root / 'run' / 'supervisor.sock'}",
            "chmod=0700",
            "[supervisord]",
            "nodaemon=true",
            f"logfile={self.log_dir / 'supervisord.log'}",
            f"pidfile={self.root / 'run' / 'supervisord.pid'}",
            f"childlogdir={self.log_dir}",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
            "[supervisorctl]",
            f"serverurl=unix://{self.root / 'run' / 'supervisor.sock'}",
        ]
        for name, options in self.programs().items():
            merged = {
                "directory": str(REPO),
                "autostart": "false",
                "autorestart": "true",
                "startsecs": "3",
                "startretries": "10",
                "stopsignal": "TERM",
                "stopwaitsecs": "30",
                "stopasgroup": "true",
                "killasgroup": "true",
                "redirect_stderr": "true",
                "stdout_logfile": str(self.log_dir / f"{name}.log"),
                "stdout_logfile_maxbytes": "20MB",
                "stdout_logfile_backups": "3",
                **options,
            }
            lines.append(f"[program:{name}]")
            lines += [f"{key}={value.replace('%', '%%')}" for key, value in merged.items()]
        self.conf.write_text("\n".join(lines) + "\n")
        os.chmod(self.conf, 0o600)

    # --- start and stop ----------------------------------------------------------------------------
    def up(self, timeout: float = 900) -> None:
        """Start everything and return once nginx answers for every Rasa instance."""
        if not self.model.exists():
            raise StackError(f"No trained model at {self.model}: run `make train` first.")
        for program in ("redis-server", "nginx"):
            if shutil.which(program) is None and not Path(f"/usr/sbin/{program}").exists():
                raise StackError(f"{program} is not installed: run `make system` (Debian: apt-get install {program}).")
        if nginx.port_taken(self.ports.http):
            raise StackError(f"Port {self.ports.http} is already in use: choose another with KARI_HTTP_PORT.")
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            self._init_postgres()
        except postgres.PostgresUnavailable as error:
            raise StackError(str(error)) from None
        self.write_config()
        for name in self.rasa_names:  # a fresh start puts every instance on the chosen model
            _copy_atomic(self.model, self.model_of(name))
        log = open(self.log_dir / "supervisord.out", "ab")
        self.supervisord = subprocess.Popen(
            [str(VENV_BIN / "supervisord"), "-c", str(self.conf)],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        try:
            self._wait(lambda: self.ctl("status", check=False).returncode in (0, 3), deadline, "supervisord")
            self._wait(self._postgres_ready, deadline, "postgres")
            self._create_databases()
            self._wait(self._redis_ready, deadline, "redis")
            self._prepare_stores()
            self.ctl("start", *self.action_names, *self.rasa_names)
            for name in self.action_names + self.rasa_names:
                self._wait(lambda n=name: self.healthy(n), deadline, name)
            self.ctl("start", "web", "nginx")
            for name in ("web", "nginx"):
                self._wait(lambda n=name: self.healthy(n), deadline, name)
        except BaseException:
            self.down()
            raise

    def down(self) -> None:
        """Stop every program (supervisord stops them in turn) and supervisord itself."""
        if self.supervisord is None:
            return
        if self.supervisord.poll() is None:
            os.kill(self.supervisord.pid, signal.SIGTERM)
            try:
                self.supervisord.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(self.supervisord.pid, signal.SIGKILL)
                self.supervisord.wait()
        self.supervisord = None

    def ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [str(VENV_BIN / "supervisorctl"), "-c", str(self.conf), *args], capture_output=True, text=True
        )
        if check and proc.returncode != 0:
            raise StackError(f"supervisorctl {' '.join(args)}: {(proc.stdout + proc.stderr).strip()}")
        return proc

    def pid(self, name: str) -> int:
        return int(self.ctl("pid", name).stdout.strip())

    def kill(self, name: str) -> int:
        """kill -9 one program's process, as a crash would; supervisord starts it again. Returns the pid."""
        pid = self.pid(name)
        os.kill(pid, signal.SIGKILL)
        return pid

    # --- health ------------------------------------------------------------------------------------
    def health_url(self, name: str) -> str:
        if name in self.rasa_names:
            return f"http://127.0.0.1:{self.ports.rasa[self.rasa_names.index(name)]}/webhooks/kari/"
        if name in self.action_names:
            return f"http://127.0.0.1:{self.ports.actions[self.action_names.index(name)]}/health"
        return {"web": f"http://127.0.0.1:{self.ports.web}/", "nginx": f"{self.url}/healthz"}[name]

    def healthy(self, name: str) -> bool:
        if name == "postgres":
            return self._postgres_ready()
        if name == "redis":
            return self._redis_ready()
        try:
            return requests.get(self.health_url(name), timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def status(self) -> dict[str, bool]:
        names = ["postgres", "redis", *self.action_names, *self.rasa_names, "web", "nginx"]
        return {name: self.healthy(name) for name in names}

    def wait_healthy(self, name: str, timeout: float = 900) -> None:
        self._wait(lambda: self.healthy(name), time.monotonic() + timeout, name)

    def _wait(self, ready, deadline: float, name: str) -> None:  # type: ignore[no-untyped-def]
        while time.monotonic() < deadline:
            if self.supervisord is not None and self.supervisord.poll() is not None:
                raise StackError(f"supervisord stopped: see {self.log_dir / 'supervisord.log'}")
            if ready():
                return
            time.sleep(1)
        raise StackError(f"{name} did not become ready in time: see {self.log_dir / (name + '.log')}")

    # --- rolling out a model -----------------------------------------------------------------------
    def rollout(self, model: Path, timeout: float = 900, log=print) -> None:  # type: ignore[no-untyped-def]
        """Put `model` on one Rasa instance after the other. While one restarts, nginx sends its
        conversations to the others, which continue them from PostgreSQL. An instance that does
        not come up healthy is put back on its previous model and the roll-out stops."""
        for name in self.rasa_names:
            current, previous = self.model_of(name), self.model_of(name).with_suffix(".previous")
            shutil.copy2(current, previous)
            log(f"{name}: stopping (nginx sends its conversations to the other instances) …")
            self.ctl("stop", name)
            _copy_atomic(model, current)
            self.ctl("start", name)
            try:
                self.wait_healthy(name, timeout)
            except StackError:
                log(f"{name}: not healthy on the new model; putting the previous one back.")
                self.ctl("stop", name)
                os.replace(previous, current)
                self.ctl("start", name)
                self.wait_healthy(name, timeout)
                log_file = self.log_dir / f"{name}.log"
                raise StackError(f"roll-out stopped: {name} did not start on {model}; see {log_file}") from None
            log(f"{name}: serving the new model.")

    # --- set-up helpers ------------------------------------------------------------------------------
    def _init_postgres(self) -> None:
        data = self.data_dir / "data"
        if data.exists():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        postgres.give_to_postgres(self.data_dir)
        password_file = self.data_dir / "initdb-password"
        password_file.write_text(self.secrets()["KARI_DB_PASSWORD"] + "\n")
        postgres.give_to_postgres(password_file)
        try:
            postgres.initdb(data, DB_USER, password_file)
        finally:
            password_file.unlink()

    def _connect(self, database: str = "postgres"):  # type: ignore[no-untyped-def]
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1",
            port=self.ports.postgres,
            user=DB_USER,
            password=self.secrets()["KARI_DB_PASSWORD"],
            dbname=database,
            connect_timeout=3,
        )

    def _postgres_ready(self) -> bool:
        try:
            self._connect().close()
            return True
        except Exception:  # noqa: BLE001 - not ready yet, whatever the reason
            return False

    def _redis_ready(self) -> bool:
        import redis

        try:
            client = redis.Redis(
                host="127.0.0.1",
                port=self.ports.redis,
                password=self.secrets()["KARI_REDIS_PASSWORD"],
                socket_timeout=3,
            )
            return bool(client.ping())
        except redis.RedisError:
            return False

    def _create_databases(self) -> None:
        conn = self._connect()
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                for database in (KB_DB, TRACKER_DB):
                    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
                    if cur.fetchone() is None:
                        cur.execute(f'CREATE DATABASE "{database}"')
        finally:
            conn.close()

    def _prepare_stores(self) -> None:
        prepare_stores(self.env())


def prepare_stores(env: dict[str, str]) -> None:
    """Before the Rasa instances start: the knowledge base imported on the first start only (later
    it holds staff's edits); the tracker store's table made once (N instances would race to make
    it); conversations older than the retention period deleted. `python -m kari prod setup`."""
    import sqlalchemy as sa

    engine = sa.create_engine(env["KARI_DATABASE_URL"])
    try:
        has_kb = sa.inspect(engine).has_table("topics")
    finally:
        engine.dispose()
    if not has_kb:
        subprocess.run(
            [str(VENV_BIN / "python"), "-m", "kari", "kb", "import", "--dir", str(REPO / "data" / "knowledge")],
            env={**os.environ, **env},
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    stack = Stack(extra_env={"KARI_TRACKER_DB_URL": env["KARI_TRACKER_DB_URL"]})
    stack.check_tracker_store()
    stack.purge_old_conversations()


def _join(command: list[str]) -> str:
    """A command line for supervisord (which splits it like a shell)."""
    import shlex

    return " ".join(shlex.quote(part) for part in command)


def _copy_atomic(source: Path, target: Path) -> None:
    partial = target.with_suffix(".partial")
    shutil.copy2(source, partial)
    os.replace(partial, target)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m kari prod", description="Kari's production topology on this machine (make run-prod)."
    )
    parser.add_argument("command", choices=["up", "status", "rollout", "setup"])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--http-port", type=int, default=int(os.environ.get("KARI_HTTP_PORT", 8000)))
    args = parser.parse_args(argv)
    pg_dir = os.environ.get("KARI_PG_DIR")  # when the postgres user cannot reach var/prod (as root)
    stack = ProdStack(
        ports=Ports.fixed(http=args.http_port), model=args.model.resolve(), pg_dir=Path(pg_dir) if pg_dir else None
    )
    try:
        if args.command == "status":
            status = stack.status()
            print(json.dumps(status, indent=2))
            return 0 if all(status.values()) else 1
        if args.command == "setup":  # containers: the databases from KARI_DATABASE_URL, KARI_TRACKER_DB_URL
            prepare_stores(dict(os.environ))
            return 0
        if args.command == "rollout":
            stack.rollout(args.model.resolve())
            return 0
        return _up(stack)
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _up(stack: ProdStack) -> int:
    print("Starting PostgreSQL, Redis, 2 action servers, 2 Rasa instances, the web app and nginx …", flush=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        stack.up()
        print(
            f"\nKari (production profile) is running:\n"
            f"  demo page and channels   {stack.url}/   ({stack.url}/webhooks/kari/webhook)\n"
            f"  health                   python -m kari prod status\n"
            f"  processes                {VENV_BIN / 'supervisorctl'} -c {stack.conf} status\n"
            f"  new model, one by one    python -m kari prod rollout --model models/NEW.tar.gz\n"
            f"  logs (JSON lines)        {stack.log_dir}\n"
            f"Press Ctrl-C to stop.",
            flush=True,
        )
        stack.supervisord.wait()  # type: ignore[union-attr]
        print(f"supervisord stopped: see {stack.log_dir / 'supervisord.log'}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Kari …", flush=True)
        return 0
    finally:
        stack.down()
