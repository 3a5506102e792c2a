"""English messages: Kari understands them and answers in Bokmål (its knowledge exists in Nynorsk and
Bokmål only); emergency replies are given in English too."""

from __future__ import annotations

import re

# Common English words that are not also Norwegian words ("i", "to", "by", "for", "man" are both).
_ENGLISH = frozenset(
    """the is are was what where when who how which can could would should do does
did my your our their there this that these with from about have has need want get please thanks
thank you hello hi know tell much many cost price open hours apply help someone somebody not
breathing call fire police kid child kindergarten school doctor waste garbage bin""".split()
)
_WORD = re.compile(r"[a-zæøå']+")


def is_english(text: str) -> bool:
    """True when at least half the words (and at least two) are common English words."""
    words = _WORD.findall((text or "").casefold())
    hits = sum(w in _ENGLISH for w in words)
    return hits >= 2 and hits * 2 >= len(words)


def reply_standard(malform: str | None, text: str) -> str:
    """The written standard to reply in: the conversation's, but Bokmål for a message in English."""
    if is_english(text):
        return "nb"
    return "nb" if malform == "nb" else "nn"
