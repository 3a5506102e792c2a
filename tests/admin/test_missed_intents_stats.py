"""What Kari missed (from tracker events), intents written back to data/nlu/, and the statistics page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from kari.admin.missed import group, misses_in
from kari.stack import free_port

T = dt.datetime(2026, 11, 30, 10, tzinfo=dt.timezone.utc).timestamp()  # a Monday, 11.00 in Oslo
SATURDAY = dt.datetime(2026, 11, 28, 12, tzinfo=dt.timezone.utc).timestamp()


def user(text: str, intent: str = "ask_about", malform: str = "nn") -> dict:
    return {
        "event": "user",
        "text": text,
        "timestamp": T,
        "parse_data": {"intent": {"name": intent}, "entities": [{"entity": "malform", "value": malform}]},
    }


def bot(**note) -> dict:
    return {"event": "bot", "text": "…", "timestamp": T, "metadata": {"kari": note}}


def action(name: str) -> dict:
    return {"event": "action", "name": name, "timestamp": T}


def test_each_kind_of_miss_is_found_and_masked() -> None:
    events = [
        user("kva kostar ein flybillett til Tromsø, ring meg på 912 34 567"),
        action("action_answer"),
        bot(failed=True),
        user("bustad", malform="nb"),
        action("action_answer"),
        bot(failed=True, options=['/ask_about{"topic":"kommunal-bustad"}']),
        user("noko heilt anna"),  # the question back was not clicked
        action("action_answer"),
        bot(found=True, topic="barnehage", aspect="price"),
        user("/feedback_bad", intent="feedback_bad"),
        user("eg vil snakke med nokon om skatt"),
        action("action_handover"),
        bot(),
    ]
    found = [(m.text, m.reason, m.malform) for m in misses_in(events)]
    assert found[0][1] == "unknown" and "912 34 567" not in found[0][0] and "flybillett" in found[0][0]
    assert ("bustad", "clarify", "nb") in found
    assert ("noko heilt anna", "not_helpful", "nn") in found
    assert ("eg vil snakke med nokon om skatt", "handover", "nn") in found
    assert len(found) == 4


def test_a_second_miss_in_a_row_is_a_handover_but_out_of_scope_is_no_miss() -> None:
    events = [
        user("kva er vêret i morgon"),
        action("action_answer"),
        bot(),  # out of scope / another municipality: a plain note, no miss before it
        user("kan de hjelpe med pass"),
        action("action_answer"),
        bot(failed=True),
        user("kva med førarkort då"),
        action("action_answer"),
        bot(),  # Kari gives up and names a person to talk to
    ]
    assert [(m.text, m.reason) for m in misses_in(events)] == [
        ("kan de hjelpe med pass", "unknown"),
        ("kva med førarkort då", "handover"),
    ]


def test_a_clicked_question_back_is_no_miss() -> None:
    payload = '/ask_about{"topic":"kommunal-bustad"}'
    events = [user("bustad"), action("action_answer"), bot(failed=True, options=[payload]), user(payload)]
    assert list(misses_in(events)) == []


def test_similar_wordings_are_grouped() -> None:
    events = []
    for text in (
        "Kva kostar symjehallen?",
        "kva kostar symjehallen",
        "kva kostar SYMJEHALLEN!!",
        "når er bassenget ope",
    ):
        events += [user(text), action("action_answer"), bot(failed=True)]
        events += [user("hei", intent="greet"), action("utter_greet")]  # keeps each miss apart
    groups = group(list(misses_in(events)))
    assert [g.count for g in groups] == [3, 1]
    assert groups[0].text.lower().startswith("kva kostar symjehallen")


def test_intent_examples_are_written_back_as_valid_yaml(site) -> None:
    trainer = site.client("tor")
    assert "ask_price" in trainer.get("/admin/intents").text
    page = trainer.get("/admin/intents/ask_price")
    assert page.status_code == 200
    response = trainer.post(
        "/admin/intents/ask_price/examples", {"text": "kva må ein ut med for symjehallen", "malform": "nn"}
    )
    assert response.url.endswith("done=trained")
    assert "kva må ein ut med for symjehallen" in response.text
    staff_file = Path(site.env["KARI_NLU_DIR"]) / "staff.yml"
    data = yaml.safe_load(staff_file.read_text(encoding="utf-8"))
    assert data["nlu"][0]["intent"] == "ask_price" and data["nlu"][0]["metadata"] == {"malform": "nn"}
    from rasa.shared.nlu.training_data.loading import load_data

    loaded = load_data(str(staff_file))
    assert [m.get("text") for m in loaded.intent_examples] == ["kva må ein ut med for symjehallen"]
    duplicate = trainer.post(
        "/admin/intents/ask_about/examples", {"text": "kva må ein ut med for symjehallen", "malform": "nn"}
    )
    assert duplicate.status_code == 400 and "ask_price" in duplicate.text
    trainer.get("/admin/intents/ask_price")
    removed = trainer.post(
        "/admin/intents/ask_price/examples/delete", {"text": "kva må ein ut med for symjehallen", "malform": "nn"}
    )
    assert removed.url.endswith("done=removed")
    assert "symjehallen" not in staff_file.read_text(encoding="utf-8")
    assert site.client("eva").get("/admin/intents").status_code == 403  # editors do not change intents


def test_hand_written_examples_are_edited_in_place(site) -> None:
    nlu = Path(site.env["KARI_NLU_DIR"])
    before = {p.name: p.read_text(encoding="utf-8") for p in nlu.glob("*.yml")}
    trainer = site.client("tor")
    trainer.get("/admin/intents/ask_about")
    response = trainer.post(
        "/admin/intents/ask_about/examples/edit",
        {"malform": "nn", "old": "kva er kulturskulen", "text": "kva er eigentleg kulturskulen"},
    )
    assert response.url.endswith("done=trained") and "kva er eigentleg kulturskulen" in response.text
    after = (nlu / "knowledge_questions.yml").read_text(encoding="utf-8")
    expected = before["knowledge_questions.yml"].replace("- kva er kulturskulen\n", "- kva er eigentleg kulturskulen\n")
    assert after == expected  # one line changed, comments and layout kept
    trainer.post(
        "/admin/intents/ask_about/examples/edit",
        {"malform": "nn", "old": "kva er eigentleg kulturskulen", "text": "", "remove": "1"},
    )
    removed = (nlu / "knowledge_questions.yml").read_text(encoding="utf-8")
    assert removed == before["knowledge_questions.yml"].replace("    - kva er kulturskulen\n", "")
    from rasa.shared.nlu.training_data.loading import load_data

    assert load_data(str(nlu / "knowledge_questions.yml")).intent_examples  # Rasa still reads it


def test_a_trainer_creates_an_intent_rasa_can_train_and_removes_it_again(site) -> None:
    project = Path(site.env["KARI_NLU_DIR"]).parent.parent
    domain_before = (project / "domain.yml").read_text(encoding="utf-8")
    rules_before = (project / "data" / "rules.yml").read_text(encoding="utf-8")
    trainer = site.client("tor")
    trainer.get("/admin/intents")
    typed = {"name": "Ask Parking!", "examples_nn": "kor kan eg parkere i sentrum", "examples_nb": ""}
    refused = trainer.post("/admin/intents", typed)
    assert refused.status_code == 400 and "små bokstavar" in refused.text
    assert "kor kan eg parkere i sentrum" in refused.text  # what was typed is kept in the form
    taken = trainer.post("/admin/intents", {**typed, "name": "ask_parking", "examples_nb": "heisann"})
    assert taken.status_code == 400 and "greet" in taken.text  # an example of another intent is refused
    created = trainer.post(
        "/admin/intents",
        {
            "name": "ask_parking",
            "examples_nn": "kor kan eg parkere i sentrum\nkva kostar det å parkere ved rådhuset\n",
            "examples_nb": "hvor kan jeg parkere bilen\nhva koster parkering i sentrum",
        },
    )
    assert created.url.endswith("/admin/intents/ask_parking?done=intent"), created.url
    assert "hvor kan jeg parkere bilen" in created.text and "Fjern intensjonen ask_parking" in created.text
    assert 'href="/admin/intents/ask_parking"' in trainer.get("/admin/intents").text
    editor = site.client("eva")
    editor.get("/admin/")
    assert editor.post("/admin/intents", {"name": "ask_snow"}).status_code == 403  # editors do not change intents

    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    from kari.knowledge.db import REPO

    data = [str(project / "data" / "nlu"), str(project / "data" / "rules.yml"), str(REPO / "data" / "stories.yml")]
    importer = TrainingDataImporter.load_from_config(str(REPO / "config.yml"), str(project / "domain.yml"), data)
    assert "ask_parking" in importer.get_domain().intents
    validator = Validator.from_importer(importer)
    assert validator.verify_intents(ignore_warnings=False)  # what `rasa data validate --fail-on-warnings` checks
    assert validator.verify_intents_in_stories(ignore_warnings=False)
    assert validator.verify_example_repetition_in_intents(ignore_warnings=False)
    rule = [r for r in yaml.safe_load((project / "data" / "rules.yml").read_text())["rules"] if "ask_parking" in str(r)]
    steps = [{"intent": "ask_parking"}, {"action": "action_answer"}]
    assert rule == [{"rule": "staff intent ask_parking", "steps": steps}]

    trainer.get("/admin/intents/ask_about")
    assert trainer.post("/admin/intents/ask_about/remove").status_code == 400  # hand-written intents stay
    trainer.get("/admin/intents/ask_parking")
    removed = trainer.post("/admin/intents/ask_parking/remove")
    assert removed.url.endswith("/admin/intents?done=intent_removed")
    assert 'href="/admin/intents/ask_parking"' not in removed.text
    assert (project / "domain.yml").read_text(encoding="utf-8") == domain_before
    assert (project / "data" / "rules.yml").read_text(encoding="utf-8") == rules_before
    assert "parkere" not in (project / "data" / "nlu" / "staff.yml").read_text(encoding="utf-8")


def test_missed_and_stats_pages_load_without_conversations(site) -> None:
    eva = site.client("eva")
    assert "Ingen bom enno." in eva.get("/admin/missed").text
    stats = eva.get("/admin/stats")
    assert stats.status_code == 200 and "Spørsmål i alt: 0" in stats.text


def tracker_with(path: Path, conversations: dict[str, list[dict]]) -> str:
    """A tracker store file with Rasa's `events` table holding `conversations`."""
    import json

    import sqlalchemy as sa

    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, "
            "intent_name TEXT, action_name TEXT, data TEXT)"
        )
        for sender, events in conversations.items():
            for e in events:
                conn.execute(
                    sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                    {"s": sender, "t": e["event"], "ts": e["timestamp"], "d": json.dumps(e)},
                )
    engine.dispose()
    return url


