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
ADDRESS = "adresse"
NAME = "namn"
KINDS = (FNR, PHONE, EMAIL, ACCOUNT, ADDRESS, NAME)

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
_SPACES = "[ \u00a0\u202f]"

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])",
)
# How people hide the @ and the dots from robots: "ola (at) gmail.com", "ola[at]gmail[dot]com",
# "ola krøllalfa gmail punktum com", "ola @ gmail . com". A bare " at " / " dot " is left alone
# ("at" is a Norwegian word); the address must end in a known top-level domain.
_AT_WORDS = r"(?:at|a|alfa|krøllalfa|krøll-alfa|alfakrøll|snabel-?a)"
_DOT_WORDS = r"(?:dot|punktum|prikk)"
_OBF_AT = (
    rf"(?:{_SPACES}*@{_SPACES}*|{_SPACES}*[(\[{{<]{_SPACES}*{_AT_WORDS}{_SPACES}*[)\]}}>]{_SPACES}*"
    rf"|{_SPACES}+(?:krøllalfa|krøll-alfa|alfakrøll|snabel-?a){_SPACES}+)"
)
_OBF_DOT = (
    rf"(?:{_SPACES}?\.{_SPACES}?|{_SPACES}*[(\[{{<]{_SPACES}*{_DOT_WORDS}{_SPACES}*[)\]}}>]{_SPACES}*"
    rf"|{_SPACES}+{_DOT_WORDS}{_SPACES}+)"
)
_TLDS = (
    r"(?:no|com|net|org|se|dk|fi|is|de|uk|eu|io|info|me|nu|co|app|dev|edu|gov|fr|nl|pl|es|it|"
    r"ch|be|biz|online|email|mail)"
)
_OBF_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])[\w.+-]+{_OBF_AT}[\w-]+(?:{_OBF_DOT}[\w-]+)*?{_OBF_DOT}{_TLDS}(?![\w-])",
    re.IGNORECASE,
)
_IBAN_RE = re.compile(r"(?<!\w)NO\s?\d{2}(?:\s?\d{4}){2}\s?\d{3}(?!\d)", re.IGNORECASE)
# Usual ways to write an 8-digit number (used to find the numbers the knowledge base publishes).
_PHONE_BODY = (
    rf"(?:\d{{8}}"
    rf"|\d{{3}}(?P<s1>{_SEP})\d{{2}}(?P=s1)\d{{3}}"
    rf"|\d{{2}}(?P<s2>{_SEP})\d{{2}}(?P=s2)\d{{2}}(?P=s2)\d{{2}}"
    rf"|[49]\d{{3}}{_SPACE_DASH}\d{{4}})"
)
_PHONE_RE = re.compile(rf"(?<![\d+])(?P<phone>{_PHONE_BODY})(?!\d)")
# With a country prefix any 8-digit body is a phone number, whatever the grouping.
_PREFIXED_PHONE_RE = re.compile(
    rf"(?:\(\s?(?:\+|00)\s?47\s?\)|(?<![\w+])(?:\+|00)\s?47){_SEP}?"
    rf"(\d(?:{_SEP}?\d){{7}})(?!\d)"
)
# Digit groups joined by separators as people type them: spaces, dots, dashes, slashes,
# underscores, alone or with spaces around ("140263 - 29559", "030958/24144", "09_07_72_126_60").
_GROUP_SEP = rf"(?:{_SPACES}{{0,2}}[./_\-\u2010\u2011\u2013\u2014]{_SPACES}{{0,2}}|{_SPACES}{{1,2}})"
_CHAIN_RE = re.compile(rf"(?<!\d)\d+(?:{_GROUP_SEP}\d+)*(?!\d)")
_DIGIT_GROUP_RE = re.compile(r"\d+")
_SIMPLE_SEPS = {" ", "\u00a0", "\u202f", ".", "-", "\u2010", "\u2011", "\u2013"}
# Groupings of 11 digits that are how identity and account numbers are written.
_ELEVEN_GROUPINGS = {(11,), (6, 5), (4, 2, 5), (2, 2, 2, 5), (2, 2, 2, 3, 2), (6, 2, 3), (3, 3, 5)}
_MONEY_AFTER_RE = re.compile(r"^\s*(?:kr\b|kroner|,-|nok\b|mill|euro|€|\$)", re.IGNORECASE)
_MONEY_BEFORE_RE = re.compile(r"(?:\bkr\.?|\bnok|€|\$)\s*$", re.IGNORECASE)

