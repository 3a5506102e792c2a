"""References to the last list Kari showed: "den første", "det andre prosjektet", "nummer 3", "den siste".

Uses rasa_sdk's mention vocabulary ("1" … "10", "LAST") and the slot that holds the listed objects
(`knowledge_base_listed_objects`), so the lists behave like rasa_sdk's knowledge-base actions.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from rasa_sdk.knowledge_base.utils import SLOT_LISTED_OBJECTS

LISTED_SLOT = SLOT_LISTED_OBJECTS

# rasa_sdk's ordinal mention mapping (InMemoryKnowledgeBase), without "ANY" (a random pick is no answer).
ORDINAL_MENTION_MAPPING: dict[str, Callable[[Sequence[str]], str]] = {
    **{str(n): (lambda lst, i=n - 1: lst[i]) for n in range(1, 11)},
    "LAST": lambda lst: lst[-1],
}

_ORDINALS = {
    "første": "1",
    "fyrste": "1",
    "forste": "1",
    "andre": "2",
    "tredje": "3",
    "fjerde": "4",
    "femte": "5",
    "sjette": "6",
    "sjuande": "7",
    "sjuende": "7",
    "syvende": "7",
    "åttande": "8",
    "åttende": "8",
    "niande": "9",
    "niende": "9",
    "tiande": "10",
    "tiende": "10",
    "siste": "LAST",
    "øvste": "1",
    "øverste": "1",
    "nedste": "LAST",
    "nederste": "LAST",
}
_WORD = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_DET = r"(?:den|det|nr\.?|nummer)"  # not "dei/de andre" (= the others)
# Definite nouns only: "andre prosjektet" is the second one, "andre prosjekt" means other projects.
_NOUNS = (
    r"(?:prosjektet|partnaren|partneren|samarbeidet|samarbeidspartnaren|samarbeidspartneren|"
    r"tenesta|tjenesten|punktet|alternativet|aktiviteten)"
)
_PATTERNS = [
    re.compile(rf"\b{_DET}\s+({_WORD})\b"),  # den første, det andre, dei siste
    re.compile(rf"\b({_WORD})\s+{_NOUNS}\b"),  # andre prosjektet, første partnaren
    re.compile(rf"^\s*({_WORD})\s*[.!?]*\s*$"),  # bare "første"
]
_NUMBER_WORDS = {
    "ein": "1",
    "en": "1",
    "éin": "1",
    "én": "1",
    "eitt": "1",
    "ett": "1",
    "to": "2",
    "tre": "3",
    "fire": "4",
    "fem": "5",
    "seks": "6",
    "sju": "7",
    "syv": "7",
    "åtte": "8",
    "ni": "9",
    "ti": "10",
}
_NUMBER_WORD = re.compile(r"\b(?:nr\.?|nummer)\s*(" + "|".join(_NUMBER_WORDS) + r")\b")
_NUMBER = [
    re.compile(r"\b(?:nr\.?|nummer)\s*(\d{1,2})\b"),  # nummer 3, nr. 2
    re.compile(r"^\s*(\d{1,2})\s*\.?\s*[!?]*\s*$"),  # bare "2" or "2."
    re.compile(r"\bden\s+(\d{1,2})\.\s"),  # den 2. i lista
]


def find_mention(text: str) -> str | None:
    """The ordinal mention in `text` in rasa_sdk's vocabulary ("1"…"10", "LAST"), else None."""
    low = (text or "").casefold()
    word = _NUMBER_WORD.search(low)
    if word:
        return _NUMBER_WORDS[word.group(1)]
    for pattern in _NUMBER:
        match = pattern.search(low)
        if match and 1 <= int(match.group(1)) <= 10:
            return str(int(match.group(1)))
    for pattern in _PATTERNS:
        match = pattern.search(low)
        if match:
            return _ORDINALS[match.group(1)]
    return None


def resolve(mention: str | None, listed: Sequence[str] | None) -> str | None:
    """The listed object the mention points to, or None (no list, no mention, out of range)."""
    if not mention or not listed or mention not in ORDINAL_MENTION_MAPPING:
        return None
    try:
        return ORDINAL_MENTION_MAPPING[mention](list(listed))
    except IndexError:
        return None
