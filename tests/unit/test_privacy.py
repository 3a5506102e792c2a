"""mask(): personal data out, the municipality's public numbers and ordinary numbers kept."""

from __future__ import annotations

import pytest

from kari import privacy
from kari.privacy import classify_identity_number, mask, mask_details, only_placeholders

F, T, E, K = "[fødselsnummer]", "[telefonnummer]", "[e-post]", "[kontonummer]"

MASKED = [
    # national identity numbers: every standalone run of 11 digits, valid or not
    ("Fødselsnummeret mitt er 15108695088.", f"Fødselsnummeret mitt er {F}.", ["fødselsnummer"]),
    ("151086 95088", F, ["fødselsnummer"]),
    ("151086-95088", F, ["fødselsnummer"]),
    ("15.10.86 95088", F, ["fødselsnummer"]),
    ("15.10.86-95088", F, ["fødselsnummer"]),
    ("15 10 86 950 88", F, ["fødselsnummer"]),
    ("fnr:15108695088", f"fnr:{F}", ["fødselsnummer"]),
    ("personnr 12345678901 (feil?)", f"personnr {F} (feil?)", ["fødselsnummer"]),
    ("D-nummer 55108695071", f"D-nummer {F}", ["fødselsnummer"]),
    ("H-nummer 15508695060", f"H-nummer {F}", ["fødselsnummer"]),
    ("FH-nummer 85108695094", f"FH-nummer {F}", ["fødselsnummer"]),
    ("11111111111", F, ["fødselsnummer"]),
    ("00000000000", K, ["kontonummer"]),  # passes the account-number checksum: still masked
    ("１５１０８６９５０８８", F, ["fødselsnummer"]),
    ("abc15108695088xyz", f"abc{F}xyz", ["fødselsnummer"]),
    # phone numbers
    ("Ring meg på 98765432", f"Ring meg på {T}", ["telefonnummer"]),
    ("987 65 432", T, ["telefonnummer"]),
    ("98 76 54 32", T, ["telefonnummer"]),
    ("98-76-54-32", T, ["telefonnummer"]),
    ("987.65.432", T, ["telefonnummer"]),
    ("9876 5432", T, ["telefonnummer"]),
    ("4123-4567", T, ["telefonnummer"]),
    ("+47 98765432", T, ["telefonnummer"]),
    ("+4798765432", T, ["telefonnummer"]),
    ("0047 987 65 432", T, ["telefonnummer"]),
    ("(+47) 41 23 45 67", T, ["telefonnummer"]),
    ("+47 12345678", T, ["telefonnummer"]),
    ("tlf: 22 33 44 55", f"tlf: {T}", ["telefonnummer"]),
    ("87654321", T, ["telefonnummer"]),
    ("987\u00a065\u00a0432", T, ["telefonnummer"]),
    # e-mail addresses
    ("kari.nordmann@example.no", E, ["e-post"]),
    ("Skriv til ola+kommune@post.example.com, takk", f"Skriv til {E}, takk", ["e-post"]),
    ("KARI@EXAMPLE.NO", E, ["e-post"]),
    ("hanne_o-berg@sub.domene.co.uk.", f"{E}.", ["e-post"]),
    ("ærlig.øystein@epost.no", E, ["e-post"]),
    # bank account numbers
    ("Kontonummer 1234.56.78903", f"Kontonummer {K}", ["kontonummer"]),
    ("1234 56 78903", K, ["kontonummer"]),
    ("1234-56-78903", K, ["kontonummer"]),
    ("86011117947", K, ["kontonummer"]),  # valid account number, not a valid fødselsnummer
    ("IBAN NO93 8601 1117 947", f"IBAN {K}", ["kontonummer"]),
    ("NO9386011117947", K, ["kontonummer"]),
    # several kinds, listed in order of appearance
    (
        "e-post kari@example.no, tlf 987 65 432, fnr 151086 95088, konto 1234.56.78903",
        f"e-post {E}, tlf {T}, fnr {F}, konto {K}",
        ["e-post", "telefonnummer", "fødselsnummer", "kontonummer"],
    ),
    ("Ring 70 16 20 00 eller meg på 41234567", f"Ring 70 16 20 00 eller meg på {T}", ["telefonnummer"]),
    ("98765432 og 41234567", f"{T} og {T}", ["telefonnummer"]),
]

