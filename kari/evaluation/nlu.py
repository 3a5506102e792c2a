"""NLU evaluation per written standard: held-out set, development set and k-fold cross-validation.

`make evaluate` (python -m kari.evaluation) trains Kari's pipeline, two ablations of it and the
pipeline `rasa init` generates on the same data, and prints intent macro-F1 for Nynorsk and Bokmål
side by side, so every claim about the NLU can be reproduced with one command.

- holdout (tests/nlu_holdout): the targets are measured here; never trained on, never tuned on.
- dev (tests/nlu_dev): held out from training too, but used to tune the fallback threshold and to
  study errors, so its scores are optimistic.
- cross-validation: k stratified folds of data/nlu, each example scored by its block's standard.
The full report (per-intent F1 and every misclassified sentence) is written as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from kari.evaluation import quiet_rasa

REPO = Path(__file__).resolve().parents[2]
TRAINING_DATA = REPO / "data/nlu"
SETS = {name: {s: REPO / f"tests/nlu_{name}/{s}.yml" for s in ("nn", "nb")} for name in ("holdout", "dev")}
HOLDOUT = SETS["holdout"]
CONFIGS = ("kari", "kari-no-normaliser", "kari-diet", "rasa-default")
RASA_DEFAULT = REPO / "bench/rasa_default_config.yml"
FALLBACK = "nlu_fallback"
CLASSIFIER = "kari.nlu.linear_classifier.LinearIntentClassifier"
# The classifier Kari used before: DIET as tuned then (README, "NLU": why it was replaced).
DIET = {
    "name": "DIETClassifier",
    "epochs": 100,
    "number_of_transformer_layers": 1,
    "transformer_size": 128,
    "entity_recognition": False,
    "random_seed": 4242,
}
THRESHOLDS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)


def pipeline_config(name: str, seed: int | None = None) -> dict[str, Any]:
    """The config of a compared pipeline. The ablations are derived from config.yml, so they differ
    from it in one thing only; `seed` replaces every component's random seed."""
    import yaml

    source = RASA_DEFAULT if name == "rasa-default" else REPO / "config.yml"
    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    pipeline = config["pipeline"]
    if name == "kari-no-normaliser":
        pipeline = [c for c in pipeline if not c["name"].endswith("SpellingNormaliser")]
    if name == "kari-diet":
        pipeline = [dict(DIET) if c["name"] == CLASSIFIER else c for c in pipeline]
    if seed is not None:
        pipeline = [{**c, "random_seed": seed} if "random_seed" in c else c for c in pipeline]
    config["pipeline"] = pipeline
    return config


def _load(path: Path | str):
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(path))


def _pairs(data) -> list[tuple[str, str]]:
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def load_examples(path: Path | str) -> list[tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU file or folder."""
    return _pairs(_load(path))


def standards(data) -> dict[str, str]:
    """Written standard of each training example: its block's `metadata: {malform: …}`."""
    return {
        m.get("text"): ((m.get("metadata") or {}).get("intent") or {}).get("malform") or "unknown"
        for m in data.intent_examples
    }


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Macro-F1 over the true intents; a fallback counts as a wrong answer."""
    from sklearn.metrics import f1_score

    if not pairs:
        return float("nan")
    truth, predicted = zip(*pairs)
    return float(f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0))


def scored(pairs: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Macro-F1 (and macro precision and recall), per-intent figures, the confusion counts and the
    misclassified sentences of (text, truth, guess) triples."""
    from sklearn.metrics import precision_recall_fscore_support

    truth = [t for _, t, _ in pairs]
    guesses = [g for _, _, g in pairs]
    labels = sorted(set(truth))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, guesses, labels=labels, average=None, zero_division=0
    )
    confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t, g in zip(truth, guesses):
        confusion[t][g] += 1
    return {
        "macro_f1": macro_f1([(t, g) for _, t, g in pairs]),
        "macro_precision": float(sum(precision) / len(labels)) if labels else float("nan"),
        "macro_recall": float(sum(recall) / len(labels)) if labels else float("nan"),
        "per_intent": {label: round(float(f), 3) for label, f in zip(labels, f1)},
        "per_intent_prf": {
            label: {
                "precision": round(float(p), 3),
                "recall": round(float(r), 3),
                "f1": round(float(f), 3),
                "n": int(n),
            }
            for label, p, r, f, n in zip(labels, precision, recall, f1, support)
        },
        "confusion": {t: dict(row) for t, row in confusion.items()},
        "errors": [{"text": x, "intent": t, "predicted": g} for x, t, g in pairs if t != g],
    }


