"""Issue 13, failure 4: masking knows how people write personal data.

A table of more than 300 writings (generated from valid numbers in the ways people type them,
plus hand-written ones, among them every variant the issue's probe stored in clear): at least
98 % must be caught, and none of the municipality's public numbers or ordinary questions with
numbers (dates, prices, years, house sizes, times) may be touched.
"""

from __future__ import annotations

import random

import pytest
from stdnum.no import fodselsnummer, kontonr

from kari.privacy import mask

# --- generated ------------------------------------------------------------------------------
_rng = random.Random(13)


def _fnr() -> str:
    while True:
        day, month, year = _rng.randint(1, 28), _rng.randint(1, 12), _rng.randint(0, 99)
        base = f"{day:02d}{month:02d}{year:02d}{_rng.randint(0, 499):03d}"
        k1 = fodselsnummer.calc_check_digit1(base)
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        number = base + k1 + k2
        if fodselsnummer.is_valid(number):
            return number


def _account() -> str:
    while True:
        base = f"{_rng.randint(1000, 9999)}{_rng.randint(10, 99)}{_rng.randint(0, 99999):05d}"[:10]
        number = base + kontonr._calc_check_digit(base)
        if kontonr.is_valid(number) and not fodselsnummer.is_valid(number):
            return number


def _mobile() -> str:
    return f"{_rng.choice('49')}{_rng.randint(0, 9999999):07d}"


