"""Conversation tests that check what Kari *said*: a YAML format for evaluators (tests/conversations/).

    conversations:
      - name: kindergarten, follow-ups in Bokmål
        kind: followup                      # optional: groups the report's pass rates
        turns:
          - user: barnehage
          - user: hva koster det?
            bot:
              facts: [{kb: barnehage.price}]  # the knowledge base's answer, read at test time
              standard: nb                  # the reply is in Bokmål
              buttons: [Svaret hjalp]       # offered buttons (titles)
          - user: blablabla
            bot: {does_not_know: true, hands_over: true, not: ["3 135"]}

Each `bot` check is optional; a turn without `bot` is only said. A fact is a text, a list of
alternatives, or `{kb: topic.field}` (field: an aspect such as deadline or price, or name / url),
so a staff edit in the knowledge base does not break a test. The README's "Evaluators" section is
the reference; `python -m kari evaluate` runs the tests in-process or against `--url`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from kari.evaluation.answers import normalise, reply_standard

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DIR = REPO / "tests/conversations"
CHECKS = ("facts", "not", "standard", "buttons", "hands_over", "does_not_know")


class FormatError(ValueError):
    """A conversation file an evaluator must fix; the message names the file and the place."""


@dataclass(frozen=True)
class BotCheck:
    facts: tuple[Any, ...] = ()  # str | tuple[str, ...] (alternatives) | KbRef
    not_: tuple[Any, ...] = ()  # like facts: none of them may be in the reply
    standard: str | None = None
    buttons: tuple[str, ...] = ()
    hands_over: bool | None = None
    does_not_know: bool | None = None


@dataclass(frozen=True)
class KbRef:
    topic: str
    field: str

    def __str__(self) -> str:
        return f"{self.topic}.{self.field}"


@dataclass(frozen=True)
class Turn:
    user: str
    bot: BotCheck | None = None


@dataclass(frozen=True)
class Conversation:
    name: str
    file: str
    kind: str
    turns: tuple[Turn, ...]

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"


# --- loading -----------------------------------------------------------------------------------


def _fact(raw: Any, where: str) -> Any:
    if isinstance(raw, dict) and set(raw) == {"kb"} and isinstance(raw["kb"], str) and raw["kb"].count(".") == 1:
        return KbRef(*raw["kb"].split("."))
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, list) and raw and all(isinstance(a, (str, int, float)) for a in raw):
        return tuple(str(a) for a in raw)
    raise FormatError(f"{where}: a fact is a text, a list of alternative texts or {{kb: topic.field}}, not {raw!r}")


def _texts(raw: Any, where: str, key: str) -> tuple[str, ...]:
    raw = [raw] if isinstance(raw, str) else raw
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise FormatError(f"{where}: `{key}` is a text or a list of texts")
    return tuple(raw)


def _listed(raw: Any) -> list[Any]:
    """A check's value as a list: one fact may be written without the brackets."""
    return [] if raw is None else raw if isinstance(raw, list) else [raw]


def _bot(raw: Any, where: str) -> BotCheck:
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: `bot` holds checks ({', '.join(CHECKS)})")
    unknown = set(raw) - set(CHECKS)
    if unknown:
        raise FormatError(f"{where}: unknown check(s) {', '.join(sorted(unknown))}; known: {', '.join(CHECKS)}")
    standard = raw.get("standard")
    if standard not in (None, "nn", "nb"):
        shown = {False: "no", True: "yes"}.get(standard, standard) if isinstance(standard, bool) else standard
        raise FormatError(f"{where}: `standard` is nn (Nynorsk) or nb (Bokmål), not {shown}")
    for key in ("hands_over", "does_not_know"):
        if key in raw and not isinstance(raw[key], bool):
            raise FormatError(f"{where}: `{key}` is true or false")
    return BotCheck(
        facts=tuple(_fact(f, where) for f in _listed(raw.get("facts"))),
        not_=tuple(_fact(f, where) for f in _listed(raw.get("not"))),
        standard=standard,
        buttons=_texts(raw.get("buttons") or [], where, "buttons"),
        hands_over=raw.get("hands_over"),
        does_not_know=raw.get("does_not_know"),
    )


