"""Answers on the admin pages: list, search, marks, edit in both standards, example questions, create,
retire, the history with revert, and `kb import` refusing edits not yet exported."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import create_engine, text

from tests.admin.support import REPO


def kb(site, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kari", "kb", *args],
        env={**os.environ, **site.env, "PYTHONPATH": str(REPO)},
        cwd=REPO,
        capture_output=True,
        text=True,
    )


def db_value(site, sql: str, **params) -> object:
    engine = create_engine(site.env["KARI_DATABASE_URL"])
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


def test_list_search_and_marks(site) -> None:
    eva = site.client("eva")
    page = eva.get("/admin/topics").text
    assert "Barnehage" in page and "Eigedomsskatt" in page
    assert "Eigedomsskatt" in eva.get("/admin/topics", params={"q": "EIENDOM"}).text  # the Bokmål name
    found = eva.get("/admin/topics", params={"q": "eiendom"}).text
    assert "Eigedomsskatt" in found and ">Barnehage<" not in found
    assert "Barnehage" in eva.get("/admin/topics", params={"q": "SØKJER BARNEHAGEPLASS"}).text  # ø in any case
    flagged = eva.get("/admin/topics", params={"mark": "flagged"}).text
    assert "Barnehage" in flagged  # the price answer has a review note
    topic = eva.get("/admin/topics/barnehage").text
    assert "Merkt for gjennomgang" in topic and "Ikkje kontrollert på 12 mnd." in topic
    assert "I 2020 kosta ein heil plass" in topic and "I 2020 kostet en hel plass" in topic
    assert "https://alesund.kommune.no/barnehage/pris/" in topic
    assert eva.get("/admin/topics/finst-ikkje").status_code == 404


def test_edit_history_revert(site) -> None:
    eva = site.client("eva")
    eva.get("/admin/topics/barnehage")
    new_nn = "Ein heil plass kostar 1 200 kroner i månaden frå august."
    response = eva.post(
        "/admin/topics/barnehage/answers/price",
        {"text_nn": new_nn, "text_nb": "I 2020 kostet en hel plass 3 135 kroner i måneden.", "verified_today": "1"},
    )
    assert response.url.endswith("done=saved#answer-price")
    assert new_nn in response.text and "Endringa er lagra" in response.text
    stored = db_value(
        site,
        "SELECT a.text_nn FROM answers a JOIN topics t ON t.id = a.topic_id "
        "WHERE t.key='barnehage' AND a.aspect='price'",
    )
    assert stored == new_nn
    history = eva.get("/admin/history").text
    assert "barnehage/price" in history and new_nn in history and "I 2020 kosta ein heil plass" in history
    change_id = db_value(
        site, "SELECT max(id) FROM kb_changes WHERE target='barnehage/price' AND field='text_nn' AND who='eva'"
    )
    response = eva.post(f"/admin/history/{change_id}/revert")
    assert response.url.endswith("done=reverted")
    assert "I 2020 kosta ein heil plass" in eva.get("/admin/topics/barnehage").text
    assert f"angrar #{change_id}" in eva.get("/admin/history").text


def test_bad_input_gets_a_clear_message(site) -> None:
    eva = site.client("eva")
    eva.get("/admin/topics/barnehage")
    response = eva.post("/admin/topics/barnehage/answers/about", {"text_nn": "x", "source": "javascript:alert(1)"})
    assert response.status_code == 400 and "Kjelda må vere ei nettadresse" in response.text
    response = eva.post("/admin/topics/barnehage/answers/hours", {"text_nn": "", "text_nb": ""})
    assert response.status_code == 400 and "minst éi målform" in response.text
    response = eva.post("/admin/topics/barnehage/answers/about", {"source_date": "i fjor"})
    assert response.status_code == 400 and "Kjeldedatoen" in response.text


def test_example_questions(site) -> None:
    eva = site.client("eva")
    eva.get("/admin/topics/barnehage")
    response = eva.post(
        "/admin/topics/barnehage/answers/deadline/examples", {"text": "når må eg søkje om plass", "malform": "nn"}
    )
    assert response.url.endswith("done=example#answer-deadline")
    assert "når må eg søkje om plass" in response.text
    again = eva.post(
        "/admin/topics/barnehage/answers/deadline/examples", {"text": "når må eg søkje om plass", "malform": "nn"}
    )
    assert again.status_code == 400 and "står alt" in again.text
    example_id = db_value(site, "SELECT id FROM example_questions WHERE text='når må eg søkje om plass'")
    eva.get("/admin/topics/barnehage")
    assert eva.post(f"/admin/examples/{example_id}/delete").url.endswith("done=removed#answer-deadline")
    assert db_value(site, "SELECT count(*) FROM example_questions WHERE text='når må eg søkje om plass'") == 0


def test_create_retire_and_restore_a_topic(site) -> None:
    eva = site.client("eva")
    eva.get("/admin/topics/new")
    response = eva.post(
        "/admin/topics/new", {"key": "symjehall", "kind": "service", "name_nn": "Symjehall", "name_nb": "Svømmehall"}
    )
    assert response.url.endswith("/admin/topics/symjehall?done=created")
    response = eva.post(
        "/admin/topics/symjehall/answers/hours",
        {"text_nn": "Symjehallen er open kvar dag.", "text_nb": "Svømmehallen er åpen hver dag."},
    )
    assert "Svømmehallen er åpen hver dag." in response.text
    assert eva.post("/admin/topics/symjehall/retire").url.endswith("done=retired")
    assert eva.get("/admin/topics/symjehall").status_code == 404
    retired = db_value(site, "SELECT max(id) FROM kb_changes WHERE target='symjehall' AND field='topic'")
    eva.get("/admin/history")
    eva.post(f"/admin/history/{retired}/revert")
    restored = eva.get("/admin/topics/symjehall").text
    assert "Svømmehallen er åpen hver dag." in restored  # with its answers


def test_kb_import_refuses_unexported_edits(site, tmp_path) -> None:
    eva = site.client("eva")
    eva.get("/admin/topics/eigedomsskatt")
    eva.post("/admin/topics/eigedomsskatt", {"name_nn": "Eigedomsskatt", "name_nb": "Eiendomsskatt", "url": ""})
    eva.post("/admin/topics/eigedomsskatt/answers/about", {"review": "Sjekk satsane for i år."})
    assert "ikkje eksporterte" in eva.get("/admin/").text
    result = kb(site, "import", "--dir", str(REPO / "tests/kb/fixtures/knowledge"))
    assert result.returncode == 1
    assert "not in the YAML files yet" in result.stderr and "python -m kari kb export" in result.stderr
    assert "Sjekk satsane for i år." in eva.get("/admin/topics/eigedomsskatt").text  # nothing lost
    exported = tmp_path / "knowledge"
    assert kb(site, "export", "--dir", str(exported)).returncode == 0
    assert "Sjekk satsane for i år." in (exported / "services.yml").read_text(encoding="utf-8")
    assert "ikkje eksporterte" not in eva.get("/admin/").text
    result = kb(site, "import", "--dir", str(exported))
    assert result.returncode == 0, result.stderr
    assert "Sjekk satsane for i år." in eva.get("/admin/topics/eigedomsskatt").text


def test_history_and_revert_from_the_command_line(site) -> None:
    eva = site.client("eva")
    eva.get("/admin/topics/startlan")
    eva.post("/admin/topics/startlan", {"name_nn": "Startlån frå kommunen"})
    change_id = db_value(site, "SELECT max(id) FROM kb_changes WHERE target='startlan' AND field='name_nn'")

    def staff(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kari", "staff", *args],
            env={**os.environ, **site.env, "PYTHONPATH": str(REPO)},
            cwd=REPO,
            capture_output=True,
            text=True,
        )

    listed = staff("history", "--target", "startlan")
    assert f"#{change_id} " in listed.stdout and "Startlån frå kommunen" in listed.stdout
    assert staff("revert", str(change_id), "--as", "eva").returncode == 0
    assert "Startlån frå kommunen" not in eva.get("/admin/topics/startlan").text
    again = staff("revert", "999999", "--as", "eva")
    assert again.returncode == 1 and "finst ikkje" in again.stderr and "Traceback" not in again.stderr
