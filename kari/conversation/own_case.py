"""A citizen's own case ("er søknaden min motteken?", "kan nokon ringje meg", "har eg fått fastlege no"):
Kari cannot open case files or call anyone, so it says so and names who can, instead of answering a
general question nobody asked."""

from __future__ import annotations

import re

from kari.knowledge.textnorm import fold

# On folded text (æ→ae, ø→o, å→a, lower case).
_OWN_CASE = re.compile(
    r"\b(?:ring|ringe|ringje|ringa|kontakt|kontakte|kontakta)\s+(?:meg|oss)\b"
    r"|\b(?:soknaden|saka|saken|klagen|klaga|fakturaen)\s+(?:min|mi|mitt|var|vaar|vor)\b"
    r"|\b(?:min|mi|var)\s+(?:soknad|sak|klage)\b"
    r"|\b(?:har|ha)\s+(?:eg|jeg|e|vi|me)\s+fatt\b"
    r"|\bventelista\b|\bventelisten\b"
)

# "Korleis får eg sjå dokumenta i saka mi?" asks how to do something: the knowledge base answers that.
_HOW = re.compile(r"\b(?:korleis|hvordan|kossen|kordan|how)\b")


def asks_about_own_case(text: str) -> bool:
    folded = fold(text or "")
    return bool(_OWN_CASE.search(folded)) and not _HOW.search(folded)
