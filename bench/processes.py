"""Memory of a server and its child processes, from /proc (Linux), and the machine's load."""

from __future__ import annotations

import os
from pathlib import Path


def _status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in lines if ":" in line)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += _children(current)
    return out


def rss_mb(pid: int) -> dict[str, float]:
    """Resident memory now and at its peak (MB) of `pid` with its descendants."""
    now = peak = 0.0
    for member in tree(pid):
        status = _status(member)
        now += int(status.get("VmRSS", "0 kB").split()[0]) / 1024
        peak += int(status.get("VmHWM", "0 kB").split()[0]) / 1024
    return {"rss_mb": round(now, 1), "peak_rss_mb": round(peak, 1)}


def load() -> str:
    """The machine's load averages (1, 5, 15 min): other sessions share its two cores."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())
