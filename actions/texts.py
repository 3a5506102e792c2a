"""Texts the actions themselves need (the knowledge answers' templates are in kari.knowledge.texts)."""
from __future__ import annotations

from kari.knowledge.texts import t


def kb_unavailable(malform: str | None) -> str:
    """Reply when the knowledge base cannot be read: the honest fallback with the phone number."""
    return t(malform, "unknown")
