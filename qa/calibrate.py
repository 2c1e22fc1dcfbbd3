"""Calibrate the "addresses the question" threshold of each retrieval mode on a gold set.

    python -m qa.calibrate [--gold eval/gold.jsonl] [--index DIR]

For every gold question and every document, it records the document's candidate sentences with
their relevance, whether they give a value of the asked kind and whether they are about the day
asked; then it searches the grid of (threshold, value bonus, other-day penalty) for the highest
F2 of "document addresses the question" against the gold `sources`, and prints the best
settings per mode for `qa/thresholds.py`.
"""
from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import thresholds
from .answering import Answerer
from .retrieval import MODES

ROOT = Path(__file__).resolve().parent.parent
# F-beta with beta 2: hiding an outlet that does address the question costs a reader more than
# showing one that does not (its sentences are there to judge), so recall weighs twice.
BETA = 2.0


def _load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def collect(answerer: Answerer, gold: list[dict], mode: str) -> list[tuple[bool, bool, bool, np.ndarray]]:
    """Per (question, document): gold says it addresses it, the question wants a short value,
    names a day, and its candidates as rows [relevance, gives a value, about the day asked]."""
    neutral = replace(thresholds.for_mode(mode), value_bonus=0.0, other_day_penalty=0.0)
    saved = thresholds.SETTINGS[mode]
    thresholds.SETTINGS[mode] = neutral
    try:
        pairs = []
        for item in gold:
            text = item["question"]
            q = answerer._question(text)
            by_doc = answerer._candidates(q, answerer._scores(text, mode), mode, answerer.lexical.rarest_terms(text))
            allowed = answerer._naming_docs(q)
            for doc, document in enumerate(answerer.store.documents):
                cands = by_doc.get(doc, []) if doc in allowed else []
                rows = [(c.fused, bool(c.values), c.on_asked_day is not False) for c in cands]
                pairs.append((document.doc_id in item["sources"], q.wants_value, bool(q.days),
                              np.array(rows, dtype=np.float64).reshape(-1, 3)))
        return pairs
    finally:
        thresholds.SETTINGS[mode] = saved


def pair_scores(pairs, bonus: float, penalty: float) -> np.ndarray:
    """Each pair's deciding score: its best candidate (its best on the asked day, if one is named)."""
    out = np.full(len(pairs), -np.inf)
    for i, (_, wants, dated, rows) in enumerate(pairs):
        if rows.size:
            scores = rows[:, 0] + (bonus * rows[:, 1] if wants else 0.0) - penalty * (1 - rows[:, 2])
            if dated:
                scores = scores[rows[:, 2] > 0]
            if scores.size:
                out[i] = scores.max()
    return out


def best_setting(pairs) -> tuple[float, float, float, float, float]:
    """(F2, threshold, open threshold, bonus, penalty) maximising F2 of "addresses"."""
    gold = np.array([p[0] for p in pairs])
    wants = np.array([p[1] for p in pairs])
    grid = np.round(np.arange(0.05, 1.0, 0.01), 2)
    best = (-1.0, 0.0, 0.0, 0.0, 0.0)
    for bonus, penalty in itertools.product((0.0, 0.05, 0.1, 0.15, 0.2, 0.25), (0.0, 0.1, 0.2, 0.3)):
        s = pair_scores(pairs, bonus, penalty)
        # predicted[t] for each threshold t, separately for the two kinds of question
        hit_v = (s[wants][None, :] >= grid[:, None])
        hit_o = (s[~wants][None, :] >= grid[:, None])
        tp_v, fp_v = (hit_v & gold[wants]).sum(1), (hit_v & ~gold[wants]).sum(1)
        tp_o, fp_o = (hit_o & gold[~wants]).sum(1), (hit_o & ~gold[~wants]).sum(1)
        tp = tp_v[:, None] + tp_o[None, :]
        fp = fp_v[:, None] + fp_o[None, :]
        fn = gold.sum() - tp
        f1 = (1 + BETA**2) * tp / np.maximum((1 + BETA**2) * tp + BETA**2 * fn + fp, 1)
        i, j = np.unravel_index(np.argmax(f1), f1.shape)   # first maximum: the lowest thresholds
        if f1[i, j] > best[0] + 1e-9:
            best = (float(f1[i, j]), float(grid[i]), float(grid[j]), bonus, penalty)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=str(ROOT / "eval" / "gold.jsonl"))
    parser.add_argument("--index", default=None)
    args = parser.parse_args()
    answerer = Answerer.open(args.index)
    gold = _load_gold(Path(args.gold))
    for mode in MODES:
        f1, threshold, open_threshold, bonus, penalty = best_setting(collect(answerer, gold, mode))
        print(f"{mode:6}  threshold={threshold:.2f}  open_threshold={open_threshold:.2f}  value_bonus={bonus:.2f}"
              f"  other_day_penalty={penalty:.2f}  addresses-F2={f1:.3f}")


if __name__ == "__main__":
    main()
