"""A throwaway real PostgreSQL server for tests, built from Debian's binaries.

`postgres_server` (session scope) runs initdb + pg_ctl in a temp dir on a free port (as the `postgres`
user when the tests run as root) and stops and deletes it at the end. Missing binaries make the
PostgreSQL tests FAIL with a clear message, unless KARI_SKIP_POSTGRES=1 asks to skip them.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from kari.scaleout.postgres import PostgresUnavailable, find_bin_dir
from kari.stack import free_port

USER = "kari"
_counter = itertools.count(1)


@dataclass
class PostgresServer:
    port: int
    host: str = "127.0.0.1"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://{USER}@{self.host}:{self.port}/{database}"

    def create_database(self, prefix: str = "kari_test") -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg2

        name = f"{prefix}_{os.getpid()}_{next(_counter)}"
        conn = psycopg2.connect(host=self.host, port=self.port, user=USER, dbname="postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)


def _run(cmd: list[str], runas: list[str]) -> None:
    proc = subprocess.run(runas + cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise PostgresUnavailable(f"{' '.join(cmd[:2])} failed: {(proc.stderr or proc.stdout).strip()[-800:]}")


def start() -> tuple[PostgresServer, callable]:
    bindir = find_bin_dir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (initdb, pg_ctl). "
            "Install them (Debian: apt-get install postgresql) or set KARI_SKIP_POSTGRES=1 to skip "
            "the PostgreSQL tests."
        )
    tmp = Path(tempfile.mkdtemp(prefix="kari-pg-"))
    runas: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("running as root and there is no `postgres` user to run initdb as") from None
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        runas = ["runuser", "-u", "postgres", "--"]
    data, port = tmp / "data", free_port()
    _run(
        [str(bindir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
        runas,
    )
    opts = (
        f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    _run(
        [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "server.log"), "-w", "-t", "60", "-o", opts, "start"],
        runas,
    )

    def stop() -> None:
        try:
            subprocess.run(
                runas + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    return PostgresServer(port), stop


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server, stop = start()
    except PostgresUnavailable as exc:
        if os.environ.get("KARI_SKIP_POSTGRES") == "1":
            pytest.skip(f"KARI_SKIP_POSTGRES=1: {exc}")
        pytest.fail(f"PostgreSQL tests cannot run: {exc}", pytrace=False)
    try:
        yield server
    finally:
        stop()
