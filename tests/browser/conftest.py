"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, a fake bot, the web app.

Playwright never downloads a browser here: it drives /usr/bin/chromium (apt package `chromium`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

from tests.browser.support import FakeBot, WebApp, free_port, start_fake_bot, start_web

CHROMIUM = os.environ.get("KARI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Records Content-Security-Policy violations the page itself reports.
CSP_LISTENER = """
window.__kariCsp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__kariCsp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stack: needs the real stack (Rasa + action server + web app)")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def fake_bot() -> Iterator[FakeBot]:
    bot = start_fake_bot()
    yield bot
    bot.stop()


@pytest.fixture(scope="session")
def web(fake_bot: FakeBot, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    """The real web app (`python -m kari web`) in front of the fake bot."""
    app = start_web(fake_bot.url, tmp_path_factory.mktemp("web"))
    yield app
    app.stop()


@pytest.fixture(scope="session")
def web_without_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    """The web app pointing at a port where nothing listens (Rasa stopped)."""
    app = start_web(f"http://127.0.0.1:{free_port()}", tmp_path_factory.mktemp("web-down"))
    yield app
    app.stop()


@dataclass
class Console:
    errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def context(browser: object) -> Iterator[object]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nb-NO")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: object, console: Console) -> Iterator[object]:
    """A fresh tab (own sessionStorage) that fails the test on CSP violations or script errors."""
    context.add_init_script(CSP_LISTENER)
    pg = context.new_page()
    pg.on("console", lambda m: console.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: console.page_errors.append(str(e)))

    def on_dialog(d: object) -> None:
        console.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    csp_console = [e for e in console.errors if "Content Security Policy" in e]
    try:
        csp_events = pg.evaluate("window.__kariCsp || []")
    except Exception:  # the page may already be gone (e.g. its server was stopped)
        csp_events = []
    assert not csp_console and not csp_events, f"CSP violations: {csp_console + csp_events}"
    assert not console.page_errors, f"uncaught script errors: {console.page_errors}"
    assert not console.dialogs, f"a dialog was opened (script ran?): {console.dialogs}"


@pytest.fixture
def stack_web_url(request: pytest.FixtureRequest) -> str:
    """The web app of the real stack, from the lead's `kari_stack` fixture (tests/conftest.py)."""
    try:
        stack = request.getfixturevalue("kari_stack")
    except pytest.FixtureLookupError:
        pytest.skip("the kari_stack fixture (tests/conftest.py) is not available yet")
    return stack.web_url.rstrip("/")
