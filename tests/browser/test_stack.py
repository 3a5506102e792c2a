"""The widget against the real stack (Rasa + action server + web app): answers with source links."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.browser.support import REPO, Widget

pytestmark = pytest.mark.stack

QUESTIONS = [
    ("/", "nn", "Korleis søkjer eg om barnehageplass?"),
    ("/nb", "nb", "Hvordan søker jeg om barnehageplass?"),
]


def topic_urls(key: str) -> set[str]:
    """Every address the knowledge base gives for a topic (its url and its answers' sources)."""
    urls: set[str] = set()
    for path in (REPO / "data" / "knowledge").glob("*.yml"):
        for topic in (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("topics", []):
            if topic.get("key") == key:
                urls |= {u for u in [topic.get("url")] if u}
                urls |= {a["source"] for a in (topic.get("answers") or {}).values() if a.get("source")}
    return {u.rstrip("/") for u in urls}


@pytest.mark.parametrize("path, malform, question", QUESTIONS, ids=["nn", "nb"])
def test_answer_in_the_citizens_standard_with_source_link(
    page, stack_web_url: str, path: str, malform: str, question: str
) -> None:
    from kari.nlu.malform import detect_malform

    w = Widget(page).goto(stack_web_url + path)
    w.open()
    w.ask(question)
    w.bot.first.wait_for(timeout=30000)
    page.locator(".kari-status:empty").wait_for()
    answer = "\n".join(w.bot.all_inner_texts())
    assert detect_malform(answer) == malform, answer
    hrefs = [a.get_attribute("href") for a in w.log.locator(".kari-bot a[href^='https://']").all()]
    assert hrefs, f"no source link in: {answer}"
    known = topic_urls("barnehage")
    if known:
        assert {h.rstrip("/") for h in hrefs} & known, f"{hrefs} are not barnehage sources {known}"
    assert w.notice.count() == 0
