"""Mask personal data in citizen messages before Rasa (and its tracker store) sees them.

`mask(text)` replaces national identity numbers, phone numbers, e-mail addresses and bank
account numbers with neutral placeholders and returns which kinds it removed. The
municipality's own public numbers and addresses (which citizens quote back) are kept.

The rules lean towards masking: a false positive costs a slightly odd NLU input, a false
negative stores someone's identity number.
"""
from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from stdnum.no import fodselsnummer, kontonr

FNR = "fødselsnummer"
PHONE = "telefonnummer"
EMAIL = "e-post"
ACCOUNT = "kontonummer"
KINDS = (FNR, PHONE, EMAIL, ACCOUNT)

PLACEHOLDERS = {kind: f"[{kind}]" for kind in KINDS}

# Numbers the municipality and its partners publish; citizens quote them back.
# Emergency numbers (110, 112, 113, 116 117, 116 111, 02800) are too short to match anyway.
PUBLIC_PHONE_NUMBERS = frozenset(
    {
        "70162000",  # Ålesund kommune, sentralbord
        "70164060",  # korona-/informasjonstelefon (old)
        "70162260",  # Ålesund bibliotek
        "70162251",  # Ålesund bibliotek
        "70164530",  # Moa bibliotek
        "70164320",  # Sentrum helsestasjon
        "70164340",  # barnevernet (old page)
        "91576020",  # barnevernvakta
        "90271579",  # korona-informasjon (old)
        "70314100",  # ÅRIM kundesenter
        "70163200",  # brannvesenet, sentralbord
        "70162128",  # Ålesund Parkering
    }
)
PUBLIC_EMAILS = frozenset(
    {
        "postmottak@alesund.kommune.no",
        "vegholder@alesund.kommune.no",
        "sjoholt.innbyggartorg@alesund.kommune.no",
        "skoleskyss@mrfylke.no",
        "framskoleskyss@mrfylke.no",
        "post@arim.no",
        "brannvesenet@aabv.no",
    }
)

KNOWLEDGE_DIR = Path(__file__).resolve().parents[1] / "data" / "knowledge"

# A single separator between digit groups: space, no-break spaces, dot, hyphen, dashes.
_SEP = r"[ \u00a0\u202f.\-\u2010\u2011\u2013]"
_SPACE_DASH = r"[ \u00a0\u202f\-\u2010\u2011\u2013]"

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])",
)
_IBAN_RE = re.compile(r"(?<!\w)NO\s?\d{2}(?:\s?\d{4}){2}\s?\d{3}(?!\d)", re.IGNORECASE)
_ACCOUNT_RE = re.compile(rf"(?<!\d)\d{{4}}({_SEP})\d{{2}}\1\d{{5}}(?!\d)")
# Usual ways to write an 8-digit number; grouped forms use one separator throughout, so
# opening hours like "20.00-22.00" do not match. 4+4 only for mobiles (4/9) so "2024 2025"
# stays a pair of years; 2+3+3 is left out because it is how prices are grouped.
_PHONE_BODY = (
    rf"(?:\d{{8}}"
    rf"|\d{{3}}(?P<s1>{_SEP})\d{{2}}(?P=s1)\d{{3}}"
    rf"|\d{{2}}(?P<s2>{_SEP})\d{{2}}(?P=s2)\d{{2}}(?P=s2)\d{{2}}"
    rf"|[49]\d{{3}}{_SPACE_DASH}\d{{4}})"
)
# With a country prefix any 8-digit body is a phone number, whatever the grouping.
_PREFIXED_PHONE_RE = re.compile(
    rf"(?:\(\s?(?:\+|00)\s?47\s?\)|(?<![\w+])(?:\+|00)\s?47){_SEP}?"
    rf"(\d(?:{_SEP}?\d){{7}})(?!\d)"
)
# Any standalone run of 11 digits, whatever single separators sit between them.
_ELEVEN_RE = re.compile(rf"(?<!\d)\d(?:{_SEP}?\d){{10}}(?!\d)")
_PHONE_RE = re.compile(rf"(?<![\d+])(?P<phone>{_PHONE_BODY})(?!\d)")


@dataclass
class MaskResult:
    text: str
    kinds: list[str]  # distinct kinds masked, in order of first appearance
    counts: Counter = field(default_factory=Counter)  # kind -> count, plus fnr sub-kinds


