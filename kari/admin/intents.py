"""Intents and their training examples per written standard, read from data/nlu/ and written back.

Staff additions go to one file of their own, `data/nlu/staff.yml` (blocks per intent and written
standard, `metadata: {malform: nn|nb}` like the rest), so git shows exactly what staff added. Editing or
removing an example rewrites the file it is in with ruamel.yaml's round trip, which keeps comments,
order and quoting (a file read and written unchanged is byte for byte the same). Whether a change helps
shows after the next training ("train and check", or `make train`).

A trainer can also create an intent: its name goes into domain.yml, a rule sending it to action_answer
(the search over the knowledge base answers it) into data/rules.yml, its examples into staff.yml. The
rule's name marks it as made on the pages, so it alone can be removed there again. KARI_NLU_DIR points
at data/nlu/ of a project copy (tests use one); domain.yml and data/rules.yml are read next to it.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kari.knowledge.db import REPO

STAFF_FILE = "staff.yml"
HEADER = (
    'version: "3.1"\n\n'
    "# Training examples staff added on the admin pages (/admin/intents, /admin/missed).\n"
    "# Written by kari/admin/intents.py; review them in git like any other change.\n\n"
)


class IntentError(ValueError):
    """Input staff can correct; the message (Nynorsk) says what."""


def nlu_dir() -> Path:
    return Path(os.environ.get("KARI_NLU_DIR") or REPO / "data" / "nlu")


def domain_file() -> Path:
    return nlu_dir().parent.parent / "domain.yml"


def rules_file() -> Path:
    return nlu_dir().parent / "rules.yml"


def domain_intents() -> list[str]:
    domain = yaml.safe_load(domain_file().read_text(encoding="utf-8"))
    return [str(i) for i in domain.get("intents", [])]


@dataclass
class Intent:
    name: str
    examples: dict[str, list[str]] = field(default_factory=lambda: {"nn": [], "nb": []})
    staff: dict[str, list[str]] = field(default_factory=lambda: {"nn": [], "nb": []})
    made_by_staff: bool = False


def _blocks(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [b for b in data.get("nlu") or [] if isinstance(b, dict) and "intent" in b]


def _lines(block: dict) -> list[str]:
    text = block.get("examples") or ""
    return [line[2:].strip() for line in text.splitlines() if line.strip().startswith("- ")]


def read() -> dict[str, Intent]:
    """Every intent of the domain with its examples per written standard."""
    made = staff_made()
    intents = {name: Intent(name, made_by_staff=name in made) for name in domain_intents()}
    for path in sorted(nlu_dir().glob("*.yml")):
        for block in _blocks(path):
            intent = intents.setdefault(block["intent"], Intent(block["intent"]))
            malform = ((block.get("metadata") or {}).get("malform")) or "nn"
            malform = malform if malform in ("nn", "nb") else "nn"
            intent.examples[malform] += _lines(block)
            if path.name == STAFF_FILE:
                intent.staff[malform] += _lines(block)
    return intents


def _staff_text(entries: dict[tuple[str, str], list[str]]) -> str:
    out = [HEADER, "nlu:\n"]
    for (intent, malform), examples in sorted(entries.items()):
        if not examples:
            continue
        out.append(f"- intent: {intent}\n  metadata:\n    malform: {malform}\n  examples: |\n")
        out += [f"    - {e}\n" for e in examples]
    text = "".join(out) if len(out) > 2 else HEADER + "nlu: []\n"
    yaml.safe_load(text)  # never write a file Rasa cannot read
    return text


def _write_staff(entries: dict[tuple[str, str], list[str]]) -> None:
    _replace_all({nlu_dir() / STAFF_FILE: _staff_text(entries)})


def _staff_entries() -> dict[tuple[str, str], list[str]]:
    path = nlu_dir() / STAFF_FILE
    entries: dict[tuple[str, str], list[str]] = {}
    if path.exists():
        for block in _blocks(path):
            malform = (block.get("metadata") or {}).get("malform") or "nn"
            entries.setdefault((block["intent"], malform), []).extend(_lines(block))
    return entries


def _clean(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise IntentError("Skriv eit eksempel.")
    if len(text) > 300:
        raise IntentError("Eksempelet er for langt (høgst 300 teikn).")
    if text.startswith(("/", "{", "[", "#", "!", "&", "*", "|", ">", "%", "@", "`", "'", '"')):
        raise IntentError("Eksempelet kan ikkje byrje med eit spesialteikn.")
    return text


def add_example(intent: str, malform: str, text: str) -> str:
    if intent not in domain_intents():
        raise IntentError(f"Ukjend intensjon «{intent}».")
    if malform not in ("nn", "nb"):
        raise IntentError("Vel nynorsk eller bokmål.")
    text = _clean(text)
    known = read()[intent].examples
    if text.lower() in {e.lower() for e in known["nn"] + known["nb"]}:
        raise IntentError("Det eksempelet finst alt for intensjonen.")
    for other in read().values():
        if other.name != intent and text.lower() in {e.lower() for e in other.examples["nn"] + other.examples["nb"]}:
            raise IntentError(f"Det same eksempelet står alt under «{other.name}»; Rasa godtek ikkje begge.")
    entries = _staff_entries()
    entries.setdefault((intent, malform), []).append(text)
    _write_staff(entries)
    return text


def _round_trip(sequence: int = 2, offset: int = 0):  # type: ignore[no-untyped-def]
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=sequence, offset=offset)
    return y


def _rewrite(intent: str, malform: str, old: str, new: str | None) -> None:
    """Replace the example `old` of `intent` in `malform` by `new` (None: remove it) where it is written."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    y = _round_trip()
    for path in sorted(nlu_dir().glob("*.yml")):
        data = y.load(path.read_text(encoding="utf-8"))
        for block in (data or {}).get("nlu") or []:
            if block.get("intent") != intent or ((block.get("metadata") or {}).get("malform") or "nn") != malform:
                continue
            lines = str(block.get("examples") or "").splitlines(keepends=True)
            for i, line in enumerate(lines):
                if line.strip().startswith("- ") and line.strip()[2:].strip() == old:
                    indent = line[: len(line) - len(line.lstrip())]
                    if new is None:
                        del lines[i]
                    else:
                        lines[i] = f"{indent}- {new}\n"
                    block["examples"] = LiteralScalarString("".join(lines))
                    _replace_all({path: _dump(y, data)})
                    return
    raise IntentError("Fann ikkje eksempelet (lenger).")


