"""The sentence index on disk: SQLite for documents and sentences, FAISS for their vectors.

One folder holds `claimqa.sqlite` and `vectors-<generation>.faiss`. A write builds the next
generation's FAISS file beside the current one, then commits SQLite with the new generation
number in one transaction: the commit is the single switch from the old index to the new one.
A crash before it leaves the old generation in force; a crash after it leaves the new one.
Readers take an immutable snapshot (`SentenceStore.open`), so an ingest never shows them a
half-built index.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np

from typing import TYPE_CHECKING

from .analysis import Analysis

if TYPE_CHECKING:
    from .reading import Article

DB_NAME = "claimqa.sqlite"
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id       TEXT PRIMARY KEY,
    outlet       TEXT NOT NULL,
    published    TEXT,
    title        TEXT,
    url          TEXT,
    byline       TEXT,
    path         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text         TEXT NOT NULL,
    ingested_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sentences (
    sentence_id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: ids stay stable across ingests
    doc_id      TEXT NOT NULL REFERENCES documents(doc_id),
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    vector      BLOB NOT NULL,                       -- so FAISS can be rebuilt without re-embedding
    analysis    TEXT NOT NULL,                       -- spaCy tokens and entities (index.analysis)
    UNIQUE (doc_id, position)
);
CREATE INDEX IF NOT EXISTS sentences_by_doc ON sentences(doc_id, position);
"""


class IndexNotFound(Exception):
    """There is no index (or an empty one) where one was expected."""


class IndexConflict(Exception):
    """The index cannot take this write as asked (another embedding model, say)."""


@dataclass(frozen=True)
class Document:
    doc_id: str
    outlet: str
    published: str | None
    title: str | None
    url: str | None
    path: str
    content_hash: str
    sentences: int
    byline: str | None = None


@dataclass(frozen=True)
class Sentence:
    sentence_id: int
    doc_id: str
    position: int
    text: str
    start: int
    end: int


def default_index_dir() -> Path:
    return Path(os.environ.get("CLAIMQA_INDEX") or "data/index")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")   # readers keep reading while a writer writes
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _faiss_path(index_dir: Path, generation: int) -> Path:
    return index_dir / f"vectors-{generation}.faiss"


def _ingest_hint(index_dir: Path) -> str:
    where = "" if index_dir == default_index_dir() else f" --index {index_dir}"
    return f"run `claimqa ingest data/articles{where}` (or any folder of articles) first"


