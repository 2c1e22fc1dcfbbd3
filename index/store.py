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
import itertools
import json
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np

from typing import TYPE_CHECKING

from . import stories as grouping
from .analysis import Analysis

if TYPE_CHECKING:
    from .reading import Article

DB_NAME = "claimqa.sqlite"
SCHEMA_VERSION = "2"   # 2: stories (an index of version 1 is grouped at its next write)

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
CREATE TABLE IF NOT EXISTS stories (
    story_id   TEXT PRIMARY KEY,                     -- "s1", "s2"... or a collection's name
    title      TEXT,
    collection INTEGER NOT NULL DEFAULT 0            -- 1: a named collection, filled only by its owner
);
CREATE TABLE IF NOT EXISTS story_documents (
    doc_id     TEXT PRIMARY KEY,                     -- every document is in exactly one story
    story_id   TEXT NOT NULL,
    by_hand    INTEGER NOT NULL DEFAULT 0,           -- 1: placed by the user; the grouping never moves it
    centroid   BLOB NOT NULL,                        -- index.stories.Profile, kept to place later articles
    names      TEXT NOT NULL
);
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


@dataclass(frozen=True)
class Story:
    """Articles on one event, as the index grouped them (or as the user placed them)."""

    story_id: str
    title: str | None
    doc_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    first: str | None          # first and last publication dates, ISO
    last: str | None
    collection: bool = False   # a named collection: only its owner adds articles to it

    def to_dict(self) -> dict:
        return {"story_id": self.story_id, "title": self.title, "doc_ids": list(self.doc_ids),
                "outlets": list(self.outlets), "first": self.first, "last": self.last,
                "collection": self.collection}


COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_AUTO_STORY = re.compile(r"s\d+")


def check_collection(name: str) -> str:
    """The name, or ValueError saying why it cannot name a collection."""
    if not COLLECTION_NAME.fullmatch(name or ""):
        raise ValueError(f"collection name {name!r}: use 1 to 64 letters, digits, '.', '_' or '-', "
                         f"starting with a letter or digit")
    if _AUTO_STORY.fullmatch(name):
        raise ValueError(f"collection name {name!r}: names like s1, s2 are the grouping's own story ids")
    return name


