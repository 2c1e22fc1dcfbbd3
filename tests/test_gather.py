"""Concurrent calls gathered into one (index/gather.py): each caller gets its own results, alone a
call runs at once, an error reaches the callers of its batch only, and the gathered model and
spaCy calls give exactly what separate calls give (so answers do not depend on the load)."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from index.analysis import analysis_of, load_nlp
from index.embedding import Embedder
from index.gather import Gathered, GatheredEmbedder, GatheredPipeline

QUESTIONS = [f"How many {thing} were {verb} on day {n}?" for n in range(4)
             for thing in ("people", "ferries", "votes", "cattle") for verb in ("lost", "counted")] + [
    "Who chaired the inquiry?", "When did the bridge reopen?", "Where was the court?", "x", ""]


def at_once(fn, items: list, threads: int = 16) -> list:
    """fn(item) from `threads` threads released together; results in the order of items."""
    out: list = [None] * len(items)
    start = threading.Barrier(threads)

    def work(k: int) -> None:
        start.wait()
        for i in range(k, len(items), threads):
            try:
                out[i] = fn(items[i])
            except Exception as error:   # noqa: BLE001 - the test looks at it
                out[i] = error

    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return out


def slow_double(items: list[int]) -> list[int]:
    time.sleep(0.02)   # long enough for the other threads to queue behind it
    if -1 in items:
        raise ValueError("minus one")
    return [2 * i for i in items]


def test_each_caller_gets_its_own_results_from_fewer_calls():
    gathered = Gathered(slow_double)
    results = at_once(lambda n: gathered([n, n + 1000]), list(range(64)))
    assert results == [[2 * n, 2 * (n + 1000)] for n in range(64)]
    assert gathered.calls < 64 / 4   # 16 threads: most calls joined another


def test_alone_a_call_runs_at_once_and_no_batch_exceeds_the_limit():
    seen: list[int] = []
    gathered = Gathered(lambda items: seen.append(len(items)) or slow_double(items), max_items=5)
    started = time.perf_counter()
    assert gathered([3]) == [6]
    assert time.perf_counter() - started < 0.5 and gathered.calls == 1
    assert at_once(lambda n: gathered([n, n]), list(range(30)), threads=10) == [[2 * n, 2 * n] for n in range(30)]
    assert max(seen) <= 5   # two items per caller: two callers per call at most
    assert gathered([]) == []


def test_an_error_reaches_only_the_callers_of_its_batch():
    gathered = Gathered(slow_double)
    results = at_once(lambda n: gathered([n]), [-1 if n == 7 else n for n in range(48)])
    failed = [i for i, r in enumerate(results) if isinstance(r, ValueError)]
    assert 7 in failed and len(failed) < 48
    assert all(results[i] == [2 * i] for i in range(48) if i not in failed)
    assert gathered([2]) == [4]   # and the next call runs


@pytest.fixture(scope="module")
def onnx_embedder():
    return Embedder(threads=1, runtime="onnx")


def test_gathered_vectors_are_those_of_separate_calls_bit_for_bit(onnx_embedder):
    alone = [onnx_embedder.encode([q])[0] for q in QUESTIONS]
    gathered = GatheredEmbedder(onnx_embedder)
    together = at_once(lambda q: gathered.encode([q, q.upper()]), QUESTIONS)
    assert gathered.gathered.calls < len(QUESTIONS)
    for q, mine, vectors in zip(QUESTIONS, alone, together):
        assert vectors.shape == (2, 384) and np.array_equal(vectors[0], mine), q
        assert np.array_equal(vectors[1], onnx_embedder.encode([q.upper()])[0]), q
    assert gathered.encode([]).shape == (0, 384) and gathered.dim == 384 and gathered.runtime == "onnx"


def test_gathered_parses_are_those_of_separate_calls():
    nlp = load_nlp()
    gathered = GatheredPipeline(nlp)
    together = at_once(gathered, QUESTIONS)
    assert gathered.gathered.calls < len(QUESTIONS)
    assert [analysis_of(d) for d in together] == [analysis_of(nlp(q)) for q in QUESTIONS]