def test_figures_and_chart(tmp_path: Path) -> None:
    from kari.admin import stats
    from kari.admin.missed import read_misses
    from kari.knowledge.db import dispose_engines, session_scope
    from tests.admin.conftest import FIXTURES, import_kb

    url = tracker_with(
        tmp_path / "tracker.db",
        {
            "a": [user("kva kostar barnehage"), action("action_answer"), bot(found=True, topic="barnehage")],
            "b": [user("kva er flybillett", malform="nb"), action("action_answer"), bot(failed=True)],
            "c": [{**user("hei", intent="greet"), "timestamp": SATURDAY}],
        },
    )
    kb_url = f"sqlite:///{tmp_path / 'kari.db'}"
    import_kb({"KARI_DATABASE_URL": kb_url}, FIXTURES)
    with session_scope(kb_url) as db:
        figures = stats.collect(db, url)
    dispose_engines()
    assert figures.questions == 3 and figures.answered == 1 and figures.share(figures.answered) == "33 %"
    assert figures.outside_hours == 1  # Saturday; Monday 11.00 Oslo time is inside the desk's hours
    assert figures.per_malform == {"nn": 2, "nb": 1}
    assert figures.per_week == {"2026-V48": 1, "2026-V49": 2}
    assert figures.topic_table() == (["2026-V48", "2026-V49"], [("barnehage", [0, 1])])
    chart = stats.bars("Spørsmål per veke", sorted(figures.per_week.items()))
    assert chart.startswith("<svg") and 'role="img"' in chart and "<title>Spørsmål per veke</title>" in chart
    assert [m.text for m in read_misses(url)] == ["kva er flybillett"]