KEPT = [
    # the municipality's and partners' public numbers and addresses
    "Sentralbordet er 70 16 20 00.",
    "Ring 70162000",
    "+47 70 16 20 00",
    "0047 70162000",
    "Legevakt 116 117, barnevakt 116 111",
    "Ring 110, 112 eller 113",
    "Barnevernvakta 91 57 60 20",
    "ÅRIM 70 31 41 00",
    "Send til postmottak@alesund.kommune.no",
    "POSTMOTTAK@ALESUND.KOMMUNE.NO",
    # ordinary numbers
    "Det kostar 3 135 kr i månaden",
    "Prisen er 12 345 678 kroner",
    "Postnummer 6025 Ålesund",
    "Postboks 1521, 6025 Ålesund",
    "I 2024 og 2025",
    "år 2024 2025",
    "Frist 15.10.2025",
    "Datoen 2025-10-15",
    "Møtet 15/10/2025",
    "20251015",
    "Ope 08.00-15.30 og 20.00-22.00",
    "kl 10 00 15 00",
    "Saksnummer 2024/12345",
    "Org.nr. 994 717 286",
    "Kundenummer 1234567",
    "0123 4567",
    "12345678",
    "Sjå sak 24/1234-5",
    "Gnr 123 bnr 45",
    "123456789012",  # 12 digits: not an 11-digit run
    "Ver 2.10.3",
    "kari at example dot no",
    "@alesundkommune på Instagram",
    "Kva kostar barnehage?",
]


@pytest.mark.parametrize("text,expected,kinds", MASKED, ids=[m[0] for m in MASKED])
def test_personal_data_is_masked(text: str, expected: str, kinds: list):
    assert mask(text) == (expected, kinds)


@pytest.mark.parametrize("text", KEPT)
def test_public_and_ordinary_numbers_are_kept(text: str):
    assert mask(text) == (text, [])


def test_enough_cases():
    assert len(MASKED) + len(KEPT) >= 40


@pytest.mark.parametrize(
    "digits,kind",
    [
        ("15108695088", "fødselsnummer"),
        ("55108695071", "d-nummer"),
        ("15508695060", "h-nummer"),
        ("85108695094", "fh-nummer"),
        ("15508695088", "ugyldig"),  # month + 40 but check digits not recomputed
        ("85108695088", "ugyldig"),
        ("12345678901", "ugyldig"),
    ],
)
def test_identity_number_kinds_for_logging(digits: str, kind: str):
    assert classify_identity_number(digits) == kind


def test_counts_per_kind_and_sub_kind():
    result = mask_details("fnr 15108695088 og 12345678901, tlf 98765432")
    assert result.counts["fødselsnummer"] == 2
    assert result.counts["fødselsnummer:fødselsnummer"] == 1
    assert result.counts["fødselsnummer:ugyldig"] == 1
    assert result.counts["telefonnummer"] == 1


def test_only_placeholders():
    assert only_placeholders(f"{T}, {F}!")
    assert not only_placeholders(f"Ring {T}")
    assert not only_placeholders("😀 ???")


def test_numbers_published_in_the_knowledge_base_are_kept(tmp_path, monkeypatch):
    (tmp_path / "services.yml").write_text(
        "topics:\n- key: test\n  answers:\n    contact: {nn: 'Ring 70 11 22 33 eller skriv til"
        " tenesta@alesund.kommune.no', nb: x}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(privacy, "KNOWLEDGE_DIR", tmp_path)
    privacy._public_from_knowledge.cache_clear()
    try:
        assert mask("Eg ringde 70 11 22 33") == ("Eg ringde 70 11 22 33", [])
        assert mask("tenesta@alesund.kommune.no") == ("tenesta@alesund.kommune.no", [])
        assert mask("Eg ringde 70 11 22 34") == (f"Eg ringde {T}", ["telefonnummer"])
    finally:
        privacy._public_from_knowledge.cache_clear()
