"""The staff pages in Chromium against the real stack: log-in by keyboard, an answer edit that changes
Kari's next reply, a revert, attaching a missed question, and 0 axe-core WCAG 2.1 A/AA violations on
every page."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.admin.support import PASSWORD, add_staff
from tests.browser.test_accessibility import assert_no_violations
from tests.integration.test_admin_live import ask

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def admin_name(kari_stack) -> str:
    name = f"adm{uuid.uuid4().hex[:6]}"
    add_staff({"KARI_DATABASE_URL": kari_stack.extra_env["KARI_DATABASE_URL"]}, name, "admin")
    return name


def log_in(page, url: str, name: str) -> None:
    page.goto(url + "/admin/topics")
    assert "/admin/login" in page.url
    assert_no_violations(page, "log-in page")
    page.get_by_label("Brukarnamn").fill(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/admin/topics$"))


def revert_newest(page, url: str) -> None:
    page.goto(url + "/admin/history")
    page.locator("tbody tr").first.get_by_role("button", name=re.compile("Angre")).click()
    page.get_by_text("Endringa er angra.").wait_for()


def test_every_page_is_accessible(page, kari_stack, admin_name: str) -> None:
    url = kari_stack.web_url
    log_in(page, url, admin_name)
    for path in (
        "/admin/",
        "/admin/topics",
        "/admin/topics?mark=flagged",
        "/admin/topics/barnehage",
        "/admin/topics/new",
        "/admin/history",
        "/admin/missed",
        "/admin/stats",
        "/admin/intents",
        "/admin/intents/ask_price",
        "/admin/training",
        "/admin/staff",
    ):
        page.goto(url + path)
        assert_no_violations(page, path)
    page.goto(url + "/admin/topics/barnehage")
    page.locator("#about-source_date").fill("i fjor")
    page.locator("#answer-about").get_by_role("button", name=re.compile("Lagre svaret")).click()
    page.get_by_role("alert").wait_for()
    assert_no_violations(page, "topic page with an error")


def test_answer_edit_changes_the_next_reply_and_revert_restores_it(page, kari_stack, admin_name: str) -> None:
    url, question = kari_stack.web_url, "kva er telefonnummeret til legevakta"
    before = ask(kari_stack, question)
    log_in(page, url, admin_name)
    page.goto(url + "/admin/topics/legevakt")
    box = page.get_by_label("Nynorsk").and_(page.locator("#contact-text_nn"))
    box.fill("Legevakta svarar på testnummeret 12 34 56 78 (endra i nettlesaren).")
    page.locator("#answer-contact").get_by_role("button", name=re.compile("Lagre svaret")).click()
    page.get_by_text("Endringa er lagra").wait_for()
    assert_no_violations(page, "topic page after saving")
    assert "endra i nettlesaren" in ask(kari_stack, question)
    revert_newest(page, url)
    assert_no_violations(page, "history after a revert")
    assert ask(kari_stack, question) == before


def test_attach_a_missed_question(page, kari_stack, admin_name: str) -> None:
    url, question = kari_stack.web_url, "kva kostar ein flybillett til Tromsø?"
    assert "70 16 20 00" in ask(kari_stack, question)  # the honest "I don't know" with the contact
    log_in(page, url, admin_name)
    page.goto(url + "/admin/missed")
    section = page.locator("section.missed").filter(has_text="flybillett til Tromsø").first
    wording = section.get_by_role("heading").inner_text().strip("«»")
    section.get_by_label("Legg til som eksempelspørsmål på svaret").select_option("barnehage/price")
    section.get_by_role("button", name="Legg til spørsmålet").click()
    page.get_by_text("Spørsmålet er lagt til som eksempelspørsmål").wait_for()
    assert_no_violations(page, "missed report after attaching")
    page.goto(url + "/admin/topics/barnehage")
    assert page.locator("#answer-price").get_by_text(wording).is_visible()
    revert_newest(page, url)
