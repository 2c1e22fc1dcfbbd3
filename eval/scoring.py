"""The contract's metrics: pure functions over gold questions and answer dicts (the contract's answer JSON).

A source counts as cited when it is listed in the answer's `sources` (the contract lists there only
documents that address the question). Ratios with nothing to measure are None, except the
disagreement scores, which the contract sets to 0.0 when a denominator is zero.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .gold import GoldQuestion
from .matching import answer_matches, evidence_in

EVIDENCE_CITATIONS = 3   # evidence counts only in the first three sentences cited for a source


@dataclass
class SourceMark:
    """How an answer did on one gold source of one question."""

    doc_id: str
    cited: bool          # the answer lists this source
    evidence: bool       # one of its first three citations holds a gold evidence string
    answer: bool         # its short value matches a gold answer
    value: str | None    # the short value the answer gave


def answer_sources(answer: dict) -> dict[str, dict]:
    return {source["doc_id"]: source for source in answer.get("sources") or []}


def mark_source(doc_id: str, gold_answers: list[str], evidence: list[str], answer: dict) -> SourceMark:
    source = answer_sources(answer).get(doc_id)
    if source is None:
        return SourceMark(doc_id, cited=False, evidence=False, answer=False, value=None)
    citations = (source.get("citations") or [])[:EVIDENCE_CITATIONS]
    value = source.get("answer")
    return SourceMark(
        doc_id, cited=True,
        evidence=any(evidence_in(c.get("text") or "", evidence) for c in citations),
        answer=answer_matches(value, gold_answers),
        value=value)


def mark_question(gold: GoldQuestion, answer: dict) -> list[SourceMark]:
    return [mark_source(doc_id, s.answer, s.evidence, answer) for doc_id, s in gold.sources.items()]


def flag(answer: dict) -> bool:
    return bool((answer.get("disagreement") or {}).get("flag"))


def ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def evidence_recall(golds: list[GoldQuestion], answers: list[dict]) -> float | None:
    marks = [m for g, a in zip(golds, answers) for m in mark_question(g, a)]
    return ratio(sum(m.evidence for m in marks), len(marks))


def answer_accuracy(golds: list[GoldQuestion], answers: list[dict]) -> float | None:
    marks = [m for g, a in zip(golds, answers) for m in mark_question(g, a)]
    return ratio(sum(m.answer for m in marks), len(marks))


def source_precision(golds: list[GoldQuestion], answers: list[dict]) -> float | None:
    """Share of (question, cited source) pairs whose source is gold; unanswerable questions left out."""
    pairs = [doc_id in g.sources for g, a in zip(golds, answers) if g.sources for doc_id in answer_sources(a)]
    return ratio(sum(pairs), len(pairs))


def no_answer_accuracy(golds: list[GoldQuestion], answers: list[dict]) -> float | None:
    silent = [not answer_sources(a) for g, a in zip(golds, answers) if not g.sources]
    return ratio(sum(silent), len(silent))


def disagreement_scores(golds: list[GoldQuestion], answers: list[dict]) -> dict[str, float]:
    """Precision, recall and F1 of the answer's flag against gold `disagree` (positive = disagree)."""
    tp = sum(g.disagree and flag(a) for g, a in zip(golds, answers))
    fp = sum(not g.disagree and flag(a) for g, a in zip(golds, answers))
    fn = sum(g.disagree and not flag(a) for g, a in zip(golds, answers))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), without numpy."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency(latencies_ms: list[float | None]) -> dict[str, float | None]:
    """p50 and p95 of the questions asked (None: a question never asked, its story indexed nothing)."""
    asked = [t for t in latencies_ms if t is not None]
    return {"p50": percentile(asked, 50), "p95": percentile(asked, 95)}


def per_question(gold: GoldQuestion, answer: dict, latency_ms: float | None) -> dict:
    """One row of the report: the marks per gold source, what else was cited, the flag against gold."""
    marks = mark_question(gold, answer)
    cited = list(answer_sources(answer))
    return {
        "id": gold.id,
        "question": gold.question,
        "sources": {m.doc_id: {"cited": m.cited, "evidence": m.evidence, "answer": m.answer, "value": m.value}
                    for m in marks},
        "extra_sources": [doc_id for doc_id in cited if doc_id not in gold.sources],
        "no_answer": (not cited) if not gold.sources else None,
        "disagree": gold.disagree,
        "flag": flag(answer),
        "latency_ms": latency_ms,
    }


def summary(golds: list[GoldQuestion], answers: list[dict], latencies_ms: list[float | None]) -> dict:
    """The contract's summary keys for one run."""
    return {
        "questions": len(golds),
        "evidence_recall": evidence_recall(golds, answers),
        "answer_accuracy": answer_accuracy(golds, answers),
        "source_precision": source_precision(golds, answers),
        "no_answer_accuracy": no_answer_accuracy(golds, answers),
        "disagreement": disagreement_scores(golds, answers),
        "latency_ms": latency(latencies_ms),
    }


def report(golds: list[GoldQuestion], answers: list[dict], latencies_ms: list[float | None]) -> dict:
    """Summary plus a row per question: the contract's report."""
    out = summary(golds, answers, latencies_ms)
    out["per_question"] = [per_question(g, a, t) for g, a, t in zip(golds, answers, latencies_ms)]
    return out