def _digits(s: str) -> str:
    """ASCII digits of s (also converts other Unicode decimal digits, e.g. full-width)."""
    return "".join(str(int(c)) for c in s if c.isdecimal())


def _checksums_ok(digits: str) -> bool:
    return (
        digits[9] == fodselsnummer.calc_check_digit1(digits[:9])
        and digits[10] == fodselsnummer.calc_check_digit2(digits[:10])
    )


def classify_identity_number(digits: str) -> str:
    """Which kind of 11-digit identity number this is, for logging counts only."""
    day, month = int(digits[0:2]), int(digits[2:4])
    if day >= 80:  # FH-numbers carry no birth date, so stdnum's validate() rejects them
        return "fh-nummer" if _checksums_ok(digits) else "ugyldig"
    if not fodselsnummer.is_valid(digits):
        return "ugyldig"
    if day > 40:
        return "d-nummer"
    if month > 40:
        return "h-nummer"
    return "fødselsnummer"


def _is_compact_date(digits: str) -> bool:
    """True for 8 digits that read as YYYYMMDD or DDMMYYYY with a year 1900-2099."""
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        if year[:2] not in ("19", "20"):
            continue
        try:
            datetime.date(int(year), int(month), int(day))
            return True
        except ValueError:
            continue
    return False


@lru_cache(maxsize=1)
def _public_from_knowledge() -> tuple[frozenset[str], frozenset[str]]:
    """Phone numbers and e-mail addresses the bot itself publishes in its knowledge base."""
    phones: set[str] = set()
    emails: set[str] = set()
    try:
        files = sorted(KNOWLEDGE_DIR.glob("*.yml"))
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in _PHONE_RE.finditer(text):
                phones.add(_digits(m.group("phone")))
            for m in _EMAIL_RE.finditer(text):
                emails.add(m.group(0).lower())
    except OSError:
        pass
    return frozenset(phones), frozenset(emails)


def is_public_phone(digits: str) -> bool:
    return digits in PUBLIC_PHONE_NUMBERS or digits in _public_from_knowledge()[0]


def is_public_email(address: str) -> bool:
    address = address.lower()
    return address in PUBLIC_EMAILS or address in _public_from_knowledge()[1]


def mask_details(text: str) -> MaskResult:
    """Mask personal data in text; also count fødselsnummer sub-kinds for logging."""
    counts: Counter = Counter()

    def note(kind: str) -> str:
        counts[kind] += 1
        return PLACEHOLDERS[kind]

    def email(m: re.Match) -> str:
        return m.group(0) if is_public_email(m.group(0)) else note(EMAIL)

    def account(m: re.Match) -> str:
        return note(ACCOUNT)

    def prefixed_phone(m: re.Match) -> str:
        return m.group(0) if is_public_phone(_digits(m.group(1))) else note(PHONE)

    def eleven(m: re.Match) -> str:
        digits = _digits(m.group(0))
        sub = classify_identity_number(digits)
        if sub == "ugyldig" and kontonr.is_valid(digits):
            return note(ACCOUNT)
        counts[f"{FNR}:{sub}"] += 1
        return note(FNR)

    def phone(m: re.Match) -> str:
        raw = m.group("phone")
        digits = _digits(raw)
        if digits[0] in "01" or is_public_phone(digits):
            return raw
        if raw.isdecimal() and _is_compact_date(digits):
            return raw
        return note(PHONE)

    text = _EMAIL_RE.sub(email, text)
    text = _IBAN_RE.sub(account, text)
    text = _ACCOUNT_RE.sub(account, text)
    text = _PREFIXED_PHONE_RE.sub(prefixed_phone, text)
    text = _ELEVEN_RE.sub(eleven, text)
    text = _PHONE_RE.sub(phone, text)
    kinds = sorted((k for k in KINDS if counts[k]), key=lambda k: text.find(PLACEHOLDERS[k]))
    return MaskResult(text=text, kinds=kinds, counts=counts)


def mask(text: str) -> tuple[str, list[str]]:
    """Return (masked text, distinct kinds masked in order of first appearance)."""
    result = mask_details(text)
    return result.text, result.kinds


def only_placeholders(text: str) -> bool:
    """True when the text has placeholders and nothing else but punctuation and spaces."""
    rest = text
    for placeholder in PLACEHOLDERS.values():
        rest = rest.replace(placeholder, " ")
    return rest != text and not any(c.isalnum() for c in rest)