# Street addresses with a house number ("Storgata 12 B", "Keiser Wilhelms gate 11").
_STREET_WORDS = r"(?:gate|gata|gaten|gt\.|vegen|veien|veg|vei|allé|alle|bakken|svingen|stien|ringen|brygga|kaia)"
_ADDRESS_RE = re.compile(
    rf"(?:\b[A-ZÆØÅ][\wæøåÆØÅ.'-]*{_SPACES}+){{0,2}}\b[\wæøåÆØÅ-]*{_STREET_WORDS}{_SPACES}+"
    rf"\d{{1,4}}(?:{_SPACES}?[A-Ha-h])?(?![\w,.]?\d)"
    rf"(?!{_SPACES}*(?:kr\b|kroner|%|år\b|dagar|dager|timar|timer|gonger|ganger|m2|kvm|barn))",
)
# A name the citizen gives: "eg heiter Kari Nordmann", "jeg heter ola", "mitt namn er …".
_NAME_RE = re.compile(
    r"(?P<lead>(?i:\b(?:eg|jeg|e|æ|i)\s+(?:heiter|heter|hete)|\bmitt\s+(?:namn|navn)\s+er"
    r"|\b(?:namnet|navnet)\s+mitt\s+er))\s+"
    r"(?P<name>[A-ZÆØÅ][\wæøåÆØÅ'-]+(?:\s+[A-ZÆØÅ][\wæøåÆØÅ'-]+){0,3}|[a-zæøå][\wæøå'-]+(?:\s+[a-zæøå][\wæøå'-]+)?)"
)
_NAME_STOP = {
    "og",
    "men",
    "eller",
    "frå",
    "fra",
    "i",
    "på",
    "som",
    "er",
    "har",
    "treng",
    "trenger",
    "lurer",
    "vil",
    "skal",
    "kan",
    "bur",
    "bor",
    "ikkje",
    "ikke",
    "noko",
    "noe",
    "nok",
    "visst",
    "det",
}


@dataclass
class MaskResult:
    text: str
    kinds: list[str]  # distinct kinds masked, in order of first appearance
    counts: Counter = field(default_factory=Counter)  # kind -> count, plus fnr sub-kinds


def _digits(s: str) -> str:
    """ASCII digits of s (also converts other Unicode decimal digits, e.g. full-width)."""
    return "".join(str(int(c)) for c in s if c.isdecimal())


