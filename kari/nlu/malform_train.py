"""Build kari/nlu/malform_model.json, the written-standard detector's n-gram evidence (issue 18).

    .venv/bin/python -m kari.nlu.malform_train           # rebuild the committed model file
    .venv/bin/python -m kari.nlu.malform_train --tune    # the hyperparameter grid on the tune part

The model gives each word a log-odds (> 0 Bokmål, < 0 Nynorsk): a logistic regression over the
word itself and its character 1–4-grams (with "<" and ">" marking the word's edges), trained on
word occurrences labelled with their sentence's standard. A word both standards use alike ("og",
"kan", "barnehage") gets about 0; a word never seen still gets evidence from its n-grams
("-ingar", "kje", "hv-"). Training data, all committed:

- data/malform/ud_{nn,nb}_train.txt: the train/tune part of the UD Norwegian dev sets;
- data/nlu/*.yml blocks tagged `metadata: {malform: nn|nb}` (chat-like citizen questions);
- data/malform/chat_train.yml: chat-like messages written for the detector.

Any sentence of the held-out sets (tests/malform/chat_heldout.yml, tests/malform/ud_*_heldout.txt)
or of tests/malform/labelled.yml is dropped from the training data. Deterministic: sorted inputs,
lbfgs, weights rounded to 4 decimals. No pickle: the file is JSON.

Hyperparameters (C, the chat data's weight, the per-word clip, the marker weight and the decision
threshold) were chosen with `--tune`: trained without the tune part (a quarter of the UD train/tune
part, by sentence hash) and scored on it; the held-out sets play no part.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from kari.nlu import malform

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "malform"
TESTS = ROOT / "tests" / "malform"
MODEL_PATH = Path(__file__).resolve().parent / "malform_model.json"

# Chosen with --tune (see the module docstring).
PARAMS: Dict[str, float] = {
    "C": 3.0,  # inverse L2 strength of the logistic regression
    "chat_weight": 1.0,  # total weight of the chat-like data relative to the UD text, per standard
    "clip": 4.0,  # most evidence one word can carry
    "oov_clip": 0.5,  # most evidence a word not in the training data can carry
    "marker_weight": 0.0,  # log-odds per unit of hand-written marker score (markers.py)
    "threshold": 1.25,  # |evidence| below this: undecided
}
MIN_FEATURE_WEIGHT = 0.002  # smaller weights are dropped from the file


# --- data -----------------------------------------------------------------------------------------


def _lines(path: Path) -> List[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def excluded_sentences() -> set:
    """Held-out and test sentences, lower-cased: never trained on."""
    out = set()
    for std in ("nn", "nb"):
        out.update(s.lower() for s in _lines(TESTS / f"ud_{std}_heldout.txt"))
    for name in ("chat_heldout.yml", "labelled.yml"):
        out.update(
            d["text"].strip().lower() for d in yaml.safe_load((TESTS / name).read_text(encoding="utf-8"))["sentences"]
        )
    return out


def nlu_sentences() -> List[Tuple[str, str]]:
    """(text, std) of every example in data/nlu/ whose block is tagged malform: nn|nb."""
    out = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            meta = block.get("metadata") or {}
            std = meta.get("malform") if isinstance(meta, dict) else None
            examples = block.get("examples")
            if std not in ("nn", "nb") or not isinstance(examples, str):
                continue
            for line in examples.splitlines():
                line = line.strip()
                if line.startswith("- "):
                    out.append((line[2:].strip(), std))
    return out


def chat_train_sentences() -> List[Tuple[str, str]]:
    path = DATA / "chat_train.yml"
    if not path.exists():
        return []
    return [
        (d["text"], d["label"])
        for d in yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]
        if d["label"] in ("nn", "nb")
    ]


def is_tune(sentence: str) -> bool:
    return int(hashlib.sha1(f"tune:{sentence}".encode("utf-8")).hexdigest(), 16) % 4 == 0


def training_data(tune_split: bool = False) -> Tuple[Dict[str, List[Tuple[str, str]]], List[Tuple[str, str]]]:
    """({"ud": [...], "chat": [...]}, tune sentences); tune is empty unless tune_split."""
    excluded = excluded_sentences()
    ud, tune = [], []
    for std in ("nn", "nb"):
        for s in _lines(DATA / f"ud_{std}_train.txt"):
            if s.lower() in excluded:
                continue
            (tune if tune_split and is_tune(s) else ud).append((s, std))
    chat = [(s, std) for s, std in nlu_sentences() + chat_train_sentences() if s.lower() not in excluded]
    return {"ud": ud, "chat": chat}, tune


# --- model ----------------------------------------------------------------------------------------


def word_counts(sources: Dict[str, List[Tuple[str, str]]], chat_weight: float) -> Dict[Tuple[str, str], float]:
    """Weighted occurrences of (word, std): each standard's words total 1 per source (chat: chat_weight)."""
    weights: Dict[Tuple[str, str], float] = Counter()
    for name, sentences in sorted(sources.items()):
        counts: Counter = Counter()
        for text, std in sentences:
            for token in malform.tokens(text):
                if token not in malform.NEUTRAL:
                    counts[(token, std)] += 1
        totals = Counter()
        for (_, std), n in counts.items():
            totals[std] += n
        share = chat_weight if name == "chat" else 1.0
        for (token, std), n in counts.items():
            weights[(token, std)] += share * n / totals[std]
    return weights


