"""Ingest throughput: the whole pipeline against bare `model.encode` on the same sentences, in one run.

    python bench/ingest.py                 # the bundled corpus, then 20,000 synthetic sentences
    python bench/ingest.py --sentences 2000

The figure is the ratio of the two times: how much the pipeline (reading, cleaning, splitting,
spaCy analysis, embedding, writing FAISS and SQLite) costs over the model alone. Model loading
is excluded from both: it is paid once, before either is timed.

spaCy's analysis of every sentence (tokens, dependencies, entities, stored so that no question
parses article text) is timed alone in the same run, and the last column gives the ratio with
that time taken out: what the rest of the pipeline adds over the model. On 2 cores spaCy's
small English pipeline costs about as much CPU as MiniLM itself, and running the two side by
side gains nothing (torch's two threads already keep both cores busy), so the spaCy time adds
to the model's.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import Embedder, SentenceStore, analysis, ingest  # noqa: E402
from index.reading import read_articles  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_corpus(folder: Path, sentences: list[str], total: int, per_article: int = 50) -> None:
    """Articles of bundled sentences in new orders: realistic text, every article new.

    No sentence twice in one article: cleaning would drop the repeat as a headline printed twice.
    """
    rng = random.Random(2024)
    folder.mkdir(parents=True)
    for n in range(0, total, per_article):
        chosen = rng.sample(sentences, min(per_article, total - n))
        (folder / f"synthetic-{n // per_article:05}.txt").write_text("\n".join(chosen) + "\n")


def measure(name: str, corpus: Path, embedder: Embedder, workdir: Path) -> dict:
    # The phases, timed alone, to show where the time goes.
    started = time.perf_counter()
    articles, _ = read_articles([corpus])
    read_s = time.perf_counter() - started
    texts = [s.text for a in articles for s in a.sentences]
    started = time.perf_counter()
    analysis.analyse(texts)
    analyse_s = time.perf_counter() - started

    started = time.perf_counter()
    report = ingest([corpus], workdir / f"index-{name}", model=embedder.name)
    pipeline_s = time.perf_counter() - started
    assert report.ok and report.sentences == len(texts), report.summary()

    # Bare model.encode on exactly the sentences the pipeline embedded, same batch size.
    store = SentenceStore.open(workdir / f"index-{name}")
    stored = [s.text for s in store.sentences]
    started = time.perf_counter()
    embedder._model.encode(stored, batch_size=embedder.batch_size, show_progress_bar=False)
    encode_s = time.perf_counter() - started
    n = len(stored)
    return {"name": name, "sentences": n, "pipeline_s": pipeline_s, "encode_s": encode_s,
            "read_s": read_s, "analyse_s": analyse_s, "peak_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20_000, help="size of the synthetic corpus")
    args = parser.parse_args()

    embedder = Embedder()
    embedder.encode(["warm up the model"] * 8)
    analysis.analyse(["Warm up the parser."])
    print(f"model {embedder.name}, torch threads {__import__('torch').get_num_threads()}, "
          f"peak RSS after loading {peak_rss_mb():.0f} MB")

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rows.append(measure("bundled", ROOT / "data" / "articles", embedder, workdir))
        bundled = [s.text for s in SentenceStore.open(workdir / "index-bundled").sentences]
        synthetic_corpus(workdir / "synthetic", bundled, args.sentences)
        rows.append(measure(f"synthetic-{args.sentences}", workdir / "synthetic", embedder, workdir))

    print()
    print(f"{'corpus':<18} {'sentences':>9} {'pipeline/s':>11} {'encode/s':>9} {'ratio':>6} "
          f"{'read+split':>10} {'spaCy':>7} {'peak RSS':>9} {'ratio w/o spaCy':>16}")
    for r in rows:
        ratio = r["pipeline_s"] / r["encode_s"]
        rest = (r["pipeline_s"] - r["analyse_s"]) / r["encode_s"]
        print(f"{r['name']:<18} {r['sentences']:>9} {r['sentences'] / r['pipeline_s']:>11.1f} "
              f"{r['sentences'] / r['encode_s']:>9.1f} {ratio:>6.2f} {r['read_s']:>9.2f}s "
              f"{r['analyse_s']:>6.1f}s {r['peak_mb']:>6.0f} MB {rest:>16.2f}")
    print("\nratio = pipeline time / bare model.encode time on the same sentences (goal: <= 1.10);"
          "\nratio w/o spaCy = (pipeline time - spaCy analysis time, measured alone) / bare model.encode time")


if __name__ == "__main__":
    main()
