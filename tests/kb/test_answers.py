"""Composed replies: right standard, source link, cautions, derived aspects, honest gaps."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from kari.knowledge.answers import answer
from kari.knowledge.db import session_scope
from kari.knowledge.models import Answer, Topic

PHONE = "70 16 20 00"


def reply(key, aspect, malform):
    with session_scope() as s:
        return answer(s, key, aspect, malform)


def test_answer_in_each_standard_ends_with_source(kb):
    nn = reply("barnehage", "apply", "nn")
    nb = reply("barnehage", "apply", "nb")
    assert nn.text.startswith("Du søkjer barnehageplass") and nn.found and nn.topic == "barnehage"
    assert nb.text.startswith("Du søker barnehageplass")
    assert nn.text.endswith("Kjelde: https://alesund.kommune.no/barnehage/soknad/")
    assert nb.text.endswith("Kilde: https://alesund.kommune.no/barnehage/soknad/")


def test_unknown_standard_means_nynorsk(kb):
    assert reply("barnehage", "apply", None).text.startswith("Du søkjer")


def test_empty_standard_falls_back_to_the_other(kb):
    with session_scope() as s:
        s.execute(update(Answer).where(Answer.aspect == "deadline").values(text_nb=""))
    assert "hovudopptaket" in reply("barnehage", "deadline", "nb").text


def test_review_note_adds_a_caution_before_the_source(kb):
    nn = reply("barnehage", "price", "nn").text
    nb = reply("barnehage", "price", "nb").text
    assert "3 135" in nn and "Dette kan vere utdatert" in nn and PHONE in nn
    assert "Dette kan være utdatert" in nb
    assert nn.index("utdatert") < nn.index("Kjelde:")
    assert "utdatert" not in reply("barnehage", "apply", "nn").text


def test_answer_without_source_uses_topic_url_or_nothing(kb):
    text = reply("eigedomsskatt", "about", "nb").text
    assert text.endswith("Kilde: https://alesund.kommune.no/eigedomsskatt/")


@pytest.mark.parametrize("malform,expected", [
    ("nn", "Eg har dessverre ikkje opningstider for Barnehage."),
    ("nb", "Jeg har dessverre ikke åpningstider for Barnehage."),
])
def test_missing_aspect_names_the_topic_and_never_another(kb, malform, expected):
    r = reply("barnehage", "hours", malform)
    assert r.text.startswith(expected) and not r.found
    assert PHONE in r.text and "postmottak@alesund.kommune.no" in r.text
    assert "Legevakt" not in r.text and "3 135" not in r.text


def test_missing_aspect_uses_the_topic_name_in_that_standard(kb):
    assert "Eiendomsskatt" in reply("eigedomsskatt", "price", "nb").text
    assert "Eigedomsskatt" in reply("eigedomsskatt", "price", "nn").text


@pytest.mark.parametrize("key", [None, "", "finst-ikkje"])
def test_unknown_topic_is_honest(kb, key):
    assert reply(key, "about", "nn").text == ("Det veit eg dessverre ikkje sikkert. Ring Ålesund kommune på "
                                              "70 16 20 00 eller skriv til postmottak@alesund.kommune.no.")
    assert reply(key, "about", "nb").text.startswith("Det vet jeg dessverre ikke sikkert.")


def test_web_is_the_topic_url(kb):
    assert reply("barnehage", "web", "nn").text == "Nettsida til Barnehage: https://alesund.kommune.no/barnehage/"
    assert reply("barnehage", "web", "nb").text == "Nettsiden til Barnehage: https://alesund.kommune.no/barnehage/"
    assert not reply("startlan", "web", "nn").found


def test_projects_of_a_partner_numbered(kb):
    text = reply("ntnu", "projects", "nb").text
    assert "1. Grønn campus\n2. Lær kidsa koding" in text
    assert text.endswith("Kilde: https://www.ntnu.no/alesund")
    assert not reply("barnehage", "projects", "nn").found


def test_partner_of_a_project(kb):
    nn = reply("gronn-campus", "partner", "nn").text
    assert "Grønn campus" in nn and "NTNU" in nn
    assert "NExTdigital" in reply("kunstig-intelligens", "partner", "nb").text
    assert not reply("barnehage", "partner", "nn").found


def test_partnerships_lists_all_partners(kb):
    text = reply(None, "partnerships", "nn").text
    assert "1. NExTdigital\n2. NTNU" in text and "Kjelde: https://alesund.kommune.no/" in text
    with session_scope() as s:
        s.add(Topic(key="akp", kind="partner", name_nn="ÅKP Blue Innovation Arena", name_nb="ÅKP Blue Innovation Arena"))
    assert "ÅKP Blue Innovation Arena" in reply(None, "partnerships", "nb").text


def test_edit_in_database_is_used_at_once(kb):
    with session_scope() as s:
        row = s.execute(select(Answer).join(Topic).where(Topic.key == "barnehage", Answer.aspect == "deadline")).scalar_one()
        row.text_nn = "Fristen er no 15. februar."
    assert reply("barnehage", "deadline", "nn").text.startswith("Fristen er no 15. februar.")
