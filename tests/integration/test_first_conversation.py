"""Issue 2: a first conversation works in both written standards, through the real servers."""

import pytest

from tests.support.chat import reply_text, say

pytestmark = pytest.mark.stack

CASES = [
    # (what the citizen writes, written standard of the reply, words the reply must contain:
    #  at least one of them exists only in that written standard)
    ("Hei, kven er du?", "nn", ["Eg er Kari"]),
    ("Hei, hvem er du?", "nb", ["Jeg er Kari"]),
    ("hei", "nn", ["Eg er Kari"]),
    ("god morgen, jeg lurer på noe", "nb", ["Hva lurer du på"]),
    ("tusen takk for hjelpa", "nn", ["hyggeleg"]),
    ("takk skal du ha, jeg fikk svar på det jeg lurte på", "nb", ["hyggelig"]),
    ("ha det bra, eg må gå no", "nn", ["velkomen"]),
    ("snakker jeg med en robot?", "nb", ["en chatbot", "70 16 20 00"]),
    ("er du eit menneske eller ein robot", "nn", ["ein chatbot", "70 16 20 00"]),
    ("kven vinn stortingsvalet?", "nn", ["kan eg dessverre ikkje", "70 16 20 00", "postmottak@alesund.kommune.no"]),
    (
        "hva blir været i Oslo i morgen",
        "nb",
        ["kan jeg dessverre ikke", "70 16 20 00", "postmottak@alesund.kommune.no"],
    ),
]


@pytest.mark.parametrize("text,malform,expected", CASES, ids=[c[0] for c in CASES])
def test_reply_in_the_citizens_written_standard(kari_stack, text, malform, expected):
    answer = reply_text(say(kari_stack.rasa_url, text))
    for words in expected:
        assert words in answer


def test_written_standard_persists_across_turns(kari_stack):
    say(kari_stack.rasa_url, "Hvordan søker jeg om barnehageplass?", sender="persist")
    answer = reply_text(say(kari_stack.rasa_url, "takk", sender="persist"))
    assert "Bare hyggelig" in answer, answer


def test_unknown_standard_defaults_to_nynorsk(kari_stack):
    answer = reply_text(say(kari_stack.rasa_url, "ok takk"))
    assert "Berre hyggeleg" in answer, answer
