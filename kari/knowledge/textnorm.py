"""Text normalisation for the topic linker: case, punctuation, diacritics, inflection, typos.

Plain Python on purpose: the linker runs in the action server for every question, and a regex
tokenizer plus a light suffix stripper covers what we need without loading spaCy there.
"""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[0-9a-z]+")
# Norwegian definite/plural endings (both standards), longest first. Stripping them maps
# barnehage, barnehagen, barnehagar, barnehager, barnehagane, barnehagene → "barnehag".
_SUFFIXES = ("ane", "ene", "ar", "er", "en", "et", "a", "e")
_MIN_STEM = 3


def fold(text: str) -> str:
    """Lower-case ASCII skeleton: å/aa→a, ø→o, æ→ae, other accents dropped, punctuation kept."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("æ", "ae").replace("ø", "o").replace("å", "a").replace("aa", "a")
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Folded word tokens; punctuation and hyphens separate words."""
    return _TOKEN.findall(fold(text))


def stem(token: str) -> str:
    """Strip one inflection ending when a stem of at least three letters remains."""
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            return token[: -len(suffix)]
    return token


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    # b is one longer: skipping one character of b must give a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