class SentenceStore:
    """An immutable, in-memory snapshot of one generation of the index."""

    def __init__(self, index_dir: Path, meta: dict, documents: list[Document],
                 sentences: list[Sentence], vectors: faiss.Index, texts: dict[str, str]):
        self.index_dir = index_dir
        self.model: str = meta["model"]
        self.generation = int(meta["generation"])
        self.documents = documents
        self.sentences = sentences
        self.sentence_ids = np.fromiter((s.sentence_id for s in sentences), dtype=np.int64,
                                        count=len(sentences))
        doc_rows = {d.doc_id: i for i, d in enumerate(documents)}
        self.sentence_doc = np.fromiter((doc_rows[s.doc_id] for s in sentences), dtype=np.int32,
                                        count=len(sentences))
        self._faiss = vectors
        self._texts = texts
        self._docs = {d.doc_id: d for d in documents}
        self._rows = {sid: row for row, sid in enumerate(self.sentence_ids.tolist())}
        self._by_doc: dict[str, list[int]] = {}
        for row, s in enumerate(sentences):  # rows are in id order, and ids follow positions
            self._by_doc.setdefault(s.doc_id, []).append(row)
        for rows in self._by_doc.values():
            rows.sort(key=lambda r: sentences[r].position)
        self._local = threading.local()

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, index_dir: str | os.PathLike | None = None, allow_empty: bool = False) -> "SentenceStore":
        index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
        db = index_dir / DB_NAME
        if not db.is_file():
            raise IndexNotFound(f"no index at {index_dir}: {_ingest_hint(index_dir)}")
        for attempt in range(3):
            try:
                store = cls._read(index_dir, db)
                break
            except FileNotFoundError:
                # A writer replaced the generation between our two reads; read again.
                if attempt == 2:
                    raise
                time.sleep(0.05)
        if not store.documents and not allow_empty:
            raise IndexNotFound(f"the index at {index_dir} is empty: {_ingest_hint(index_dir)}")
        return store

    @classmethod
    def _read(cls, index_dir: Path, db: Path) -> "SentenceStore":
        conn = _connect(db)
        try:
            conn.execute("BEGIN")  # one read transaction: one consistent generation
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            if "generation" not in meta:
                raise IndexNotFound(f"no index at {index_dir}: {_ingest_hint(index_dir)}")
            documents = [
                Document(doc_id=r[0], outlet=r[1], published=r[2], title=r[3], url=r[4], path=r[5],
                         content_hash=r[6], sentences=r[7], byline=r[8])
                for r in conn.execute(
                    "SELECT d.doc_id, outlet, published, title, url, path, content_hash,"
                    " (SELECT COUNT(*) FROM sentences s WHERE s.doc_id = d.doc_id), byline"
                    " FROM documents d ORDER BY d.doc_id")
            ]
            texts = dict(conn.execute("SELECT doc_id, text FROM documents"))
            sentences = [
                Sentence(*r) for r in conn.execute(
                    "SELECT sentence_id, doc_id, position, text, start, end FROM sentences"
                    " ORDER BY sentence_id")
            ]
            conn.execute("COMMIT")
        finally:
            conn.close()
        generation = int(meta["generation"])
        vectors = _read_faiss(index_dir, generation, int(meta["dim"]))
        ids = faiss.vector_to_array(vectors.id_map) if vectors.ntotal else np.zeros(0, np.int64)
        expected = np.fromiter((s.sentence_id for s in sentences), dtype=np.int64, count=len(sentences))
        if not np.array_equal(ids, expected):
            raise IndexConflict(
                f"{_faiss_path(index_dir, generation)}: the vectors do not match the sentences in "
                f"{DB_NAME}; run `claimqa ingest PATH --rebuild`")
        return cls(index_dir, meta, documents, sentences, vectors, texts)

    # -- reading ---------------------------------------------------------------------------
    @property
    def vectors(self) -> np.ndarray:
        """All sentence vectors, row i belonging to self.sentences[i] (a view, not a copy)."""
        flat = faiss.downcast_index(self._faiss.index)
        return faiss.rev_swig_ptr(flat.get_xb(), self._faiss.ntotal * flat.d).reshape(
            self._faiss.ntotal, flat.d)

    @property
    def dim(self) -> int:
        return self._faiss.d

    def document(self, doc_id: str) -> Document:
        return self._docs[doc_id]

    def text(self, doc_id: str) -> str:
        return self._texts[doc_id]

    def row_of(self, sentence_id: int) -> int:
        return self._rows[sentence_id]

    def sentence(self, sentence_id: int) -> Sentence:
        return self.sentences[self._rows[sentence_id]]

    def context(self, sentence_id: int, before: int = 2, after: int = 2) -> list[Sentence]:
        sentence = self.sentence(sentence_id)
        rows = self._by_doc[sentence.doc_id]
        at = next(i for i, r in enumerate(rows) if self.sentences[r].sentence_id == sentence_id)
        return [self.sentences[r] for r in rows[max(0, at - before): at + after + 1]]

    def search(self, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """FAISS inner-product search: (scores, sentence_ids), each (queries, k), -1 where short."""
        query_vectors = np.ascontiguousarray(query_vectors, dtype=np.float32).reshape(-1, self.dim)
        return self._faiss.search(query_vectors, k)

    def analysis(self, sentence_ids) -> dict[int, Analysis]:
        """The stored spaCy analysis of these sentences (read from SQLite on demand)."""
        ids = [int(i) for i in sentence_ids]
        if not ids:
            return {}
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = _connect(self.index_dir / DB_NAME)
        marks = ",".join("?" * len(ids))
        rows = conn.execute(f"SELECT sentence_id, analysis FROM sentences WHERE sentence_id IN ({marks})", ids)
        return {sid: Analysis.from_json(raw) for sid, raw in rows}


def _read_faiss(index_dir: Path, generation: int, dim: int) -> faiss.IndexIDMap2:
    path = _faiss_path(index_dir, generation)
    if generation == 0 and not path.exists():
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    if not path.exists():
        raise FileNotFoundError(path)
    vectors = faiss.read_index(str(path))  # already an IndexIDMap2; a downcast copy would not own it
    if not isinstance(vectors, faiss.IndexIDMap2):
        raise IndexConflict(f"{path}: not a ClaimQA vector file; run `claimqa ingest PATH --rebuild`")
    return vectors


class StoreWriter:
    """One atomic write to the index: everything between `with` and its end lands, or nothing.

    Only one writer at a time (a lock file); readers are never blocked.
    """

    def __init__(self, index_dir: str | os.PathLike, model: str | None, rebuild: bool = False, on_wait=None):
        """`model` None: a write that embeds nothing (a removal) and takes the index's model as it is.
        `on_wait(lock path)`: called once if another writer holds the lock, before waiting for it."""
        self.index_dir = Path(index_dir)
        self.model, self.rebuild, self.on_wait = model, rebuild, on_wait

    def __enter__(self) -> "StoreWriter":
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.index_dir / ".lock", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self.on_wait is not None:
                self.on_wait(self.index_dir / ".lock")
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.conn = _connect(self.index_dir / DB_NAME)
        self.conn.executescript(_SCHEMA)
        self.conn.execute("BEGIN IMMEDIATE")
        meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        self.generation = int(meta.get("generation", 0))
        has_documents = self.conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None
        if self.model is None:
            self.model = meta.get("model", "")
        if has_documents and meta.get("model") != self.model and not self.rebuild:
            self._release()
            raise IndexConflict(
                f"{self.index_dir} was built with the model {meta.get('model')!r}, not {self.model!r}; "
                f"to re-embed everything with {self.model!r}, ingest again with --rebuild")
        if self.rebuild or "model" not in meta or not has_documents:
            self.conn.execute("DELETE FROM sentences")
            self.conn.execute("DELETE FROM documents")
            self.vectors = None  # made at the first put, when the vectors say their dimension
        else:
            self.vectors = _read_faiss(self.index_dir, self.generation, int(meta["dim"]))
        self._written: Path | None = None
        return self

    # -- what is there ---------------------------------------------------------------------
    def existing(self) -> dict[str, tuple[str, str, str | None, str | None, str | None, str | None, str]]:
        """doc_id -> (content_hash, outlet, published, title, url, byline, path)."""
        return {r[0]: tuple(r[1:]) for r in self.conn.execute(
            "SELECT doc_id, content_hash, outlet, published, title, url, byline, path FROM documents")}

    # -- changes ---------------------------------------------------------------------------
    def put(self, article: Article, vectors: np.ndarray, analyses: list[Analysis]) -> None:
        """Add the article, or replace the one with its doc_id (its old sentences go)."""
        assert len(vectors) == len(article.sentences) == len(analyses)
        self._drop_sentences(article.doc_id)
        self._upsert_document(article)
        ids = []
        for position, (span, vector, analysis) in enumerate(zip(article.sentences, vectors, analyses)):
            cursor = self.conn.execute(
                "INSERT INTO sentences (doc_id, position, text, start, end, vector, analysis)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article.doc_id, position, span.text, span.start, span.end,
                 np.asarray(vector, dtype=np.float32).tobytes(), analysis.to_json()))
            ids.append(cursor.lastrowid)
        if ids:
            if self.vectors is None:
                self.vectors = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
            self.vectors.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                      np.asarray(ids, dtype=np.int64))

    def update_metadata(self, article: Article) -> None:
        """The text is unchanged; only what sources.csv (or the file's name) says of it changed."""
        self._upsert_document(article)

    def remove(self, doc_id: str) -> bool:
        self._drop_sentences(doc_id)
        return self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount > 0

    def _upsert_document(self, article: Article) -> None:
        self.conn.execute(
            "INSERT INTO documents (doc_id, outlet, published, title, url, byline, path, content_hash, text,"
            " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(doc_id) DO UPDATE SET outlet=excluded.outlet, published=excluded.published,"
            " title=excluded.title, url=excluded.url, byline=excluded.byline, path=excluded.path,"
            " content_hash=excluded.content_hash, text=excluded.text, ingested_at=excluded.ingested_at",
            (article.doc_id, article.outlet, article.published, article.title, article.url, article.byline,
             article.path, article.content_hash, article.text,
             datetime.now(timezone.utc).isoformat(timespec="seconds")))

    def _drop_sentences(self, doc_id: str) -> None:
        if self.vectors is None:
            return
        old = [r[0] for r in self.conn.execute("SELECT sentence_id FROM sentences WHERE doc_id = ?", (doc_id,))]
        if old:
            self.vectors.remove_ids(np.asarray(old, dtype=np.int64))
            self.conn.execute("DELETE FROM sentences WHERE doc_id = ?", (doc_id,))

    # -- the switch ------------------------------------------------------------------------
    def commit(self) -> int:
        if self.vectors is None:
            raise IndexConflict(f"{self.index_dir}: nothing was written, so there is nothing to commit")
        generation = self.generation + 1
        path = _faiss_path(self.index_dir, generation)
        partial = path.with_name(path.name + ".partial")
        faiss.write_index(self.vectors, str(partial))
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, path)
        self._written = path
        for key, value in (("model", self.model), ("dim", str(self.vectors.d)), ("generation", str(generation)),
                           ("schema", SCHEMA_VERSION)):
            self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)"
                              " ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))
        self.conn.execute("COMMIT")  # the switch: from here on readers see `generation`
        self._written = None
        self.generation = generation
        self._sweep(keep={generation, generation - 1})  # a reader may still be opening the previous one
        return generation

    def _sweep(self, keep: set[int]) -> None:
        for path in self.index_dir.glob("vectors-*.faiss*"):
            stem = path.name.split(".")[0].removeprefix("vectors-")
            if not (stem.isdigit() and int(stem) in keep and path.suffix == ".faiss"):
                path.unlink(missing_ok=True)

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None and self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
            if self._written is not None:
                self._written.unlink(missing_ok=True)
        self._release()

    def _release(self) -> None:
        self.conn.close()
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()
