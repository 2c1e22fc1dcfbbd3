"""Query latency: p50/p95 of `Answerer.ask` on the bundled corpus, against bare query encoding.

    python bench/query.py [--index DIR] [--rounds 5] [--mode hybrid]

Without --index it builds an index of data/articles in a temporary folder. The questions are
the gold set's (eval/gold.jsonl). Per-question caches are cleared before every round, so each
timed ask encodes and analyses its question afresh, as a new question would. Encoding one
question is the floor no design can beat; the ratio p50(ask) / p50(encode) says how far above it
the whole answer (retrieval, short answers, disagreement, rendering) lands. Both are measured in
the same run, on the same machine state. The CPU of an ask (every thread of the process) is
printed beside it: the question's encoding runs beside its parse on a second core, so an ask's
wall time gains from an idle core and its CPU does not.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    at = (len(ordered) - 1) * q
    low, high = int(at), min(int(at) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def questions() -> list[str]:
    lines = (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description="Query latency of qa.Answerer.ask against bare encoding.")
    parser.add_argument("--index", default=None, help="an existing index (default: build data/articles afresh)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mode", default="hybrid", choices=["hybrid", "dense", "bm25"])
    args = parser.parse_args()

    from index import ingest
    from qa.answering import Answerer
    from qa.values import _typed_values

    with tempfile.TemporaryDirectory() as scratch:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(scratch) / "index"
            ingest([ROOT / "data" / "articles"], index_dir)
        answerer = Answerer.open(index_dir)
        asked = questions()
        for q in asked:   # warm-up: first calls pay for lazy loading (torch kernels, SQLite pages)
            answerer.ask(q, mode=args.mode)
            answerer.embedder.encode([q])

        ask_ms: list[float] = []
        encode_ms: list[float] = []
        ask_cpu_ms: list[float] = []   # CPU of every thread of the process: the encoding beside the parse counts
        for _ in range(args.rounds):
            answerer._encode.cache_clear()
            answerer._question.cache_clear()
            answerer._words.clear()   # word vectors of the predicate fits
            answerer._facts.clear()   # sentence analyses read from SQLite
            answerer._doc_words.clear()   # the words and days of each document
            _typed_values.cache_clear()   # the figures, times and dates parsed out of sentences
            for q in asked:
                started = time.perf_counter()
                answerer.embedder.encode([q])
                encode_ms.append((time.perf_counter() - started) * 1000)
                started, cpu = time.perf_counter(), time.process_time()
                answerer.ask(q, mode=args.mode)
                ask_ms.append((time.perf_counter() - started) * 1000)
                ask_cpu_ms.append((time.process_time() - cpu) * 1000)

    p50_ask, p95_ask = percentile(ask_ms, 0.5), percentile(ask_ms, 0.95)
    p50_enc, p95_enc = percentile(encode_ms, 0.5), percentile(encode_ms, 0.95)
    share = statistics.mean(encode_ms) / statistics.mean(ask_ms)
    sentences = len(answerer.store.sentences)
    print(f"corpus: {len(answerer.store.documents)} documents, {sentences} sentences; "
          f"{len(asked)} questions x {args.rounds} rounds, mode {args.mode}")
    print(f"ask          p50 {p50_ask:6.1f} ms   p95 {p95_ask:6.1f} ms")
    print(f"encode only  p50 {p50_enc:6.1f} ms   p95 {p95_enc:6.1f} ms")
    print(f"ask CPU      p50 {percentile(ask_cpu_ms, 0.5):6.1f} ms   (all threads; above the wall time "
          f"when the encoding runs beside the parse)   load average {os.getloadavg()[0]:.2f}")
    print(f"share of ask spent encoding the query: {share:.0%}")
    print(f"ratio p50(ask) / p50(encode): {p50_ask / p50_enc:.2f}  (goal <= 2.0, and p50 < 50 ms)")


if __name__ == "__main__":
    main()
