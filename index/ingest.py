"""From files on disk to the index: read, compare with what is indexed, embed what changed, write once."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .analysis import analyse
from .embedding import Embedder, model_setting
from .reading import MANIFEST, Article, Refusal, read_articles
from .store import DB_NAME, IndexNotFound, StoreWriter, check_collection, default_index_dir

# progress(done, total): sentences analysed and embedded so far, out of all this ingest embeds.
Progress = Callable[[int, int], None]

CHUNK = 256   # sentences per progress step; the model batches within it


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # "b.txt: same text as a (indexed once)"
    sentences: int = 0        # sentences embedded by this ingest
    seconds: float = 0.0

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


def ingest(paths: Iterable[str | os.PathLike], index_dir: str | os.PathLike | None = None,
           rebuild: bool = False, model: str | None = None, progress: Progress | None = None,
           collection: str | None = None, on_wait: Callable[[Path], None] | None = None) -> IngestReport:
    """Add or update the articles at `paths`: files or folders of .txt, .md, .html.

    Only documents whose text changed are embedded again. Refused files are reported and
    skipped; the rest land together in one atomic write, or, on any failure, not at all.
    Each new article joins the story it fits (index.stories), or, with `collection`, the named
    collection (made if new; ValueError for a name that cannot be one).
    `on_wait(lock file)` is called when another write holds the index and this one must wait.
    """
    if collection is not None:
        check_collection(collection)
    started = time.perf_counter()
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    report = IngestReport()
    articles, report.refused = read_articles(paths)
    articles = _one_per_text(articles, report)

    with StoreWriter(index_dir, model_setting(model), rebuild=rebuild, on_wait=on_wait) as writer:
        indexed = writer.existing()
        by_hash = {row[0]: doc_id for doc_id, row in indexed.items()}
        to_embed: list[Article] = []
        for article in articles:
            old = indexed.get(article.doc_id)
            twin = by_hash.get(article.content_hash)
            if old is None and twin is not None and twin not in {a.doc_id for a in articles}:
                report.duplicates.append(f"{article.path}: same text as {twin}, which is indexed already")
                continue
            if old is None:
                report.added.append(article.doc_id)
                to_embed.append(article)
            elif old[0] != article.content_hash:
                report.updated.append(article.doc_id)
                to_embed.append(article)
            elif old[1:6] != (article.outlet, article.published, article.title, article.url, article.byline):
                report.updated.append(article.doc_id)   # metadata only: nothing to embed
                writer.update_metadata(article)
            else:
                report.unchanged.append(article.doc_id)

        if to_embed:
            embedder = Embedder(writer.model)
            vectors, analyses = _embed(to_embed, embedder, progress)
            at = 0
            for article in to_embed:
                n = len(article.sentences)
                writer.put(article, vectors[at:at + n], analyses[at:at + n])
                at += n
            report.sentences = at
        if collection is not None:
            indexed_now = set(report.added + report.updated + report.unchanged)
            writer.place([a.doc_id for a in articles if a.doc_id in indexed_now], collection)
        if to_embed or report.updated or (collection is not None and articles):
            writer.commit()
    report.seconds = time.perf_counter() - started
    return report


def remove(doc_id: str, index_dir: str | os.PathLike | None = None) -> bool:
    """Take one document and its sentences out of the index; False if it was not there."""
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    if not (index_dir / DB_NAME).is_file():
        raise IndexNotFound(f"no index at {index_dir}")
    with StoreWriter(index_dir, model=None) as writer:
        if not writer.remove(doc_id):
            return False
        writer.commit()
    return True


def merge_stories(into: str, other: str, index_dir: str | os.PathLike | None = None) -> None:
    """Every article of story `other` joins story `into` (KeyError: no such story)."""
    with _story_writer(index_dir) as writer:
        writer.merge_stories(into, other)
        writer.commit()


def split_story(story_id: str, doc_ids: list[str], index_dir: str | os.PathLike | None = None) -> str:
    """These articles leave the story for a new one; returns its id (KeyError, ValueError: why not)."""
    with _story_writer(index_dir) as writer:
        new_id = writer.split_story(story_id, list(doc_ids))
        writer.commit()
    return new_id


def _story_writer(index_dir: str | os.PathLike | None) -> StoreWriter:
    index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
    if not (index_dir / DB_NAME).is_file():
        raise IndexNotFound(f"no index at {index_dir}")
    return StoreWriter(index_dir, model=None)


def _one_per_text(articles: list[Article], report: IngestReport) -> list[Article]:
    """The same text under two file names is indexed once, under the first name."""
    first: dict[str, Article] = {}
    kept = []
    for article in articles:
        seen = first.setdefault(article.content_hash, article)
        if seen is article:
            kept.append(article)
        else:
            report.duplicates.append(f"{article.path}: same text as {seen.path} (indexed once, as {seen.doc_id})")
    return kept


def _embed(articles: list[Article], embedder: Embedder, progress: Progress | None):
    texts = [span.text for article in articles for span in article.sentences]
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    analyses: list = [None] * len(texts)
    # Shortest first, as model.encode orders a single call: batches of like lengths pad least.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    if progress is not None:
        progress(0, len(texts))   # the bar starts before the first chunk, so its rate is true
    for at in range(0, len(order), CHUNK):
        rows = order[at:at + CHUNK]
        batch = [texts[i] for i in rows]
        vectors[rows] = embedder.encode(batch)
        for i, analysis in zip(rows, analyse(batch)):
            analyses[i] = analysis
        if progress is not None:
            progress(at + len(rows), len(texts))
    return vectors, analyses
