"""The project's targets, all in tests/targets.yml: a number is a floor, {max: N} a ceiling."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
FILE = REPO / "tests/targets.yml"


@dataclass(frozen=True)
class Target:
    value: float
    ceiling: bool = False  # True: the figure must stay at or below `value`

    def met(self, figure: float) -> bool:
        return figure <= self.value if self.ceiling else figure >= self.value

    def __str__(self) -> str:
        return f"≤ {self.value:g}" if self.ceiling else f"≥ {self.value:g}"


def load(path: Path = FILE) -> dict[str, Target]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {}
    for name, value in raw.items():
        if isinstance(value, dict) and set(value) == {"max"}:
            out[name] = Target(float(value["max"]), ceiling=True)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = Target(float(value))
        else:
            raise ValueError(f"{path}: target {name!r} is a number or {{max: N}}, not {value!r}")
    return out


def section(prefix: str, path: Path = FILE) -> dict[str, Target]:
    """The targets whose names start with `prefix.`, without it: section("answers")["all"]."""
    return {name[len(prefix) + 1 :]: t for name, t in load(path).items() if name.startswith(prefix + ".")}


def missed(figures: dict[str, float], targets: dict[str, Target]) -> list[str]:
    """The targets the measured figures miss, in words (figures not measured are not judged)."""
    return [
        f"{name}: {figures[name]:.3f}, target {target}"
        for name, target in targets.items()
        if name in figures and not target.met(figures[name])
    ]