def remove_example(intent: str, malform: str, text: str) -> None:
    _rewrite(intent, malform, text, None)


def edit_example(intent: str, malform: str, old: str, new: str) -> str:
    new = _clean(new)
    if new.lower() != old.lower():
        for other in read().values():
            if new.lower() in {e.lower() for e in other.examples["nn"] + other.examples["nb"]}:
                raise IntentError(f"Det same eksempelet står alt under «{other.name}».")
    _rewrite(intent, malform, old, new)
    return new


# ------------------------------------------------------------------------------ new intents

NAME = re.compile(r"[a-z][a-z0-9_]{2,39}")
RULE_PREFIX = "staff intent "  # the rule of an intent made on the pages
MAX_EXAMPLES = 200


def staff_made() -> set[str]:
    rules = yaml.safe_load(rules_file().read_text(encoding="utf-8")) or {}
    names = (str(r.get("rule", "")) for r in rules.get("rules") or [] if isinstance(r, dict))
    return {n[len(RULE_PREFIX) :] for n in names if n.startswith(RULE_PREFIX)}


def _checked_name(name: str) -> str:
    from rasa.shared.core.constants import DEFAULT_INTENTS

    name = (name or "").strip()
    if not NAME.fullmatch(name):
        raise IntentError(
            "Namnet må vere 3–40 teikn: små bokstavar a–z, tal og understrek, og byrje med ein bokstav "
            "(til dømes ask_parking)."
        )
    if name in domain_intents() or name in DEFAULT_INTENTS:
        raise IntentError(f"Intensjonen «{name}» finst alt (eller er reservert av Rasa).")
    return name


