"""Facts as the knowledge base's content states them (data/knowledge/*.yml), for tests that need one:
a staff edit of the content then moves the test with it instead of breaking it. Conversation tests
say the same with `{kb: topic.field}` (README, "Evaluators")."""

from __future__ import annotations

from functools import lru_cache

import yaml

from kari.stack import REPO


@lru_cache(maxsize=None)
def _topics() -> dict[str, dict]:
    topics = {}
    for path in sorted((REPO / "data/knowledge").glob("*.yml")):
        for topic in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("topics") or []:
            topics[topic["key"]] = topic
    return topics


def stored_answer(topic: str, aspect: str, standard: str) -> str:
    """The stored answer text (replies quote it in full)."""
    return _topics()[topic]["answers"][aspect][standard]
