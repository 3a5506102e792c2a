"""Knowledge YAML: strict validation with file:line messages, and the one canonical output form."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from kari.knowledge.models import ASPECTS, KINDS, MALFORMS, source_span

# Export order of the files, and the file a topic of each kind goes to when it has none of its own.
FILES = ("partners", "projects", "services", "municipality")
FILE_FOR_KIND = {"partner": "partners", "project": "projects", "service": "services", "municipality": "municipality"}
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC_KEYS = ("key", "kind", "partner", "name", "url", "operator", "emergency", "aliases", "answers")
ANSWER_KEYS = ("nn", "nb", "source", "source_date", "verified", "review", "examples")
HEADER = (
    "# Kommune-Kari knowledge base ({file}.yml). Canonical form written by `python -m kari kb export`.\n"
    "# Edit it, then load it with `python -m kari kb import`; `python -m kari kb check` lists gaps.\n"
    "# source_date: when the source said it (2020, 2020-03, 2023-12-07, or a span 2020/2023, ../2019 =\n"
    "# before 2020, 2024/.. = 2024 or later; none when the page shows no date). verified: the day staff\n"
    "# last checked the answer against the live service (none until someone has). operator: who runs a\n"
    "# service the municipality does not, with their own contact. emergency: the sentence every reply\n"
    "# about the topic opens with.\n"
)
RENAMED = {
    "checked": "'checked' is gone: write source_date (when the source said it) and, once staff "
    "have verified the answer, verified: YYYY-MM-DD"
}


@dataclass
class AnswerData:
    nn: str
    nb: str
    source: str | None = None
    source_date: str | None = None
    verified: dt.date | None = None
    review: str | None = None
    # Citizens' own wordings staff attach to the answer: the search finds it through them.
    examples_nn: list[str] = field(default_factory=list)
    examples_nb: list[str] = field(default_factory=list)


@dataclass
class TopicData:
    key: str
    kind: str
    name_nn: str
    name_nb: str
    partner: str | None = None
    url: str | None = None
    operator_nn: str | None = None
    operator_nb: str | None = None
    emergency_nn: str | None = None
    emergency_nb: str | None = None
    aliases_nn: list[str] = field(default_factory=list)
    aliases_nb: list[str] = field(default_factory=list)
    answers: dict[str, AnswerData] = field(default_factory=dict)
    file: str | None = None
    where: str = ""  # file:line, for messages


class Problems(list):
    def add(self, path: str, node: Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.append(f"{path}:{line}: {message}")


# ---------------------------------------------------------------------------------------- reading


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _mapping(
    node: Node, path: str, problems: Problems, what: str, allowed: tuple[str, ...]
) -> dict[str, tuple[Node, Node]] | None:
    """Keys → (key node, value node); reports non-mappings, duplicate and unknown keys."""
    if not isinstance(node, MappingNode):
        problems.add(path, node, f"{what} must be a mapping")
        return None
    out: dict[str, tuple[Node, Node]] = {}
    for knode, vnode in node.value:
        name = knode.value if isinstance(knode, ScalarNode) else None
        if name is None:
            problems.add(path, knode, f"{what}: keys must be plain words")
        elif name in out:
            problems.add(path, knode, f"{what}: duplicate key '{name}'")
        elif name not in allowed and name in RENAMED:
            problems.add(path, knode, f"{what}: {RENAMED[name]}")
        elif name not in allowed:
            problems.add(path, knode, f"{what}: unknown key '{name}' (allowed: {', '.join(allowed)})")
        else:
            out[name] = (knode, vnode)
    return out


def _text(node: Node, path: str, problems: Problems, what: str, *, required: bool = True) -> str | None:
    """A non-empty string (plain scalars are taken as written: `110` and `no` stay text)."""
    if _is_null(node):
        if required:
            problems.add(path, node, f"empty {what}")
        return None
    if not isinstance(node, ScalarNode):
        problems.add(path, node, f"{what} must be text")
        return None
    value = node.value.strip()
    if not value:
        problems.add(path, node, f"empty {what}")
        return None
    return value


def _url(node: Node, path: str, problems: Problems, what: str) -> str | None:
    if _is_null(node):
        return None
    value = _text(node, path, problems, what)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        problems.add(path, node, f"bad url '{value}' in {what} (expected http(s)://host/…)")
        return None
    return value


def _date(node: Node, path: str, problems: Problems, what: str) -> dt.date | None:
    if _is_null(node):
        return None
    if isinstance(node, ScalarNode):
        try:
            return dt.date.fromisoformat(node.value.strip())
        except ValueError:
            pass
    problems.add(path, node, f"bad date '{getattr(node, 'value', '')}' in {what} (expected YYYY-MM-DD)")
    return None


def _source_date(node: Node, path: str, problems: Problems, what: str) -> str | None:
    if _is_null(node):
        return None
    value = node.value.strip() if isinstance(node, ScalarNode) else None
    if value is not None:
        try:
            if source_span(value) is not None:
                return value
        except ValueError:
            pass
    problems.add(
        path,
        node,
        f"bad source_date '{getattr(node, 'value', '')}' in {what} (expected YYYY, "
        f"YYYY-MM, YYYY-MM-DD or a span such as 2020/2023, ../2019, 2024/..)",
    )
    return None


def _pair(node: Node, path: str, problems: Problems, what: str) -> tuple[str | None, str | None]:
    m = _mapping(node, path, problems, what, MALFORMS)
    if m is None:
        return None, None
    out = []
    for lang in MALFORMS:
        if lang not in m:
            problems.add(path, node, f"{what}: missing {lang}")
            out.append(None)
        else:
            out.append(_text(m[lang][1], path, problems, f"{lang} {what}"))
    return out[0], out[1]


def _aliases(node: Node, path: str, problems: Problems, what: str) -> tuple[list[str], list[str]]:
    if _is_null(node):
        return [], []
    m = _mapping(node, path, problems, what, MALFORMS)
    lists: list[list[str]] = [[], []]
    if m is None:
        return [], []
    for i, lang in enumerate(MALFORMS):
        if lang not in m:
            problems.add(path, node, f"{what}: missing {lang} list (use [] for none)")
            continue
        seq = m[lang][1]
        if _is_null(seq):
            continue
        if not isinstance(seq, SequenceNode):
            problems.add(path, seq, f"{what}: {lang} must be a list")
            continue
        for item in seq.value:
            value = _text(item, path, problems, f"{lang} alias in {what}")
            if value is not None:
                lists[i].append(value)
    return lists[0], lists[1]


def _answer(node: Node, path: str, problems: Problems, what: str) -> AnswerData | None:
    m = _mapping(node, path, problems, what, ANSWER_KEYS)
    if m is None:
        return None
    texts = {}
    for lang in MALFORMS:
        if lang not in m:
            problems.add(path, node, f"{what}: missing {lang} text")
            texts[lang] = None
        else:
            texts[lang] = _text(m[lang][1], path, problems, f"{lang} text of {what}")
    source = _url(m["source"][1], path, problems, f"source of {what}") if "source" in m else None
    source_date = (
        _source_date(m["source_date"][1], path, problems, f"source_date of {what}") if "source_date" in m else None
    )
    verified = _date(m["verified"][1], path, problems, f"verified of {what}") if "verified" in m else None
    if verified is not None:
        span = source_span(source_date)
        if verified > dt.date.today():
            problems.add(path, m["verified"][1], f"verified {verified.isoformat()} of {what} is in the future")
        elif span is not None and span[0] is not None and verified < span[0]:
            problems.add(
                path,
                m["verified"][1],
                f"verified {verified.isoformat()} of {what} is earlier than its source_date {source_date}",
            )
    review = _text(m["review"][1], path, problems, f"review note of {what}", required=False) if "review" in m else None
    examples = ([], []) if "examples" not in m else _aliases(m["examples"][1], path, problems, f"examples of {what}")
    if texts["nn"] is None or texts["nb"] is None:
        return None
    return AnswerData(texts["nn"], texts["nb"], source, source_date, verified, review, *examples)


def _topic(node: Node, path: str, problems: Problems, file: str) -> TopicData | None:
    m = _mapping(node, path, problems, "topic", TOPIC_KEYS)
    if m is None:
        return None
    where = f"{path}:{node.start_mark.line + 1}"
    key = None
    if "key" not in m:
        problems.add(path, node, "topic without key")
    else:
        key = _text(m["key"][1], path, problems, "key")
        if key is not None and not KEY_RE.match(key):
            problems.add(path, m["key"][1], f"bad key '{key}' (lower-case letters, digits and hyphens)")
            key = None
    label = f"topic '{key}'" if key else "topic"
    kind = None
    if "kind" not in m:
        problems.add(path, node, f"{label}: missing kind")
    else:
        kind = _text(m["kind"][1], path, problems, f"kind of {label}")
        if kind is not None and kind not in KINDS:
            problems.add(path, m["kind"][1], f"bad kind '{kind}' in {label} (expected one of: {', '.join(KINDS)})")
            kind = None
    partner = None
    if "partner" in m:
        partner = _text(m["partner"][1], path, problems, f"partner of {label}", required=False)
        if partner is not None and kind is not None and kind != "project":
            problems.add(path, m["partner"][1], f"{label}: only kind project may have a partner")
    name_nn = name_nb = None
    if "name" not in m:
        problems.add(path, node, f"{label}: missing name")
    else:
        name_nn, name_nb = _pair(m["name"][1], path, problems, f"name of {label}")
    url = _url(m["url"][1], path, problems, f"url of {label}") if "url" in m else None
    operator_nn = operator_nb = emergency_nn = emergency_nb = None
    if "operator" in m and not _is_null(m["operator"][1]):
        operator_nn, operator_nb = _pair(m["operator"][1], path, problems, f"operator of {label}")
    if "emergency" in m and not _is_null(m["emergency"][1]):
        emergency_nn, emergency_nb = _pair(m["emergency"][1], path, problems, f"emergency of {label}")
    aliases_nn, aliases_nb = (
        _aliases(m["aliases"][1], path, problems, f"aliases of {label}") if "aliases" in m else ([], [])
    )
    answers: dict[str, AnswerData] = {}
    if "answers" in m and not _is_null(m["answers"][1]):
        am = _mapping(m["answers"][1], path, problems, f"answers of {label}", ASPECTS)
        for aspect, (_k, vnode) in (am or {}).items():
            answer = _answer(vnode, path, problems, f"{aspect} answer of {label}")
            if answer is not None:
                answers[aspect] = answer
    if key is None or kind is None or name_nn is None or name_nb is None:
        return None
    return TopicData(
        key,
        kind,
        name_nn,
        name_nb,
        partner,
        url,
        operator_nn,
        operator_nb,
        emergency_nn,
        emergency_nb,
        aliases_nn,
        aliases_nb,
        answers,
        file,
        where,
    )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_dir(directory: Path) -> tuple[list[TopicData], list[str]]:
    """Read and validate every *.yml in `directory`; returns (topics, problems). Nothing is written."""
    problems = Problems()
    topics: list[TopicData] = []
    if not directory.is_dir():
        return [], [f"{directory}: no such directory"]
    files = sorted(directory.glob("*.yml"))
    if not files:
        return [], [f"{directory}: no *.yml files"]
    for file in files:
        path = _display(file)
        try:
            root = yaml.compose(file.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            problems.append(f"{path}:1: not UTF-8 text ({exc.reason})")
            continue
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            problems.append(f"{path}:{line}: YAML syntax error: {exc.problem or exc.context}")
            continue
        if root is None:
            problems.append(f"{path}:1: empty file (expected `topics:` with a list)")
            continue
        m = _mapping(root, path, problems, "file", ("topics",))
        if m is None:
            continue
        if "topics" not in m:
            problems.add(path, root, "missing `topics:`")
            continue
        seq = m["topics"][1]
        if _is_null(seq):
            continue
        if not isinstance(seq, SequenceNode):
            problems.add(path, seq, "`topics:` must be a list")
            continue
        for item in seq.value:
            topic = _topic(item, path, problems, file.stem)
            if topic is not None:
                topics.append(topic)

    first: dict[str, TopicData] = {}
    for t in topics:
        if t.key in first:
            problems.append(f"{t.where}: duplicate key '{t.key}' (first defined at {first[t.key].where})")
        else:
            first[t.key] = t
    for t in topics:
        if t.partner is None:
            continue
        other = first.get(t.partner)
        if other is None:
            problems.append(f"{t.where}: topic '{t.key}': unknown partner key '{t.partner}'")
        elif other.kind != "partner":
            problems.append(f"{t.where}: topic '{t.key}': partner '{t.partner}' is of kind {other.kind}, not partner")
    return topics, list(problems)


# ---------------------------------------------------------------------------------------- writing

_RESOLVER = Resolver()


def _printable(ch: str) -> bool:
    o = ord(ch)
    return (
        o == 0x09
        or 0x20 <= o <= 0x7E
        or o == 0xA0
        or 0xA1 <= o <= 0xD7FF
        or 0xE000 <= o <= 0xFFFD
        or 0x10000 <= o <= 0x10FFFF
    ) and o not in (0x2028, 0x2029, 0xFEFF)


def quote(text: str) -> str:
    """Always-double-quoted YAML scalar, unicode kept as is."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02X}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(f"\\U{ord(ch):08X}")
    out.append('"')
    return "".join(out)


