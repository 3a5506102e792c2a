"""One report of everything measured: results/report.html and results/report.md.

Reads what the evaluations left in the results folder (answer_evaluation.json, nlu_evaluation.json,
conversations.json, run.json), turns it into figures (figures.json), puts the previous run's figures
and the targets (tests/targets.yml) beside them, and writes both reports. `write` returns the missed
targets, so a caller can exit non-zero.
"""

from __future__ import annotations

import base64
import html
import io
import json
import statistics
import time
from pathlib import Path
from typing import Any

from kari.evaluation import targets as targets_file

STANDARD_NAMES = {"nn": "Nynorsk", "nb": "Bokmål", "dialect": "dialect", "en": "English"}
KARI_RUN = "hybrid+priors"  # the answer evaluation's name for Kari as it runs
RUN_LABELS = {
    KARI_RUN: "Kari",
    "Kari (REST)": "Kari (REST)",
    "search": "baseline: knowledge-base search, no dialogue",
    "grid": "old grid lookup",
}
WORST = 20


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _kari_answers(answers: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The held-out answer run that is Kari as it runs (REST if measured, else in-process)."""
    for name in ("heldout/Kari (REST)", f"heldout/{KARI_RUN}"):
        if name in answers:
            return name, answers[name]
    return None


def figures(results: Path) -> dict[str, float]:
    """Every figure of the results folder, by the names tests/targets.yml uses."""
    out: dict[str, float] = {}
    answers = _read(results / "answer_evaluation.json") or {}
    kari = _kari_answers(answers)
    if kari:
        rates = kari[1]["rates"]
        out.update({f"answers.{k}": v for k, v in rates.items()})
        if "nn" in rates and "nb" in rates:
            out["answers.gap_points"] = abs(rates["nn"] - rates["nb"]) * 100
    if "heldout/search" in answers:
        out.update({f"baseline.search.{k}": v for k, v in answers["heldout/search"]["rates"].items()})
    nlu = _read(results / "nlu_evaluation.json") or {}
    for name, prefix in (("kari", "nlu"), ("rasa-default", "baseline.rasa_default")):
        holdout = (nlu.get(name) or {}).get("holdout") or {}
        for standard, scores in holdout.items():
            out[f"{prefix}.{standard}.f1"] = scores["macro_f1"]
            for key in ("precision", "recall"):
                if f"macro_{key}" in scores:
                    out[f"{prefix}.{standard}.{key}"] = scores[f"macro_{key}"]
        if "nn" in holdout and "nb" in holdout:
            out[f"{prefix}.gap_points"] = abs(holdout["nn"]["macro_f1"] - holdout["nb"]["macro_f1"]) * 100
        if "training_seconds" in (nlu.get(name) or {}):
            out[f"{prefix}.training_seconds"] = nlu[name]["training_seconds"]
    conversations = _read(results / "conversations.json")
    if conversations and conversations.get("total"):
        out["conversations.pass_rate"] = conversations["passed"] / conversations["total"]
        latencies = conversations.get("latencies") or []
        # Through HTTP it is what a citizen waits; in-process (model warm-up included) it is not.
        prefix = "latency_in_process" if conversations.get("source") == "in-process" else "latency"
        if latencies:
            out[f"{prefix}.median_seconds"] = statistics.median(latencies)
            out[f"{prefix}.p95_seconds"] = _percentile(latencies, 0.95)
    run = _read(results / "run.json") or {}
    for key in ("model_mb", "training_seconds"):
        if key in run:
            out[key] = run[key]
    return out


# --- pictures ----------------------------------------------------------------------------------


def confusion_png(confusion: dict[str, dict[str, int]], title: str) -> bytes:
    """A confusion matrix (rows: true intent, columns: predicted) as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = sorted(set(confusion) | {p for row in confusion.values() for p in row})
    matrix = [[confusion.get(t, {}).get(p, 0) for p in labels] for t in labels]
    fig, ax = plt.subplots(figsize=(8, 7))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("true intent")
    ax.set_title(title)
    for i, row in enumerate(matrix):
        for j, n in enumerate(row):
            if n:
                ax.text(j, i, str(n), ha="center", va="center", fontsize=6, color="white" if i == j else "black")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


# --- the failures ------------------------------------------------------------------------------


def exchange_text(result: dict[str, Any]) -> str:
    """A conversation test's result in words: every turn, what Kari said and what was wrong."""
    lines = [f"{result['id']}: {'passed' if result['passed'] else 'FAILED'}"]
    if result.get("error"):
        lines.append(f"  error: {result['error']}")
    for i, turn in enumerate(result["turns"], 1):
        lines.append(f"  {i}. citizen: {turn['user']}")
        for m in turn["replies"]:
            buttons = " ".join(f"[{b.get('title')}]" for b in m.get("buttons") or [])
            text = (m.get("text") or "").replace("\n", "\n           ")
            lines.append(f"     Kari: {text}" + (f" {buttons}" if buttons else ""))
        lines += [f"     ✗ {p}" for p in turn["problems"]]
    return "\n".join(lines)


def worst_failures(results: Path, limit: int = WORST) -> list[dict[str, Any]]:
    """The failed conversation tests (most problems first), then the held-out answer set's wrong
    turns (whole conversations, emergencies first), as {title, exchange: [(who, text, problems)]}."""
    out: list[dict[str, Any]] = []
    conversations = _read(results / "conversations.json") or {}
    failed = [r for r in conversations.get("results") or [] if not r["passed"]]
    failed.sort(key=lambda r: -sum(len(t["problems"]) for t in r["turns"]) - (10 if r.get("error") else 0))
    for r in failed:
        lines = [
            {"user": t["user"], "kari": [m.get("text") or "" for m in t["replies"]], "problems": t["problems"]}
            for t in r["turns"]
        ]
        out.append({"title": f"conversation test {r['id']}", "error": r.get("error"), "turns": lines})
    answers = _read(results / "answer_evaluation.json") or {}
    kari = _kari_answers(answers)
    seen = set()
    wrong = sorted((kari[1].get("failures") or []) if kari else [], key=lambda f: f["kind"] != "emergency")
    for f in wrong:
        if f["case"] in seen:
            continue
        seen.add(f["case"])
        facts = " and ".join(" or ".join(f"«{a}»" for a in alts) for alts in f["facts"])
        turns = []
        for t in f.get("exchange") or [{"user": f["text"], "replies": f["replies"], "right": False}]:
            problem = [f"should say {facts}" if facts else "wrong"] if t["user"] == f["text"] else []
            turns.append({"user": t["user"], "kari": t["replies"], "problems": problem})
        title = f"answer set {f['case']} ({STANDARD_NAMES.get(f['malform'], f['malform'])}, {f['kind']})"
        out.append({"title": title, "error": None, "turns": turns})
    return out[:limit]


# --- writing -----------------------------------------------------------------------------------


def _fmt(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if name.endswith(("seconds", "_mb", "points")):
        return f"{value:.2f}" if value < 10 else f"{value:.0f}"
    return f"{value * 100:.1f} %"


def _rows(current: dict[str, float], previous: dict[str, float], targets: dict[str, Any]) -> list[list[str]]:
    rows = []
    for name in sorted(current):
        target = targets.get(name)
        status = "" if target is None else ("met" if target.met(current[name]) else "MISSED")
        shown = f"{'≤' if target.ceiling else '≥'} {_fmt(name, target.value)}" if target else ""
        rows.append([name, _fmt(name, current[name]), _fmt(name, previous.get(name)), shown, status])
    return rows


def _answer_tables(results: Path) -> list[tuple[str, list[str], list[list[str]]]]:
    answers = _read(results / "answer_evaluation.json") or {}
    tables = []
    for set_name in ("heldout", "dev"):
        runs = {k.split("/", 1)[1]: v for k, v in answers.items() if k.startswith(set_name + "/")}
        if not runs:
            continue
        columns = [c for c in ("all", "nn", "nb", "dialect", "en") if any(c in r["rates"] for r in runs.values())]
        kinds = sorted({k for r in runs.values() for k in r["rates"]} - set(columns) - {"standard nn", "standard nb"})
        columns += kinds + ["standard nn", "standard nb"]
        rows = [
            [RUN_LABELS.get(name, name)] + [_fmt("rate", r["rates"].get(c)) for c in columns]
            for name, r in runs.items()
        ]
        counts = next(iter(runs.values()))["counts"]
        rows.append(["(turns)"] + [str(counts.get(c, 0)) for c in columns])
        tables.append(
            (
                f"Right answers, {set_name} answer set (per written standard and kind of conversation)",
                ["", *columns],
                rows,
            )
        )
    return tables


def _nlu_tables(results: Path) -> tuple[list[tuple[str, list[str], list[list[str]]]], dict[str, bytes]]:
    nlu = _read(results / "nlu_evaluation.json") or {}
    tables, images = [], {}
    summary = []
    for name, parts in nlu.items():
        for standard, s in (parts.get("holdout") or {}).items():
            summary.append(
                [name, STANDARD_NAMES.get(standard, standard)]
                + [_fmt("rate", s.get(k)) for k in ("macro_precision", "macro_recall", "macro_f1")]
            )
    if summary:
        tables.append(
            (
                "Intents on the NLU held-out set (macro averages)",
                ["pipeline", "standard", "precision", "recall", "F1"],
                summary,
            )
        )
    kari = (nlu.get("kari") or {}).get("holdout") or {}
    for standard, s in kari.items():
        prf = s.get("per_intent_prf") or {}
        if prf:
            rows = [
                [i, _fmt("rate", v["precision"]), _fmt("rate", v["recall"]), _fmt("rate", v["f1"]), str(v["n"])]
                for i, v in prf.items()
            ]
            tables.append(
                (
                    f"Kari's intents, {STANDARD_NAMES.get(standard, standard)} held-out",
                    ["intent", "precision", "recall", "F1", "n"],
                    rows,
                )
            )
        if s.get("confusion"):
            images[standard] = confusion_png(
                s["confusion"], f"Kari, NLU held-out, {STANDARD_NAMES.get(standard, standard)}"
            )
    return tables, images


def _conversation_table(results: Path) -> tuple[str, list[str], list[list[str]]] | None:
    data = _read(results / "conversations.json")
    if not data or not data.get("total"):
        return None
    kinds: dict[str, list[bool]] = {}
    for r in data["results"]:
        kinds.setdefault(r["kind"], []).append(r["passed"])
    rows = [[k, f"{sum(v)} of {len(v)}", _fmt("rate", sum(v) / len(v))] for k, v in sorted(kinds.items())]
    rows.append(["all", f"{data['passed']} of {data['total']}", _fmt("rate", data["passed"] / data["total"])])
    return (f"Conversation tests ({data['source']})", ["kind", "passed", "rate"], rows)


def _md_table(title: str, head: list[str], rows: list[list[str]]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _html_table(title: str, head: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    body = "".join(
        "<tr>" + "".join(f'<td class="{"missed" if c == "MISSED" else ""}">{e(c)}</td>' for c in row) + "</tr>"
        for row in rows
    )
    return f"<h3>{e(title)}</h3><table><tr>{''.join(f'<th>{e(h)}</th>' for h in head)}</tr>{body}</table>"


def _failure_md(f: dict[str, Any]) -> str:
    lines = [f"#### {f['title']}"] + ([f"error: {f['error']}"] if f.get("error") else [])
    for t in f["turns"]:
        lines.append(f"- **citizen:** {t['user']}")
        lines += [f"  - **Kari:** {k}".replace("\n", " ") for k in t["kari"]]
        lines += [f"  - ✗ {p}" for p in t["problems"]]
    return "\n".join(lines)


def _failure_html(f: dict[str, Any]) -> str:
    e = html.escape
    parts = [f"<details><summary>{e(f['title'])}</summary>"]
    if f.get("error"):
        parts.append(f'<p class="missed">{e(f["error"])}</p>')
    for t in f["turns"]:
        parts.append(f'<p class="user">{e(t["user"])}</p>')
        parts += [f'<p class="kari">{e(k)}</p>' for k in t["kari"]]
        parts += [f'<p class="missed">✗ {e(p)}</p>' for p in t["problems"]]
    return "".join(parts) + "</details>"


STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}.missed{color:#b00020;font-weight:600}
.user{margin:.4rem 0 0;font-weight:600}
.kari{margin:.2rem 0 .2rem 1.5rem;white-space:pre-wrap;background:#f3f6fa;padding:.3rem .5rem}
details{margin:.5rem 0;border:1px solid #ddd;padding:.4rem .6rem}img{max-width:100%}"""


def write(results: Path, targets_path: Path = targets_file.FILE) -> list[str]:
    """Write report.md, report.html and figures.json in `results`; return the missed targets."""
    results.mkdir(parents=True, exist_ok=True)
    current = figures(results)
    targets = targets_file.load(targets_path)
    stored = _read(results / "figures.json") or {}
    previous = _read(results / "figures.previous.json") or {}
    if stored.get("figures") and stored["figures"] != current:  # the last run becomes "previous"
        previous = stored
        (results / "figures.previous.json").write_text(json.dumps(stored, indent=1), encoding="utf-8")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (results / "figures.json").write_text(json.dumps({"written": when, "figures": current}, indent=1), encoding="utf-8")
    missed = targets_file.missed(current, targets)

    head = ["figure", "this run", f"previous ({previous.get('written', '–')})", "target", ""]
    summary = (
        "Figures, the previous run's and the targets (tests/targets.yml)",
        head,
        _rows(current, previous.get("figures") or {}, targets),
    )
    tables = [summary, *_answer_tables(results)]
    nlu_tables, images = _nlu_tables(results)
    tables += nlu_tables
    conversation = _conversation_table(results)
    if conversation:
        tables.insert(1, conversation)
    failures = worst_failures(results)
    verdict = "All measured figures meet their targets." if not missed else "Missed targets: " + "; ".join(missed)

    md = [f"# Kommune-Kari evaluation report ({when})", "", verdict, ""]
    md += [_md_table(*t) + "\n" for t in tables]
    for standard, png in images.items():
        name = f"confusion_{standard}.png"
        (results / name).write_bytes(png)
        md.append(f"![confusion matrix, {STANDARD_NAMES.get(standard, standard)}]({name})\n")
    md.append(f"## The worst {len(failures)} failures, with the whole exchange\n")
    md += [_failure_md(f) + "\n" for f in failures]
    (results / "report.md").write_text("\n".join(md), encoding="utf-8")

    page = [
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        f"<title>Kommune-Kari evaluation report</title><style>{STYLE}</style>"
    ]
    page.append(f"<h1>Kommune-Kari evaluation report</h1><p>{html.escape(when)}</p>")
    page.append(f"<p class='{'missed' if missed else ''}'>{html.escape(verdict)}</p>")
    page += [_html_table(*t) for t in tables]
    for standard, png in images.items():
        data = base64.b64encode(png).decode()
        label = STANDARD_NAMES.get(standard, standard)
        page.append(
            f"<h3>Confusion matrix, {label}</h3>"
            f"<img alt='confusion matrix of the intents, {label}' src='data:image/png;base64,{data}'>"
        )
    page.append(f"<h2>The worst {len(failures)} failures, with the whole exchange</h2>")
    page += [_failure_html(f) for f in failures] or ["<p>None.</p>"]
    (results / "report.html").write_text("".join(page) + "</html>", encoding="utf-8")
    return missed
