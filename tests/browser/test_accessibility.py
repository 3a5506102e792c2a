"""WCAG 2.1 A/AA checks with axe-core (bundled in axe-playwright-python) in every widget state."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.support import Widget

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def assert_no_violations(page: object, state: str) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{state}:\n{results.generate_report()}"


@pytest.mark.parametrize("path", ["/", "/nb"])
def test_axe_closed_open_and_mid_conversation(page, web, path: str) -> None:
    w = Widget(page).goto(web.url + path)
    assert_no_violations(page, "closed")
    w.open()
    assert_no_violations(page, "open, empty")
    w.ask("hei", wait_bot=1)
    w.choices.first.click()
    w.bot.nth(2).wait_for()
    w.ask("hei", wait_bot=4)  # quick replies on screen again
    page.keyboard.press("Shift+Tab")  # a focused quick reply shows its focus ring
    assert_no_violations(page, "mid-conversation")


def test_axe_at_320px_with_error_notice(page, web) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    w = Widget(page).goto(web.url + "/")
    assert_no_violations(page, "closed at 320 px")
    w.open()
    w.ask("hei", wait_bot=1)
    w.ask("feil")
    w.notice.wait_for()
    assert_no_violations(page, "mid-conversation at 320 px")


def test_dialog_semantics(page, web) -> None:
    w = Widget(page).goto(web.url + "/")
    assert w.launcher.evaluate("e => e.tagName") == "BUTTON"
    assert w.launcher.get_attribute("aria-controls") == "kari-panel"
    w.open()
    assert w.launcher.get_attribute("aria-expanded") == "true"
    assert w.panel.get_attribute("aria-modal") == "false"
    title_id = w.panel.get_attribute("aria-labelledby")
    assert page.locator(f"#{title_id}").inner_text() == "Kari – chat med Ålesund kommune"
    assert page.get_by_role("dialog", name="Kari – chat med Ålesund kommune").is_visible()
    assert w.log.get_attribute("aria-live") == "polite"
    assert page.get_by_label("Skriv spørsmålet ditt").evaluate("e => e.id") == "kari-input"
    for name in ("Ny samtale", "Lukk chatten", "Send"):
        assert page.get_by_role("button", name=name, exact=True).is_visible()


def test_axe_runs_under_the_csp_and_finds_problems(page, web) -> None:
    """Guards the checks above: axe must really run on our CSP-protected page."""
    Widget(page).goto(web.url + "/")
    page.evaluate("document.querySelector('main').appendChild(document.createElement('button'))")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert "button-name" in [v["id"] for v in results.response["violations"]]
