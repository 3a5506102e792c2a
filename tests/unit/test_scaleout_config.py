"""The production profile's generated configuration (issue 17), without starting anything."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from kari.channels.kari_channel import _SENDER_RE
from kari.logs import JsonFormatter
from kari.scaleout import nginx
from kari.stack import REPO, free_port


def test_deploy_nginx_configs_are_the_generated_ones():
    """deploy/ holds what kari/scaleout/nginx.py makes, so the two cannot drift apart."""
    for kind in ("compose", "kubernetes"):
        committed = (REPO / "deploy" / kind / "nginx.conf").read_text(encoding="utf-8")
        assert committed == nginx.deployed(kind), (
            f"regenerate: python -m kari.scaleout.nginx {kind} > deploy/{kind}/nginx.conf"
        )


def test_nginx_routes_by_the_same_sender_ids_the_channel_accepts():
    assert _SENDER_RE.pattern in nginx.SENDER_RE


def test_compose_has_the_rasa_instances_nginx_routes_to():
    compose = yaml.safe_load((REPO / "deploy" / "compose" / "compose.yml").read_text(encoding="utf-8"))
    conf = (REPO / "deploy" / "compose" / "nginx.conf").read_text(encoding="utf-8")
    rasa = sorted(name for name in compose["services"] if name.startswith("rasa-"))
    assert rasa == ["rasa-1", "rasa-2"]
    assert all(f"server {name}:5005 " in conf for name in rasa)


def test_the_local_nginx_config_is_accepted_by_nginx(tmp_path):
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: run `make system` (Debian: apt-get install nginx)", pytrace=False)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        nginx.config(
            root=tmp_path,
            log_dir=tmp_path,
            listen=f"127.0.0.1:{free_port()}",
            web="127.0.0.1:1",
            rasa={"rasa-1": "127.0.0.1:2", "rasa-2": "127.0.0.1:3"},
            action_listen=f"127.0.0.1:{free_port()}",
            actions=["127.0.0.1:4"],
        )
    )
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx_bin, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_json_log_lines_name_the_instance(monkeypatch):
    monkeypatch.setenv("KARI_INSTANCE", "rasa-2")
    record = logging.LogRecord("kari.channel", logging.WARNING, __file__, 1, "kari.channel.busy n=%d", (3,), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "kari.channel.busy n=3" and line["instance"] == "rasa-2" and line["level"] == "WARNING"


def test_postgres_starts_in_its_own_folder_not_the_repository(tmp_path):
    """supervisord changes into a program's directory as that program's user: the postgres user may
    not enter the repository's folder (a clone in a 0700 folder, as `mktemp -d` makes)."""
    from kari.scaleout.topology import ProdStack

    stack = ProdStack(root=tmp_path / "prod", pg_dir=tmp_path / "pg")
    stack.write_config()
    conf = stack.conf.read_text(encoding="utf-8")
    postgres = conf.split("[program:postgres]\n")[1].split("[program:")[0]
    assert f"directory={tmp_path / 'pg'}\n" in postgres
