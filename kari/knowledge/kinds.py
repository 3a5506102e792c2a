"""The one table of question kinds: which answer aspect an intent asks for, its plain-words label for
buttons, and the words that ask for it (lexical evidence for the search).

Adding a kind of question: one row here (and, for a stored kind, the aspect in models.ASPECTS).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    aspect: str
    intent: str  # the NLU intent that asks for it
    label_nn: str  # "Barnehage – frist": what a button offering it says ("" = the name alone)
    label_nb: str
    cues: str = ""  # words that ask for this kind (both standards, dialect, and English)

    def label(self, malform: str) -> str:
        return self.label_nb if malform == "nb" else self.label_nn


KINDS: tuple[Kind, ...] = (
    Kind("about", "ask_about", "", "", "kva er hva er om informasjon kven kan få hvem kan få tilbod tilbud"),
    Kind(
        "why",
        "ask_why",
        "kvifor kommunen er med",
        "hvorfor kommunen er med",
        "kvifor hvorfor korfor mål målet nytte formål samarbeid why",
    ),
    Kind(
        "apply",
        "ask_apply",
        "søknad og påmelding",
        "søknad og påmelding",
        "søkje søke søknad søknaden melde påmelding skjema korleis hvordan få plass apply application register sign",
    ),
    Kind(
        "contact",
        "ask_contact",
        "kontakt",
        "kontakt",
        "kontakt telefon telefonnummer ringe ringje nummer e-post epost adresse kven hvem "
        "contact phone number email call",
    ),
    Kind(
        "hours",
        "ask_hours",
        "opningstider",
        "åpningstider",
        "opningstid åpningstid open åpen ope stengt når klokka kl opening hours closed",
    ),
    Kind(
        "deadline", "ask_deadline", "frist", "frist", "frist søknadsfrist innan innen seinast senest dato når deadline"
    ),
    Kind(
        "price",
        "ask_price",
        "pris",
        "pris",
        "pris prisar priser kostar koster kostnad betale betaling gebyr avgift kr kroner gratis pengar penger "
        "rabatt moderasjon mye mykje promille sats satsen cost price fee pay much",
    ),
    Kind(
        "web", "ask_web", "nettside", "nettside", "nettside nettsida nettsiden lenke link heimeside hjemmeside website"
    ),
    Kind("projects", "ask_projects", "prosjekt", "prosjekter", "prosjekt prosjekta prosjektene aktivitetar"),
    Kind(
        "partner",
        "ask_partner",
        "samarbeidspartnar",
        "samarbeidspartner",
        "samarbeidspartnar samarbeidspartner partnar partner høyrer hører til kven står bak",
    ),
    Kind(
        "partnerships",
        "ask_partnerships",
        "samarbeidspartnarane",
        "samarbeidspartnerne",
        "samarbeidspartnarar samarbeidspartnere innovasjon samarbeid partnarskap",
    ),
)
BY_ASPECT = {k.aspect: k for k in KINDS}
ASPECT_OF_INTENT = {k.intent: k.aspect for k in KINDS}
