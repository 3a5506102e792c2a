"""Operator errors when starting Kari give one clear line, not a stack trace."""

import socket

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