def fit(sources: Dict[str, List[Tuple[str, str]]], params: Dict[str, float]) -> Dict[str, object]:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    weights = word_counts(sources, params["chat_weight"])
    rows = sorted(weights)
    index: Dict[str, int] = {}
    data, cols, ptr = [], [], [0]
    for token, _ in rows:
        feats = malform.word_features(token)
        for f in feats:
            cols.append(index.setdefault(f, len(index)))
            data.append(1.0)
        mark = malform.marker_score(token)
        if mark:
            cols.append(index.setdefault(malform.MARKER_FEATURE, len(index)))
            data.append(mark)
        ptr.append(len(cols))
    x = csr_matrix((np.array(data), np.array(cols), np.array(ptr)), shape=(len(rows), len(index)))
    y = np.array([1 if std == "nb" else 0 for _, std in rows])
    w = np.array([weights[r] for r in rows])
    w = w * (len(rows) / w.sum())  # mean sample weight 1, so C keeps its usual scale
    model = LogisticRegression(C=params["C"], fit_intercept=False, solver="lbfgs", max_iter=2000, tol=1e-6)
    model.fit(x, y, sample_weight=w)
    coef = model.coef_[0]
    names = sorted(index, key=index.get)
    feature_weights = {
        n: round(float(coef[index[n]]), 4)
        for n in sorted(names)
        if abs(coef[index[n]]) >= MIN_FEATURE_WEIGHT and n != malform.MARKER_FEATURE
    }
    marker = float(coef[index[malform.MARKER_FEATURE]]) if malform.MARKER_FEATURE in index else 0.0
    return {
        "about": "kari.nlu.malform n-gram evidence: log-odds > 0 Bokmål, < 0 Nynorsk. Built by "
        "`python -m kari.nlu.malform_train` from data/malform/ and data/nlu/; derived from UD "
        "Norwegian-Nynorsk / UD Norwegian-Bokmaal (Universal Dependencies, Norwegian "
        "Dependency Treebank), CC BY-SA 4.0.",
        "version": 1,
        "ngrams": list(malform.NGRAM_RANGE),
        "clip": params["clip"],
        "oov_clip": params["oov_clip"],
        "marker_weight": round(marker + params["marker_weight"], 4),
        "threshold": params["threshold"],
        "weights": feature_weights,
    }


def build() -> Dict[str, object]:
    sources, _ = training_data()
    return fit(sources, PARAMS)


def dumps(model: Dict[str, object]) -> str:
    return json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


# --- tuning ---------------------------------------------------------------------------------------


def _rates(scores: Iterable[Tuple[float, str, int]], threshold: float) -> Dict[str, float]:
    out = {}
    for label, keep in (("all", lambda n: True), ("<=8", lambda n: n <= 8)):
        rows = [(s, std) for s, std, n in scores if keep(n)]
        undecided = sum(abs(s) < threshold for s, _ in rows)
        wrong = sum(abs(s) >= threshold and (s > 0) != (std == "nb") for s, std in rows)
        out[label] = (100 * undecided / len(rows), 100 * wrong / len(rows))
    return out


def tune() -> None:
    sources, tune_set = training_data(tune_split=True)
    print(f"train: UD {len(sources['ud'])}, chat {len(sources['chat'])}; tune (UD): {len(tune_set)}")
    for c in (0.3, 1.0, 3.0, 10.0):
        for chat_weight in (0.5, 1.0, 2.0):
            for marker_weight in (0.0, 0.5):
                params = dict(PARAMS, C=c, chat_weight=chat_weight, marker_weight=marker_weight)
                model = fit(sources, params)
                for clip in (2.0, 3.0):
                    model["clip"] = clip
                    scorer = malform.Evidence(model)
                    scores = [(scorer.score(t), std, len(t.split())) for t, std in tune_set]
                    for threshold in (0.25, 0.5, 1.0):
                        r = _rates(scores, threshold)
                        print(
                            f"C={c:<5} chat={chat_weight:<4} marker+={marker_weight:<4} clip={clip:<4} "
                            f"thr={threshold:<5} undecided/wrong % all {r['all'][0]:5.1f} {r['all'][1]:5.1f}"
                            f"  <=8 {r['<=8'][0]:5.1f} {r['<=8'][1]:5.1f}",
                            flush=True,
                        )


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="print the hyperparameter grid on the tune part")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    if args.tune:
        tune()
        return
    model = build()
    args.out.write_text(dumps(model), encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({len(model['weights'])} weights, {size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