def _split(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, pos = [], 0
    for size in sizes:
        parts.append(digits[pos : pos + size])
        pos += size
    return sep.join(parts)


SEPS = [" ", ".", "-", "/", "_", " - ", " / ", "  "]
FNR_SIZES = [(11,), (6, 5), (2, 2, 2, 5), (2, 2, 2, 3, 2), (6, 2, 3), (3, 3, 5), (2, 4, 5), (5, 6)]
PHONE_SIZES = [(8,), (3, 2, 3), (2, 2, 2, 2), (4, 4), (2, 3, 3), (3, 3, 2), (1, 7), (2, 6), (4, 2, 2)]
ACCOUNT_SIZES = [(11,), (4, 2, 5), (4, 7), (4, 2, 3, 2)]
LEADS = ["", "Fødselsnummeret mitt er ", "fnr: ", "Ring meg på ", "mitt nr er ", "kontoen min: "]

GENERATED: list[str] = []
for sizes in FNR_SIZES:
    for sep in SEPS:
        GENERATED.append(_rng.choice(LEADS) + _split(_fnr(), sizes, sep))
for sizes in PHONE_SIZES:
    for sep in SEPS:
        GENERATED.append(_rng.choice(LEADS) + _split(_mobile(), sizes, sep))
for sizes in ACCOUNT_SIZES:
    for sep in SEPS:
        GENERATED.append("Kontonummer " + _split(_account(), sizes, sep))
for user in ("ola", "kari.nordmann", "per_hansen", "anne-lise87", "siv.o"):
    for domain in ("gmail.com", "online.no", "hotmail.com", "live.no"):
        name, tld = domain.rsplit(".", 1)
        GENERATED += [
            f"{user} (at) {domain}",
            f"{user}[at]{domain}",
            f"{user} krøllalfa {domain}",
            f"{user} @ {domain}",
            f"{user}(at){name}(dot){tld}",
            f"{user} [at] {name} [dot] {tld}",
        ]

HAND_WRITTEN = [
    # the probe's variants (issue 13)
    "140263 - 29559",
    "030958/24144",
    "09_07_72_126_60",
    "98 409 513",
    "494 527 31",
    "9 6654762",
    "ola (at) gmail.com",
    # more ways
    "tlf 98 409 513, takk",
    "mob: 9840-9513",
    "ring 41.23.45.67",
    "nr 47 11 22 33 kveld",
    "fnr 0309 58 24144",
    "mitt personnummer er 030958 24144",
    "send til 9 8 4 0 9 5 1 3",
    "kari krøllalfa online punktum no",
    "ola [at] gmail [dot] com",
    "OLA(AT)GMAIL.COM",
    "per snabel-a hotmail.com",
    "ola @ gmail . com",
    "Eg bur i Storgata 12",
    "adressa mi er Kongens gate 4B",
    "jeg bor i Parkvegen 7 b",
    "Eg heiter Kari Nordmann",
    "jeg heter Ola",
    "Mitt namn er Anne Lise Berg",
    "mitt navn er per",
    "Namnet mitt er Sigrid",
    "Hei, jeg heter Ole Hansen og lurer på noe",
    "+47 984 09 513",
    "0047 98409513",
    "kontonr 1234.56.78903",
]
WRITINGS = GENERATED + HAND_WRITTEN

# --- must stay untouched ---------------------------------------------------------------------
PUBLIC_AND_ORDINARY = [
    "Sentralbordet er 70 16 20 00.",
    "Ring 70162000",
    "+47 70 16 20 00",
    "ring 70 16 20 00 no",
    "Barnevernvakta 91 57 60 20",
    "ÅRIM 70 31 41 00",
    "Send til postmottak@alesund.kommune.no",
    "Legevakt 116 117",
    "Ring 110, 112 eller 113",
    "Postboks 1521, 6025 Ålesund",
    "Kva kostar barnehage i 2024?",
    "Kor mykje kostar det per månad, 3 135 kr?",
    "Prisen er 12 345 678 kroner",
    "Tilskotet er 40 000 000",
    "Huset kostar 4 500 000 kr",
    "Budsjettet er 450 000 000 kr",
    "Eg har eit hus på 120 kvm",
    "Huset er 180 m2 og tomta 900 m2",
    "Frist 15.10.2025",
    "Frå 01.08.2024 til 30.06.2025",
    "Møtet er 24.12.2024",
    "Datoen 2025-10-15",
    "Møtet 15/10/2025",
    "frå 19.12.2024 - 20.12.2024",
    "20251015",
    "24122024",
    "Ope 08.00-15.30 og 20.00-22.00",
    "kl 10 00 15 00",
    "kl 20 00 22 00",
    "mellom 9.00 og 14.00",
    "I 2024 og 2025",
    "år 2024 2025",
    "1990 1991 1992",
    "Saksnummer 2024/12345",
    "Sjå sak 24/1234-5",
    "Org.nr. 994 717 286",
    "Kundenummer 1234567",
    "Gnr 123 bnr 45",
    "Ver 2.10.3",
    "Eg har 2 barn på 3 og 5 år",
    "Kor mange barnehageplassar er det, 2 eller 3?",
    "barnehageplass 2 dagar i veka",
    "Kan eg få 3 timar?",
    "Eg er 45 år",
    "Eg betalte 2 500 kr",
    "Kostar det 1 000 000 eller 2 000 000?",
    "Eg treng hjelp med søknad nr 2",
    "Postnummer 6025 Ålesund",
    "kari at example dot no",
    "@alesundkommune på Instagram",
    "Eg veit at alesund.kommune.no har svaret",
    "Eg heiter ikkje noko spesielt",
    "Kva heiter ordføraren?",
    "Ålesund har 67 000 innbyggjarar",
    "Skatteprosenten er 22 %",
    "Eg bur i Ålesund",
    "Gata er stengd",
    "Kva kostar ein parkeringsplass 2 timar?",
    "Hvor mye koster SFO 5 dager i uka?",
    "Mellom 2019 og 2023 auka prisen med 8 %",
]


def test_the_table_is_large_enough():
    assert len(WRITINGS) >= 300


def test_the_probes_variants_are_caught():
    missed = [w for w in HAND_WRITTEN[:7] if mask(w)[1] == []]
    assert missed == []


def test_at_least_98_percent_of_writings_are_caught():
    missed = [w for w in WRITINGS if not mask(w)[1]]
    rate = 1 - len(missed) / len(WRITINGS)
    assert rate >= 0.98, f"{rate:.1%} caught; missed: {missed}"


def test_no_digit_of_a_caught_number_is_left():
    """A caught writing leaves none of its digits behind (no half-masked number)."""
    partial = []
    for writing in WRITINGS:
        masked, kinds = mask(writing)
        if kinds and sum(c.isdigit() for c in masked) >= 3:
            partial.append((writing, masked))
    assert partial == []


@pytest.mark.parametrize("text", PUBLIC_AND_ORDINARY)
def test_no_false_positives(text: str):
    assert mask(text) == (text, [])
