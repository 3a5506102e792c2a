"""`kb check`: what staff should look at — gaps in translations and sources, stale and flagged facts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kari.knowledge.models import ASPECTS, Answer, Topic

STALE_MONTHS = 12


@dataclass(frozen=True)
class Finding:
    section: str  # "missing translation" | "no source" | "older than 12 months" | "flagged for review"
    where: str    # topic key, or key/aspect
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.detail}"


SECTIONS = ("missing translation", "no source", "older than 12 months", "flagged for review")


def months_ago(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = today.day
    while True:
        try:
            return dt.date(year, month + 1, day)
        except ValueError:  # 29–31 in a shorter month
            day -= 1


def find_issues(session: Session, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    limit = months_ago(today, STALE_MONTHS)
    topics = session.execute(
        select(Topic).options(selectinload(Topic.answers).selectinload(Answer.source))
        .order_by(Topic.key)).scalars().all()
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
            if a.checked is None:
                found.append(Finding("older than 12 months", where, "never checked (no date)"))
            elif a.checked < limit:
                found.append(Finding("older than 12 months", where, f"last checked {a.checked.isoformat()}"))
            if (a.review or "").strip():
                found.append(Finding("flagged for review", where, a.review.strip()))
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
    lines.append(f"kb check: {len(findings)} item(s) to look at.")
    return "\n".join(lines)
