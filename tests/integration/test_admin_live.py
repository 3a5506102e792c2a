"""Staff edit on the admin pages of the running stack; the next citizen message (REST channel) uses it.

Runs against the real stack twice: the shared one (tests/conftest.py: Rasa, action server, web app, the
knowledge base on SQLite) and one of its own with the knowledge base on PostgreSQL. Every change is
reverted through the page's history at the end, so the other tests see the content as imported.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest

from kari.stack import Stack
from tests.admin.support import StaffClient, add_staff
from tests.support.chat import reply_text, say
from tests.support.own_stack import make_stack
from tests.support.postgres import postgres_server  # noqa: F401  (session fixture)

pytestmark = pytest.mark.stack
BUSY = "ikkje fram eit svar akkurat no"  # the channel's reply when a turn takes longer than its limit


def ask(kari_stack: Stack, question: str, tries: int = 6) -> str:
    """Kari's reply; asked again after a pause when a loaded machine made the turn time out (the
    search index rebuilds after an edit, and a shared CI machine may be slow at that moment)."""
    for attempt in range(tries):
        reply = reply_text(say(kari_stack.rasa_url, question))
        if BUSY not in reply:
            return reply
        time.sleep(3 * (attempt + 1))
    return reply


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "sqlite":
        yield request.getfixturevalue("kari_stack")
        return
    url = request.getfixturevalue("postgres_server").create_database()
    stack = make_stack(tmp_path_factory.mktemp("admin-pg"), KARI_DATABASE_URL=url)
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def editor(live: Stack) -> StaffClient:
    kari_stack = live
    name = f"red{uuid.uuid4().hex[:6]}"
    add_staff({"KARI_DATABASE_URL": kari_stack.extra_env["KARI_DATABASE_URL"]}, name, "editor")
    client = StaffClient(kari_stack.web_url)
    assert client.login(name).url.endswith("/admin/")
    return client


def _revert_all_mine(client: StaffClient) -> None:
    """Revert this editor's changes, newest first."""
    page = client.get("/admin/history").text
    who = re.search(r"<span>(\w+) \(redaktør\)</span>", page).group(1)
    rows = re.findall(r'<tr id="change-(\d+)">\s*<td>[^<]*</td>\s*<td>(\w+)</td>', page)
    for change_id, author in rows:
        if author == who and f"angrar #{change_id}" not in page:
            client.post(f"/admin/history/{change_id}/revert")


def test_an_answer_edit_changes_the_next_reply(live: Stack, editor: StaffClient) -> None:
    kari_stack = live
    question = "kva er telefonnummeret til legevakta"
    before = ask(kari_stack, question)
    page = editor.get("/admin/topics/legevakt").text
    old_nb = re.search(r'id="contact-text_nb" name="text_nb" lang="nb">([^<]*)</textarea>', page).group(1)
    new_nn = "Legevakta har nytt nummer i testen: 12 34 56 78 (endra på admin-sidene)."
    try:
        response = editor.post(
            "/admin/topics/legevakt/answers/contact", {"text_nn": new_nn, "text_nb": old_nb.replace("&#39;", "'")}
        )
        assert response.url.endswith("done=saved#answer-contact")
        after = ask(kari_stack, question)
        assert "endra på admin-sidene" in after and "endra på admin-sidene" not in before
    finally:
        _revert_all_mine(editor)
    assert ask(kari_stack, question) == before


def test_an_example_question_is_live_at_once(live: Stack, editor: StaffClient) -> None:
    kari_stack = live
    question = "kva kostar ein flybillett til Tromsø i påska"
    page = editor.get("/admin/topics/barnehage").text
    price_nn = re.search(r'id="price-text_nn" name="text_nn" lang="nn">([^<]*)</textarea>', page).group(1)
    assert price_nn[:40] not in ask(kari_stack, question).replace("'", "&#39;")
    try:
        response = editor.post("/admin/topics/barnehage/answers/price/examples", {"text": question, "malform": "nn"})
        assert response.url.endswith("done=example#answer-price")
        reply = ask(kari_stack, question)
        assert price_nn[:40] in reply.replace("'", "&#39;")
    finally:
        _revert_all_mine(editor)


def test_a_missed_question_attached_to_an_answer_is_answered_next_time(live: Stack, editor: StaffClient) -> None:
    kari_stack = live
    question = "kor mykje kostar eit årskort i symjehallen for pensjonistar"
    first = ask(kari_stack, question)
    page = editor.get("/admin/missed").text
    assert f"«{question}»" in page, first
    editor.get("/admin/topics/barnehage")
    page = editor.get("/admin/topics/barnehage").text
    price_nn = re.search(r'id="price-text_nn" name="text_nn" lang="nn">([^<]*)</textarea>', page).group(1)
    editor.get("/admin/missed")
    try:
        response = editor.post("/admin/missed/attach", {"text": question, "malform": "nn", "answer": "barnehage/price"})
        assert response.url.endswith("done=attached")
        reply = ask(kari_stack, question)
        assert price_nn[:40] in reply.replace("'", "&#39;")
    finally:
        _revert_all_mine(editor)
