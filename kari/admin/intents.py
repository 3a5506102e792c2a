"""Intents and their training examples per written standard, read from data/nlu/ and written back.

Staff additions go to one file of their own, `data/nlu/staff.yml` (blocks per intent and written
standard, `metadata: {malform: nn|nb}` like the rest), so git shows exactly what staff added. Editing or
removing an example rewrites the file it is in with ruamel.yaml's round trip, which keeps comments,
order and quoting (a file read and written unchanged is byte for byte the same). Whether a change helps
shows after the next training ("train and check", or `make train`).
"""

from __future__ import annotations

import os
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


def domain_intents() -> list[str]:
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    return [str(i) for i in domain.get("intents", [])]


@dataclass
class Intent:
    name: str
    examples: dict[str, list[str]] = field(default_factory=lambda: {"nn": [], "nb": []})
    staff: dict[str, list[str]] = field(default_factory=lambda: {"nn": [], "nb": []})


def _blocks(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [b for b in data.get("nlu") or [] if isinstance(b, dict) and "intent" in b]


def _lines(block: dict) -> list[str]:
    text = block.get("examples") or ""
    return [line[2:].strip() for line in text.splitlines() if line.strip().startswith("- ")]


def read() -> dict[str, Intent]:
    """Every intent of the domain with its examples per written standard."""
    intents = {name: Intent(name) for name in domain_intents()}
    for path in sorted(nlu_dir().glob("*.yml")):
        for block in _blocks(path):
            intent = intents.setdefault(block["intent"], Intent(block["intent"]))
            malform = ((block.get("metadata") or {}).get("malform")) or "nn"
            malform = malform if malform in ("nn", "nb") else "nn"
            intent.examples[malform] += _lines(block)
            if path.name == STAFF_FILE:
                intent.staff[malform] += _lines(block)
    return intents


def _write_staff(entries: dict[tuple[str, str], list[str]]) -> None:
    out = [HEADER, "nlu:\n"]
    for (intent, malform), examples in sorted(entries.items()):
        if not examples:
            continue
        out.append(f"- intent: {intent}\n  metadata:\n    malform: {malform}\n  examples: |\n")
        out += [f"    - {e}\n" for e in examples]
    text = "".join(out) if len(out) > 2 else HEADER + "nlu: []\n"
    yaml.safe_load(text)  # never write a file Rasa cannot read
    path = nlu_dir() / STAFF_FILE
    tmp = path.with_suffix(".yml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


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


def _round_trip():  # type: ignore[no-untyped-def]
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=2, offset=0)
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
                    tmp = path.with_suffix(".yml.tmp")
                    with tmp.open("w", encoding="utf-8") as out:
                        y.dump(data, out)
                    yaml.safe_load(tmp.read_text(encoding="utf-8"))  # never leave a file Rasa cannot read
                    tmp.replace(path)
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