def load_file(path: Path) -> list[Conversation]:
    """The conversations of one file; FormatError names the file and what to fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise FormatError(f"{path}: cannot be read ({error.__class__.__name__})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise FormatError(f"{path}{line}: not valid YAML ({getattr(error, 'problem', error)})") from None
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise FormatError(f"{path}: expected a top-level `conversations:` list")
    out = []
    for i, raw in enumerate(data["conversations"], 1):
        where = f"{path.name}, conversation {i}"
        if not isinstance(raw, dict) or not isinstance(raw.get("turns"), list) or not raw["turns"]:
            raise FormatError(f"{where}: a conversation has `name` and a list of `turns`")
        name = str(raw.get("name") or f"conversation {i}")
        where = f"{path.name}, '{name}'"
        turns = []
        for j, turn in enumerate(raw["turns"], 1):
            at = f"{where}, turn {j}"
            if not isinstance(turn, dict) or not isinstance(turn.get("user"), str):
                raise FormatError(f"{at}: a turn is `user: <text>` with an optional `bot:` of checks")
            unknown = set(turn) - {"user", "bot"}
            if unknown:
                raise FormatError(f"{at}: unknown key(s) {', '.join(sorted(unknown))} (a turn has user and bot)")
            turns.append(Turn(turn["user"], _bot(turn["bot"], at) if turn.get("bot") is not None else None))
        out.append(Conversation(name, path.name, str(raw.get("kind") or "other"), tuple(turns)))
    return out


def load(paths: Iterable[Path]) -> list[Conversation]:
    """Conversations of files and folders (every *.yml in a folder, README and the like skipped)."""
    out: list[Conversation] = []
    for path in paths:
        if not path.exists():
            raise FormatError(f"{path}: no such file or folder")
        files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
        for file in files:
            out += load_file(file)
    return out


# --- the knowledge base ------------------------------------------------------------------------


class KnowledgeFacts:
    """`{kb: topic.field}` → the texts a right reply contains, read from the knowledge base now."""

    def __init__(self, database_url: str | None = None) -> None:
        self.url = database_url

    def texts(self, ref: KbRef, standard: str | None) -> tuple[str, ...]:
        from sqlalchemy import select

        from kari.knowledge.answers import ALL_ASPECTS, answer
        from kari.knowledge.db import session_scope
        from kari.knowledge.models import Topic

        standards = (standard,) if standard else ("nn", "nb")
        with session_scope(self.url) as session:
            topic = session.execute(select(Topic).where(Topic.key == ref.topic)).scalars().first()
            if topic is None:
                raise FormatError(f"{{kb: {ref}}}: the knowledge base has no topic '{ref.topic}'")
            if ref.field == "name":
                return tuple(topic.name(s) for s in standards)
            if ref.field == "url":
                if not topic.url:
                    raise FormatError(f"{{kb: {ref}}}: topic '{ref.topic}' has no url")
                return (topic.url,)
            if ref.field not in ALL_ASPECTS:
                fields = ", ".join(("name", "url") + ALL_ASPECTS)
                raise FormatError(f"{{kb: {ref}}}: unknown field '{ref.field}'; known: {fields}")
            row = next((a for a in topic.answers if a.aspect == ref.field), None)
            if row is not None:  # the stored text, which the reply quotes in full
                return tuple(row.text(s) for s in standards if row.text(s))
            replies = [answer(session, ref.topic, ref.field, s) for s in standards]
            if not all(r.found for r in replies):
                raise FormatError(f"{{kb: {ref}}}: the knowledge base has no {ref.field} for '{ref.topic}'")
            return tuple(r.text for r in replies)


# --- judging -----------------------------------------------------------------------------------


def _fixed_parts(templates: Iterable[str]) -> tuple[str, ...]:
    """The fixed beginning of each reply template (up to its first placeholder), normalised."""
    parts = (normalise(re.split(r"\{", t, maxsplit=1)[0]) for t in templates)
    return tuple(sorted({p for p in parts if len(p) >= 12}))


def _markers() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(hands-over markers, does-not-know markers) from Kari's own reply texts, so a reworded
    reply keeps being recognised."""
    from kari.conversation.texts import TEXTS as DIALOGUE
    from kari.knowledge.texts import TEXTS as KNOWLEDGE

    handover, unknown = [], []
    for texts in (*DIALOGUE.values(), *KNOWLEDGE.values()):
        for key, text in texts.items():
            if key.startswith("handover_"):
                handover.append(text)
            if key in ("unknown", "give_up", "no_list", "out_of_scope", "partnerships_none") or key.startswith(
                "missing."
            ):
                unknown.append(text)
    return _fixed_parts(handover), _fixed_parts(unknown)


