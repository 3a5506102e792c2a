"""ORM mapping of the knowledge base (the newest schema; `migrations.py` builds it step by step).

SQLAlchemy 1.4 in the 2.0 style: a `registry()`, classic typed Columns, `select()` queries.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import registry, relationship

mapper_registry = registry()
Base = mapper_registry.generate_base()

KINDS = ("partner", "project", "service", "municipality")
MALFORMS = ("nn", "nb")
# Answer aspects stored as rows, in the contract's order (also the export order).
ASPECTS = ("about", "why", "apply", "contact", "hours", "deadline", "price")


class Topic(Base):
    __tablename__ = "topics"

    id = Column(Integer, primary_key=True)
    key = Column(String(100), nullable=False, unique=True)
    kind = Column(String(20), nullable=False)
    partner_id = Column(Integer, ForeignKey("topics.id", ondelete="SET NULL"), nullable=True)
    name_nn = Column(Text, nullable=False, default="")
    name_nb = Column(Text, nullable=False, default="")
    url = Column(Text, nullable=True)
    # Migration 4. Who runs the service when it is not the municipality (ÅRIM, the fire service, NAV …):
    # its name and own contact, so a caution points there and not to the municipality's switchboard.
    operator_nn = Column(Text, nullable=True)
    operator_nb = Column(Text, nullable=True)
    # Migration 4. For topics about a risk to life or health: the emergency sentence every reply opens with.
    emergency_nn = Column(Text, nullable=True)
    emergency_nb = Column(Text, nullable=True)
    # Which YAML file the topic came from (export writes it back there); None → chosen by kind.
    file = Column(String(50), nullable=True)

    partner = relationship("Topic", remote_side=[id], back_populates="projects")
    projects = relationship("Topic", back_populates="partner", order_by="Topic.key")
    aliases = relationship("Alias", back_populates="topic", cascade="all, delete-orphan", passive_deletes=True)
    answers = relationship("Answer", back_populates="topic", cascade="all, delete-orphan", passive_deletes=True)

    def name(self, malform: str) -> str:
        """The name in `malform`, else the other standard's, else the key."""
        first, second = (self.name_nb, self.name_nn) if malform == "nb" else (self.name_nn, self.name_nb)
        return (first or "").strip() or (second or "").strip() or self.key

    def operator(self, malform: str) -> str:
        """The operator's name and contact in `malform` (falling back to the other standard), or ""."""
        return _pick(malform, self.operator_nn, self.operator_nb)

    def emergency(self, malform: str) -> str:
        """The emergency sentence in `malform` (falling back to the other standard), or ""."""
        return _pick(malform, self.emergency_nn, self.emergency_nb)

    def __repr__(self) -> str:
        return f"Topic({self.key!r}, {self.kind!r})"


class Alias(Base):
    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("topic_id", "malform", "text", name="uq_alias"),)

    id = Column(Integer, primary_key=True)
    topic_id = Column(Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True)
    malform = Column(String(2), nullable=False)
    text = Column(Text, nullable=False)

    topic = relationship("Topic", back_populates="aliases")


class Source(Base):
    __tablename__ = "sources"

    id = Column(Integer, primary_key=True)
    url = Column(Text, nullable=False, unique=True)


def _pick(malform: str, nn: str | None, nb: str | None) -> str:
    first, second = (nb, nn) if malform == "nb" else (nn, nb)
    return (first or "").strip() or (second or "").strip()


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("topic_id", "aspect", name="uq_answer_aspect"),)

    id = Column(Integer, primary_key=True)
    topic_id = Column(Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True)
    aspect = Column(String(20), nullable=False)
    text_nn = Column(Text, nullable=False, default="")
    text_nb = Column(Text, nullable=False, default="")
    source_id = Column(Integer, ForeignKey("sources.id", ondelete="SET NULL"), nullable=True)
    # When the source said it (migration 4): an EDTF-style date or span, see `kari.knowledge.dates`;
    # None when the source shows no date. Never the day the page was copied.
    source_date = Column(String(30), nullable=True)
    # The day staff last verified the answer against the live service; None until someone has.
    verified = Column(Date, nullable=True)
    review = Column(Text, nullable=True)

    topic = relationship("Topic", back_populates="answers")
    source = relationship("Source")

    def text(self, malform: str) -> str:
        """The text in `malform`, falling back to the other standard when that one is empty."""
        first, second = (self.text_nb, self.text_nn) if malform == "nb" else (self.text_nn, self.text_nb)
        return (first or "").strip() or (second or "").strip()