def _story_key(story_id: str) -> tuple:
    """s2 before s10; collections after the grouping's stories, by name."""
    return (0, int(story_id[1:]), "") if _AUTO_STORY.fullmatch(story_id) else (1, 0, story_id)


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
                 sentences: list[Sentence], vectors: faiss.Index, texts: dict[str, str],
                 memberships: dict[str, str] | None = None, story_rows: dict[str, tuple] | None = None):
        self.index_dir = index_dir
        self._meta = meta
        self._memberships = memberships or {}       # doc_id -> story_id, as stored
        self._story_rows = story_rows or {}         # story_id -> (title, collection)
        self._stories: list[Story] | None = None
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
            try:
                memberships = dict(conn.execute("SELECT doc_id, story_id FROM story_documents"))
                story_rows = {r[0]: (r[1], bool(r[2])) for r in conn.execute(
                    "SELECT story_id, title, collection FROM stories")}
            except sqlite3.OperationalError:   # an index from before stories: grouped on reading
                memberships, story_rows = {}, {}
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
        return cls(index_dir, meta, documents, sentences, vectors, texts, memberships, story_rows)

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

    # -- stories ---------------------------------------------------------------------------
    @property
    def stories(self) -> list[Story]:
        """Every story of the index; every document is in exactly one."""
        if self._stories is None:
            self._stories = self._read_stories()
        return self._stories

    def story(self, story_id: str) -> Story:
        """KeyError when the index has no such story."""
        for story in self.stories:
            if story.story_id == story_id:
                return story
        raise KeyError(story_id)

    def story_of(self, doc_id: str) -> str:
        if self._stories is None:
            self.stories
        return self._story_by_doc[doc_id]

    def _read_stories(self) -> list[Story]:
        members: dict[str, list[str]] = {}
        loose = []
        for d in self.documents:
            story_id = self._memberships.get(d.doc_id)
            if story_id is None:
                loose.append(d.doc_id)
            else:
                members.setdefault(story_id, []).append(d.doc_id)
        titles = {sid: row[0] for sid, row in self._story_rows.items()}
        if loose:   # an index written before stories existed: group it here, as its next write will
            profiles = [self.profile(doc_id) for doc_id in loose]
            counter = itertools.count(int(self._meta.get("next_story", 1)))
            placed = grouping.assign(profiles, [], lambda: f"s{next(counter)}")
            by_id = {p.doc_id: p for p in profiles}
            for doc_id, story_id in placed.items():
                members.setdefault(story_id, []).append(doc_id)
            for story_id in set(placed.values()):
                best = grouping.representative([by_id[d] for d in members[story_id]])
                titles[story_id] = story_title(self._docs[best], self._first_sentence(best))
        out = []
        for story_id, doc_ids in members.items():
            docs = sorted((self._docs[d] for d in doc_ids), key=lambda d: (d.published or "9999", d.doc_id))
            dates = sorted(d.published for d in docs if d.published)
            out.append(Story(story_id, titles.get(story_id), tuple(d.doc_id for d in docs),
                             tuple(dict.fromkeys(d.outlet for d in docs)), dates[0] if dates else None,
                             dates[-1] if dates else None, self._story_rows.get(story_id, (None, False))[1]))
        out.sort(key=lambda story: _story_key(story.story_id))
        self._story_by_doc = {d: story.story_id for story in out for d in story.doc_ids}
        return out

    def _first_sentence(self, doc_id: str) -> str | None:
        rows = self._by_doc.get(doc_id)
        return self.sentences[rows[0]].text if rows else None

    def profile(self, doc_id: str) -> grouping.Profile:
        """What the grouping knows of one indexed document (from its stored vectors and analyses)."""
        rows = self._by_doc.get(doc_id, [])
        analyses = self.analysis(self.sentence_ids[rows]).values()
        return grouping.profile_of(doc_id, self.vectors[rows], analyses, self._docs[doc_id].published)

    def subset(self, doc_ids) -> "SentenceStore":
        """A snapshot holding only these documents, as if they had been indexed alone (same
        sentence ids, same generation: it reads the analyses from the same SQLite file)."""
        keep = set(doc_ids)
        documents = [d for d in self.documents if d.doc_id in keep]
        rows = [r for r, s in enumerate(self.sentences) if s.doc_id in keep]
        vectors = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        if rows:
            vectors.add_with_ids(np.ascontiguousarray(self.vectors[rows]), self.sentence_ids[rows])
        return SentenceStore(self.index_dir, self._meta, documents, [self.sentences[r] for r in rows], vectors,
                             {d.doc_id: self._texts[d.doc_id] for d in documents},
                             {d: s for d, s in self._memberships.items() if d in keep}, self._story_rows)

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


def story_title(document: Document, first_sentence: str | None) -> str:
    """A story's title: its most representative article's title, else that article's first sentence."""
    if document.title:
        return document.title
    if first_sentence:
        return first_sentence if len(first_sentence) <= 120 else first_sentence[:117].rsplit(" ", 1)[0] + "..."
    return document.doc_id


def _blob(profile: grouping.Profile) -> bytes:
    return np.asarray(profile.centroid, dtype=np.float32).tobytes()