@dataclass
class TurnResult:
    user: str
    replies: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)
    checked: bool = False

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.replies)


@dataclass
class ConversationResult:
    conversation: Conversation
    turns: list[TurnResult]
    error: str | None = None  # Kari could not be reached, or a fact could not be read

    @property
    def passed(self) -> bool:
        return self.error is None and not any(t.problems for t in self.turns)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.conversation.id,
            "name": self.conversation.name,
            "kind": self.conversation.kind,
            "passed": self.passed,
            "error": self.error,
            "turns": [{"user": t.user, "replies": t.replies, "problems": t.problems} for t in self.turns],
        }


def _alternatives(fact: Any, standard: str | None, kb: KnowledgeFacts) -> tuple[str, ...]:
    if isinstance(fact, KbRef):
        return kb.texts(fact, standard)
    return fact if isinstance(fact, tuple) else (fact,)


def judge(check: BotCheck, replies: list[dict[str, Any]], kb: KnowledgeFacts) -> list[str]:
    """What is wrong with Kari's reply to one turn (empty: right)."""
    problems = []
    text = "\n".join(m.get("text") or "" for m in replies)
    said = normalise(text)
    for fact in check.facts:
        alternatives = _alternatives(fact, check.standard, kb)
        if not any(normalise(a) in said for a in alternatives):
            what = f"the knowledge base's {fact}: «{alternatives[0]}»" if isinstance(fact, KbRef) else None
            problems.append(
                f"does not give {what}" if what else "does not say " + " or ".join(f"«{a}»" for a in alternatives)
            )
    for fact in check.not_:
        for a in _alternatives(fact, None, kb):
            if normalise(a) in said:
                problems.append(f"says «{a}», which it must not" + (f" ({fact})" if isinstance(fact, KbRef) else ""))
    if check.standard:
        found = reply_standard([m.get("text") or "" for m in replies])
        if found and found != check.standard:
            names = {"nn": "Nynorsk", "nb": "Bokmål"}
            problems.append(f"is in {names.get(found, found)}, not {names[check.standard]}")
    if check.buttons:
        offered = [b for m in replies for b in m.get("buttons") or []]
        titles = [normalise(b.get("title") or "") for b in offered]
        payloads = [b.get("payload") for b in offered]
        for wanted in check.buttons:
            if not any(normalise(wanted) in t for t in titles) and wanted not in payloads:
                shown = ", ".join(f"«{b.get('title')}»" for b in offered) or "none"
                problems.append(f"offers no button «{wanted}» (buttons: {shown})")
    handover, unknown = _markers()
    for flag, markers, yes, no in (
        (check.hands_over, handover, "does not hand over to a person", "hands over to a person"),
        (check.does_not_know, unknown, "does not say it does not know", "says it does not know"),
    ):
        if flag is None:
            continue
        found = any(m in said for m in markers)
        if flag and not found:
            problems.append(yes)
        if not flag and found:
            problems.append(no)
    return problems


def run(kari: Any, conversations: list[Conversation], kb: KnowledgeFacts) -> list[ConversationResult]:
    """Each conversation with a fresh sender; a conversation Kari could not finish is an error."""
    results = []
    for conversation in conversations:
        texts = [t.user for t in conversation.turns]
        try:
            exchange = kari.exchange(texts, "evaluator")
        except Exception as error:  # noqa: BLE001 - reported per conversation, the run goes on
            results.append(ConversationResult(conversation, [], f"Kari did not answer: {error}"))
            continue
        turns, error = [], None
        for turn, replies in zip(conversation.turns, exchange):
            result = TurnResult(turn.user, replies, checked=turn.bot is not None)
            if turn.bot is not None:
                try:
                    result.problems = judge(turn.bot, replies, kb)
                except FormatError as problem:
                    error = str(problem)
            turns.append(result)
        results.append(ConversationResult(conversation, turns, error))
    return results