def subset(training, examples: list[tuple[str, str]]):
    """Some of the training examples, with all of the training data's regex cues and lookup tables."""
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    return TrainingData(
        training_examples=[Message(data={"text": t, "intent": i}) for t, i in examples],
        regex_features=training.regex_features,
        lookup_tables=training.lookup_tables,
    )


def train(config: Path, out: Path, data=None) -> Path:
    """Train an NLU model on data/nlu as it is, or on the given TrainingData."""
    from rasa.model_training import train_nlu

    path = TRAINING_DATA
    if data is not None:
        path = out / "train.yml"
        path.write_text(data.nlu_as_yaml(), encoding="utf-8")
    return Path(train_nlu(str(config), str(path), str(out), fixed_model_name="nlu"))


def parse(model: Path, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent

    async def run() -> list[dict]:
        agent = Agent.load(str(model))
        return [await agent.parse_message(t) for t in texts]

    return asyncio.run(run())


def predict(model: Path, texts: list[str]) -> list[str]:
    return [p["intent"]["name"] for p in parse(model, texts)]


Parsed = dict[Path, list[tuple[str, str, dict]]]


def parse_files(model: Path, files: list[Path]) -> Parsed:
    """(text, intent, parse result) of every example of each file; the model is loaded once."""
    examples = {path: load_examples(path) for path in files}
    results = iter(parse(model, [t for pairs in examples.values() for t, _ in pairs]))
    return {path: [(t, i, next(results)) for t, i in pairs] for path, pairs in examples.items()}


def set_scores(parsed: Parsed, files: dict[str, Path]) -> dict[str, dict]:
    """Scores per written standard on an evaluation set."""
    return {
        standard: scored([(t, i, p["intent"]["name"]) for t, i, p in parsed[path]]) for standard, path in files.items()
    }


def holdout_scores(model: Path) -> dict[str, float]:
    """Macro-F1 per written standard on the held-out set (what `make test` checks)."""
    scores = set_scores(parse_files(model, list(HOLDOUT.values())), HOLDOUT)
    return {standard: s["macro_f1"] for standard, s in scores.items()}


def threshold_sweep(parsed: Parsed, files: dict[str, Path], ambiguity: float) -> dict[str, dict[str, float]]:
    """Macro-F1 per standard had the FallbackClassifier used each of THRESHOLDS: the classifier's own
    ranking stays in the parse result under the fallback, so one model serves every threshold."""
    sweep: dict[str, dict[str, float]] = defaultdict(dict)
    for standard, path in files.items():
        rankings = [[r for r in p["intent_ranking"] if r["name"] != FALLBACK] for _, _, p in parsed[path]]
        for threshold in THRESHOLDS:
            guesses = [
                r[0]["name"]
                if r[0]["confidence"] >= threshold
                and (len(r) < 2 or r[0]["confidence"] - r[1]["confidence"] >= ambiguity)
                else FALLBACK
                for r in rankings
            ]
            sweep[str(threshold)][standard] = macro_f1([(i, g) for (_, i, _), g in zip(parsed[path], guesses)])
    return dict(sweep)


def folds(examples: list[tuple[str, str]], k: int, seed: int = 4242) -> list[list[int]]:
    """Stratified folds: each intent's examples dealt round-robin after a seeded shuffle."""
    by_intent: dict[str, list[int]] = defaultdict(list)
    for index, (_, intent) in enumerate(examples):
        by_intent[intent].append(index)
    result: list[list[int]] = [[] for _ in range(k)]
    rng = random.Random(seed)
    for intent in sorted(by_intent):
        indices = by_intent[intent]
        rng.shuffle(indices)
        for position, index in enumerate(indices):
            result[position % k].append(index)
    return result


def cross_validation(config: Path, training, k: int) -> dict[str, dict]:
    """Scores per written standard over k stratified folds of the training data."""
    examples, standard_of = _pairs(training), standards(training)
    triples: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for fold in folds(examples, k):
        test = [examples[i] for i in fold]
        held = set(fold)
        rest = subset(training, [e for i, e in enumerate(examples) if i not in held])
        with tempfile.TemporaryDirectory() as tmp:
            guesses = predict(train(config, Path(tmp), rest), [t for t, _ in test])
        for (text, intent), guess in zip(test, guesses):
            triples[standard_of.get(text, "unknown")].append((text, intent, guess))
    return {standard: scored(t) for standard, t in triples.items()}


def evaluate(name: str, args: argparse.Namespace, training) -> dict[str, Any]:
    import yaml

    result: dict[str, Any] = {}
    settings = pipeline_config(name, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / f"config-{name}.yml"
        config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        print(f"== {name}: training on {len(training.intent_examples)} examples …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        model = train(config, Path(tmp))
        result["training_seconds"] = round(time.perf_counter() - started, 1)
        parsed = parse_files(model, [path for files in SETS.values() for path in files.values()])
        for set_name, files in SETS.items():
            result[set_name] = set_scores(parsed, files)
        if name == "kari":
            fallback = next(c for c in settings["pipeline"] if c["name"] == "FallbackClassifier")
            result["dev_threshold_sweep"] = threshold_sweep(
                parsed, SETS["dev"], fallback.get("ambiguity_threshold", 0.1)
            )
        if name in args.cross_validate:
            print(f"== {name}: {args.folds}-fold cross-validation …", file=sys.stderr, flush=True)
            result["cross_validation"] = cross_validation(config, training, args.folds)
    return result


def table(report: dict[str, dict]) -> str:
    lines = [f"{'pipeline':<20}{'set':<18}{'nn':>7}{'nb':>7}{'gap':>7}"]
    for name, parts in report.items():
        for part in ("holdout", "dev", "cross_validation"):
            if part in parts:
                nn, nb = parts[part]["nn"]["macro_f1"], parts[part]["nb"]["macro_f1"]
                lines.append(f"{name:<20}{part:<18}{nn:>7.3f}{nb:>7.3f}{abs(nn - nb) * 100:>6.1f}p")
        lines.append(f"{name:<20}{'training time':<18}{parts['training_seconds']:>13.0f} s")
    return "\n".join(lines)


def sweep_table(sweep: dict[str, dict[str, float]]) -> str:
    lines = [f"{'fallback threshold':<20}{'nn':>7}{'nb':>7}"]
    lines += [f"{t:<20}{s['nn']:>7.3f}{s['nb']:>7.3f}" for t, s in sweep.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kari.evaluation.nlu", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    # DIET trains for minutes per model, so by default only the fast pipelines are cross-validated;
    # all four: --cross-validate kari kari-no-normaliser kari-diet rasa-default (over an hour).
    parser.add_argument(
        "--cross-validate",
        nargs="*",
        default=["kari", "kari-no-normaliser"],
        choices=CONFIGS,
        metavar="CONFIG",
        help="pipelines to cross-validate (none: no CV)",
    )
    parser.add_argument("--seed", type=int, help="random seed for every component that has one")
    parser.add_argument("--report", type=Path, default=REPO / "results/nlu_evaluation.json")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    quiet_rasa()
    # Every model here is trained from scratch: honest training times, and no cache growing by
    # one entry per fold.
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"

    # Issue 18: the written-standard detector on held-out text (seconds; also python -m kari.nlu.malform_eval).
    from kari.nlu.malform_eval import evaluate as malform_evaluate
    from kari.nlu.malform_eval import format_table as malform_table

    print("Written-standard detector (kari.nlu.malform) on held-out text", flush=True)
    print(malform_table(malform_evaluate()) + "\n", flush=True)

    training = _load(TRAINING_DATA)
    report: dict[str, dict] = {}
    for name in args.configs:
        report[name] = evaluate(name, args, training)
        # Written after each pipeline, so a long run that is stopped keeps what it measured.
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        print(table({name: report[name]}), file=sys.stderr, flush=True)

    print("\nIntent macro-F1 (nlu_fallback counts as wrong)")
    print(table(report))
    if "kari" in report:
        print("\nKari on the dev set, by fallback threshold (config.yml: FallbackClassifier)")
        print(sweep_table(report["kari"]["dev_threshold_sweep"]))
    print(f"\nPer-intent F1 and every misclassified sentence: {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
