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


@pytest.mark.parametrize(
    "malform,expected",
    [
        ("nn", "Eg har dessverre ikkje opningstider for Barnehage."),
        ("nb", "Jeg har dessverre ikke åpningstider for Barnehage."),
    ],
)
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
    assert reply(key, "about", "nn").text == (
        "Det veit eg dessverre ikkje sikkert. Ring Ålesund kommune på "
        "70 16 20 00 eller skriv til postmottak@alesund.kommune.no."
    )
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
        s.add(
            Topic(key="akp", kind="partner", name_nn="ÅKP Blue Innovation Arena", name_nb="ÅKP Blue Innovation Arena")
        )
    assert "ÅKP Blue Innovation Arena" in reply(None, "partnerships", "nb").text


def test_edit_in_database_is_used_at_once(kb):
    with session_scope() as s:
        row = s.execute(
            select(Answer).join(Topic).where(Topic.key == "barnehage", Answer.aspect == "deadline")
        ).scalar_one()
        row.text_nn = "Fristen er no 15. februar."
    assert reply("barnehage", "deadline", "nn").text.startswith("Fristen er no 15. februar.")


def test_old_figures_say_how_old_they_are(kb):
    with session_scope() as s:  # the fixture's price text already says "I 2020": no second mention
        assert "Tala er frå" not in reply("barnehage", "price", "nn").text
        row = s.execute(
            select(Answer).join(Topic).where(Topic.key == "barnehage", Answer.aspect == "deadline")
        ).scalar_one()
        row.source_date, row.verified = "../2019", None
    nn, nb = reply("barnehage", "deadline", "nn").text, reply("barnehage", "deadline", "nb").text
    assert "1. mars. Tala er frå før 2020.\nKjelde:" in nn and "Tallene er fra før 2020." in nb
    with session_scope() as s:
        s.execute(update(Answer).where(Answer.aspect == "deadline").values(source_date="2020/2023"))
    assert "Tala er frå 2020–2023." in reply("barnehage", "deadline", "nn").text
    with session_scope() as s:  # a recent verification by staff makes the figure current
        s.execute(
            update(Answer).where(Answer.aspect == "deadline").values(verified=__import__("datetime").date.today())
        )
    assert "Tala er frå" not in reply("barnehage", "deadline", "nn").text
    with session_scope() as s:  # an undated source, or an answer that is not a figure, says nothing
        s.execute(update(Answer).values(source_date="2019", verified=None))
    assert "frå" not in reply("barnehage", "about", "nn").text.split("\n")[0].split(".")[-1]
    assert "Tala er frå 2019." in reply("barnehage", "deadline", "nn").text


def test_third_party_caution_names_the_operator_and_no_number_twice(kb):
    with session_scope() as s:
        s.execute(
            update(Topic)
            .where(Topic.key == "barnehage")
            .values(operator_nn="Barnehagekontoret (70 00 00 01)", operator_nb="Barnehagekontoret (70 00 00 01)")
        )
    nn = reply("barnehage", "price", "nn").text
    assert "Dette kan vere utdatert – sjekk kjelda eller kontakt Barnehagekontoret (70 00 00 01)." in nn
    assert PHONE not in nn
    with session_scope() as s:  # the answer itself gives the operator's number: the caution does not repeat it
        s.execute(update(Answer).where(Answer.aspect == "price").values(text_nn="Ring 70 00 00 01."))
    assert reply("barnehage", "price", "nn").text.startswith(
        "Ring 70 00 00 01. Tala er frå 2020. Dette kan vere utdatert – sjekk kjelda.\n"
    )
    with session_scope() as s:  # the municipality's own number is not repeated either
        s.execute(update(Topic).values(operator_nn=None, operator_nb=None))
        s.execute(update(Answer).where(Answer.aspect == "price").values(text_nn=f"Ring {PHONE}."))
    assert reply("barnehage", "price", "nn").text.count(PHONE) == 1


def test_emergency_sentence_opens_every_reply_about_the_topic(kb):
    with session_scope() as s:
        s.execute(
            update(Topic)
            .where(Topic.key == "barnehage")
            .values(
                emergency_nn="Er eit barn i akutt fare, ring 112.", emergency_nb="Er et barn i akutt fare, ring 112."
            )
        )
    for aspect in ("about", "price", "hours", "web"):
        assert reply("barnehage", aspect, "nn").text.startswith("Er eit barn i akutt fare, ring 112. ")
    assert reply("barnehage", "hours", "nb").text.startswith(
        "Er et barn i akutt fare, ring 112. Jeg har dessverre ikke"
    )
    assert not reply("eigedomsskatt", "about", "nn").text.startswith("Er eit barn")


def test_web_without_url_points_to_the_page_the_facts_come_from(kb):
    r = reply("gronn-campus", "web", "nn")
    assert (
        r.text == "Eg har ikkje eiga nettadresse for Grønn campus. Det eg veit om det, kjem frå https://nyealesund.no/"
    )
    assert not r.found


def test_partnerships_say_why_when_a_municipality_topic_has_a_why_answer(kb):
    with session_scope() as s:
        topic = s.execute(select(Topic).where(Topic.key == "alesund-kommune")).scalar_one()
        topic.answers.append(
            Answer(
                aspect="why",
                text_nn="Kommunen vil byggje ein innovasjonskultur.",
                text_nb="Kommunen vil bygge en innovasjonskultur.",
            )
        )
    text = reply(None, "partnerships", "nb").text
    assert (
        "1. NExTdigital\n2. NTNU\nKommunen vil bygge en innovasjonskultur.\nKilde: https://alesund.kommune.no/" in text
    )
