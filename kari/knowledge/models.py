"""ORM mapping of the knowledge base (the newest schema; `migrations.py` builds it step by step).

SQLAlchemy 1.4 in the 2.0 style: a `registry()`, classic typed Columns, `select()` queries.
"""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Text, UniqueConstraint
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
    # Which YAML file the topic came from (export writes it back there); None → chosen by kind.
    file = Column(String(50), nullable=True)

    partner = relationship("Topic", remote_side=[id], back_populates="projects")
    projects = relationship("Topic", back_populates="partner", order_by="Topic.key")
    aliases = relationship("Alias", back_populates="topic", cascade="all, delete-orphan",
                           passive_deletes=True)
    answers = relationship("Answer", back_populates="topic", cascade="all, delete-orphan",
                           passive_deletes=True)

    def name(self, malform: str) -> str:
        """The name in `malform`, else the other standard's, else the key."""
        first, second = (self.name_nb, self.name_nn) if malform == "nb" else (self.name_nn, self.name_nb)
        return (first or "").strip() or (second or "").strip() or self.key

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


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("topic_id", "aspect", name="uq_answer_aspect"),)

    id = Column(Integer, primary_key=True)
    topic_id = Column(Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True)
    aspect = Column(String(20), nullable=False)
    text_nn = Column(Text, nullable=False, default="")
    text_nb = Column(Text, nullable=False, default="")
    source_id = Column(Integer, ForeignKey("sources.id", ondelete="SET NULL"), nullable=True)
    checked = Column(Date, nullable=True)
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
    """A question staff say an answer answers (migration 4): the search finds the answer through it."""

    __tablename__ = "example_questions"
    __table_args__ = (UniqueConstraint("topic_id", "aspect", "text", name="uq_example_question"),)

    id = Column(Integer, primary_key=True)
    topic_id = Column(Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True)
    aspect = Column(String(20), nullable=False)
    malform = Column(String(2), nullable=False)
    text = Column(Text, nullable=False)
