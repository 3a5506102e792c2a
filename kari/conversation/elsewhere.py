"""Questions about another municipality ("barnehage i Volda", "opningstider i Giske kommune"): Kari knows
only Ålesund's services, so it says so and names who does know instead of giving Ålesund's answer.

The list is the other municipalities of Møre og Romsdal (Ålesund's neighbours, where confusion is likely;
Skodje, Ørskog and Sandøy are part of Ålesund since 2020, Haram is its own again since 2024) and the
largest cities. "Fjord" and "Sande" are ordinary words too: they count only as "… kommune".
"""

from __future__ import annotations

import re

from kari.knowledge.textnorm import fold

MUNICIPALITIES = (
    "Aukra Aure Averøy Giske Gjemnes Haram Hareid Herøy Hustadvika Kristiansund Molde Rauma Smøla "
    "Stranda Sula Sunndal Surnadal Sykkylven Tingvoll Ulstein Vanylven Vestnes Volda Ørsta "
    "Oslo Bergen Trondheim Stavanger Kristiansand Tromsø Drammen Bodø Fredrikstad Sandnes"
).split()
ONLY_AS_MUNICIPALITY = ("Fjord", "Sande")

_NAMES = {fold(name): name for name in MUNICIPALITIES}
_WORD = re.compile(r"[a-z0-9æøå]+")
# "frå Bergen", "flytta fra Oslo": where the citizen comes from is context, not the question's place.
_FROM = {"fra", "ifra", "from"}  # folded: "frå" is "fra"


def other_municipality(text: str) -> str | None:
    """The other municipality the message asks about, or None (also when it names Ålesund too)."""
    words = _WORD.findall(fold(text or ""))
    if "alesund" in words or "aalesund" in words:
        return None
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if before in _FROM:
            continue
        if word in _NAMES:
            return _NAMES[word]
        for name in ONLY_AS_MUNICIPALITY:
            if word == fold(name) and after == "kommune":
                return name
    return None