def _profile_row(doc_id: str, centroid: bytes, names: str, published: str | None) -> grouping.Profile:
    from collections import Counter

    return grouping.Profile(doc_id, np.frombuffer(centroid, dtype=np.float32), Counter(json.loads(names)),
                            grouping.day_of(published))


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
        self._meta = meta
        self._profiles: dict[str, grouping.Profile] = {}   # documents (re)embedded by this write
        self._placed: dict[str, str] = {}                  # doc_id -> collection, as the user asked
        self._touched: set[str] = set()                    # stories whose articles this write changes
        if self.rebuild or "model" not in meta or not has_documents:
            self.conn.execute("DELETE FROM sentences")
            self.conn.execute("DELETE FROM documents")
            self.conn.execute("DELETE FROM story_documents")
            self.conn.execute("DELETE FROM stories")
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
        self._profiles[article.doc_id] = grouping.profile_of(article.doc_id, vectors, analyses, article.published)
        if ids:
            if self.vectors is None:
                self.vectors = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
            self.vectors.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                      np.asarray(ids, dtype=np.int64))

    def update_metadata(self, article: Article) -> None:
        """The text is unchanged; only what sources.csv (or the file's name) says of it changed."""
        self._upsert_document(article)
        self._touched.update(r[0] for r in self.conn.execute(   # its title may be its story's
            "SELECT story_id FROM story_documents WHERE doc_id = ?", (article.doc_id,)))

    def remove(self, doc_id: str) -> bool:
        self._drop_sentences(doc_id)
        return self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount > 0

    # -- stories ---------------------------------------------------------------------------
    def place(self, doc_ids: list[str], collection: str) -> None:
        """Put these documents into the named collection (made if new) when this write commits."""
        check_collection(collection)
        for doc_id in doc_ids:
            self._placed[doc_id] = collection

    def merge_stories(self, into: str, other: str) -> None:
        """Every article of `other` joins `into`; `other` is gone. Both then stay as the user made them."""
        self._sync_stories()
        known = self._story_ids()
        for story_id in (into, other):
            if story_id not in known:
                raise KeyError(f"{story_id}: no such story in {self.index_dir} (see `claimqa stories`)")
        if into == other:
            raise ValueError(f"{into}: a story cannot be merged with itself")
        self.conn.execute("UPDATE story_documents SET story_id = ?, by_hand = 1 WHERE story_id IN (?, ?)",
                          (into, into, other))
        self.conn.execute("DELETE FROM stories WHERE story_id = ?", (other,))
        self._touched.add(into)

    def split_story(self, story_id: str, doc_ids: list[str]) -> str:
        """These articles of the story leave it for a new story; returns the new story's id."""
        self._sync_stories()
        members = {r[0] for r in self.conn.execute("SELECT doc_id FROM story_documents WHERE story_id = ?",
                                                    (story_id,))}
        if not members:
            raise KeyError(f"{story_id}: no such story in {self.index_dir} (see `claimqa stories`)")
        strangers = [d for d in doc_ids if d not in members]
        if strangers:
            raise ValueError(f"{strangers[0]}: not an article of story {story_id} (see `claimqa stories`)")
        if set(doc_ids) >= members:
            raise ValueError(f"{story_id}: splitting off every article would leave the story empty; "
                             f"name only the articles that leave it")
        new_id = self._new_story_id()
        self.conn.execute("INSERT INTO stories (story_id, collection) VALUES (?, 0)", (new_id,))
        self.conn.execute("UPDATE story_documents SET by_hand = 1 WHERE story_id = ?", (story_id,))
        self.conn.executemany("UPDATE story_documents SET story_id = ? WHERE doc_id = ?",
                              [(new_id, d) for d in doc_ids])
        self._touched.update({story_id, new_id})
        return new_id

    def _story_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT story_id FROM stories")}

    def _new_story_id(self) -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'next_story'").fetchone()
        n = int(row[0]) if row else 1
        while self.conn.execute("SELECT 1 FROM stories WHERE story_id = ?", (f"s{n}",)).fetchone():
            n += 1
        self.conn.execute("INSERT INTO meta (key, value) VALUES ('next_story', ?)"
                          " ON CONFLICT(key) DO UPDATE SET value=excluded.value", (str(n + 1),))
        return f"s{n}"

    def _sync_stories(self) -> None:
        """Every document in exactly one story: gone documents leave theirs, re-embedded ones are
        placed again (unless the user placed them), new ones join the story they fit or start one."""
        c = self.conn
        touched = self._touched   # stories whose articles change: their titles are chosen again
        touched.update(r[0] for r in c.execute(
            "SELECT story_id FROM story_documents WHERE doc_id NOT IN (SELECT doc_id FROM documents)"))
        c.execute("DELETE FROM story_documents WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
        published = dict(c.execute("SELECT doc_id, published FROM documents"))
        by_hand = dict(c.execute("SELECT doc_id, by_hand FROM story_documents"))
        for doc_id, profile in self._profiles.items():
            if doc_id not in by_hand:
                continue
            if by_hand[doc_id] and doc_id not in self._placed:
                c.execute("UPDATE story_documents SET centroid = ?, names = ? WHERE doc_id = ?",
                          (_blob(profile), json.dumps(profile.names_json()), doc_id))
            else:
                touched.update(r[0] for r in c.execute("SELECT story_id FROM story_documents WHERE doc_id = ?",
                                                       (doc_id,)))
                c.execute("DELETE FROM story_documents WHERE doc_id = ?", (doc_id,))
                del by_hand[doc_id]
        for doc_id, collection in self._placed.items():
            if doc_id not in published:
                continue
            touched.update(r[0] for r in c.execute("SELECT story_id FROM story_documents WHERE doc_id = ?",
                                                   (doc_id,)))
            c.execute("INSERT INTO stories (story_id, title, collection) VALUES (?, ?, 1)"
                      " ON CONFLICT(story_id) DO NOTHING", (collection, collection))
            profile = self._profiles.get(doc_id) or self._stored_profile(doc_id) or self._profile_of(doc_id)
            c.execute("INSERT INTO story_documents (doc_id, story_id, by_hand, centroid, names) VALUES (?, ?, 1, ?, ?)"
                      " ON CONFLICT(doc_id) DO UPDATE SET story_id=excluded.story_id, by_hand=1,"
                      " centroid=excluded.centroid, names=excluded.names",
                      (doc_id, collection, _blob(profile), json.dumps(profile.names_json())))
            by_hand[doc_id] = 1
        self._placed.clear()
        loose = [self._profiles.get(d) or self._profile_of(d) for d in published if d not in by_hand]
        groups, profiles = self._groups(published)
        placed = grouping.assign(loose, groups, self._new_story_id)
        for profile in loose:
            story_id = placed[profile.doc_id]
            c.execute("INSERT INTO stories (story_id, collection) VALUES (?, 0) ON CONFLICT(story_id) DO NOTHING",
                      (story_id,))
            c.execute("INSERT INTO story_documents (doc_id, story_id, by_hand, centroid, names) VALUES (?, ?, 0, ?, ?)",
                      (profile.doc_id, story_id, _blob(profile), json.dumps(profile.names_json())))
            profiles[profile.doc_id] = profile
            touched.add(story_id)
        c.execute("DELETE FROM stories WHERE story_id NOT IN (SELECT story_id FROM story_documents)")
        touched.update(r[0] for r in c.execute("SELECT story_id FROM stories WHERE title IS NULL"))
        self._title_stories(profiles, touched)
        touched.clear()

    def _groups(self, published: dict[str, str | None]) -> tuple[list[grouping.Group], dict[str, grouping.Profile]]:
        """The stories as the grouping sees them, and every placed document's profile."""
        collections = {r[0] for r in self.conn.execute("SELECT story_id FROM stories WHERE collection = 1")}
        groups: dict[str, grouping.Group] = {}
        profiles = {}
        for doc_id, story_id, centroid, names in self.conn.execute(
                "SELECT doc_id, story_id, centroid, names FROM story_documents ORDER BY doc_id"):
            profile = _profile_row(doc_id, centroid, names, published.get(doc_id))
            profiles[doc_id] = profile
            group = groups.setdefault(story_id, grouping.Group(story_id, open=story_id not in collections))
            group.add(profile)
        return sorted(groups.values(), key=lambda g: _story_key(g.story_id)), profiles

    def _title_stories(self, profiles: dict[str, grouping.Profile], touched: set[str]) -> None:
        members: dict[str, list[grouping.Profile]] = {}
        for doc_id, story_id in self.conn.execute("SELECT doc_id, story_id FROM story_documents"):
            if story_id in touched:
                members.setdefault(story_id, []).append(profiles.get(doc_id) or self._stored_profile(doc_id))
        for story_id, in list(self.conn.execute("SELECT story_id FROM stories WHERE collection = 0")):
            if story_id not in touched:
                continue
            best = grouping.representative(members.get(story_id, []))
            if best is None:
                continue
            row = self.conn.execute("SELECT doc_id, outlet, published, title, url, path, content_hash, 0, byline"
                                    " FROM documents WHERE doc_id = ?", (best,)).fetchone()
            first = self.conn.execute("SELECT text FROM sentences WHERE doc_id = ? ORDER BY position LIMIT 1",
                                      (best,)).fetchone()
            self.conn.execute("UPDATE stories SET title = ? WHERE story_id = ?",
                              (story_title(Document(*row), first[0] if first else None), story_id))

    def _stored_profile(self, doc_id: str) -> grouping.Profile | None:
        row = self.conn.execute("SELECT d.doc_id, centroid, names, published FROM story_documents s"
                                " JOIN documents d USING (doc_id) WHERE doc_id = ?", (doc_id,)).fetchone()
        return _profile_row(*row) if row else None

    def _profile_of(self, doc_id: str) -> grouping.Profile:
        """A document indexed before stories existed: its profile from its stored sentences."""
        rows = self.conn.execute("SELECT vector, analysis FROM sentences WHERE doc_id = ? ORDER BY position",
                                 (doc_id,)).fetchall()
        published = self.conn.execute("SELECT published FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        vectors = np.array([np.frombuffer(v, dtype=np.float32) for v, _ in rows], dtype=np.float32)
        return grouping.profile_of(doc_id, vectors, [Analysis.from_json(a) for _, a in rows], published)

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
        self._sync_stories()
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
