"""From files on disk to the index: read, compare with what is indexed, embed what changed, and
write it in batches that each commit atomically, one after another.

A kill loses at most the batch in flight; memory holds one batch of vectors and analyses, and the
texts of at most READ_AHEAD_SENTENCES sentences (articles past that are read again when their batch
comes). The embed-and-analyse stage is `encode_batch`, a pure function of a batch of sentences:
run here by `LocalEncoder`, or on a Ray cluster by `index.distributed.RayEncoder`.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

import numpy as np

from .analysis import Analysis, analyse
from .embedding import Embedder, model_setting
from .reading import MANIFEST, Article, Refusal, read_again, read_each
from .store import DB_NAME, IndexNotFound, StoreWriter, check_collection, default_index_dir

# progress(done, total): sentences analysed and embedded so far, out of all this ingest embeds.
Progress = Callable[[int, int], None]

BATCH_SENTENCES = 2_000          # sentences per atomic commit (whole articles: a batch may run over)
READ_AHEAD_SENTENCES = 100_000   # article texts kept from the first read; later ones are read again
CHUNK = 256                      # sentences per progress step; the model batches within it


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # "b.txt: same text as a (indexed once)"
    sentences: int = 0        # sentences embedded by this ingest
    seconds: float = 0.0
    batches: int = 0          # commits of embedded sentences

    @property
    def ok(self) -> bool:
        return not self.refused

    @property
    def refused_rows(self) -> list[Refusal]:
        """Refusals of sources.csv lines (and of a whole manifest), not of articles."""
        return [r for r in self.refused if Path(r.path).name == MANIFEST]

    def summary(self) -> str:
        rows = len(self.refused_rows)
        manifest = f", {rows} {MANIFEST} line{'s' if rows != 1 else ''} refused" if rows else ""
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.refused) - rows} refused{manifest}, {self.sentences} sentences embedded in "
                f"{self.seconds:.1f} s")


# -- the embed-and-analyse stage ---------------------------------------------------------------

def encode_batch(texts: list[str], embedder: Embedder, pool: ThreadPoolExecutor | None = None
                 ) -> tuple[np.ndarray, list[Analysis]]:
    """Vectors and spaCy analyses of these sentences, in their order: the same output wherever it runs.

    With `pool`, spaCy analyses in a second thread while the model embeds (both release the GIL for
    most of their work): on 2 cores the two overlap instead of adding up.
    """
    if pool is None:
        return embedder.encode(texts), analyse(texts)
    analysed = pool.submit(analyse, texts)
    vectors = embedder.encode(texts)
    return vectors, analysed.result()


class Encoder(Protocol):
    """Runs the embed-and-analyse stage over batches, yielding each batch's result in order."""

    def map(self, batches: Iterable[tuple[object, list[str]]], on_done: Callable[[int], None]
            ) -> Iterator[tuple[object, np.ndarray, list[Analysis]]]: ...

    def close(self) -> None: ...


class LocalEncoder:
    """The stage in this process (the default): spaCy and the model side by side in two threads.

    spaCy takes one core, the model the others (on 2 cores: one each). The model runs on
    onnxruntime (index.embedding: the same vectors as torch to 1e-5, for about two thirds of its CPU);
    on the torch fallback, torch's threads spin while they wait for each other, so a torch thread
    more than there are free cores burns CPU for nothing: bare `model.encode` of 2,966 sentences
    took 48 s of CPU with 2 threads and 18 s with 1 on the shared 2 cores (bench/ingest.py). torch's
    setting is the process's; it is restored at close.
    """

    def __init__(self, model: str, threads: int | None = None):
        self.embedder = Embedder(model, threads=threads or max(1, (os.cpu_count() or 2) - 1), runtime="onnx")
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="claimqa-analyse")

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def map(self, batches, on_done):
        for payload, texts in batches:
            vectors = np.zeros((len(texts), self.embedder.dim), dtype=np.float32)
            analyses: list = [None] * len(texts)
            # Shortest first, as model.encode orders a single call: batches of like lengths pad least.
            order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
            for at in range(0, len(order), CHUNK):
                rows = order[at:at + CHUNK]
                got, parsed = encode_batch([texts[i] for i in rows], self.embedder, self._pool)
                vectors[rows] = got
                for i, analysis in zip(rows, parsed):
                    analyses[i] = analysis
                on_done(len(rows))
            yield payload, vectors, analyses

    def close(self) -> None:
        self._pool.shutdown()
        if self.embedder.torch_threads_before is not None:
            import torch

            torch.set_num_threads(self.embedder.torch_threads_before)


# -- ingest ------------------------------------------------------------------------------------

@dataclass
class _Planned:
    """An article to embed: kept whole while within READ_AHEAD_SENTENCES, else only what reads it again."""

    doc_id: str
    path: str
    row: dict[str, str]
    sentences: int
    article: Article | None


