"""Split the UD Norwegian dev sets into a train/tune part and a held-out part (issue 18).

Developer tool, run by hand once: the project never reads ../shared at run or test time.

    .venv/bin/python scripts/malform_split_ud.py ../shared/corpora

A sentence goes to the held-out part when sha1("<standard>:" + sentence) as an integer is divisible
by 3 (about a third), else to the train/tune part; identical sentences land on the same side.
Writes data/malform/ud_<std>_train.txt and tests/malform/ud_<std>_heldout.txt, one sentence a line
in the corpus order.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"nn": "ud-nynorsk-dev.txt", "nb": "ud-bokmaal-dev.txt"}


def is_heldout(std: str, sentence: str) -> bool:
    return int(hashlib.sha1(f"{std}:{sentence}".encode("utf-8")).hexdigest(), 16) % 3 == 0


def main(corpora: Path) -> None:
    for std, name in SOURCES.items():
        lines = [line.strip() for line in (corpora / name).read_text(encoding="utf-8").splitlines() if line.strip()]
        train = [line for line in lines if not is_heldout(std, line)]
        held = [line for line in lines if is_heldout(std, line)]
        (ROOT / "data/malform" / f"ud_{std}_train.txt").write_text("\n".join(train) + "\n", encoding="utf-8")
        (ROOT / "tests/malform" / f"ud_{std}_heldout.txt").write_text("\n".join(held) + "\n", encoding="utf-8")
        print(f"{std}: {len(lines)} sentences -> train/tune {len(train)}, held-out {len(held)}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpora"))