def _checksums_ok(digits: str) -> bool:
    return digits[9] == fodselsnummer.calc_check_digit1(digits[:9]) and digits[10] == fodselsnummer.calc_check_digit2(
        digits[:10]
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
def _public_from_knowledge() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Phone numbers, e-mail and street addresses the bot itself publishes in its knowledge base."""
    phones: set[str] = set()
    emails: set[str] = set()
    addresses: set[str] = set()
    try:
        files = sorted(KNOWLEDGE_DIR.glob("*.yml"))
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in _PHONE_RE.finditer(text):
                phones.add(_digits(m.group("phone")))
            for m in _EMAIL_RE.finditer(text):
                emails.add(m.group(0).lower())
            for m in _ADDRESS_RE.finditer(text):
                addresses.add(_address_key(m.group(0)))
    except OSError:
        pass
    return frozenset(phones), frozenset(emails), frozenset(addresses)


def _address_key(address: str) -> str:
    """Street word and number, lower case, no spaces: "Keiser Wilhelms gate 11" -> "gate11"."""
    words = address.lower().split()
    return "".join(words[-2:]) if len(words) >= 2 else address.lower()


def is_public_phone(digits: str) -> bool:
    return digits in PUBLIC_PHONE_NUMBERS or digits in _public_from_knowledge()[0]


def is_public_email(address: str) -> bool:
    address = address.lower()
    return address in PUBLIC_EMAILS or address in _public_from_knowledge()[1]


def _canonical_email(written: str) -> str:
    """ "ola (at) gmail [dot] com" -> "ola@gmail.com"."""
    parts = re.split(_OBF_AT, written, maxsplit=1, flags=re.IGNORECASE)
    if len(parts) != 2:
        return written.lower()
    local, domain = parts
    return f"{local}@{'.'.join(re.split(_OBF_DOT, domain, flags=re.IGNORECASE))}".lower()


def _is_time_pairs(groups: list[str]) -> bool:
    """ "20 00 22 00": two clock times, not a phone number."""
    return all(len(g) == 2 for g in groups) and all(
        int(h) < 24 and m in ("00", "15", "30", "45") for h, m in zip(groups[::2], groups[1::2])
    )


def _is_date(groups: list[str]) -> bool:
    lens = [len(g) for g in groups]
    if lens == [2, 2, 4]:
        day, month, year = groups
    elif lens == [4, 2, 2]:
        year, month, day = groups
    else:
        return False
    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _phone_window(groups: list[str], seps: list[str], before: str, after: str) -> bool:
    """True when 8 digits written as these groups are a (private) Norwegian phone number."""
    digits = "".join(groups)
    if digits[0] in "01" or is_public_phone(digits):
        return False
    if _MONEY_AFTER_RE.match(after) or _MONEY_BEFORE_RE.search(before):
        return False
    lens = tuple(len(g) for g in groups)
    if len(groups) == 1:
        return not _is_compact_date(digits)
    if _is_date(groups) or _is_time_pairs(groups):
        return False
    if any(len(g) == 3 and g == "000" for g in groups[1:]):
        return False  # "40 000 000": an amount grouped in thousands
    if digits[0] in "49":  # mobile numbers: people group them any way they like
        return True
    same_sep = len({sep.strip() or " " for sep in seps}) == 1
    return same_sep and lens in ((3, 2, 3), (2, 2, 2, 2))


def _eleven_window(groups: list[str], seps: list[str]) -> str | None:
    """FNR or ACCOUNT when 11 digits written as these groups are an identity or account number."""
    digits = "".join(groups)
    lens = tuple(len(g) for g in groups)
    sub = classify_identity_number(digits)
    if sub == "ugyldig" and kontonr.is_valid(digits):
        return ACCOUNT
    if lens == (4, 2, 5) and len({s.strip() or " " for s in seps}) == 1:
        return ACCOUNT
    if sub != "ugyldig":
        return FNR
    simple = all(sep in _SIMPLE_SEPS for sep in seps)
    if lens in _ELEVEN_GROUPINGS and (simple or lens == (6, 5)):
        return FNR
    return None


def mask_details(text: str) -> MaskResult:
    """Mask personal data in text; also count fødselsnummer sub-kinds for logging."""
    counts: Counter = Counter()

    def note(kind: str) -> str:
        counts[kind] += 1
        return PLACEHOLDERS[kind]

    def email(m: re.Match) -> str:
        return m.group(0) if is_public_email(m.group(0)) else note(EMAIL)

    def hidden_email(m: re.Match) -> str:
        return m.group(0) if is_public_email(_canonical_email(m.group(0))) else note(EMAIL)

    def account(m: re.Match) -> str:
        return note(ACCOUNT)

    kept: list[str] = []  # public numbers with a country prefix, hidden from the digit scan

    def prefixed_phone(m: re.Match) -> str:
        if is_public_phone(_digits(m.group(1))):
            kept.append(m.group(0))
            return f"\x00{len(kept) - 1}\x00"
        return note(PHONE)

    def chain(m: re.Match) -> str:
        raw = m.group(0)
        spans = [g.span() for g in _DIGIT_GROUP_RE.finditer(raw)]
        groups = [_digits(raw[a:b]) for a, b in spans]
        out, pos, i = [], 0, 0
        while i < len(groups):
            total, found = 0, None
            for j in range(i, len(groups)):
                total += len(groups[j])
                if total > 11:
                    break
                seps = [raw[spans[k][1] : spans[k + 1][0]] for k in range(i, j)]
                if total == 11:
                    kind = _eleven_window(groups[i : j + 1], seps)
                    if kind:
                        found = (j, kind)
                        break
                if total == 8 and found is None:
                    before = text_before + raw[: spans[i][0]]
                    after = raw[spans[j][1] :] + text_after(m)
                    if _phone_window(groups[i : j + 1], seps, before[-12:], after[:12]):
                        found = (j, PHONE)
            if found is None:
                i += 1
                continue
            j, kind = found
            if kind == FNR:
                counts[f"{FNR}:{classify_identity_number(''.join(groups[i : j + 1]))}"] += 1
            out.append(raw[pos : spans[i][0]])
            out.append(note(kind))
            pos = spans[j][1]
            i = j + 1
        out.append(raw[pos:])
        return "".join(out)

    def address(m: re.Match) -> str:
        if _address_key(m.group(0)) in _public_from_knowledge()[2]:
            return m.group(0)
        return note(ADDRESS)

    def name(m: re.Match) -> str:
        words = m.group("name").split()
        kept = []
        for word in words:
            if word.lower() in _NAME_STOP:
                break
            kept.append(word)
        if not kept:
            return m.group(0)
        rest = m.group("name")[len(" ".join(kept)) :]
        return m.group(0)[: m.start("name") - m.start()] + note(NAME) + rest

    text = _EMAIL_RE.sub(email, text)
    text = _OBF_EMAIL_RE.sub(hidden_email, text)
    text = _IBAN_RE.sub(account, text)
    text = _PREFIXED_PHONE_RE.sub(prefixed_phone, text)
    source = text

    def text_after(m: re.Match) -> str:
        return source[m.end() : m.end() + 12]

    pieces, last = [], 0
    for m in _CHAIN_RE.finditer(source):
        text_before = source[max(0, m.start() - 12) : m.start()]
        pieces.append(source[last : m.start()])
        pieces.append(chain(m))
        last = m.end()
    pieces.append(source[last:])
    text = "".join(pieces)
    text = _ADDRESS_RE.sub(address, text)
    text = _NAME_RE.sub(name, text)
    text = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
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
