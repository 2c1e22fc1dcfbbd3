"""Plain dense retrieval over the same index, scored by the same rules: what ClaimQA must beat.

- `per-doc-3`: cites every document with its 3 sentences closest to the question;
- `global-5`: cites the documents of the 5 sentences closest to the question over the whole index
  (a default RAG retriever), each with those of its sentences among the 5.

Baselines give no short answer and never flag a disagreement. Their answers are answer dicts of
the contract's shape, so `eval.scoring.report` scores them as it scores ClaimQA's.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

BASELINES = ("per-doc-3", "global-5")
PER_DOC = 3
GLOBAL = 5


class Retriever:
    """One index and the embedder it was built with; answers a question as each baseline would."""

    def __init__(self, index_dir: Path):
        from index import Embedder, SentenceStore

        self.store = SentenceStore.open(index_dir)
        self.embedder = Embedder(self.store.model)

    def answer(self, question: str, name: str) -> dict:
        store = self.store
        scores = store.vectors @ self.embedder.encode([question])[0]
        if name == "per-doc-3":
            picked: dict[int, list[int]] = {}
            for doc in range(len(store.documents)):
                rows = np.flatnonzero(store.sentence_doc == doc)
                picked[doc] = rows[np.argsort(-scores[rows], kind="stable")][:PER_DOC].tolist()
            order = sorted(picked, key=lambda d: -float(scores[picked[d][0]]) if picked[d] else 0.0)
            picked = {doc: picked[doc] for doc in order if picked[doc]}
        elif name == "global-5":
            picked = {}
            for row in np.argsort(-scores, kind="stable")[:GLOBAL].tolist():
                picked.setdefault(int(store.sentence_doc[row]), []).append(row)
        else:
            raise ValueError(f"no baseline named {name!r} (baselines: {', '.join(BASELINES)})")
        sources = []
        for doc, rows in picked.items():
            document = store.documents[doc]
            sources.append({
                "doc_id": document.doc_id, "outlet": document.outlet, "published": document.published,
                "answer": None,
                "citations": [{"n": 0, "sentence_id": int(store.sentences[r].sentence_id),
                               "text": store.sentences[r].text, "score": float(scores[r])} for r in rows]})
        cited = {s["doc_id"] for s in sources}
        return {"question": question, "sources": sources,
                "not_mentioned": [d.doc_id for d in store.documents if d.doc_id not in cited],
                "disagreement": {"flag": False, "summary": "", "values": []}}


def answer_all(index_dir: Path, questions: list[str]) -> dict[str, tuple[list[dict], list[float]]]:
    """Each baseline's answers to the questions, with the milliseconds each took."""
    retriever = Retriever(index_dir)
    out: dict[str, tuple[list[dict], list[float]]] = {}
    for name in BASELINES:
        answers, latencies = [], []
        for question in questions:
            started = time.perf_counter()
            answers.append(retriever.answer(question, name))
            latencies.append(round((time.perf_counter() - started) * 1000, 2))
        out[name] = (answers, latencies)
    return out
