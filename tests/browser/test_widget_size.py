"""The widget stays small: JS and CSS together under 12 KB, each compressed with gzip -9."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "kari" / "web" / "static"
LIMIT = 12 * 1024


def gzip9_size(path: Path) -> int:
    return len(subprocess.run(["gzip", "-9", "-c", str(path)], capture_output=True, check=True).stdout)


def test_widget_is_under_12_kb_gzipped() -> None:
    sizes = {name: gzip9_size(STATIC / name) for name in ("kari-widget.js", "kari-widget.css")}
    assert all(size > 500 for size in sizes.values()), sizes  # both files are really there
    assert sum(sizes.values()) < LIMIT, f"{sizes} = {sum(sizes.values())} bytes gzipped, limit {LIMIT}"


def test_widget_has_no_external_or_inline_code() -> None:
    js = (STATIC / "kari-widget.js").read_text(encoding="utf-8")
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    js = re.sub(r"(?m)(^|\s)//.*$", "", js)  # comments may show example addresses
    for forbidden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        ".style.",
        'setAttribute("style"',
        "document.cookie",
        "http://",
        "https://",
    ):
        assert forbidden not in js, forbidden
