"""Operator errors when starting Kari give one clear line, not a stack trace."""

import socket
import sys

import pytest

from kari.stack import Stack, StackError, free_port


def test_port_in_use_is_reported_with_the_port(tmp_path):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"x")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        stack = Stack(rasa_port=port, action_port=free_port(), web_port=free_port(), model=model)
        with pytest.raises(StackError, match=f"Port {port} .*already in use"):
            stack.check(("actions", "rasa", "web"))


def test_missing_model_says_to_train(tmp_path):
    stack = Stack(model=tmp_path / "missing.tar.gz", rasa_port=free_port())
    with pytest.raises(StackError, match="make train"):
        stack.check(("rasa",))


def test_a_token_starting_with_a_dash_reaches_rasa(tmp_path):
    """secrets.token_urlsafe starts with "-" one time in 64: Rasa must still read it as the token."""
    from rasa.__main__ import create_argument_parser

    stack = Stack(model=tmp_path / "model.tar.gz", rasa_port=free_port(), rasa_token="-JX0tET7aw")
    args = create_argument_parser().parse_args(stack.commands()["rasa"][1:])
    assert args.auth_token == "-JX0tET7aw"
    assert args.enable_api


def test_a_server_that_dies_at_start_up_says_why(tmp_path, monkeypatch):
    stack = Stack(var_dir=tmp_path, web_port=free_port(), rasa_port=free_port())
    monkeypatch.setattr(
        stack, "commands", lambda: {"web": [sys.executable, "-c", "import sys; sys.exit('web: bad --port value')"]}
    )
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    stack._start_one("web")
    with pytest.raises(StackError, match=r"stopped during start-up \(web: bad --port value\)"):
        stack._wait_ready("web", timeout=30)
