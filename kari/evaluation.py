"""NLU evaluation per written standard: held-out set and k-fold cross-validation.

`make evaluate` (python -m kari.evaluation) trains Kari's pipeline and the pipeline `rasa init`
generates on the same split, and prints intent macro-F1 for Nynorsk and Bokmål side by side,
so every claim about the NLU can be reproduced with one command.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TRAINING_DATA = REPO / "data/nlu"
HOLDOUT = {"nn": REPO / "tests/nlu_holdout/nn.yml", "nb": REPO / "tests/nlu_holdout/nb.yml"}
CONFIGS = {"kari": REPO / "config.yml", "kari-no-normaliser": None,
           "rasa-default": REPO / "bench/rasa_default_config.yml"}
FALLBACK = "nlu_fallback"


def config_path(name: str, tmp: Path) -> Path:
    """The config file of a compared pipeline; the ablation is derived from config.yml, so the two
    never drift apart."""
    if CONFIGS[name] is not None:
        return CONFIGS[name]
    import yaml

    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = [c for c in config["pipeline"] if not c["name"].endswith("SpellingNormaliser")]
    path = tmp / "config-no-normaliser.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def load_examples(path: Path | str) -> list[tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU file or folder."""
    return [(m.get("text"), m.get("intent")) for m in _load(path).intent_examples]


def _load(path: Path | str):
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(path))


def standards(path: Path | str) -> dict[str, str]:
    """Written standard of each training example: its block's `metadata: {malform: …}`."""
    return {m.get("text"): ((m.get("metadata") or {}).get("intent") or {}).get("malform") or "unknown"
            for m in _load(path).intent_examples}


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Macro-F1 over the true intents; a fallback counts as a wrong answer."""
    from sklearn.metrics import f1_score

    if not pairs:
        return float("nan")
    truth, predicted = zip(*pairs)
    return float(f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0))


def train(config: Path, examples: list[tuple[str, str]] | None, out: Path) -> Path:
    """Train an NLU model on data/nlu as it is (examples=None, as `make train` does), or on a
    subset of its examples, with its regex cues and lookup tables."""
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TRAINING_DATA
    if examples is not None:
        full = _load(TRAINING_DATA)
        subset = TrainingData(
            training_examples=[Message(data={"text": t, "intent": i}) for t, i in examples],
            regex_features=full.regex_features, lookup_tables=full.lookup_tables)
        data = out / "train.yml"
        data.write_text(subset.nlu_as_yaml(), encoding="utf-8")
    return Path(train_nlu(str(config), str(data), str(out), fixed_model_name="nlu"))


def predict(model: Path, texts: list[str]) -> list[str]:
    from rasa.core.agent import Agent

    async def run() -> list[str]:
        agent = Agent.load(str(model))
        return [(await agent.parse_message(t))["intent"]["name"] for t in texts]

    return asyncio.run(run())


def holdout_scores(model: Path) -> dict[str, float]:
    scores = {}
    for standard, path in HOLDOUT.items():
        examples = load_examples(path)
        predicted = predict(model, [t for t, _ in examples])
        scores[standard] = macro_f1([(i, p) for (_, i), p in zip(examples, predicted)])
    return scores


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


def cross_validation(config: Path, examples: list[tuple[str, str]], standard_of: dict[str, str],
                     k: int) -> dict[str, float]:
    """Macro-F1 per written standard over k stratified folds."""
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for fold in folds(examples, k):
        test = [examples[i] for i in fold]
        held = set(fold)
        train_set = [e for i, e in enumerate(examples) if i not in held]
        with tempfile.TemporaryDirectory() as tmp:
            model = train(config, train_set, Path(tmp))
            predicted = predict(model, [t for t, _ in test])
        for (text, intent), guess in zip(test, predicted):
            pairs[standard_of.get(text, "unknown")].append((intent, guess))
            pairs["all"].append((intent, guess))
    return {standard: macro_f1(p) for standard, p in pairs.items()}


def _quiet() -> None:
    """Only warnings from Rasa: the report is what matters here."""
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kari.evaluation", description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cross-validation", action="store_true")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--report", type=Path, default=REPO / "results/nlu_evaluation.json")
    args = parser.parse_args(argv)
    _quiet()

    examples = load_examples(TRAINING_DATA)
    standard_of = standards(TRAINING_DATA)
    report: dict[str, dict] = {}
    for name in args.configs:
        with tempfile.TemporaryDirectory() as tmp:
            config = config_path(name, Path(tmp))
            print(f"== {name}: training on {len(examples)} examples …", file=sys.stderr, flush=True)
            report[name] = {"holdout": holdout_scores(train(config, None, Path(tmp)))}
            if not args.no_cross_validation:
                print(f"== {name}: {args.folds}-fold cross-validation …", file=sys.stderr, flush=True)
                report[name]["cross_validation"] = cross_validation(config, examples, standard_of,
                                                                    args.folds)
        # Written after each pipeline, so a long run that is stopped keeps what it measured.
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=2))
        print(table({name: report[name]}), file=sys.stderr, flush=True)

    print("\nIntent macro-F1 (nlu_fallback counts as wrong)")
    print(table(report))
    print(f"\nFull report: {args.report}")
    return 0


def table(report: dict[str, dict]) -> str:
    lines = [f"{'pipeline':<20}{'set':<18}{'nn':>7}{'nb':>7}{'gap':>7}"]
    for name, parts in report.items():
        for part, scores in parts.items():
            gap = abs(scores["nn"] - scores["nb"]) * 100
            lines.append(f"{name:<20}{part:<18}{scores['nn']:>7.3f}{scores['nb']:>7.3f}{gap:>6.1f}p")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
