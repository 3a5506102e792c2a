"""Accuracy of the written-standard detector on text it never saw (issue 18).

    .venv/bin/python -m kari.nlu.malform_eval          # the table; also part of `make evaluate`

Sets (all held out: never trained or tuned on):
- UD nn / UD nb: the held-out third of the UD Norwegian dev sets (tests/malform/ud_*_heldout.txt);
- chat nn / chat nb: tests/malform/chat_heldout.yml, short citizen messages written for it.
For each set and message length (words: 1–3, 4–8, 9+, ≤ 8, all): right / undecided / wrong.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests" / "malform"
BUCKETS: Tuple[Tuple[str, int, int], ...] = (
    ("1-3", 1, 3),
    ("4-8", 4, 8),
    ("9+", 9, 10**9),
    ("<=8", 1, 8),
    ("all", 1, 10**9),
)


def ud_heldout(std: str) -> List[str]:
    path = TESTS / f"ud_{std}_heldout.txt"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def chat_heldout(std: str) -> List[str]:
    data = yaml.safe_load((TESTS / "chat_heldout.yml").read_text(encoding="utf-8"))["sentences"]
    return [d["text"] for d in data if d["label"] == std]


def heldout_sets() -> Dict[str, Tuple[str, List[str]]]:
    return {
        f"{kind} {std}": (std, loader(std))
        for kind, loader in (("UD", ud_heldout), ("chat", chat_heldout))
        for std in ("nn", "nb")
    }


def words(text: str) -> int:
    return len(text.split())


def score(detect: Callable[[str], Optional[str]], std: str, texts: Iterable[str]) -> Dict[str, Dict[str, float]]:
    """{bucket: {"n", "right", "undecided", "wrong"}} with fractions, per length bucket."""
    results = [(words(t), detect(t)) for t in texts]
    table: Dict[str, Dict[str, float]] = {}
    for name, low, high in BUCKETS:
        got = [g for n, g in results if low <= n <= high]
        n = len(got)
        table[name] = {
            "n": n,
            "right": sum(g == std for g in got) / n if n else 0.0,
            "undecided": sum(g is None for g in got) / n if n else 0.0,
            "wrong": sum(g not in (std, None) for g in got) / n if n else 0.0,
        }
    return table


def evaluate(detect: Optional[Callable[[str], Optional[str]]] = None) -> Dict[str, Dict[str, Dict[str, float]]]:
    if detect is None:
        from kari.nlu.malform import detect_malform as detect
    return {name: score(detect, std, texts) for name, (std, texts) in heldout_sets().items()}


def format_table(results: Dict[str, Dict[str, Dict[str, float]]]) -> str:
    lines = ["| set | words | n | right | undecided | wrong |", "|---|---|---|---|---|---|"]
    for name, table in results.items():
        for bucket, row in table.items():
            if not row["n"]:
                continue
            lines.append(
                f"| {name} | {bucket} | {row['n']} | {100 * row['right']:.1f} % | "
                f"{100 * row['undecided']:.1f} % | {100 * row['wrong']:.1f} % |"
            )
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print the wrong and undecided chat messages")
    args = parser.parse_args(argv)
    from kari.nlu.malform import detect_malform

    print("Written-standard detector (kari.nlu.malform.detect_malform) on held-out text")
    print(format_table(evaluate(detect_malform)))
    if args.misses:
        for std in ("nn", "nb"):
            for text in chat_heldout(std):
                got = detect_malform(text)
                if got != std:
                    print(f"  {std} got={got!s:5s} {text}")


if __name__ == "__main__":
    main()
