"""Debian's PostgreSQL binaries, run in a folder of our own (no system service needed).

Used by the production profile on one machine (`make run-prod`) and by the tests' throwaway server
(tests/support/postgres.py). initdb and postgres refuse to run as root, so as root they run as the
`postgres` user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import subprocess
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be set up here; the message says what to install or fix."""


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl."""
    dirs = [
        Path(d)
        for d in glob.glob("/usr/lib/postgresql/*/bin")
        if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists()
    ]

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in p.parent.name.split(".") if x.isdigit())

    return max(dirs, key=version) if dirs else None


def bin_dir() -> Path:
    found = find_bin_dir()
    if found is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (initdb, pg_ctl): "
            "install them (Debian: apt-get install postgresql; `make system` does)."
        )
    return found


def run_as() -> list[str]:
    """The command prefix that runs PostgreSQL's programs as a user they accept."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable("running as root and there is no `postgres` user to run PostgreSQL as") from None
    return ["runuser", "-u", "postgres", "--"]


def give_to_postgres(folder: Path) -> None:
    """As root: hand `folder` to the postgres user and check that it can reach it."""
    if os.geteuid() != 0:
        return
    pw = pwd.getpwnam("postgres")
    os.chown(folder, pw.pw_uid, pw.pw_gid)
    probe = subprocess.run(run_as() + ["test", "-w", str(folder)], capture_output=True)
    if probe.returncode != 0:
        raise PostgresUnavailable(
            f"the postgres user cannot write {folder} (a parent folder is closed to it); "
            "choose a data folder under an open path (KARI_PG_DIR for make run-prod)"
        )


def initdb(data: Path, user: str, password_file: Path | None = None) -> None:
    """A new cluster in `data` (which must not exist yet) with superuser `user`."""
    auth = ["--auth=trust"] if password_file is None else ["--auth=scram-sha-256", f"--pwfile={password_file}"]
    command = [str(bin_dir() / "initdb"), "-D", str(data), "-U", user, *auth, "-E", "UTF8", "--no-locale"]
    proc = subprocess.run(run_as() + command, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise PostgresUnavailable(f"initdb failed: {(proc.stderr or proc.stdout).strip()[-800:]}")