def plain(value: str) -> str:
    """A plain scalar when it reads back as the same string (keys, kinds, urls), else quoted."""
    if (
        value
        and _RESOLVER.resolve(ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
        and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*", value)
        and ": " not in value
        and " #" not in value
    ):
        return value
    return quote(value)


def sort_aliases(aliases: list[str]) -> list[str]:
    return sorted(set(aliases), key=lambda a: (a.casefold(), a))


def dump(topics: list[TopicData], file: str) -> str:
    """The canonical text of one knowledge file."""
    lines = [HEADER.format(file=file).rstrip("\n")]
    topics = sorted(topics, key=lambda t: t.key)
    if not topics:
        lines.append("topics: []")
        return "\n".join(lines) + "\n"
    lines.append("topics:")
    for t in topics:
        lines.append(f"- key: {plain(t.key)}")
        lines.append(f"  kind: {plain(t.kind)}")
        if t.partner:
            lines.append(f"  partner: {plain(t.partner)}")
        lines.append(f"  name: {{nn: {quote(t.name_nn)}, nb: {quote(t.name_nb)}}}")
        if t.url:
            lines.append(f"  url: {plain(t.url)}")
        if t.operator_nn or t.operator_nb:
            lines.append(f"  operator: {{nn: {quote(t.operator_nn or '')}, nb: {quote(t.operator_nb or '')}}}")
        if t.emergency_nn or t.emergency_nb:
            lines.append(f"  emergency: {{nn: {quote(t.emergency_nn or '')}, nb: {quote(t.emergency_nb or '')}}}")
        if t.aliases_nn or t.aliases_nb:
            lines.append("  aliases:")
            for lang, items in (("nn", t.aliases_nn), ("nb", t.aliases_nb)):
                lines.append(f"    {lang}: [{', '.join(quote(a) for a in sort_aliases(items))}]")
        if t.answers:
            lines.append("  answers:")
            for aspect in ASPECTS:
                a = t.answers.get(aspect)
                if a is None:
                    continue
                lines.append(f"    {aspect}:")
                lines.append(f"      nn: {quote(a.nn)}")
                lines.append(f"      nb: {quote(a.nb)}")
                if a.source:
                    lines.append(f"      source: {plain(a.source)}")
                if a.source_date:
                    lines.append(f"      source_date: {quote(a.source_date)}")
                if a.verified:
                    lines.append(f"      verified: {a.verified.isoformat()}")
                if a.review:
                    lines.append(f"      review: {quote(a.review)}")
                if a.examples_nn or a.examples_nb:
                    lines.append("      examples:")
                    for lang, items in (("nn", a.examples_nn), ("nb", a.examples_nb)):
                        lines.append(f"        {lang}: [{', '.join(quote(q) for q in sort_aliases(items))}]")
    return "\n".join(lines) + "\n"


def file_of(topic: TopicData) -> str:
    return topic.file or FILE_FOR_KIND[topic.kind]