def test_train_and_check_promotes_only_a_model_that_is_not_worse(tmp_path: Path, monkeypatch) -> None:
    from kari.admin import training

    live, candidate = tmp_path / "current.tar.gz", tmp_path / "candidate.tar.gz"
    live.write_text("old model")
    candidate.write_text("new model")
    for name, value in {
        "WORK": tmp_path,
        "STATE": tmp_path / "job.json",
        "CANDIDATE": candidate,
        "PREVIOUS": tmp_path / "previous.tar.gz",
        "DEFAULT_MODEL": live,
    }.items():
        monkeypatch.setattr(training, name, value)
    scores = {"live": {"intent F1 nn": 0.96, "intent F1 nb": 0.95}, "candidate": {}}

    # The slow steps (rasa data validate, rasa train, the evaluations) are replaced by fakes.
    monkeypatch.setattr(training, "figures", lambda model: scores["live" if model == live else "candidate"])
    monkeypatch.setattr(training, "_validate", lambda: "ok")
    monkeypatch.setattr(training, "_train", lambda: "ok")
    # No Rasa answers here: the promoted file is in place and the page says the next start loads it.
    monkeypatch.setenv("KARI_RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("KARI_RASA_TOKEN", "not-used")
    scores["candidate"] = {"intent F1 nn": 0.97, "intent F1 nb": 0.94}
    state = training.run_job("tor")
    assert state["status"] == "worse" and state["worse"] == ["intent F1 nb: 0.950 → 0.940"]
    assert live.read_text() == "old model" and state["steps"][-1]["status"] == "skipped"
    scores["candidate"] = {"intent F1 nn": 0.96, "intent F1 nb": 0.951}
    state = training.run_job("tor")
    assert state["status"] == "promoted" and live.read_text() == "new model"
    load = training.read_state()["steps"][-1]
    assert load["status"] == "not_loaded" and "Rasa svarte ikkje" in load["detail"]
    assert "neste gong Rasa startar" in load["detail"]
    state = training.run_restore("tor")
    assert state["status"] == "restored" and live.read_text() == "old model"
    assert state["steps"][-1]["status"] == "not_loaded"


def test_training_page_is_for_trainers(site) -> None:
    assert site.client("eva").get("/admin/training").status_code == 403
    page = site.client("tor").get("/admin/training")
    assert page.status_code == 200 and "Tren og sjekk no" in page.text
    assert "Modellen i bruk:" in page.text  # no Rasa here: the line says why it cannot tell


def test_intents_from_the_command_line(tmp_path, monkeypatch, capsys) -> None:
    import shutil

    from kari.admin.cli import main
    from kari.knowledge.db import REPO

    shutil.copytree(REPO / "data" / "nlu", tmp_path / "data" / "nlu")
    shutil.copy(REPO / "data" / "rules.yml", tmp_path / "data" / "rules.yml")
    shutil.copy(REPO / "domain.yml", tmp_path / "domain.yml")
    monkeypatch.setenv("KARI_NLU_DIR", str(tmp_path / "data" / "nlu"))
    assert main(["intent-create", "ask_snow", "--nn", "kven brøyter vegen min", "--nb", "hvem brøyter veien"]) == 0
    assert main(["example-add", "ask_snow", "nn", "når kjem brøytebilen"]) == 0
    assert main(["intent-create", "ask snow", "--nn", "a", "--nn", "b"]) == 1
    assert main(["intent-remove", "ask_price"]) == 1
    out, err = capsys.readouterr()
    assert "små bokstavar" in err and "ask_price" in err and "Traceback" not in err
    main(["intents"])
    assert "ask_snow             nn    2  nb    1  (made by staff" in capsys.readouterr().out
    assert main(["intent-remove", "ask_snow"]) == 0
    assert (tmp_path / "domain.yml").read_text(encoding="utf-8") == (REPO / "domain.yml").read_text(encoding="utf-8")
