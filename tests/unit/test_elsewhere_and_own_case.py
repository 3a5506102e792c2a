"""Questions Kari must not answer with Ålesund's facts: another municipality's services, and a citizen's
own case (which only a case officer can see)."""

from __future__ import annotations

import pytest

from kari.conversation.elsewhere import other_municipality
from kari.conversation.own_case import asks_about_own_case


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Kva er opningstidene på servicetorget i Giske kommune?", "Giske"),
        ("vi flytter til Molde, hvordan søke barnehage der", "Molde"),
        ("kor søke e barnehage i volda kommune", "Volda"),
        ("skulane i ørsta", "Ørsta"),
        ("kva kostar barnehage i fjord kommune", "Fjord"),
    ],
)
def test_another_municipality_is_named(text, place):
    assert other_municipality(text) == place


@pytest.mark.parametrize(
    "text",
    [
        "Eg flytta frå Bergen i fjor, korleis søkjer eg barnehage?",  # where the citizen comes from
        "barnehage i Ålesund eller Sula, kva er billigast",  # Ålesund is named: its answer is wanted
        "kva skjer i fjorden",  # "fjord" is a word, not only a municipality
        "kva kostar sfo",
        "Kan eg ta båten til Sandøy?",  # part of Ålesund since 2020
    ],
)
def test_no_other_municipality(text):
    assert other_municipality(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Kan de sjå om søknaden min om heimehjelp er motteken?",
        "kan nokon ringje meg på [telefonnummer] ang heimehjelp til mor mi",
        "fødselsnr [fødselsnummer] ha e fått fastlege no eller",
        "kor langt ner på ventelista te bhg e me no",
        "har jeg fått plass i barnehagen?",
        "Kan dere kontakte meg om saken min?",
    ],
)
def test_own_case_questions(text):
    assert asks_about_own_case(text)


@pytest.mark.parametrize(
    "text",
    [
        "korleis søkjer eg barnehageplass",
        "har eg rett på avlasting",
        "kva kostar sfo",
        "ring 113",
        "hvordan kan jeg se dokumentene i saken min?",  # how to ask for access: the knowledge base knows
    ],
)
def test_general_questions_are_not_own_cases(text):
    assert not asks_about_own_case(text)
