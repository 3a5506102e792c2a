"""The spelling normaliser gives Nynorsk, Bokmål and dialect function words one shared form."""

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from kari.nlu.normaliser import SpellingNormaliser, normalise_word


@pytest.mark.parametrize(
    "variants,shared",
    [
        (["kva", "ka", "hva", "Kva"], "hva"),
        (["korleis", "kossen", "hvordan", "åssen"], "hvordan"),
        (["ikkje", "ittje", "ikke"], "ikke"),
        (["eg", "æ", "jeg"], "jeg"),
        (["kven", "kem", "hvem"], "hvem"),
        (["kostar", "koster"], "koster"),
    ],
)
def test_variants_share_one_form(variants, shared):
    assert {normalise_word(v) for v in variants} == {shared}


def test_one_letter_typos_of_longer_words_are_corrected():
    assert normalise_word("korlies") == "hvordan"
    assert normalise_word("hvordna") == "hvordan"


def test_content_words_and_short_words_are_left_alone():
    assert normalise_word("barnehage") == "barnehage"
    assert normalise_word("sfo") == "sfo"
    assert normalise_word("kor") == "hvor"  # a listed variant, not a typo guess
    assert normalise_word("kart") == "kart"  # one edit from nothing listed at ≥ 5 letters


def test_component_rewrites_lemmas_not_the_text():
    message = Message(data={TEXT: "Korleis søkjer eg barnehageplass"})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    SpellingNormaliser().process([message])
    assert message.get(TEXT) == "Korleis søkjer eg barnehageplass"
    lemmas = [t.lemma for t in message.get(TOKENS_NAMES[TEXT])]
    assert lemmas == ["hvordan", "søke", "jeg", "barnehageplass"]
