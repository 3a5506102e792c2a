"""Store citizens' ratings of knowledge answers and summarise them for staff.

A rating row holds the topic key, the aspect, helpful yes/no, the written standard and the day —
no sender id, no message text, no time of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kari.knowledge.kinds import KINDS
from kari.knowledge.models import Feedback, Topic
from kari.knowledge.yamlio import KEY_RE

ASPECTS = tuple(k.aspect for k in KINDS if k.aspect != "partnerships")  # a list of partners rates no topic


def record(
    session: Session, topic_key: str, aspect: str, helpful: bool, malform: str | None, day: date | None = None
) -> Feedback | None:
    """Store one rating; returns None (nothing stored) when there is no rated answer, or when the topic
    is no topic key of the knowledge base (ratings are staff data: nothing a caller makes up, no markup)."""
    if not topic_key or aspect not in ASPECTS or not KEY_RE.fullmatch(topic_key):
        return None
    if session.execute(select(Topic.id).where(Topic.key == topic_key)).first() is None:
        return None
    row = Feedback(
        topic_key=topic_key[:100],
        aspect=aspect,
        helpful=bool(helpful),
        malform="nb" if malform == "nb" else "nn",
        day=day or date.today(),
    )
    session.add(row)
    return row


@dataclass(frozen=True)
class TopicScore:
    topic_key: str
    aspect: str
    helpful: int
    not_helpful: int


def summary(session: Session, since: date | None = None) -> list[TopicScore]:
    """Counts per (topic, aspect), most 'not helpful' first: what staff should improve first."""
    good = func.sum(case((Feedback.helpful.is_(True), 1), else_=0))
    bad = func.sum(case((Feedback.helpful.is_(False), 1), else_=0))
    query = select(Feedback.topic_key, Feedback.aspect, good, bad).group_by(Feedback.topic_key, Feedback.aspect)
    if since is not None:
        query = query.where(Feedback.day >= since)
    rows = session.execute(query).all()
    scores = [TopicScore(k, a, int(g or 0), int(b or 0)) for k, a, g, b in rows]
    return sorted(scores, key=lambda s: (-s.not_helpful, -s.helpful, s.topic_key, s.aspect))


def main(argv: list[str] | None = None) -> int:
    """`python -m kari.conversation.feedback [--since YYYY-MM-DD]`: ratings per topic and aspect."""
    import argparse

    from kari.knowledge.db import KnowledgeBaseUnavailable, session_scope

    parser = argparse.ArgumentParser(
        prog="python -m kari.conversation.feedback",
        description="Citizens' ratings of Kari's answers, per topic and aspect.",
    )
    parser.add_argument("--since", type=date.fromisoformat, help="only ratings from this day (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    try:
        with session_scope() as session:
            scores = summary(session, args.since)
    except KnowledgeBaseUnavailable as exc:
        print(f"error: {exc}")
        return 1
    if not scores:
        print("No ratings yet.")
        return 0
    width = max(len(s.topic_key) for s in scores)
    print(f"{'topic':<{width}}  {'aspect':<9} {'helpful':>7} {'not helpful':>11}")
    for s in scores:
        print(f"{s.topic_key:<{width}}  {s.aspect:<9} {s.helpful:>7} {s.not_helpful:>11}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
