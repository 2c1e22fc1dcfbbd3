"""Calibrate the "addresses the question" thresholds and the citation margin of each retrieval mode.

    python -m qa.calibrate [--gold eval/gold.jsonl] [--index DIR] [--mode M] [--cv]

For every gold question and every document, it records the document's candidate sentences with
their relevance, whether they give a value of the asked kind and whether they are about the day
asked; then it searches the grid of (threshold, open threshold, value bonus, other-day penalty)
for the highest F-beta of "document addresses the question" against the gold `sources`. With
those settings it picks `cite_relative`, the smallest relative margin that keeps the most gold
evidence among a source's citations (further sentences are cited only within that share of the
best one's score, when a source gives no values). It prints the settings per mode for
`qa/thresholds.py`.

`--cv` adds an honest estimate: a 2-fold cross-validation with a fixed split by a hash of the
question id. Settings calibrated on one half answer the other half, and the other way round;
the scores of the held-out halves (pooled) are printed beside the in-sample ones (calibrated
and scored on all questions), so the gap shows how much the thresholds fit this gold set.
"""
from __future__ import annotations

import argparse
import itertools
import json
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import thresholds
from .answering import Answerer, can_address
from .retrieval import MODES

ROOT = Path(__file__).resolve().parent.parent
# F-beta with beta 2: hiding an outlet that does address the question costs a reader more than
# showing one that does not (its sentences are there to judge), so recall weighs twice. It is also
# the steadier choice: with beta 1 the 2-fold open thresholds swung from 0.21 to 0.52.
BETA = 2.0
BONUSES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)
PENALTIES = (0.0, 0.1, 0.2, 0.3)
RELATIVE_MARGINS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)


def _load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fold_of(question_id: str) -> int:
    """The fixed cross-validation half of a question: a hash of its id, stable across runs and machines."""
    return zlib.crc32(question_id.encode("utf-8")) % 2


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
            by_doc = answerer._candidates(q, answerer._scores(text, mode), mode, answerer.specific_terms(q))
            allowed = answerer.allowed_docs(q, by_doc)
            for doc, document in enumerate(answerer.store.documents):
                cands = by_doc.get(doc, []) if doc in allowed else []
                if not can_address(cands, q):
                    cands = []   # never addresses it, whatever the threshold
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


def best_setting(pairs, beta: float = BETA) -> tuple[float, float, float, float, float]:
    """(F-beta, threshold, open threshold, bonus, penalty) maximising F-beta of "addresses"."""
    gold = np.array([p[0] for p in pairs])
    wants = np.array([p[1] for p in pairs])
    grid = np.round(np.arange(0.05, 1.0, 0.01), 2)
    best = (-1.0, 0.0, 0.0, 0.0, 0.0)
    for bonus, penalty in itertools.product(BONUSES, PENALTIES):
        s = pair_scores(pairs, bonus, penalty)
        # predicted[t] for each threshold t, separately for the two kinds of question
        hit_v = (s[wants][None, :] >= grid[:, None])
        hit_o = (s[~wants][None, :] >= grid[:, None])
        tp_v, fp_v = (hit_v & gold[wants]).sum(1), (hit_v & ~gold[wants]).sum(1)
        tp_o, fp_o = (hit_o & gold[~wants]).sum(1), (hit_o & ~gold[~wants]).sum(1)
        tp = tp_v[:, None] + tp_o[None, :]
        fp = fp_v[:, None] + fp_o[None, :]
        fn = gold.sum() - tp
        f = (1 + beta**2) * tp / np.maximum((1 + beta**2) * tp + beta**2 * fn + fp, 1)
        i, j = np.unravel_index(np.argmax(f), f.shape)   # first maximum: the lowest thresholds
        if f[i, j] > best[0] + 1e-9:
            best = (float(f[i, j]), float(grid[i]), float(grid[j]), bonus, penalty)
    return best


def _evidence_hits(answerer: Answerer, gold: list[dict], mode: str) -> tuple[int, int]:
    """(gold sources with an evidence string among their citations, citations in all)."""
    from eval.matching import evidence_in   # the contract's matching, as the eval applies it

    hits = cited = 0
    for item in gold:
        answer = answerer.ask(item["question"], mode=mode)
        for source in answer.sources:
            cited += len(source.citations)
            if source.doc_id in item["sources"]:
                evidence = item["sources"][source.doc_id]["evidence"]
                hits += any(evidence_in(c.text, evidence) for c in source.citations)
    return hits, cited


def best_relative(answerer: Answerer, gold: list[dict], mode: str) -> float:
    """The smallest relative citation margin that keeps the most gold evidence cited."""
    saved = thresholds.SETTINGS[mode]
    try:
        results = []
        for margin in RELATIVE_MARGINS:
            thresholds.SETTINGS[mode] = replace(saved, cite_relative=margin)
            hits, cited = _evidence_hits(answerer, gold, mode)
            results.append((-hits, margin))
        return min(results)[1]
    finally:
        thresholds.SETTINGS[mode] = saved