class Meta(Base):
    """One row: `content_version` goes up on every change to topics or aliases (database triggers)."""

    __tablename__ = "kb_meta"

    id = Column(Integer, primary_key=True)
    content_version = Column(Integer, nullable=False, default=0)
    # Migration 6: the newest `Change.id` written to YAML by `kb export` (or loaded by `kb import`).
    exported_change = Column(Integer, nullable=False, default=0)


class Feedback(Base):
    """One citizen rating of one answer (migration 3). Deliberately no sender, text or time of day."""

    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True)
    topic_key = Column(String(100), nullable=False, index=True)
    aspect = Column(String(20), nullable=False)
    helpful = Column(Boolean, nullable=False)
    malform = Column(String(2), nullable=False)
    day = Column(Date, nullable=False)


class ExampleQuestion(Base):
    """A question staff say an answer answers (migration 5): the search finds the answer through it."""

    __tablename__ = "example_questions"
    __table_args__ = (UniqueConstraint("topic_id", "aspect", "text", name="uq_example_question"),)

    id = Column(Integer, primary_key=True)
    topic_id = Column(Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True)
    aspect = Column(String(20), nullable=False)
    malform = Column(String(2), nullable=False)
    text = Column(Text, nullable=False)


class Staff(Base):
    """A staff account for the admin pages (migration 6). Roles: editor < trainer < admin."""

    __tablename__ = "staff"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)
    role = Column(String(20), nullable=False)
    password_hash = Column(Text, nullable=False)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)  # UTC, naive
    created = Column(DateTime, nullable=False)


class StaffSession(Base):
    """A logged-in browser (migration 6); `id` is the SHA-256 of the cookie's token."""

    __tablename__ = "staff_sessions"

    id = Column(String(64), primary_key=True)
    staff_id = Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf = Column(String(64), nullable=False)
    created = Column(DateTime, nullable=False)
    expires = Column(DateTime, nullable=False)

    staff = relationship("Staff")


class Change(Base):
    """One change staff made on the admin pages (migration 6): who, when, what, old → new.

    `entity` is "answer", "topic" or "example"; `target` is "topic_key" or "topic_key/aspect"; `field`
    the column (or "created"/"retired" with a JSON snapshot of the topic). `reverts` points at the
    change this one undid."""

    __tablename__ = "kb_changes"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False)
    who = Column(String(100), nullable=False)
    entity = Column(String(20), nullable=False)
    target = Column(String(200), nullable=False, index=True)
    field = Column(String(50), nullable=False)
    old = Column(Text, nullable=True)
    new = Column(Text, nullable=True)
    reverts = Column(Integer, nullable=True)


# ------------------------------------------------------------------------------ source dates
# `Answer.source_date` holds when the source said it, as precisely as the source shows it, in a small
# subset of ISO 8601 / EDTF: a year "2020", a month "2020-03", a day "2023-12-07", or a span "2020/2023"
# with an open end written "..": "../2019" (some time before 2020: an undated page of the old site),
# "2024/.." (2024 or later).
_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _point(text: str, end: bool) -> dt.date:
    m = _POINT.match(text)
    if not m:
        raise ValueError(text)
    year, month, day = int(m[1]), m[2], m[3]
    if day:
        return dt.date(year, int(month), int(day))
    if month:
        first = dt.date(year, int(month), 1)
        if not end:
            return first
        return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)


def source_span(text: str | None) -> tuple[dt.date | None, dt.date | None] | None:
    """(earliest, latest) day `text` can mean (None: open end); None for no date; ValueError if malformed."""
    text = (text or "").strip()
    if not text:
        return None
    if "/" not in text:
        return _point(text, False), _point(text, True)
    start, _, stop = text.partition("/")
    if start == stop == ".." or "/" in stop:
        raise ValueError(text)
    earliest = None if start == ".." else _point(start, False)
    latest = None if stop == ".." else _point(stop, True)
    if earliest and latest and earliest > latest:
        raise ValueError(text)
    return earliest, latest
