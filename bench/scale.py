"""An archive of N sentences: build, open, memory, disk and question latency against bare encoding.

    python bench/scale.py --sentences 1000000 [--json OUT] [--work DIR] [--base DIR] [--ramdocs N]
                          [--runtime onnx|torch]

The base is a real archive of many stories, embedded once and kept in --base between runs: the
bundled story, every story of ../shared/stories and the documents of the first --ramdocs RAMDocs
dev questions (each question's documents on one subject), all ingested into one index, grouped
into stories by the index itself. The archive of N sentences is made from it without embedding
again: every story but the bundled one is copied as new stories of new documents (same texts, the
vectors moved by a little noise and made unit length again) until N sentences are reached, the
bundled story kept once; the copies' vectors go to new shards, and the approximate index is built
as a growing index builds it (index.vectors). Then, in a fresh process:

- `open_s`: opening the index (`Archive.open`), and `rss_mb` after opening the answerer (models
  loaded) and after 100 questions of all the suite's stories;
- `ask_ms`: p50 and p95 of `StoryAnswerer.ask` over the bundled gold questions, each asked once
  with cold caches, and `encode_ms.p50`: bare encoding of the same questions in the same run, by the
  same runtime: onnx, as the app, its workers and `claimqa ask` encode questions (the parse then
  runs beside the encoding), or torch (`--runtime torch`, as this benchmark measured before);
- `recall_at_k`: the share of the exact top-k (k = the story choice's pool) the search returns;
- `foreign_sources_max`: the most documents outside the bundled story one answer to a bundled gold
  question cites (questions the gold says the bundled story does not answer are listed apart, with
  the documents of the other story that answered them: in an archive, that is their right answer).
  The copies weigh on it: every other story is copied about 88 times at 1M and 440 times at 5M, so
  a question's closest sentences can all be copies of a few texts (at 5M the 200 closest hold 2 or
  3 texts for some questions, even by exact search), which no real archive repeats so often.

Prints the JSON (keys as issue 12 fixes them) and writes it to --json.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

BUNDLED = "bundled"
NOISE = 0.015          # per-dimension noise of a copy's vectors (cosine to the original about 0.96)
SHARD_ROWS = 250_000   # vectors per shard written by the copies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    at = (len(ordered) - 1) * q
    low, high = int(at), min(int(at) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory, MB: all of it (VmRSS), or its anonymous part (RssAnon) or its part that
    is pages of mapped files (RssFile: the shards a search read, which the kernel can reclaim)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the base: many real stories, embedded once ------------------------------------------------

def build_base(base: Path, ramdocs: int) -> None:
    if (base / "claimqa.sqlite").is_file():
        return
    from eval.mixed import mixed_corpus, suite_stories
    from eval.suites import ramdocs_stories
    from index import ingest

    corpus = base.parent / (base.name + "-corpus")
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    mixed_corpus(suite_stories(ROOT.parent / "shared" / "stories"), corpus)
    with open(corpus / "sources.csv", "a", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        for story in ramdocs_stories(ROOT.parent / "shared" / "benchmarks" / "ramdocs" / "dev.jsonl", ramdocs):
            for doc_id, text in story.documents.items():
                name = f"ramdocs-{story.name}--{doc_id}.txt"
                (corpus / name).write_text(text, encoding="utf-8")
                writer.writerow([name, f"site-{story.name}-{doc_id}", "", "", ""])
    started = time.perf_counter()
    report = ingest([corpus], base, progress=None)
    print(f"base: {report.summary()} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


# -- the archive of N sentences, copied from the base ----------------------------------------------

def build_archive(base: Path, work: Path, sentences: int, seed: int = 7) -> dict:
    import numpy as np

    from index.store import DB_NAME, StoreWriter
    from index.vectors import Shard, ShardSet, write_shard

    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work)
    with StoreWriter(work, model=None) as writer:   # a base of an older layout is brought up to date
        writer.commit()
    # The bundled story is its five articles: an article the grouping put beside them leaves it.
    from index import split_story
    with sqlite3.connect(work / DB_NAME) as conn:
        bundled = conn.execute("SELECT story_id FROM story_documents WHERE doc_id LIKE ?", (BUNDLED + "--%",)).fetchone()[0]
        others = [r[0] for r in conn.execute("SELECT doc_id FROM story_documents WHERE story_id = ? AND doc_id NOT LIKE ?",
                                             (bundled, BUNDLED + "--%"))]
    if others:
        split_story(bundled, others, work)
    started = time.perf_counter()
    conn = sqlite3.connect(work / DB_NAME, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    dim = int(conn.execute("SELECT value FROM meta WHERE key='dim'").fetchone()[0])
    shards = ShardSet(work, dim, [Shard(*r) for r in conn.execute("SELECT shard, first, count FROM shards")], [])
    members = conn.execute("SELECT doc_id, story_id, by_hand, centroid, names FROM story_documents").fetchall()
    bundled_story = {story for doc, story, *_ in members if doc.startswith(BUNDLED + "--")}
    copied = [m for m in members if m[1] not in bundled_story]
    documents = {r[0]: r for r in conn.execute("SELECT * FROM documents")}
    rows = {}
    for r in conn.execute("SELECT sentence_id, doc_id, position, start, end, analysis FROM sentences"
                          " ORDER BY sentence_id"):
        rows.setdefault(r[1], []).append(r)
    have = conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
    per_copy = sum(len(rows.get(m[0], [])) for m in copied)
    stories = {r[0]: r for r in conn.execute("SELECT story_id, title, collection FROM stories")}
    next_story = int(conn.execute("SELECT value FROM meta WHERE key='next_story'").fetchone()[0])
    next_id = int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM sqlite_sequence WHERE name='sentences'")
                  .fetchone()[0])
    shard_no = int(conn.execute("SELECT COALESCE(MAX(shard), -1) + 1 FROM shards").fetchone()[0])
    rng = np.random.default_rng(seed)
    pending_ids: list[int] = []
    pending: list = []
    copy = 0
    conn.execute("BEGIN")

    def flush():
        nonlocal shard_no, pending, pending_ids
        if not pending_ids:
            return
        block = np.concatenate(pending)
        write_shard(work, shard_no, block)
        conn.execute("INSERT INTO shards (shard, first, count) VALUES (?, ?, ?)", (shard_no, pending_ids[0], len(block)))
        shard_no += 1
        pending, pending_ids = [], []

    while have < sentences:
        copy += 1
        story_ids = {}
        for doc_id, story_id, by_hand, centroid, names in copied:
            if have >= sentences:
                break
            if story_id not in story_ids:
                story_ids[story_id] = f"s{next_story}"
                next_story += 1
                title = stories.get(story_id, (None, None, 0))
                conn.execute("INSERT INTO stories (story_id, title, collection) VALUES (?, ?, 0)",
                             (story_ids[story_id], title[1]))
            new_doc = f"{doc_id}~{copy}"
            d = documents[doc_id]
            conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (new_doc, *d[1:]))
            conn.execute("INSERT INTO story_documents VALUES (?, ?, ?, ?, ?)",
                         (new_doc, story_ids[story_id], by_hand, centroid, names))
            conn.executemany("INSERT INTO name_words (word, doc_id) VALUES (?, ?)",
                             [(word, new_doc) for word in json.loads(names)])
            sentence_rows = rows.get(doc_id, [])
            if not sentence_rows:
                continue
            ids = list(range(next_id, next_id + len(sentence_rows)))
            conn.executemany("INSERT INTO sentences (sentence_id, doc_id, position, start, end, analysis)"
                             " VALUES (?, ?, ?, ?, ?, ?)",
                             [(i, new_doc, *r[2:]) for i, r in zip(ids, sentence_rows)])
            vectors = shards.vectors([r[0] for r in sentence_rows])
            vectors = vectors + rng.normal(0, NOISE, vectors.shape).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            pending.append(vectors)
            pending_ids += ids
            next_id += len(ids)
            have += len(ids)
            if len(pending_ids) >= SHARD_ROWS:
                flush()
    flush()
    conn.execute("INSERT INTO meta (key, value) VALUES ('next_story', ?) ON CONFLICT(key) DO UPDATE SET"
                 " value=excluded.value", (str(next_story),))
    conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'sentences'", (next_id - 1,))
    conn.execute("DELETE FROM meta WHERE key = 'headlines'")   # the copies' headlines: indexed by the next writer
    conn.execute("COMMIT")
    conn.close()
    copied_at = time.perf_counter()
    # The approximate index, as a growing index builds it, and the copies' headlines.
    with StoreWriter(work, model=None) as writer:
        writer._index_segments()
        writer.commit()
    done = time.perf_counter()
    return {"copies": copy, "per_copy": per_copy, "rows_s": round(copied_at - started, 1),
            "index_s": round(done - copied_at, 1), "build_s": round(done - started, 1)}


# -- measuring, in a fresh process -------------------------------------------------------------------

def measure(work: Path, questions: int, runtime: str = "onnx") -> dict:
    import numpy as np

    from eval.gold import load_gold
    from eval.mixed import prefixed, suite_stories
    from index.store import Archive
    from qa.stories import ChoiceSettings, StoryAnswerer

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    archive = Archive.open(work)
    open_s = time.perf_counter() - started
    rss_open_index = rss_mb()
    answerer = StoryAnswerer(archive, *_models(archive, runtime))
    rss_open = rss_mb()
    bundled = prefixed(BUNDLED, load_gold(ROOT / "eval" / "gold.jsonl"))
    asked = [g.question for g in bundled]
    answerer.ask("What happened?")   # warm-up: first calls pay for lazy loading (torch kernels)
    answerer.caches.encode.cache_clear()
    answerer.caches.question.cache_clear()
    asks, foreign, elsewhere = [], 0, {}
    for g in bundled:
        t = time.perf_counter()
        answer = answerer.ask(g.question)
        asks.append((time.perf_counter() - t) * 1000)
        outside = sum(1 for s in answer.sources if not s.doc_id.startswith(BUNDLED + "--"))
        if g.sources:
            foreign = max(foreign, outside)
        elif outside:   # a question the bundled story does not answer, answered from another story
            elsewhere[g.question] = outside
    encodes = []
    for q in asked:
        t = time.perf_counter()
        answerer.embedder.encode([q + " "])   # not the cached question: the bare model call
        encodes.append((time.perf_counter() - t) * 1000)
    # Recall of the search against exact search, on the bundled questions.
    k = ChoiceSettings().hits
    vectors = answerer.embedder.encode(asked)
    _, got = archive.search(vectors, k)
    _, exact = archive.shards.exact_search(vectors, k)
    recall = float(np.mean([len(set(g.tolist()) & set(e.tolist())) / k for g, e in zip(got, exact)]))
    # Memory after 100 questions of many stories.
    pool = [g.question for s in suite_stories(ROOT.parent / "shared" / "stories")
            for g in load_gold(s.gold)]
    for q in (pool * (1 + questions // max(1, len(pool))))[:questions]:
        answerer.ask(q)
    return {"open_s": round(open_s, 3), "rss_mb": {"index_open": round(rss_open_index), "open": round(rss_open),
                                                   "after_questions": round(rss_mb()),
                                                   "after_questions_anon": round(rss_mb("RssAnon")),
                                                   "after_questions_file": round(rss_mb("RssFile"))},
            "ask_ms": {"p50": round(percentile(asks, 0.5), 1), "p95": round(percentile(asks, 0.95), 1)},
            "encode_ms": {"p50": round(percentile(encodes, 0.5), 1)},
            "ask_to_encode_p50": round(percentile(asks, 0.5) / percentile(encodes, 0.5), 2),
            "recall_at_k": round(recall, 4), "k": k, "foreign_sources_max": foreign,
            "unanswerable_answered_elsewhere": elsewhere,
            "questions_asked": len(asks) + questions + 1,
            "stories_kept": len(answerer._answerers), "ask_ms_mean": round(statistics.mean(asks), 1),
            "runtime": answerer.embedder.runtime,
            # The machine is shared: its load while measuring, and the BLAS threads numpy was given.
            "conditions": {"load_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                           "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS")}}


def _models(archive, runtime: str):
    """The models as the app and `claimqa ask` load them (`StoryAnswerer.open`), or with torch."""
    from index import Embedder, load_nlp

    return Embedder(archive.model, threads=1, runtime=runtime), load_nlp()


def disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, required=True)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimqa-scale/archive"))
    parser.add_argument("--base", type=Path, default=Path("/tmp/claimqa-scale/base"))
    parser.add_argument("--ramdocs", type=int, default=400, help="RAMDocs dev questions in the base")
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--runtime", choices=("onnx", "torch"), default="onnx",
                        help="how questions are encoded: onnx as the app and CLI serve them (default), or torch")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        print(json.dumps(measure(args.work, args.questions, args.runtime)))
        return
    args.base.parent.mkdir(parents=True, exist_ok=True)
    build_base(args.base, args.ramdocs)
    built = build_archive(args.base, args.work, args.sentences)
    import sqlite3 as sq

    with sq.connect(args.work / "claimqa.sqlite") as conn:
        n = conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
    disk = disk_bytes(args.work)
    out = subprocess.run([sys.executable, __file__, "--sentences", str(args.sentences), "--work", str(args.work),
                          "--questions", str(args.questions), "--runtime", args.runtime, "--measure-only"],
                         capture_output=True, text=True, check=True)
    measured = json.loads(out.stdout.strip().splitlines()[-1])
    result = {"sentences": n, **measured, "disk_bytes_per_sentence": round(disk / n), "build": built}
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
