"""Killing an ingest midway leaves the previous index readable, vectors and SQLite in agreement."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUNDLED_IDS
from index import SentenceStore


def synthetic_corpus(folder: Path, store: SentenceStore, articles: int, per_article: int) -> None:
    """New articles made of the bundled sentences in other orders (so every text is new)."""
    rng = random.Random(7)
    texts = [s.text for s in store.sentences]
    folder.mkdir()
    for n in range(articles):
        (folder / f"synthetic-{n:03}.txt").write_text("\n".join(rng.sample(texts, per_article)) + "\n")


def start_ingest(corpus: Path, index: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "qa.cli", "ingest", str(corpus), "--index", str(index), *options],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wal_stamp(index: Path) -> int:
    # The write-ahead log is reused from its start after a checkpoint, so watch its time, not its size.
    wal = index / "claimqa.sqlite-wal"
    return wal.stat().st_mtime_ns if wal.exists() else 0


def assert_intact(index: Path, before: SentenceStore, corpus_ids: set[str]) -> SentenceStore:
    store = SentenceStore.open(index)   # raises if FAISS and SQLite disagree
    ids = {d.doc_id for d in store.documents}
    assert ids in (set(BUNDLED_IDS), set(BUNDLED_IDS) | corpus_ids), "a half-written ingest is visible"
    assert len(store.vectors) == len(store.sentences) == sum(d.sentences for d in store.documents)
    kept = {s.sentence_id: s.text for s in before.sentences}
    assert {s.sentence_id: s.text for s in store.sentences if s.sentence_id in kept} == kept
    return store


def test_kill_during_embedding_and_during_the_write(tmp_path, index_copy):
    before = SentenceStore.open(index_copy)
    corpus = tmp_path / "synthetic"
    synthetic_corpus(corpus, before, articles=120, per_article=25)
    corpus_ids = {p.stem for p in corpus.glob("*.txt")}

    # 1. Killed while it embeds (all of it one batch, so no batch commits before the kill): nothing
    # of it may show. 3,000 sentences: about 16 s of embedding on the 2 cores.
    process = start_ingest(corpus, index_copy, "--batch", "1000000")
    time.sleep(8)
    assert process.poll() is None, "the ingest finished before it could be killed; make the corpus larger"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert_intact(index_copy, before, corpus_ids).generation == before.generation

    # 2. Killed as soon as it starts writing to SQLite (the write-ahead log is written).
    baseline = wal_stamp(index_copy)
    process = start_ingest(corpus, index_copy)
    deadline = time.monotonic() + 240
    while wal_stamp(index_copy) == baseline and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert_intact(index_copy, before, corpus_ids)

    # 3. The next ingest completes, and cleans up whatever the killed ones left behind.
    finished = start_ingest(corpus, index_copy)
    assert finished.wait(timeout=300) in (0,)
    store = assert_intact(index_copy, before, corpus_ids)
    assert {d.doc_id for d in store.documents} == set(BUNDLED_IDS) | corpus_ids
    # Only the shards the index lists are on disk: what the killed writes left is swept.
    with sqlite3.connect(index_copy / "claimqa.sqlite") as conn:
        listed = {f"{n:08d}.f16" for n, in conn.execute("SELECT shard FROM shards")}
    assert sorted(p.name for p in (index_copy / "vectors").iterdir()) == sorted(listed)
    assert not list(index_copy.glob("vectors-*.faiss"))
