"""Ingest CPU against bare `model.encode` on the same sentences, measured in one run.

    python bench/ingest.py                        # 3,000 sentences of the bundled and dev stories
    python bench/ingest.py --sentences 20000 --json out.json
    python bench/ingest.py --write-corpus DIR --sentences 12000   # only write the corpus (for /usr/bin/time -v)

The corpus: every sentence of the bundled articles and of ../shared/stories (when present), dealt
into articles of 50 in a fixed random order until there are --sentences of them (every article
new, so everything is embedded). Both sides run in this process with the model and spaCy loaded
and warmed first, so loading is in neither figure.

Figures: the process CPU time (every thread) of `index.ingest` (reading, cleaning, splitting,
spaCy, embedding on onnxruntime, SQLite and FAISS writes, in batches) over the CPU time of bare
`SentenceTransformer.encode` of the stored sentences at the same batch size, once with torch's
default threads and once with one thread (torch's second thread spins when the 2 cores are
shared, so the 2-thread figure is the larger and the ratio the smaller). The same weights on
onnxruntime (one thread, what the ingest runs) and spaCy's analysis of the same sentences are
timed alone, for where the rest goes. Goal: ratio <= 1.15.
"""
from __future__ import annotations

import argparse
import json
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

STORIES = ROOT.parent / "shared" / "stories"
PER_ARTICLE = 50


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pooled_sentences() -> list[str]:
    """Every sentence of the bundled articles and of the dev stories, once each."""
    folders = [ROOT / "data" / "articles"] + (sorted(p for p in STORIES.iterdir() if p.is_dir())
                                              if STORIES.is_dir() else [])
    articles, _ = read_articles(folders)
    return list(dict.fromkeys(s.text for a in articles for s in a.sentences))


def write_corpus(folder: Path, sentences: list[str], total: int) -> None:
    """Articles of PER_ARTICLE pooled sentences in new orders; no sentence twice in one article
    (cleaning would drop the repeat as a headline printed twice)."""
    rng = random.Random(2024)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(0, total, PER_ARTICLE):
        chosen = rng.sample(sentences, min(PER_ARTICLE, total - n, len(sentences)))
        (folder / f"synthetic-{n // PER_ARTICLE:05}.txt").write_text("\n".join(chosen) + "\n")


def cpu(run) -> tuple[float, float]:
    """(process CPU seconds, wall seconds) of run()."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    run()
    return time.process_time() - cpu0, time.perf_counter() - wall0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=3_000, help="sentences in the corpus")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here as JSON")
    parser.add_argument("--write-corpus", type=Path, default=None, help="only write the corpus to this folder")
    args = parser.parse_args()
    sentences = pooled_sentences()
    if args.write_corpus:
        write_corpus(args.write_corpus, sentences, args.sentences)
        print(f"wrote {args.sentences} sentences to {args.write_corpus}")
        return

    import torch

    embedder = Embedder()
    embedder.encode(["warm up the model"] * 8)
    on_onnx = Embedder(threads=1, runtime="onnx")
    on_onnx.encode(["warm up the model"] * 8)
    analysis.analyse(["Warm up the parser."])
    threads = torch.get_num_threads()
    print(f"model {embedder.name}, torch threads {threads}, {len(sentences)} distinct pooled sentences, "
          f"peak RSS after loading {peak_rss_mb():.0f} MB", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, sentences, args.sentences)
        report = None

        def run_ingest():
            nonlocal report
            report = ingest([corpus], Path(tmp) / "index", model=embedder.name)

        ingest_cpu, ingest_wall = cpu(run_ingest)
        assert report.ok, report.summary()
        stored = [s.text for s in SentenceStore.open(Path(tmp) / "index").sentences]
    assert len(stored) == report.sentences
    rss = peak_rss_mb()

    torch.set_num_threads(threads)
    encode_cpu, encode_wall = cpu(lambda: embedder._model.encode(stored, batch_size=embedder.batch_size,
                                                                  show_progress_bar=False))
    torch.set_num_threads(1)
    encode1_cpu, encode1_wall = cpu(lambda: embedder._model.encode(stored, batch_size=embedder.batch_size,
                                                                    show_progress_bar=False))
    torch.set_num_threads(threads)
    onnx_cpu, onnx_wall = cpu(lambda: on_onnx.encode(stored))
    spacy_cpu, spacy_wall = cpu(lambda: analysis.analyse(stored))

    figures = {
        "sentences": len(stored), "torch_threads": threads,
        "ingest_cpu_s": round(ingest_cpu, 2), "ingest_wall_s": round(ingest_wall, 2),
        "ingest_sentences_per_s": round(len(stored) / ingest_wall, 1),
        "encode_cpu_s": round(encode_cpu, 2), "encode_wall_s": round(encode_wall, 2),
        "encode_1thread_cpu_s": round(encode1_cpu, 2), "encode_1thread_wall_s": round(encode1_wall, 2),
        "onnx_encode_cpu_s": round(onnx_cpu, 2), "onnx_encode_wall_s": round(onnx_wall, 2),
        "spacy_cpu_s": round(spacy_cpu, 2), "spacy_wall_s": round(spacy_wall, 2),
        "cpu_ratio": round(ingest_cpu / encode_cpu, 3),
        "cpu_ratio_vs_1thread": round(ingest_cpu / encode1_cpu, 3),
        "peak_rss_mb_after_ingest": round(rss),
    }
    print(f"\n{len(stored)} sentences ({report.batches if hasattr(report, 'batches') else 1} commits)")
    print(f"  ingest                      CPU {ingest_cpu:7.1f} s   wall {ingest_wall:7.1f} s   "
          f"{len(stored) / ingest_wall:6.1f} sentences/s")
    print(f"  bare encode, {threads} threads      CPU {encode_cpu:7.1f} s   wall {encode_wall:7.1f} s")
    print(f"  bare encode, 1 thread       CPU {encode1_cpu:7.1f} s   wall {encode1_wall:7.1f} s")
    print(f"  bare encode, onnxruntime    CPU {onnx_cpu:7.1f} s   wall {onnx_wall:7.1f} s   "
          f"({on_onnx.runtime}, 1 thread, as the ingest runs it)")
    print(f"  spaCy alone                 CPU {spacy_cpu:7.1f} s   wall {spacy_wall:7.1f} s")
    print(f"  ingest CPU / bare encode CPU: {ingest_cpu / encode_cpu:.2f} ({threads} threads), "
          f"{ingest_cpu / encode1_cpu:.2f} (1 thread); goal <= 1.15")
    print(f"  peak RSS {rss:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
