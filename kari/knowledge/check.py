"""`kb check`: what staff should look at — gaps in translations and sources, answers no one has verified,
old sources, flagged facts, and operator contacts the topic's own answers do not back up."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kari.knowledge.models import ASPECTS, Answer, Topic, source_span

STALE_MONTHS = 12


@dataclass(frozen=True)
class Finding:
    section: str  # one of SECTIONS
    where: str  # topic key, or key/aspect
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.detail}"


NEVER_VERIFIED = "never verified by staff"
VERIFIED_LONG_AGO = f"verified more than {STALE_MONTHS} months ago"
OLD_SOURCE = f"source older than {STALE_MONTHS} months"
SECTIONS = (
    "missing translation",
    "no source",
    NEVER_VERIFIED,
    VERIFIED_LONG_AGO,
    OLD_SOURCE,
    "flagged for review",
    "operator contact not in the topic's answers",
)

# Phone numbers (8 digits in pairs, 116 xxx, 5-digit service numbers), e-mail addresses and host names.
# A Norwegian phone number as answers write it ("70 16 20 00", "116 117"); not 112/113 or a street number.
PHONE_NUMBER = re.compile(r"\b\d{2} \d{2} \d{2} \d{2}\b|\b\d{3} \d{3}\b")
_CONTACT_RE = re.compile(
    PHONE_NUMBER.pattern + r"|\b\d{5}\b|[\w.+-]+@[\w-]+(?:\.[\w-]+)+" + r"|\b(?:[a-z0-9-]+\.)+(?:no|com|org|net)\b"
)


def months_ago(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = today.day
    while True:
        try:
            return dt.date(year, month + 1, day)
        except ValueError:  # 29–31 in a shorter month
            day -= 1


def source_latest(answer: Answer) -> dt.date | None:
    """The latest day the answer's source can date from (None: no date, or open-ended); a malformed
    value (possible only through SQL edits) counts as no date."""
    try:
        span = source_span(answer.source_date)
    except ValueError:
        return None
    return span[1] if span else None


def contact_tokens(text: str) -> list[str]:
    return _CONTACT_RE.findall(text or "")


def find_issues(session: Session, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    limit = months_ago(today, STALE_MONTHS)
    topics = (
        session.execute(
            select(Topic).options(selectinload(Topic.answers).selectinload(Answer.source)).order_by(Topic.key)
        )
        .scalars()
        .all()
    )
    found: list[Finding] = []
    for t in topics:
        for lang, name in (("nn", t.name_nn), ("nb", t.name_nb)):
            if not (name or "").strip():
                found.append(Finding("missing translation", t.key, f"name has no {lang} text"))
        answers = sorted(t.answers, key=lambda a: ASPECTS.index(a.aspect) if a.aspect in ASPECTS else 99)
        for a in answers:
            where = f"{t.key}/{a.aspect}"
            for lang, text in (("nn", a.text_nn), ("nb", a.text_nb)):
                if not (text or "").strip():
                    found.append(Finding("missing translation", where, f"no {lang} text"))
            if a.source is None:
                found.append(Finding("no source", where, "answer has no source link"))
            said = f"source_date {a.source_date}" if a.source_date else "source shows no date"
            if a.verified is None:
                found.append(Finding(NEVER_VERIFIED, where, said))
            elif a.verified < limit:
                found.append(Finding(VERIFIED_LONG_AGO, where, f"last verified {a.verified.isoformat()}"))
            latest = source_latest(a)
            if latest is not None and latest < limit and (a.verified is None or a.verified < limit):
                found.append(Finding(OLD_SOURCE, where, said))
            if (a.review or "").strip():
                found.append(Finding("flagged for review", where, a.review.strip()))
        for lang, operator in (("nn", t.operator_nn), ("nb", t.operator_nb)):
            backed = " ".join([t.url or ""] + [f"{a.text_nn} {a.text_nb}" for a in t.answers])
            missing = [c for c in contact_tokens(operator or "") if c not in backed]
            if missing:
                found.append(
                    Finding(
                        "operator contact not in the topic's answers",
                        t.key,
                        f"{lang} operator names {', '.join(missing)}, which no answer of the "
                        f"topic (nor its url) contains",
                    )
                )
    return found


def report(findings: list[Finding]) -> str:
    if not findings:
        return "kb check: nothing to look at."
    lines = []
    for section in SECTIONS:
        items = [f for f in findings if f.section == section]
        if items:
            lines.append(f"{section} ({len(items)}):")
            lines += [f"  {f}" for f in items]
    counts = ", ".join(
        f"{sum(f.section == s for f in findings)} {s}" for s in SECTIONS if any(f.section == s for f in findings)
    )
    lines.append(f"kb check: {len(findings)} item(s) to look at: {counts}.")
    return "\n".join(lines)
