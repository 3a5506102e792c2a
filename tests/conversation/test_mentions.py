"""References to the last list: rasa_sdk's mention vocabulary."""

import pytest

from kari.conversation.mentions import find_mention, resolve

LIST = ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "text,mention",
    [
        ("den første", "1"),
        ("det fyrste prosjektet på lista", "1"),
        ("det andre prosjektet", "2"),
        ("fortell mer om det andre prosjektet", "2"),
        ("kven kan eg kontakte om den tredje?", "3"),
        ("den siste", "LAST"),
        ("den nederste på listen", "LAST"),
        ("den øvste på lista", "1"),
        ("nummer 3", "3"),
        ("nr. 2", "2"),
        ("nummer to", "2"),
        ("2", "2"),
        ("første", "1"),
        # not references: "other"/"the others", no ordinal at all
        ("har de andre prosjekt", None),
        ("kva gjer dei andre partnarane", None),
        ("ein annan ting", None),
        ("kva kostar barnehage", None),
        ("eg har 2 born i barnehagen", None),
    ],
)
def test_find_mention(text, mention):
    assert find_mention(text) == mention


def test_resolve_against_the_list():
    assert resolve("1", LIST) == "a" and resolve("2", LIST) == "b" and resolve("LAST", LIST) == "d"
    assert resolve("9", LIST) is None  # beyond the list
    assert resolve("1", []) is None and resolve(None, LIST) is None
