"""Talk to a running Kari the way the widget and curl do."""

from __future__ import annotations

import uuid

import requests


def say(base_url: str, text: str, sender: str | None = None, channel: str = "rest") -> list[dict]:
    """Send one message and return Kari's replies (the channel's JSON list)."""
    response = requests.post(
        f"{base_url}/webhooks/{channel}/webhook",
        json={"sender": sender or uuid.uuid4().hex, "message": text},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def reply_text(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)
