"""Figures for the statistics page, and bar charts drawn on the server as SVG (no script, no CDN).

Questions per week, answers per topic and week, share answered, share outside the service desk's
opening hours (kari.conversation.service_desk: weekdays 09–14 Oslo time, public holidays closed) and
share per written standard come from the tracker store; ratings from the feedback table.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from kari.admin.missed import malform_of, note_of, tracker_url
from kari.conversation import service_desk
from kari.knowledge.models import Feedback


@dataclass
class Figures:
    per_week: Counter = field(default_factory=Counter)  # "2026-W48" → questions
    answered: int = 0
    questions: int = 0
    outside_hours: int = 0
    per_malform: Counter = field(default_factory=Counter)
    ratings: dict[str, Counter] = field(default_factory=dict)  # malform → {"good": n, "bad": n}
    per_topic_week: Counter = field(default_factory=Counter)  # (topic key, week) → answers

    def topic_table(self, topics: int = 10, weeks: int = 6) -> tuple[list[str], list[tuple[str, list[int]]]]:
        """(the last `weeks` weeks, [(topic, answers per week)]) for the most asked-about topics."""
        columns = sorted(self.per_week)[-weeks:]
        totals: Counter = Counter()
        for (topic, week), n in self.per_topic_week.items():
            if week in columns:
                totals[topic] += n
        rows = [(t, [self.per_topic_week[(t, w)] for w in columns]) for t, _ in totals.most_common(topics)]
        return columns, rows

    def share(self, part: int) -> str:
        return f"{round(100 * part / self.questions)} %" if self.questions else "–"


def collect(db: Session, url: str | None = None) -> Figures:
    figures = Figures()
    url = url or tracker_url()
    engine = sa.create_engine(url)
    try:
        if sa.inspect(engine).has_table("events"):
            with engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT data FROM events WHERE type_name IN ('user', 'bot') ORDER BY id"))
                for (data,) in rows:
                    event = json.loads(data)
                    if event.get("event") == "user" and not (event.get("text") or "").startswith("/"):
                        moment = dt.datetime.fromtimestamp(float(event.get("timestamp") or 0), dt.timezone.utc)
                        year, week, _ = moment.isocalendar()
                        figures.per_week[f"{year}-V{week:02d}"] += 1
                        figures.questions += 1
                        figures.outside_hours += not service_desk.status(moment).open
                        figures.per_malform[malform_of(event)] += 1
                    elif event.get("event") == "bot" and (note_of(event) or {}).get("found"):
                        figures.answered += 1
                        moment = dt.datetime.fromtimestamp(float(event.get("timestamp") or 0), dt.timezone.utc)
                        year, week, _ = moment.isocalendar()
                        topic = note_of(event).get("topic") or "(samarbeida)"
                        figures.per_topic_week[(topic, f"{year}-V{week:02d}")] += 1
    except sa.exc.SQLAlchemyError:
        pass  # no tracker store yet: the page shows zeros
    finally:
        engine.dispose()
    for malform, helpful, count in db.execute(
        select(Feedback.malform, Feedback.helpful, sa.func.count()).group_by(Feedback.malform, Feedback.helpful)
    ):
        figures.ratings.setdefault(malform, Counter())["good" if helpful else "bad"] += count
    figures.answered = min(figures.answered, figures.questions)
    return figures


def bars(title: str, values: list[tuple[str, int]], width: int = 640) -> str:
    """A horizontal bar chart as accessible SVG (role img, a title, numbers written on the bars)."""
    from html import escape

    row, label_w = 28, 140
    height = row * max(1, len(values)) + 10
    top = max([v for _, v in values] + [1])
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(values):
        y = 5 + i * row
        w = int((width - label_w - 60) * value / top)
        parts.append(f'<text x="0" y="{y + 18}" font-size="13" fill="#1a1a1a">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="18" fill="#00509e"></rect>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 18}" font-size="13" fill="#1a1a1a">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)
