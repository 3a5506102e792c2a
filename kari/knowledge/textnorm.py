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


# Neighbouring keys of a Norwegian keyboard, on folded text (ø → o, æ → ae, å → a).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEAR = {(r[i], r[j]) for r in _ROWS for i in range(len(r)) for j in (i - 1, i + 1) if 0 <= j < len(r)} | {
    (u, d) for up, down in zip(_ROWS, _ROWS[1:]) for i, u in enumerate(up) for d in down[max(0, i - 1) : i + 1]
}
_NEAR |= {(b, a) for a, b in _NEAR}
_VOWELS = set("aeiouy")


def slip(a: str, b: str) -> bool:
    """Could typing one letter for the other be a typo: neighbouring keys, or two vowels (spelling)?"""
    return (a, b) in _NEAR or (a in _VOWELS and b in _VOWELS)


def within_one_edit(a: str, b: str, *, typo: bool = False) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap. With
    `typo`, a substitution counts only when it is a likely slip (`slip`): "feber" is not a typo
    of "feier" (b and i are far apart), "barnehsge" is one of "barnehage"."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return not typo or slip(a[diff[0]], b[diff[0]])
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    # b is one longer: skipping one character of b must give a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