def _checked_examples(examples: dict[str, str]) -> dict[str, list[str]]:
    """Examples one per line per written standard: cleaned, unique, and not under another intent."""
    taken = {e.lower(): i.name for i in read().values() for e in i.examples["nn"] + i.examples["nb"]}
    found: dict[str, list[str]] = {"nn": [], "nb": []}
    seen: set[str] = set()
    for malform in ("nn", "nb"):
        for line in (examples.get(malform) or "").splitlines():
            if not line.strip():
                continue
            text = _clean(line)
            if text.lower() in taken:
                raise IntentError(f"«{text}» står alt under «{taken[text.lower()]}»; Rasa godtek ikkje begge.")
            if text.lower() not in seen:
                seen.add(text.lower())
                found[malform].append(text)
    if len(seen) < 2:
        raise IntentError("Skriv minst to ulike eksempel (eitt per linje), helst på både nynorsk og bokmål.")
    if len(seen) > MAX_EXAMPLES:
        raise IntentError(f"Høgst {MAX_EXAMPLES} eksempel om gongen.")
    return found


def _dump(y, data) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    y.dump(data, out)
    yaml.safe_load(out.getvalue())  # never write a file Rasa cannot read
    return out.getvalue()


def _comment(seq, index: int):  # type: ignore[no-untyped-def]
    token = seq.ca.items.get(index)
    return token[0] if token and token[0] is not None else None


def _move_gap(source, target) -> None:  # type: ignore[no-untyped-def]
    """The blank lines ruamel keeps inside the end-of-line comment of a list's last item move to `target`."""
    if source is None or target is None:
        return
    gap = source.value[len(source.value.rstrip("\n")) + 1 :]
    source.value = source.value.rstrip("\n") + "\n"
    target.value = target.value.rstrip("\n") + "\n" + gap


def _domain_with(add: str | None = None, remove: str | None = None) -> str:
    """domain.yml with an intent added after the last one or removed; comments and layout kept."""
    y = _round_trip(sequence=4, offset=2)
    data = y.load(domain_file().read_text(encoding="utf-8"))
    seq = data["intents"]
    if remove is not None:
        at = list(seq).index(remove)
        removed = _comment(seq, at)
        del seq[at]  # ruamel moves the comments of the items after it
        if at == len(seq):
            _move_gap(removed, _comment(seq, at - 1))
    if add is not None:
        last = _comment(seq, len(seq) - 1)
        seq.append(add)
        seq.yaml_add_eol_comment("made on the admin pages", len(seq) - 1)
        _move_gap(last, _comment(seq, len(seq) - 1))
    return _dump(y, data)


def _rules_with(add: str | None = None, remove: str | None = None) -> str:
    y = _round_trip(sequence=4, offset=2)
    data = y.load(rules_file().read_text(encoding="utf-8"))
    if remove is not None:
        data["rules"] = [r for r in data["rules"] if r.get("rule") != RULE_PREFIX + remove]
    if add is not None:
        data["rules"].append({"rule": RULE_PREFIX + add, "steps": [{"intent": add}, {"action": "action_answer"}]})
    return _dump(y, data)


def _replace_all(texts: dict[Path, str]) -> None:
    """Write every file to a temporary twin first, then swap them in: a failed write changes nothing."""
    for path, text in texts.items():
        path.with_suffix(".yml.tmp").write_text(text, encoding="utf-8")
    for path in texts:
        path.with_suffix(".yml.tmp").replace(path)


def create_intent(name: str, examples: dict[str, str]) -> str:
    """A new intent answered by the knowledge-base search; used by the model after the next training."""
    name = _checked_name(name)
    found = _checked_examples(examples)
    entries = _staff_entries()
    for malform, lines in found.items():
        if lines:
            entries[(name, malform)] = lines
    staff = _staff_text(entries)
    _replace_all(
        {domain_file(): _domain_with(add=name), rules_file(): _rules_with(add=name), nlu_dir() / STAFF_FILE: staff}
    )
    return name


def remove_intent(name: str) -> None:
    """Remove an intent made on the pages, with its rule and examples (hand-written intents stay)."""
    if name not in staff_made():
        raise IntentError(f"Berre intensjonar laga på sidene kan fjernast her; «{name}» er det ikkje.")
    entries = {k: v for k, v in _staff_entries().items() if k[0] != name}
    texts = {rules_file(): _rules_with(remove=name), nlu_dir() / STAFF_FILE: _staff_text(entries)}
    if name in domain_intents():
        texts[domain_file()] = _domain_with(remove=name)
    _replace_all(texts)