def calibrate(answerer: Answerer, gold: list[dict], mode: str, beta: float = BETA) -> tuple[float, thresholds.Setting]:
    """(F-beta of "addresses", the calibrated Setting) for `mode` on these gold questions."""
    f, threshold, open_threshold, bonus, penalty = best_setting(collect(answerer, gold, mode), beta)
    setting = replace(thresholds.SETTINGS[mode], threshold=threshold, open_threshold=open_threshold,
                      value_bonus=bonus, other_day_penalty=penalty)
    saved = thresholds.SETTINGS[mode]
    thresholds.SETTINGS[mode] = setting
    try:
        setting = replace(setting, cite_relative=best_relative(answerer, gold, mode))
    finally:
        thresholds.SETTINGS[mode] = saved
    return f, setting


def answers_with(answerer: Answerer, gold: list[dict], mode: str, setting: thresholds.Setting) -> list[dict]:
    saved = thresholds.SETTINGS[mode]
    thresholds.SETTINGS[mode] = setting
    try:
        return [answerer.ask(item["question"], mode=mode).to_dict() for item in gold]
    finally:
        thresholds.SETTINGS[mode] = saved


def report_of(gold: list[dict], answers: list[dict]) -> dict[str, float | None]:
    """The eval's figures (eval.scoring, the contract's definitions) of these answers."""
    from eval.gold import parse_line
    from eval.scoring import report

    golds = [parse_line(json.dumps(item), f"gold:{n + 1}") for n, item in enumerate(gold)]
    full = report(golds, answers, [0.0] * len(gold))
    figures = {k: full[k] for k in METRICS}
    figures["disagreement_f1"] = full["disagreement"]["f1"]
    return figures


METRICS = ("evidence_recall", "answer_accuracy", "source_precision", "no_answer_accuracy")


def cross_validate(answerer: Answerer, gold: list[dict], mode: str, beta: float = BETA) -> dict:
    """In-sample and 2-fold held-out figures of `mode`, plus each half's calibrated settings.

    Held-out: every question is answered with the settings calibrated on the half it is not in,
    and the figures are computed once over all those answers (so each ratio keeps its own
    denominator, e.g. the seven unanswerable questions for no-answer accuracy)."""
    _, everything = calibrate(answerer, gold, mode, beta)
    in_sample = report_of(gold, answers_with(answerer, gold, mode, everything))
    held: dict[str, dict] = {}
    settings = []
    for half in (0, 1):
        train = [item for item in gold if fold_of(item["id"]) != half]
        test = [item for item in gold if fold_of(item["id"]) == half]
        _, setting = calibrate(answerer, train, mode, beta)
        settings.append(setting)
        for item, answer in zip(test, answers_with(answerer, test, mode, setting)):
            held[item["id"]] = answer
    held_out = report_of(gold, [held[item["id"]] for item in gold])
    return {"setting": everything, "in_sample": in_sample, "held_out": held_out, "fold_settings": settings}


def _show(setting: thresholds.Setting) -> str:
    return (f"threshold={setting.threshold:.2f}  open_threshold={setting.open_threshold:.2f}  "
            f"value_bonus={setting.value_bonus:.2f}  other_day_penalty={setting.other_day_penalty:.2f}  "
            f"cite_relative={setting.cite_relative:.2f}")


def _figures(figures: dict) -> str:
    return "  ".join(f"{k}={'-' if v is None else f'{v:.3f}'}" for k, v in figures.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=str(ROOT / "eval" / "gold.jsonl"))
    parser.add_argument("--index", default=None)
    parser.add_argument("--mode", choices=MODES, default=None, help="one mode (default: all)")
    parser.add_argument("--beta", type=float, default=BETA, help="F-beta of 'addresses' to maximise")
    parser.add_argument("--cv", action="store_true", help="also 2-fold cross-validate (held-out figures)")
    args = parser.parse_args()
    answerer = Answerer.open(args.index)
    gold = _load_gold(Path(args.gold))
    for mode in [args.mode] if args.mode else MODES:
        if not args.cv:
            f, setting = calibrate(answerer, gold, mode, args.beta)
            print(f"{mode:6}  {_show(setting)}  addresses-F{args.beta:g}={f:.3f}")
            continue
        result = cross_validate(answerer, gold, mode, args.beta)
        print(f"{mode:6}  {_show(result['setting'])}")
        print(f"        in-sample  {_figures(result['in_sample'])}")
        print(f"        held-out   {_figures(result['held_out'])}")
        for n, setting in enumerate(result["fold_settings"]):
            print(f"        fold {n} held out, calibrated on the other: {_show(setting)}")


if __name__ == "__main__":
    main()
