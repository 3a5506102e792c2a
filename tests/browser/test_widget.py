"""The chat widget in a real browser, against the real web app in front of a fake bot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.support import PRICE_PAYLOAD, PRICE_URL, XSS_BUTTON, FakeBot, Widget, start_web

SCREENSHOT = Path(__file__).parent / "screenshots" / "widget.png"


def test_conversation_with_links_and_quick_reply(page, web, fake_bot: FakeBot, console) -> None:
    w = Widget(page).goto(web.url + "/")
    assert page.locator("html").get_attribute("lang") == "nn"
    assert w.panel.is_hidden()
    w.open()
    assert page.evaluate("document.activeElement.id") == "kari-input"

    w.ask("hei", wait_bot=1)
    assert w.last_bot().inner_text().endswith("Hei! Kva vil du vite meir om?")
    assert w.choices.all_inner_texts() == ["Pris for barnehage", "Legevakt"]

    w.choices.filter(has_text="Pris for barnehage").click()
    w.bot.nth(2).wait_for()
    # the title is shown as the user's message, the payload is what the bot got
    assert w.user.last.inner_text().endswith("Pris for barnehage")
    assert fake_bot.messages()[-1] == PRICE_PAYLOAD
    assert w.choices.count() == 0, "used quick replies disappear"
    assert page.evaluate("document.activeElement.id") == "kari-input", "focus stays in the chat"

    source = w.bot.nth(1).get_by_role("link")
    assert source.get_attribute("href") == PRICE_URL, "the URL becomes a link without the full stop"
    assert source.get_attribute("rel") == "noopener noreferrer"
    contact = w.bot.nth(2)
    assert contact.get_by_role("link", name="70 16 20 00").get_attribute("href") == "tel:+4770162000"
    assert (
        contact.get_by_role("link", name="postmottak@alesund.kommune.no").get_attribute("href")
        == "mailto:postmottak@alesund.kommune.no"
    )

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert console.errors == [], "a normal conversation logs no errors in the console"


def test_reload_keeps_conversation_and_sender(page, web, fake_bot: FakeBot) -> None:
    w = Widget(page).goto(web.url + "/")
    w.open()
    w.ask("hei", wait_bot=1)
    w.ask("Kva tid opnar rådhuset?", wait_bot=2)
    sender = fake_bot.senders()[-1]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", sender)

    page.reload()
    w.launcher.wait_for(state="attached")
    w.panel.wait_for(state="visible")  # it was open, so it is still open
    assert w.user.all_inner_texts()[-1].endswith("Kva tid opnar rådhuset?")
    assert w.bot.count() == 2
    assert w.choices.count() == 0, "quick replies already answered are not offered again"
    assert page.context.cookies() == [], "no cookies"

    w.ask("ein gong til", wait_bot=3)
    assert fake_bot.senders()[-1] == sender, "the same conversation goes on after a reload"

    # A new tab is a new conversation (sessionStorage is per tab).
    other = page.context.new_page()
    Widget(other).goto(web.url + "/")
    assert other.locator(".kari-msg").count() == 0
    other.close()


def test_new_conversation_clears_transcript_and_sender(page, web, fake_bot: FakeBot) -> None:
    w = Widget(page).goto(web.url + "/")
    w.open()
    w.ask("første", wait_bot=1)
    first_sender = fake_bot.senders()[-1]
    page.get_by_role("button", name="Ny samtale").click()
    assert page.locator(".kari-msg").count() == 0
    assert page.evaluate("document.activeElement.id") == "kari-input"
    w.ask("andre", wait_bot=1)
    assert fake_bot.senders()[-1] != first_sender
    page.reload()
    w.panel.wait_for(state="visible")
    texts = w.user.all_inner_texts()
    assert len(texts) == 1 and texts[0].endswith("andre")


def test_keyboard_only(page, web, fake_bot: FakeBot) -> None:
    w = Widget(page).goto(web.url + "/")
    active = "document.activeElement"
    for _ in range(40):  # Tab through the page until the launcher has focus
        page.keyboard.press("Tab")
        if page.evaluate(f"{active}.classList.contains('kari-launch')"):
            break
    else:
        raise AssertionError("the launcher cannot be reached with Tab")
    outline = page.evaluate(f"getComputedStyle({active}).outlineStyle + ' ' + getComputedStyle({active}).outlineWidth")
    assert outline.startswith("solid") and float(outline.split()[1][:-2]) >= 2, f"visible focus: {outline}"

    page.keyboard.press("Enter")
    assert w.panel.is_visible()
    assert page.evaluate(f"{active}.id") == "kari-input"
    page.keyboard.type("hei")
    page.keyboard.press("Enter")
    w.choices.first.wait_for()

    # Shift+Tab back from the input to the last quick reply, and choose it with Enter.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(f"{active}.textContent") == "Legevakt"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(f"{active}.textContent") == "Pris for barnehage"
    page.keyboard.press("Enter")
    w.bot.nth(2).wait_for()
    assert fake_bot.messages()[-1] == PRICE_PAYLOAD
    assert page.evaluate(f"{active}.id") == "kari-input"

    # Tab out of the chat: no keyboard trap.
    page.keyboard.press("Tab")  # send button
    assert page.evaluate(f"{active}.textContent") == "Send"
    for name in ("Bokmål", "Nynorsk"):  # the written-standard switch below the input (issue 18)
        page.keyboard.press("Tab")
        assert page.evaluate(f"{active}.textContent") == name
    page.keyboard.press("Tab")
    assert not page.evaluate(f"document.getElementById('kari-panel').contains({active})")

    # Escape closes and gives focus back to the launcher; Enter opens it again with the history.
    w.input.focus()
    page.keyboard.press("Escape")
    assert w.panel.is_hidden()
    assert page.evaluate(f"{active}.classList.contains('kari-launch')")
    assert w.launcher.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert w.panel.is_visible() and w.bot.count() == 3


def test_xss_in_bot_and_user_text_is_inert(page, web, console) -> None:
    w = Widget(page).goto(web.url + "/")
    w.open()
    w.ask("xss", wait_bot=1)
    msg = w.bot.first
    assert '<img src=x onerror="window.__pwned=1">' in msg.inner_text()
    assert "<script>window.__pwned=2</script>" in msg.inner_text()
    assert "[klikk her](javascript:window.__pwned=4)" in msg.inner_text()
    assert msg.locator("a").count() == 0, "javascript: and data: never become links"
    assert w.choices.first.inner_text() == XSS_BUTTON

    w.choices.first.click()  # its payload is a <script> string; its title becomes the user's message
    w.bot.nth(1).wait_for()
    assert w.user.last.inner_text().endswith(XSS_BUTTON)

    evil = '<img src=x onerror="window.__pwned=8"><script>window.__pwned=9</script>'
    w.ask(evil, wait_bot=3)
    assert w.user.last.inner_text().endswith(evil)
    assert w.bot.last.inner_text().endswith("Du skreiv: " + evil)

    root = page.locator("#kari-root")
    assert root.locator("img, script, iframe, object").count() == 0
    assert page.locator("a[href^='javascript:'], a[href^='data:']").count() == 0
    page.reload()  # the stored transcript is rendered as text too
    w.panel.wait_for(state="visible")
    assert w.bot.count() == 3 and root.locator("img, script").count() == 0
    assert page.evaluate("window.__pwned") is None, "no injected script ran"
    assert console.dialogs == []


def test_rasa_stopped_gives_friendly_message(page, web_without_rasa) -> None:
    w = Widget(page).goto(web_without_rasa.url + "/")
    w.open()
    w.ask("hei")
    w.notice.wait_for()
    assert w.notice.inner_text().startswith("Eg får ikkje kontakt med tenesta akkurat no.")
    assert "70 16 20 00" in w.notice.inner_text()
    assert w.page.locator(".kari-status").inner_text() == "", "typing indicator gone"


def test_web_server_stopped_gives_friendly_message_in_bokmal(page, fake_bot, tmp_path) -> None:
    app = start_web(fake_bot.url, tmp_path)
    try:
        w = Widget(page).goto(app.url + "/nb")
        assert page.locator("html").get_attribute("lang") == "nb"
        w.open()
        w.ask("hei", wait_bot=1)
    finally:
        app.stop()
    w.ask("er du der?")
    w.notice.wait_for()
    assert w.notice.inner_text().startswith("Jeg får ikke kontakt med tjenesten akkurat nå.")
    assert w.user.last.inner_text().endswith("er du der?")


def test_server_error_and_empty_reply(page, web) -> None:
    w = Widget(page).goto(web.url + "/")
    w.open()
    w.ask("feil")
    w.notice.wait_for()
    assert w.notice.last.inner_text().startswith("Noko gjekk gale hos oss.")
    w.ask("tom")
    w.notice.nth(1).wait_for()
    assert w.notice.last.inner_text().startswith("Eg fann ikkje noko svar")
    w.ask("bilete")
    w.notice.nth(2).wait_for()
    assert w.notice.last.inner_text().startswith("Eg fann ikkje noko svar")


def test_slow_server_says_it_takes_time(page, web) -> None:
    w = Widget(page).goto(web.url + "/")
    w.open()
    w.ask("treig")
    status = page.locator(".kari-status")
    assert status.inner_text() == "Kari skriv …"
    page.get_by_text("Det tek litt tid …", exact=False).wait_for(timeout=7000)
    w.bot.first.wait_for(timeout=10000)
    assert w.bot.first.inner_text().endswith("Takk for at du venta.")
    assert status.inner_text() == ""


def test_reflow_at_320px(page, web) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    w = Widget(page).goto(web.url + "/")
    w.open()
    w.ask("hei", wait_bot=1)
    w.ask(
        "https://alesund.kommune.no/ein/svaert/lang/adresse/som/ikkje/har/noko/mellomrom/i/seg/i/det/heile/teke",
        wait_bot=2,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    box = w.panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    log_overflow = page.evaluate(
        "(() => { const l = document.querySelector('.kari-log'); return l.scrollWidth - l.clientWidth; })()"
    )
    assert log_overflow <= 0, "no horizontal scrolling inside the chat either"


def host_page(page, origin: str, html_lang: str, script_attrs: str = "") -> None:
    """Serve a host page of our own at {origin}/host that embeds the widget from {origin}/static/."""
    html = (
        f'<!DOCTYPE html><html lang="{html_lang}"><head><title>Vert</title></head><body><main><h1>Vert</h1>'
        f'</main><script src="{origin}/static/kari-widget.js" {script_attrs} defer></script></body></html>'
    )
    page.route(f"{origin}/host", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(f"{origin}/host")


@pytest.mark.parametrize(
    "html_lang, intro",
    [
        ("nb-NO", "Hei! Jeg er Kari"),
        ("no", "Hei! Jeg er Kari"),
        ("NB", "Hei! Jeg er Kari"),
        ("nn-NO", "Hei! Eg er Kari"),
        ("en", "Hei! Eg er Kari"),
        ("", "Hei! Eg er Kari"),
    ],
)
def test_interface_language_follows_html_lang(page, web, html_lang: str, intro: str) -> None:
    host_page(page, web.url, html_lang)
    w = Widget(page)
    w.launcher.wait_for(state="visible")
    w.open()
    assert page.locator(".kari-intro").inner_text().startswith(intro)


def test_data_server_attribute_chooses_the_server(page, web, web_without_rasa) -> None:
    # The widget is loaded from the server without Rasa but told to talk to the working one.
    seen: list[str] = []

    def answer(route) -> None:
        seen.append(route.request.url)
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": "*"},
            body='[{"text": "Svar frå den andre"}]',
        )

    page.route(f"{web.url}/webhooks/kari/webhook", answer)
    host_page(page, web_without_rasa.url, "nn", f'data-server="{web.url}/"')
    w = Widget(page)
    w.launcher.wait_for(state="visible")
    w.open()
    w.ask("hei", wait_bot=1)
    assert seen == [f"{web.url}/webhooks/kari/webhook"]
    assert w.bot.first.inner_text().endswith("Svar frå den andre")


def test_script_in_head_without_defer_still_works(page, web) -> None:
    html = (
        f'<!DOCTYPE html><html lang="nn"><head><title>Vert</title>'
        f'<script src="{web.url}/static/kari-widget.js"></script></head><body><main><h1>Vert</h1></main></body></html>'
    )
    page.route(f"{web.url}/head", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(f"{web.url}/head")
    w = Widget(page)
    w.launcher.wait_for(state="visible")
    w.open()
    w.ask("hei", wait_bot=1)
    assert page.locator("#kari-root").count() == 1


def test_damaged_stored_conversation_starts_afresh(page, web) -> None:
    w = Widget(page).goto(web.url + "/")
    for junk in ("5", "{not json", '{"sender": "abc", "log": [null, 7, {"from": "bot", "text": "gammal"}]}'):
        page.evaluate("v => sessionStorage.setItem('kari.v1', v)", junk)
        page.reload()
        w.launcher.wait_for(state="visible")
    w.open()
    assert w.bot.all_inner_texts()[-1].endswith("gammal")
    w.ask("hei", wait_bot=2)


def test_malform_switch_is_sent_and_remembered(page, web, fake_bot: FakeBot) -> None:
    """Issue 18: a Bokmål / Nynorsk choice near the input, keyboard usable, sent with every message
    of the conversation as {"malform": …} and kept across a reload (sessionStorage)."""
    w = Widget(page).goto(web.url + "/")
    w.open()
    group = page.get_by_role("group", name="Kari svarar på")
    nb = group.get_by_role("button", name="Bokmål")
    nn = group.get_by_role("button", name="Nynorsk")
    assert nb.get_attribute("aria-pressed") == "false" and nn.get_attribute("aria-pressed") == "false"

    w.ask("hei", wait_bot=1)
    assert "malform" not in fake_bot.received[-1], "no choice, no field: the text decides"

    nb.focus()
    page.keyboard.press("Enter")
    assert nb.get_attribute("aria-pressed") == "true" and nn.get_attribute("aria-pressed") == "false"
    w.ask("kva kostar sfo", wait_bot=2)
    assert fake_bot.received[-1]["malform"] == "nb"

    page.reload()
    w.panel.wait_for(state="visible")
    assert group.get_by_role("button", name="Bokmål").get_attribute("aria-pressed") == "true"
    w.ask("og barnehage?", wait_bot=3)
    assert fake_bot.received[-1]["malform"] == "nb"

    group.get_by_role("button", name="Nynorsk").click()
    w.ask("takk", wait_bot=4)
    assert fake_bot.received[-1]["malform"] == "nn"