def ingest(paths: Iterable[str | os.PathLike], index_dir: str | os.PathLike | None = None,
           rebuild: bool = False, model: str | None = None, progress: Progress | None = None,
           collection: str | None = None, on_wait: Callable[[Path], None] | None = None,
           batch_sentences: int = BATCH_SENTENCES, ray: str | None = None,
           encoder: Encoder | None = None) -> IngestReport:
    """Add or update the articles at `paths`: files or folders of .txt, .md, .html.

    Only documents whose text changed are embedded again. Refused files are reported and
    skipped. The rest land in batches of about `batch_sentences` sentences (whole articles), each
    one atomic write: a failure or a kill loses the batch in flight, never an earlier one, and
    ingesting the same paths again completes the rest (with --rebuild, the old index is gone once
    the first batch commits).
    Each new article joins the story it fits (index.stories), or, with `collection`, the named
    collection (made if new; ValueError for a name that cannot be one).
    `on_wait(lock file)` is called when another write holds the index and this one must wait.
    `ray`: embed and analyse on Ray ("local": a Ray started here with this machine's CPUs; "auto"
    or an address: connect to that cluster); `encoder`: any other Encoder (closed by the caller).
    """
    if collection is not None:
        check_collection(collection)
    if batch_sentences < 1:
        raise ValueError(f"batch_sentences {batch_sentences}: must be at least 1")
    started = time.perf_counter()
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    model = model_setting(model)
    report = IngestReport()

    # Read everything once, keeping each article's text only while the read-ahead budget lasts.
    of_text: dict[str, list[tuple[str, str | None]]] = {}   # content hash -> (path, outlet) of each article kept
    read: list[tuple[_Planned, str, tuple]] = []   # (article, its content hash, its metadata)
    kept = 0
    for article, row in read_each(paths, report.refused):
        outlet = _named_outlet(article.doc_id, article.outlet)
        seen = _copy_of(of_text.get(article.content_hash, []), outlet)
        if seen is not None and seen != article.path:   # the same text under two file names is indexed once
            first_id = Path(seen).stem
            report.duplicates.append(f"{article.path}: same text as {seen} (indexed once, as {first_id})")
            continue
        of_text.setdefault(article.content_hash, []).append((article.path, outlet))
        n = len(article.sentences)
        keep = kept + n <= READ_AHEAD_SENTENCES
        kept += n if keep else 0
        read.append((_Planned(article.doc_id, article.path, row, n, article if keep else None),
                     article.content_hash, _metadata(article)))
    del of_text

    # Compare with the index (its model is checked here, before anything is embedded).
    indexed = {} if rebuild else _indexed(index_dir, model, on_wait)
    in_run = {planned.doc_id for planned, _, _ in read}
    by_hash: dict[str, list[tuple[str, str | None]]] = {}   # content hash -> (doc id, outlet) indexed, not in this run
    for doc_id, row in indexed.items():
        if doc_id not in in_run:
            by_hash.setdefault(row[0], []).append((doc_id, _named_outlet(doc_id, row[1])))
    to_embed: list[_Planned] = []
    metadata_only: list[_Planned] = []
    for planned, content_hash, metadata in read:
        old = indexed.get(planned.doc_id)
        twin = _copy_of(by_hash.get(content_hash, []), _named_outlet(planned.doc_id, metadata[0]))
        if old is None and twin is not None:
            report.duplicates.append(f"{planned.path}: same text as {twin}, which is indexed already")
            continue
        if old is None:
            report.added.append(planned.doc_id)
            to_embed.append(planned)
        elif old[0] != content_hash and _another_file(old[6], planned.path):
            # "northline.txt" of a second story's folder is not a new version of the first story's
            report.refused.append(Refusal(planned.path, (
                f"document id '{planned.doc_id}' is already used by {old[6]}, another article in the index; "
                f"rename one of the files (or `claimqa remove {planned.doc_id}` first, to replace it)")))
        elif old[0] != content_hash:
            report.updated.append(planned.doc_id)
            to_embed.append(planned)
        elif old[1:6] != metadata:
            report.updated.append(planned.doc_id)   # metadata only: nothing to embed
            metadata_only.append(planned)
        else:
            report.unchanged.append(planned.doc_id)
    del read, indexed, by_hash

    # The first write also carries the metadata-only updates and the placing of unchanged articles.
    placed_first = [d for d in report.unchanged] + [p.doc_id for p in metadata_only]
    total = sum(p.sentences for p in to_embed)
    if not to_embed:
        if metadata_only or (collection is not None and placed_first):
            with StoreWriter(index_dir, model, rebuild=rebuild, on_wait=on_wait) as writer:
                _update_metadata(writer, metadata_only, report)
                if collection is not None:
                    writer.place(placed_first, collection)
                writer.commit()
        report.seconds = time.perf_counter() - started
        return report

    own = encoder is None
    if own:
        encoder = _encoder(model, ray)
    done = 0

    def on_done(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(min(done, total), total)

    if progress is not None:
        progress(0, total)   # the bar starts before the first batch, so its rate is true
    try:
        first = True
        for articles, vectors, analyses in encoder.map(_batches(to_embed, batch_sentences, report), on_done):
            with StoreWriter(index_dir, model, rebuild=rebuild and first, on_wait=on_wait) as writer:
                at = 0
                for article in articles:
                    n = len(article.sentences)
                    writer.put(article, vectors[at:at + n], analyses[at:at + n])
                    at += n
                report.sentences += at
                if first:
                    _update_metadata(writer, metadata_only, report)
                if collection is not None:
                    writer.place([a.doc_id for a in articles] + (placed_first if first else []), collection)
                writer.commit()
            report.batches += 1
            first = False
    finally:
        if own:
            encoder.close()
    report.seconds = time.perf_counter() - started
    return report


def _encoder(model: str, ray: str | None) -> Encoder:
    if ray is None:
        return LocalEncoder(model)
    from .distributed import RayEncoder   # Ray is imported (and started) only when asked for

    return RayEncoder(model, ray)


def _metadata(article: Article) -> tuple:
    return (article.outlet, article.published, article.title, article.url, article.byline)


def _named_outlet(doc_id: str, outlet: str | None) -> str | None:
    """The outlet an article names (sources.csv, the page, its text), folded; None where the
    outlet fell back to the document id: nothing says whose it is."""
    return None if not outlet or outlet == doc_id else " ".join(outlet.split()).casefold()


def _copy_of(kept: list[tuple[str, str | None]], outlet: str | None) -> str | None:
    """Which article kept (its path or id) one with the same text and this outlet copies: the same
    text from another named outlet is a reprint, that outlet's own article ("a wire story run by two
    papers"), and is indexed beside it; the same outlet's, or an unnamed one's, is a copy."""
    return next((first for first, named in kept if named is None or outlet is None or named == outlet), None)


def _another_file(indexed_path: str, path: str) -> bool:
    """Whether the article indexed from `indexed_path` is still there, as another file than `path`
    (an article whose file moved, or whose folder was renamed, is the same article)."""
    try:
        return Path(indexed_path).is_file() and not os.path.samefile(indexed_path, path)
    except OSError:
        return False


def _indexed(index_dir: Path, model: str, on_wait) -> dict[str, tuple]:
    """What the index holds (doc_id -> content_hash, outlet, ...); IndexConflict for another model."""
    with StoreWriter(index_dir, model, on_wait=on_wait) as writer:
        return writer.existing()   # nothing committed: the write ends as it began


def _update_metadata(writer: StoreWriter, plan: list[_Planned], report: IngestReport) -> None:
    for planned in plan:
        article = _article(planned, report)
        if article is not None:
            writer.update_metadata(article)


def _article(planned: _Planned, report: IngestReport) -> Article | None:
    """The planned article, read again if its text was not kept (None, and a refusal, if it cannot be)."""
    if planned.article is not None:
        article, planned.article = planned.article, None   # the batch holds it now; the plan lets go
        return article
    again = read_again(planned.path, planned.row)
    if isinstance(again, Refusal):
        report.refused.append(again)
        for names in (report.added, report.updated):
            if planned.doc_id in names:
                names.remove(planned.doc_id)
        return None
    return again


def _batches(plan: list[_Planned], batch_sentences: int, report: IngestReport
             ) -> Iterator[tuple[list[Article], list[str]]]:
    """Whole articles in runs of about `batch_sentences` sentences, with their sentence texts."""
    articles: list[Article] = []
    texts: list[str] = []
    for planned in plan:
        article = _article(planned, report)
        if article is None:
            continue
        articles.append(article)
        texts.extend(span.text for span in article.sentences)
        if len(texts) >= batch_sentences:
            yield articles, texts
            articles, texts = [], []
    if articles:
        yield articles, texts


# -- other writes --------------------------------------------------------------------------------

def remove(doc_id: str, index_dir: str | os.PathLike | None = None,
           on_wait: Callable[[Path], None] | None = None) -> bool:
    """Take one document and its sentences out of the index; False if it was not there.
    `on_wait(lock file)`: called when another write holds the index and this one must wait."""
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    if not (index_dir / DB_NAME).is_file():
        raise IndexNotFound(f"no index at {index_dir}")
    with StoreWriter(index_dir, model=None, on_wait=on_wait) as writer:
        if not writer.remove(doc_id):
            return False
        writer.commit()
    return True


def merge_stories(into: str, other: str, index_dir: str | os.PathLike | None = None,
                  on_wait: Callable[[Path], None] | None = None) -> None:
    """Every article of story `other` joins story `into` (KeyError: no such story)."""
    with _story_writer(index_dir, on_wait) as writer:
        writer.merge_stories(into, other)
        writer.commit()


def split_story(story_id: str, doc_ids: list[str], index_dir: str | os.PathLike | None = None,
                on_wait: Callable[[Path], None] | None = None) -> str:
    """These articles leave the story for a new one; returns its id (KeyError, ValueError: why not)."""
    with _story_writer(index_dir, on_wait) as writer:
        new_id = writer.split_story(story_id, list(doc_ids))
        writer.commit()
    return new_id


def _story_writer(index_dir: str | os.PathLike | None, on_wait: Callable[[Path], None] | None) -> StoreWriter:
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    if not (index_dir / DB_NAME).is_file():
        raise IndexNotFound(f"no index at {index_dir}")
    return StoreWriter(index_dir, model=None, on_wait=on_wait)
