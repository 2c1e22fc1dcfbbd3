"""The sentence index on disk: SQLite for documents and sentences, append-only vector shards.

One folder holds `claimqa.sqlite` and `vectors/` (index.vectors): each write appends one shard
file holding its new sentences' vectors, and commits SQLite, with the shard listed and the next
generation number, in one transaction: the commit is the single switch from the old index to the
new one. A crash before it leaves the old generation in force (and a shard file nobody lists,
swept at the next write); a crash after it leaves the new one. No write rewrites an existing
shard.

Readers open an `Archive`: its meta and its list of shards, nothing over all documents; what a
question needs (a few sentences, one story's articles) is read by id. `Archive.snapshot(doc_ids)`
gives a `SentenceStore`, an immutable in-memory view of some documents, as if indexed alone.
"""
from __future__ import annotations

import fcntl
import itertools
import json
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import zlib
from typing import TYPE_CHECKING

import faiss
import numpy as np

from . import stories as grouping
from . import vectors as shards_module
from .analysis import Analysis, Entity, Token
from .vectors import Segment, Shard, ShardSet, VectorSettings

if TYPE_CHECKING:
    from .reading import Article

DB_NAME = "claimqa.sqlite"
SCHEMA_VERSION = "3"   # 2: stories; 3: vectors in append-only shards, compressed analyses
# A sentence's text, read from its document's (SQLite's substr counts characters, as Python does).
_SENTENCE_COLUMNS = "s.sentence_id, s.doc_id, s.position, substr(d.text, s.start + 1, s.end - s.start), s.start, s.end"
_SENTENCES = "sentences s JOIN documents d USING (doc_id)"
SQL_CHUNK = 500        # ids per `IN (...)` query: far below SQLite's limit on variables
NAMED_DOCUMENTS_MAX = 2_000  # a name word more documents than this use narrows nothing (not read further)
NAMED_KEPT = 4_096       # name words whose stories an Archive keeps (`Archive.naming`)
STORIES_KEPT = 1_024     # stories an Archive keeps read (`Archive.story`)
SHORTLIST_FROM = 2_000  # stories beyond which a new article is compared only with the stories near it
NEAR_SENTENCES = 64     # ... those of the sentences closest to its mean vector
HEADLINES_VERSION = "1"  # meta `headlines`: every story's headlines are in the headline index

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
    start       INTEGER NOT NULL,                    -- its text is its document's text[start:end]
    end         INTEGER NOT NULL,
    analysis    BLOB NOT NULL,                       -- spaCy tokens and entities, zlib'd JSON (index.analysis)
    UNIQUE (doc_id, position)
);
CREATE INDEX IF NOT EXISTS sentences_by_doc ON sentences(doc_id, position);
CREATE TABLE IF NOT EXISTS shards (
    shard      INTEGER PRIMARY KEY,                  -- vectors/<shard>.f16
    first      INTEGER NOT NULL,                     -- its vectors are those of sentence ids first..first+count-1
    count      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    name       TEXT PRIMARY KEY,                     -- vectors/<name>: an IVF-PQ index of shards <= upto
    upto       INTEGER NOT NULL
);
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
CREATE INDEX IF NOT EXISTS story_documents_by_story ON story_documents(story_id);
CREATE TABLE IF NOT EXISTS name_words (                  -- which documents name what: a question's names find their stories
    word       TEXT NOT NULL,                            -- a word of a name, as index.stories.name_words keeps it
    doc_id     TEXT NOT NULL,
    PRIMARY KEY (word, doc_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS headlines (                   -- each story's headlines: a question's words find its stories
    id         INTEGER PRIMARY KEY,
    story_id   TEXT NOT NULL UNIQUE,
    words      TEXT NOT NULL                             -- its articles' titles, a line each (stories.headline_text)
);
CREATE VIRTUAL TABLE IF NOT EXISTS headline_words USING fts5(
    words, content='headlines', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS headlines_added AFTER INSERT ON headlines BEGIN
    INSERT INTO headline_words (rowid, words) VALUES (new.id, new.words);
END;
CREATE TRIGGER IF NOT EXISTS headlines_removed AFTER DELETE ON headlines BEGIN
    INSERT INTO headline_words (headline_words, rowid, words) VALUES ('delete', old.id, old.words);
END;
"""


class IndexNotFound(Exception):
    """There is no index (or an empty one) where one was expected."""


class IndexDamaged(IndexNotFound):
    """The folder holds an index that cannot be read: a store that is no SQLite database, or
    vector files it lists that are missing or cut short."""


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


# Stored analyses: a version byte, then zlib'd JSON columns (token widths, offsets, heads, lemmas
# where they differ from the token, tags, entities), primed with a dictionary of spaCy's labels. A
# token's and an entity's text are read back from the sentence, so they are not stored twice.
_ANALYSIS_V1 = b"\x01"
_LABELS = ("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X SPACE NNP NN NNS "
           "IN DT JJ VBD VBN VBZ VBG VBP VB CD RB PRP CC TO HYPH POS WDT MD PRP$ NNPS -LRB- -RRB- `` '' "
           "det nsubj ROOT prep pobj punct compound amod dobj aux advmod nummod poss conj cc ccomp xcomp "
           "acl relcl appos attr npadvmod nsubjpass auxpass agent mark pcomp advcl acomp quantmod case "
           "PERSON GPE ORG DATE CARDINAL NORP LOC FAC TIME MONEY PERCENT QUANTITY ORDINAL EVENT PRODUCT LAW")
_ZDICT = ('{"w":[,"s":[,"h":[,"l":["","p":["' + '","'.join(_LABELS.split()) + '"],"e":[["').encode("utf-8")


def encode_analysis(analysis: Analysis) -> bytes:
    tokens = analysis.tokens
    columns = {"w": [len(t.text) for t in tokens], "s": [t.start for t in tokens], "h": [t.head for t in tokens],
               "l": ["" if t.lemma == t.text else t.lemma for t in tokens], "p": [t.pos for t in tokens],
               "t": [t.tag for t in tokens], "d": [t.dep for t in tokens], "n": [t.ent for t in tokens],
               "e": [[e.label, e.start, e.end] for e in analysis.entities]}
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, _ZDICT)
    raw = json.dumps(columns, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _ANALYSIS_V1 + packer.compress(raw) + packer.flush()


def decode_analysis(raw: bytes | str, sentence: str) -> Analysis:
    """A stored analysis of this sentence (also as schema 2 kept it: plain JSON text)."""
    if isinstance(raw, str):
        return Analysis.from_json(raw)
    if not raw.startswith(_ANALYSIS_V1):   # zlib'd JSON, as the first layout of schema 3 kept it
        return Analysis.from_json(zlib.decompress(raw).decode("utf-8"))
    unpacker = zlib.decompressobj(15, _ZDICT)
    c = json.loads(unpacker.decompress(raw[1:]) + unpacker.flush())
    tokens = tuple(Token(sentence[s:s + w], lemma or sentence[s:s + w], pos, tag, dep, head, s, ent)
                   for w, s, head, lemma, pos, tag, dep, ent in zip(c["w"], c["s"], c["h"], c["l"], c["p"], c["t"],
                                                                      c["d"], c["n"]))
    return Analysis(tokens, tuple(Entity(sentence[start:end], label, start, end) for label, start, end in c["e"]))


def chunks(ids: list, size: int = SQL_CHUNK):
    for at in range(0, len(ids), size):
        yield ids[at:at + size]


def _store_error(index_dir: Path, error: sqlite3.DatabaseError) -> Exception:
    """What an error opening the store is to the caller: IndexDamaged when the file is no SQLite
    database; a locked or busy store's error as it is (not damage)."""
    if isinstance(error, sqlite3.OperationalError):
        return error
    return IndexDamaged(f"the index at {index_dir} is damaged: {DB_NAME} is no SQLite database ({error}); "
                        f"move the folder away and ingest the articles again")


def _damaged(index_dir: Path, damage: str) -> str:
    return (f"the index at {index_dir} is damaged: {damage}; build it again with "
            f"`claimqa ingest FOLDER... --index {index_dir} --rebuild`")


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
        """Every document of the index in memory: for a small index, or for listing it whole.
        An archive is opened with `Archive.open` and read a story at a time."""
        return Archive.open(index_dir, allow_empty=allow_empty).snapshot()

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
        return _analyses(_thread_connection(self._local, self.index_dir), ids)


def _thread_connection(local: threading.local, index_dir: Path) -> sqlite3.Connection:
    """This thread's connection to the index's SQLite file, opened on first use."""
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = local.conn = _connect(Path(index_dir) / DB_NAME)
    return conn


def _analyses(conn: sqlite3.Connection, ids: list[int]) -> dict[int, Analysis]:
    out = {}
    for part in chunks(ids):
        marks = ",".join("?" * len(part))
        for sid, raw, text in conn.execute(
                f"SELECT s.sentence_id, s.analysis, substr(d.text, s.start + 1, s.end - s.start) FROM {_SENTENCES}"
                f" WHERE s.sentence_id IN ({marks})", part):
            out[sid] = decode_analysis(raw, text)
    return out


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


GENERATION_READERS_KEPT = 4   # index folders a thread keeps a connection to for `committed_generation`
_generation_readers = threading.local()


def committed_generation(index_dir: str | os.PathLike) -> int | None:
    """The generation the index folder's last write committed (None: none can be read).

    Read on a read-only connection this thread keeps per folder: a worker checks before every
    question, and opening a connection (the file, its schema) cost 0.24 ms of CPU a check, more
    than the read. Each read is a transaction of its own, so it sees the last commit as a fresh
    connection does. The connection is opened again when the file at the path is no longer the
    one it reads (an index removed and built again: its inode, or its inode change time where the
    inode number was reused), and dropped when the file is gone."""
    path = Path(index_dir) / DB_NAME
    readers: dict[Path, tuple[sqlite3.Connection, tuple]] = _generation_readers.__dict__.setdefault("kept", {})
    kept = readers.pop(path, None)
    try:
        status = os.stat(path)
    except OSError:
        status = None
    identity = None if status is None else (status.st_dev, status.st_ino, status.st_ctime_ns)
    if kept is not None and kept[1] != identity:
        kept[0].close()
        kept = None
    try:
        conn = kept[0] if kept is not None else sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchall()
        except sqlite3.Error:
            conn.close()
            raise
    except sqlite3.Error:
        return None
    if identity is None:   # opened though the path could not be read before: not kept
        conn.close()
    else:
        readers[path] = (conn, identity)   # the most recently read last
        while len(readers) > GENERATION_READERS_KEPT:
            readers.pop(next(iter(readers)))[0].close()
    return int(rows[0][0]) if rows else None


def _shard_set(conn: sqlite3.Connection, index_dir: Path, dim: int,
               settings: VectorSettings = shards_module.DEFAULT) -> ShardSet:
    shards = [Shard(*r) for r in conn.execute("SELECT shard, first, count FROM shards ORDER BY shard")]
    segments = [Segment(*r) for r in conn.execute("SELECT name, upto FROM segments ORDER BY upto")]
    return ShardSet(index_dir, dim, shards, segments, settings)


_DOCUMENT_COLUMNS = ("doc_id, outlet, published, title, url, path, content_hash,"
                     " (SELECT COUNT(*) FROM sentences s WHERE s.doc_id = d.doc_id), byline")


@dataclass(frozen=True)
class Hit:
    """One sentence of a search over the whole archive."""

    score: float
    sentence_id: int
    doc_id: str
    story_id: str | None


class Archive:
    """One generation of the index, read lazily.

    Opening reads the meta and the list of vector shards, nothing over all documents. A search
    reads the top k of the vectors (index.vectors); documents, sentences and stories are read by id,
    in chunks. What it reads of SQLite is what is committed when it reads: a removal committed after
    opening shows as a hit whose sentence is gone (dropped), never as a half-written index. What
    a name word finds and the stories read are kept, as the list of stories is: a new generation
    is read by a new Archive (the app and its workers open one before the next question).
    """

    def __init__(self, index_dir: Path, meta: dict, shards: ShardSet, has_documents: bool):
        self.index_dir = index_dir
        self.vector_settings = shards.settings
        self._meta = meta
        self.model: str = meta.get("model", "")
        self.generation = int(meta.get("generation", 0))
        self.shards = shards
        self.has_documents = has_documents
        self._local = threading.local()
        self._stories: list[Story] | None = None
        self._story_count: int | None = None
        # (name word, NAMED_DOCUMENTS_MAX) -> the stories whose articles use it (None: too many
        # documents use it), as `naming` read them: the questions about one story give its names again and again
        self._named: OrderedDict[tuple[str, int], tuple[str, ...] | None] = OrderedDict()
        # story_id -> its Story, as `story` read it (a question reads the chosen story's and those it
        # touches: three SQLite queries each, read once per generation)
        self._kept_stories: OrderedDict[str, Story] = OrderedDict()
        self._kept_lock = threading.Lock()
        self.grouped = True
        self.has_headlines = True

    @classmethod
    def open(cls, index_dir: str | os.PathLike | None = None, allow_empty: bool = False,
             vectors: VectorSettings = shards_module.DEFAULT) -> "Archive":
        index_dir = Path(index_dir) if index_dir is not None else default_index_dir()
        db = index_dir / DB_NAME
        if not db.is_file():
            raise IndexNotFound(f"no index at {index_dir}: {_ingest_hint(index_dir)}")
        archive = cls._read_checked(index_dir, db, vectors)
        # An older layout, or an index from before the headline index: upgraded once, in place.
        if archive.has_documents and (archive._meta.get("schema") not in (None, SCHEMA_VERSION)
                                      or not archive.has_headlines):
            with StoreWriter(index_dir, model=None, vectors=vectors) as writer:
                writer.commit()
            archive = cls._read_checked(index_dir, db, vectors)
        if not archive.has_documents and not allow_empty:
            raise IndexNotFound(f"the index at {index_dir} is empty: {_ingest_hint(index_dir)}")
        return archive

    @classmethod
    def _read_checked(cls, index_dir: Path, db: Path, settings: VectorSettings) -> "Archive":
        """`_read`, IndexDamaged when the store is no database or its vector files are unreadable
        (stat calls on the few files its generation lists: nothing is read over the documents)."""
        try:
            archive = cls._read(index_dir, db, settings)
        except sqlite3.DatabaseError as error:
            raise _store_error(index_dir, error) from None
        damage = archive.shards.damage()
        if damage is not None:
            raise IndexDamaged(_damaged(index_dir, damage))
        return archive

    @classmethod
    def _read(cls, index_dir: Path, db: Path, settings: VectorSettings) -> "Archive":
        conn = _connect(db)
        try:
            conn.execute("BEGIN")   # one read transaction: one consistent generation
            try:
                meta = dict(conn.execute("SELECT key, value FROM meta"))
            except sqlite3.OperationalError:
                raise IndexNotFound(f"no index at {index_dir}: {_ingest_hint(index_dir)}") from None
            if "generation" not in meta:
                raise IndexNotFound(f"no index at {index_dir}: {_ingest_hint(index_dir)}")
            try:
                shards = _shard_set(conn, index_dir, int(meta.get("dim", 0)), settings)
            except sqlite3.OperationalError:   # schema 2: no shards table yet (upgraded by open)
                shards = ShardSet(index_dir, int(meta.get("dim", 0)), [], [], settings)
            has_documents = conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None
            grouped = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'story_documents'").fetchone()
            conn.execute("COMMIT")
        finally:
            conn.close()
        archive = cls(index_dir, meta, shards, has_documents)
        archive.grouped = grouped is not None   # False: an index from before stories, grouped on reading
        archive.has_headlines = grouped is not None and meta.get("headlines") == HEADLINES_VERSION
        return archive

    def _conn(self) -> sqlite3.Connection:
        return _thread_connection(self._local, self.index_dir)

    @property
    def dim(self) -> int:
        return self.shards.dim

    def is_current(self) -> bool:
        """False once an ingest or removal has committed a newer generation of the index."""
        return committed_generation(self.index_dir) == self.generation

    # -- search ------------------------------------------------------------------------------
    def search(self, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Inner-product top k over every sentence vector: (scores, sentence_ids), -1 where short."""
        return self.shards.search(query_vectors, k)

    def hits(self, query: np.ndarray, k: int, pool: int | None = None) -> list[Hit]:
        """The question's k closest sentences, best first, each with its document and story
        (sentences removed since this generation was opened are left out). With `pool`, the k
        closest of different texts among the `pool` closest: a sentence reprinted word for word
        (a wire story many outlets run) counts once, at its best."""
        scores, ids = self.search(query, pool or k)
        found = [(float(sc), int(i)) for sc, i in zip(scores[0].tolist(), ids[0].tolist()) if i >= 0]
        where = {}
        conn = self._conn()
        text = "substr(d.text, s.start + 1, s.end - s.start)" if pool else "''"
        for part in chunks([i for _, i in found]):
            marks = ",".join("?" * len(part))
            if self.grouped:
                where.update((r[0], (r[1], r[2], r[3])) for r in conn.execute(
                    f"SELECT s.sentence_id, s.doc_id, m.story_id, {text} FROM {_SENTENCES} LEFT JOIN story_documents m"
                    f" USING (doc_id) WHERE s.sentence_id IN ({marks})", part))
            else:
                where.update((r[0], (r[1], self.story_of(r[1]), r[2])) for r in conn.execute(
                    f"SELECT s.sentence_id, s.doc_id, {text} FROM {_SENTENCES} WHERE s.sentence_id IN ({marks})",
                    part))
        out, seen = [], set()
        for score, sid in found:
            if sid not in where:
                continue
            doc_id, story_id, said = where[sid]
            if pool:
                key = " ".join(said.lower().split())
                if key in seen:
                    continue
                seen.add(key)
            out.append(Hit(score, sid, doc_id, story_id))
            if len(out) == k:
                break
        return out

    # -- documents and sentences, by id ---------------------------------------------------------
    def document(self, doc_id: str) -> Document:
        row = self._conn().execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE doc_id = ?",
                                   (doc_id,)).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return Document(*row[:7], sentences=row[7], byline=row[8])

    @property
    def documents(self) -> list[Document]:
        """Every document (for listing the index: its cost is the archive's size)."""
        return [Document(*r[:7], sentences=r[7], byline=r[8]) for r in self._conn().execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents d ORDER BY doc_id")]

    def text(self, doc_id: str) -> str:
        row = self._conn().execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return row[0]

    def sentence(self, sentence_id: int) -> Sentence:
        row = self._conn().execute(f"SELECT {_SENTENCE_COLUMNS} FROM {_SENTENCES} WHERE s.sentence_id = ?",
                                   (int(sentence_id),)).fetchone()
        if row is None:
            raise KeyError(sentence_id)
        return Sentence(*row)

    def context(self, sentence_id: int, before: int = 2, after: int = 2) -> list[Sentence]:
        sentence = self.sentence(sentence_id)
        return [Sentence(*r) for r in self._conn().execute(
            f"SELECT {_SENTENCE_COLUMNS} FROM {_SENTENCES} WHERE s.doc_id = ?"
            " AND s.position BETWEEN ? AND ? ORDER BY s.position",
            (sentence.doc_id, sentence.position - before, sentence.position + after))]

    def analysis(self, sentence_ids) -> dict[int, Analysis]:
        return _analyses(self._conn(), [int(i) for i in sentence_ids])

    # -- stories -------------------------------------------------------------------------------
    @property
    def stories(self) -> list[Story]:
        """Every story (for listing them: its cost is the archive's size; read once per generation)."""
        if self._stories is None and not self.grouped:
            self._stories = self.snapshot().stories
            self._story_count = len(self._stories)
        if self._stories is None:
            conn = self._conn()
            members: dict[str, list[str]] = {}
            for doc_id, story_id in conn.execute("SELECT doc_id, story_id FROM story_documents"):
                members.setdefault(story_id, []).append(doc_id)
            loose = [r[0] for r in conn.execute(
                "SELECT doc_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM story_documents)")]
            out = [self._story(story_id, doc_ids) for story_id, doc_ids in members.items()]
            if loose:   # an index written before stories existed: grouped here, as its next write will
                out += self.snapshot(loose).stories
            out.sort(key=lambda story: _story_key(story.story_id))
            self._stories = out
            self._story_count = len(out)
        return self._stories

    def story_count(self) -> int:
        if self._story_count is None and not self.grouped:
            return len(self.stories)
        if self._story_count is None:
            conn = self._conn()
            loose = conn.execute("SELECT 1 FROM documents WHERE doc_id NOT IN"
                                 " (SELECT doc_id FROM story_documents) LIMIT 1").fetchone()
            self._story_count = (len(self.stories) if loose else
                                 conn.execute("SELECT COUNT(DISTINCT story_id) FROM story_documents").fetchone()[0])
        return self._story_count

    def story(self, story_id: str) -> Story:
        """KeyError when the index has no such story."""
        if self._stories is None and self.grouped:
            with self._kept_lock:
                found = self._kept_stories.get(story_id)
                if found is not None:
                    self._kept_stories.move_to_end(story_id)
                    return found
            doc_ids = [r[0] for r in self._conn().execute("SELECT doc_id FROM story_documents WHERE story_id = ?",
                                                          (story_id,))]
            if doc_ids:
                found = self._story(story_id, doc_ids)
                with self._kept_lock:
                    self._kept_stories[story_id] = found
                    while len(self._kept_stories) > STORIES_KEPT:
                        self._kept_stories.popitem(last=False)
                return found
        # Listed already, or not stored: no such story, unless loose documents (grouped on reading) make it.
        for story in self.stories:
            if story.story_id == story_id:
                return story
        raise KeyError(story_id)

    def naming(self, words: set[str]) -> dict[str, int] | None:
        """story_id -> how many of these name words its articles use, for the stories that use
        any; a word more than NAMED_DOCUMENTS_MAX documents use is left out. None: the index keeps no
        name words (an index from before them, until its next write)."""
        if not self.grouped:
            return None
        uses: dict[str, int] = {}
        try:
            for word in sorted(words):
                for story_id in self._named_stories(word) or ():
                    uses[story_id] = uses.get(story_id, 0) + 1
        except sqlite3.OperationalError:
            return None
        return uses

    def _named_stories(self, word: str) -> tuple[str, ...] | None:
        """The stories whose articles use this name word, None when more than
        NAMED_DOCUMENTS_MAX documents do; read once per generation (the most recent NAMED_KEPT words
        kept: two SQLite lookups a word were a millisecond of a question at 1M sentences)."""
        key = (word, NAMED_DOCUMENTS_MAX)
        with self._kept_lock:
            if key in self._named:
                self._named.move_to_end(key)
                return self._named[key]
        conn = self._conn()
        # Counted first on the (word, doc_id) key alone: a word too many documents use is
        # left out before any of its documents is looked up in its story.
        used = conn.execute("SELECT COUNT(*) FROM (SELECT 1 FROM name_words WHERE word = ? LIMIT ?)",
                            (word, NAMED_DOCUMENTS_MAX + 1)).fetchone()[0]
        found = None
        if used <= NAMED_DOCUMENTS_MAX:
            rows = conn.execute("SELECT m.story_id FROM name_words n JOIN story_documents m USING (doc_id)"
                                " WHERE n.word = ?", (word,)).fetchall()
            found = tuple({r[0] for r in rows})
        with self._kept_lock:
            self._named[key] = found
            while len(self._named) > NAMED_KEPT:
                self._named.popitem(last=False)
        return found

    def headlined(self, words, among=None, limit: int | None = None) -> list[str]:
        """The stories whose headlines (their articles' titles) use any of these words, in any
        form ("attacks" meets "attack"), the best match first (BM25 over each story's headlines); only
        those `among` when given, at most `limit`. A lookup in the headline index: its cost is the
        stories the words find, never the archive's. [] when the index keeps no headlines."""
        terms = [t for t in dict.fromkeys(grouping.headline_text(w).strip() for w in words) if t]
        if not terms or not self.has_headlines or (among is not None and not among) or limit == 0:
            return []
        query = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)   # each word a phrase: no syntax
        sql = ("SELECT h.story_id FROM headline_words JOIN headlines h ON h.id = headline_words.rowid"
               " WHERE headline_words MATCH ?")
        conn = self._conn()
        try:
            if among is None:
                return [r[0] for r in conn.execute(sql + " ORDER BY rank LIMIT ?", (query, limit or -1))]
            found: set[str] = set()
            for part in chunks(sorted(set(among))):
                found.update(r[0] for r in conn.execute(
                    sql + f" AND h.story_id IN ({','.join('?' * len(part))})", (query, *part)))
        except sqlite3.OperationalError:   # a word FTS5 cannot read as one: no headline uses it
            return []
        return [s for s in among if s in found][:limit]

    def story_vectors(self, story_ids) -> dict[str, np.ndarray]:
        """Each story's mean vector (the mean of its articles' mean sentence vectors, unit length),
        read from the grouping's profiles: what a story as a whole is about."""
        conn = self._conn()
        sums: dict[str, np.ndarray] = {}
        for part in chunks(sorted(set(story_ids))):
            for story_id, blob in conn.execute(f"SELECT story_id, centroid FROM story_documents"
                                               f" WHERE story_id IN ({','.join('?' * len(part))})", part):
                vector = np.frombuffer(blob, dtype=np.float32)
                if story_id in sums and sums[story_id].shape == vector.shape:
                    sums[story_id] = sums[story_id] + vector
                elif story_id not in sums:
                    sums[story_id] = vector.copy()
        return {s: v / n if (n := float(np.linalg.norm(v))) else v for s, v in sums.items()}

    def story_of(self, doc_id: str) -> str:
        row = self._conn().execute("SELECT story_id FROM story_documents WHERE doc_id = ?",
                                   (doc_id,)).fetchone() if self.grouped else None
        if row is not None:
            return row[0]
        for story in self.stories:
            if doc_id in story.doc_ids:
                return story.story_id
        raise KeyError(doc_id)

    def _story(self, story_id: str, doc_ids: list[str]) -> Story:
        conn = self._conn()
        docs = []
        for part in chunks(sorted(doc_ids)):
            marks = ",".join("?" * len(part))
            docs += conn.execute(f"SELECT doc_id, outlet, published FROM documents WHERE doc_id IN ({marks})",
                                 part).fetchall()
        docs.sort(key=lambda d: (d[2] or "9999", d[0]))
        row = conn.execute("SELECT title, collection FROM stories WHERE story_id = ?", (story_id,)).fetchone()
        dates = sorted(d[2] for d in docs if d[2])
        return Story(story_id, row[0] if row else None, tuple(d[0] for d in docs),
                     tuple(dict.fromkeys(d[1] for d in docs)), dates[0] if dates else None,
                     dates[-1] if dates else None, bool(row[1]) if row else False)

    # -- snapshots -------------------------------------------------------------------------------
    def snapshot(self, doc_ids=None) -> SentenceStore:
        """These documents (None: all) in memory, as if indexed alone: their sentences, vectors,
        texts and stories. Its cost is theirs, not the archive's."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            if doc_ids is None:
                rows = conn.execute(f"SELECT {_DOCUMENT_COLUMNS}, text FROM documents d ORDER BY doc_id").fetchall()
                sentences = conn.execute("SELECT sentence_id, doc_id, position, start, end FROM sentences"
                                         " ORDER BY sentence_id").fetchall()
                memberships = dict(conn.execute("SELECT doc_id, story_id FROM story_documents")) if self.grouped else {}
            else:
                rows, sentences, memberships = [], [], {}
                for part in chunks(sorted(set(doc_ids))):
                    marks = ",".join("?" * len(part))
                    rows += conn.execute(f"SELECT {_DOCUMENT_COLUMNS}, text FROM documents d WHERE doc_id IN ({marks})",
                                         part).fetchall()
                    sentences += conn.execute("SELECT sentence_id, doc_id, position, start, end FROM sentences"
                                              f" WHERE doc_id IN ({marks})", part).fetchall()
                    if self.grouped:
                        memberships.update(conn.execute(
                            f"SELECT doc_id, story_id FROM story_documents WHERE doc_id IN ({marks})", part))
                rows.sort(key=lambda r: r[0])
                sentences.sort(key=lambda r: r[0])
            wanted = set(memberships.values())
            story_rows = {}
            for part in chunks(sorted(wanted) if self.grouped else []):
                marks = ",".join("?" * len(part))
                story_rows.update((r[0], (r[1], bool(r[2]))) for r in conn.execute(
                    f"SELECT story_id, title, collection FROM stories WHERE story_id IN ({marks})", part))
            shards = self.shards
            if sentences and sentences[-1][0] >= shards.end:   # written after this archive was opened
                shards = _shard_set(conn, self.index_dir, self.dim, self.vector_settings)
        finally:
            conn.execute("COMMIT")
        documents = [Document(*r[:7], sentences=r[7], byline=r[8]) for r in rows]
        texts = {r[0]: r[9] for r in rows}
        sentence_rows = [Sentence(sid, doc, position, texts[doc][start:end], start, end)
                         for sid, doc, position, start, end in sentences]
        ids = np.fromiter((r[0] for r in sentences), dtype=np.int64, count=len(sentences))
        flat = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim or 1))
        if len(ids):
            flat.add_with_ids(shards.vectors(ids), ids)
        return SentenceStore(self.index_dir, self._meta, documents, sentence_rows, flat, texts, memberships,
                             story_rows)


class StoreWriter:
    """One atomic write to the index: everything between `with` and its end lands, or nothing.

    Only one writer at a time (a lock file); readers are never blocked.
    """

    def __init__(self, index_dir: str | os.PathLike, model: str | None, rebuild: bool = False, on_wait=None,
                 vectors: VectorSettings = shards_module.DEFAULT):
        """`model` None: a write that embeds nothing (a removal) and takes the index's model as it is.
        `on_wait(lock path)`: called once if another writer holds the lock, before waiting for it.
        `vectors`: when the shards get an approximate index (index.vectors)."""
        self.index_dir = Path(index_dir)
        self.model, self.rebuild, self.on_wait = model, rebuild, on_wait
        self.vector_settings = vectors

    def __enter__(self) -> "StoreWriter":
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.index_dir / ".lock", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self.on_wait is not None:
                self.on_wait(self.index_dir / ".lock")
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            self.conn = _connect(self.index_dir / DB_NAME)
            self.conn.executescript(_SCHEMA)
            self.conn.execute("BEGIN IMMEDIATE")
            meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError as error:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            raise _store_error(self.index_dir, error) from None
        self.generation = int(meta.get("generation", 0))
        has_documents = self.conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None
        if has_documents and not self.rebuild and "model" in meta:   # a write would build on what cannot be read
            damage = _shard_set(self.conn, self.index_dir, int(meta.get("dim") or 0), self.vector_settings).damage()
            if damage is not None:
                self._release()
                raise IndexDamaged(_damaged(self.index_dir, damage))
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
        self._new_ids: list[int] = []                      # sentences this write adds, in id order
        self._new_vectors: list[np.ndarray] = []
        self._written: list[Path] = []                     # files to delete if this write does not commit
        self._retired: list[str] = []                      # files this write's commit stops using
        self._upgrade_layout()
        self._fill_name_words()
        self._fill_headlines()
        self._sweep_leftovers()
        self.dim = int(meta["dim"]) if meta.get("dim") else None
        if self.rebuild or "model" not in meta or not has_documents:
            for table in ("sentences", "documents", "story_documents", "stories", "name_words", "headlines"):
                self.conn.execute(f"DELETE FROM {table}")
            self._retired += [f"{r[0]:08d}.f16" for r in self.conn.execute("SELECT shard FROM shards")]
            self._retired += [r[0] for r in self.conn.execute("SELECT name FROM segments")]
            if meta.get("template"):
                self._retired.append(meta["template"])
                self.conn.execute("DELETE FROM meta WHERE key = 'template'")
            self.conn.execute("DELETE FROM shards")
            self.conn.execute("DELETE FROM segments")
            self.dim = None   # set at the first put, when the vectors say their dimension
        return self

    def _shard_set(self) -> ShardSet:
        return _shard_set(self.conn, self.index_dir, self.dim or 0, self.vector_settings)

    def _upgrade_layout(self) -> None:
        """An index of schema 2 (every vector in SQLite and one FAISS file, every sentence's text
        twice) moves its vectors into a shard and drops them and the copies of the texts from
        SQLite, in this write's transaction."""
        columns = {r[1] for r in self.conn.execute("PRAGMA table_info(sentences)")}
        if "text" in columns:   # read from the document's text since schema 3; analyses stored anew
            rows = self.conn.execute("SELECT sentence_id, text, analysis FROM sentences").fetchall()
            self.conn.executemany("UPDATE sentences SET analysis = ? WHERE sentence_id = ?",
                                  [(encode_analysis(decode_analysis(raw, text)), sid) for sid, text, raw in rows
                                   if not (isinstance(raw, bytes) and raw.startswith(_ANALYSIS_V1))])
            self.conn.execute("ALTER TABLE sentences DROP COLUMN text")
        if "vector" not in columns:
            return
        rows = self.conn.execute("SELECT sentence_id, vector FROM sentences ORDER BY sentence_id").fetchall()
        if rows:
            dim = len(rows[0][1]) // 4
            first = rows[0][0]
            block = np.zeros((rows[-1][0] - first + 1, dim), dtype=np.float32)   # removed ids: zero rows
            for sid, raw in rows:
                block[sid - first] = np.frombuffer(raw, dtype=np.float32)
            number = self._next_shard()
            self._written.append(shards_module.write_shard(self.index_dir, number, block))
            self.conn.execute("INSERT INTO shards (shard, first, count) VALUES (?, ?, ?)", (number, first, len(block)))
        self.conn.execute("ALTER TABLE sentences DROP COLUMN vector")
        self._retired += [p.name for p in self.index_dir.glob("vectors-*.faiss")]

    def _fill_name_words(self) -> None:
        """An index from before name_words: filled from the names its story profiles keep."""
        if self.conn.execute("SELECT 1 FROM name_words LIMIT 1").fetchone() is not None:
            return
        for doc_id, names in self.conn.execute("SELECT doc_id, names FROM story_documents").fetchall():
            self.conn.executemany("INSERT OR IGNORE INTO name_words (word, doc_id) VALUES (?, ?)",
                                  [(word, doc_id) for word in json.loads(names)])

    def _fill_headlines(self) -> None:
        """An index from before the headline index (or written since by a writer that did not keep
        it): every story's headlines indexed anew, once."""
        if self._meta.get("headlines") == HEADLINES_VERSION:
            return
        self.conn.execute("DELETE FROM headlines")
        self._index_headlines({r[0] for r in self.conn.execute("SELECT story_id FROM stories")})
        self.conn.execute("INSERT INTO meta (key, value) VALUES ('headlines', ?)"
                          " ON CONFLICT(key) DO UPDATE SET value=excluded.value", (HEADLINES_VERSION,))
        self._meta["headlines"] = HEADLINES_VERSION

    def _index_headlines(self, story_ids: set[str]) -> None:
        """These stories' rows of the headline index made anew from their articles' titles (a
        story gone, or none of whose articles has a title, has none)."""
        titles: dict[str, list[str]] = {}
        for part in chunks(sorted(story_ids)):
            marks = ",".join("?" * len(part))
            self.conn.execute(f"DELETE FROM headlines WHERE story_id IN ({marks})", part)
            for story_id, title in self.conn.execute(
                    f"SELECT m.story_id, d.title FROM story_documents m JOIN documents d USING (doc_id)"
                    f" WHERE m.story_id IN ({marks}) AND d.title IS NOT NULL AND d.title != ''"
                    f" ORDER BY m.story_id, d.doc_id", part):
                titles.setdefault(story_id, []).append(grouping.headline_text(" ".join(title.split())))
        self.conn.executemany("INSERT INTO headlines (story_id, words) VALUES (?, ?)",
                              [(story_id, "\n".join(lines)) for story_id, lines in titles.items()])

    def _next_shard(self) -> int:
        """A number no shard file of the index has had: past the listed shards, the retired ones
        (a reader may still use them, and they are deleted by name) and any file in the folder
        (after a rebuild the table starts empty, and a new "00000000.f16" would be deleted as
        the retired one of that name, or read from a cache of the old one)."""
        listed = int(self.conn.execute("SELECT COALESCE(MAX(shard), -1) FROM shards").fetchone()[0])
        names = json.loads(self._meta.get("retired", "[]")) + self._retired
        folder = shards_module.folder_of(self.index_dir)
        if folder.is_dir():
            names += [path.name for path in folder.iterdir()]
        used = [int(name.split(".", 1)[0]) for name in names if re.fullmatch(r"\d{8}\.f16(\.partial)?", name)]
        return max([listed, *used]) + 1

    def _listed_files(self) -> set[str]:
        """The vector files the index, as this write sees it, uses: its shards, its segments and
        the quantizer's template."""
        listed = {f"{r[0]:08d}.f16" for r in self.conn.execute("SELECT shard FROM shards")}
        listed |= {r[0] for r in self.conn.execute("SELECT name FROM segments")}
        template = self.conn.execute("SELECT value FROM meta WHERE key = 'template'").fetchone()
        return listed | ({template[0]} if template else set())

    def _sweep_leftovers(self) -> None:
        """Files a write that never committed left behind (it held the lock this write holds now)."""
        folder = shards_module.folder_of(self.index_dir)
        if not folder.is_dir():
            return
        listed = self._listed_files()
        kept = set(json.loads(self._meta.get("retired", "[]")))   # a reader may still use these
        kept.add(self._meta.get("template", ""))
        for path in folder.iterdir():
            if path.name.endswith(".partial") or (path.name not in listed | kept and path not in self._written):
                path.unlink(missing_ok=True)

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
        for position, (span, analysis) in enumerate(zip(article.sentences, analyses)):
            cursor = self.conn.execute(
                "INSERT INTO sentences (doc_id, position, start, end, analysis) VALUES (?, ?, ?, ?, ?)",
                (article.doc_id, position, span.start, span.end, encode_analysis(analysis)))
            self._new_ids.append(cursor.lastrowid)
        profile = self._profiles[article.doc_id] = grouping.profile_of(article.doc_id, vectors, analyses,
                                                                        article.published)
        self.conn.executemany("INSERT OR IGNORE INTO name_words (word, doc_id) VALUES (?, ?)",
                              [(word, article.doc_id) for word in profile.names])
        if len(vectors):
            if self.dim is None:
                self.dim = int(vectors.shape[1])
            elif vectors.shape[1] != self.dim:
                raise IndexConflict(f"{article.path}: vectors of dimension {vectors.shape[1]}, the index holds {self.dim}")
            self._new_vectors.append(np.asarray(vectors, dtype=np.float32))

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
        self._touched.update({into, other})   # `other` leaves the headline index

    def split_story(self, story_id: str, doc_ids: list[str]) -> str:
        """These articles of the story leave it for a new story; returns the new story's id."""
        self._sync_stories()
        members = {r[0] for r in self.conn.execute("SELECT doc_id FROM story_documents WHERE story_id = ?",
                                                    (story_id,))}
        if not members:
            raise KeyError(f"{story_id}: no such story in {self.index_dir} (see `claimqa stories`)")
        strangers = [d for d in doc_ids if d not in members]
        missing = [d for d in strangers
                   if self.conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (d,)).fetchone() is None]
        if missing:   # not there at all, as `remove` of no such document says
            raise KeyError(f"{missing[0]}: no such document in {self.index_dir} (see `claimqa sources`)")
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
                touched.update(r[0] for r in c.execute("SELECT story_id FROM story_documents WHERE doc_id = ?",
                                                       (doc_id,)))   # its title may have changed
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
        # Nothing to place (a removal, a merge, an upgrade): no story is read to place it in.
        groups, profiles = self._groups(published, self._near_stories(loose)) if loose else ([], {})
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
        self._index_headlines(touched)
        touched.clear()

    def _near_stories(self, loose: list[grouping.Profile]) -> set[str] | None:
        """In an archive of more than `SHORTLIST_FROM` stories, the stories new articles can join:
        those of the sentences closest to each article's mean vector. None: every story."""
        if not loose or self.conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0] <= SHORTLIST_FROM:
            return None
        shards = self._shard_set()
        queries = np.stack([p.centroid for p in loose if p.centroid.shape[0] == shards.dim] or
                           [np.zeros(shards.dim, np.float32)])
        _, ids = shards.search(queries, NEAR_SENTENCES)
        near: set[str] = set()
        found = sorted({int(i) for i in ids.reshape(-1) if i >= 0})
        for part in chunks(found):
            marks = ",".join("?" * len(part))
            near.update(r[0] for r in self.conn.execute(
                f"SELECT DISTINCT m.story_id FROM sentences s JOIN story_documents m USING (doc_id)"
                f" WHERE s.sentence_id IN ({marks})", part))
        return near

    def _groups(self, published: dict[str, str | None], near: set[str] | None = None
                ) -> tuple[list[grouping.Group], dict[str, grouping.Profile]]:
        """The stories as the grouping sees them (only those `near`, when given), and their
        documents' profiles."""
        collections = {r[0] for r in self.conn.execute("SELECT story_id FROM stories WHERE collection = 1")}
        groups: dict[str, grouping.Group] = {}
        profiles = {}
        if near is None:
            rows = self.conn.execute("SELECT doc_id, story_id, centroid, names FROM story_documents ORDER BY doc_id")
        else:
            rows = []
            for part in chunks(sorted(near)):
                marks = ",".join("?" * len(part))
                rows += self.conn.execute("SELECT doc_id, story_id, centroid, names FROM story_documents"
                                          f" WHERE story_id IN ({marks})", part).fetchall()
            rows.sort()
        for doc_id, story_id, centroid, names in rows:
            profile = _profile_row(doc_id, centroid, names, published.get(doc_id))
            profiles[doc_id] = profile
            group = groups.setdefault(story_id, grouping.Group(story_id, open=story_id not in collections))
            group.add(profile)
        return sorted(groups.values(), key=lambda g: _story_key(g.story_id)), profiles

    def _title_stories(self, profiles: dict[str, grouping.Profile], touched: set[str]) -> None:
        members: dict[str, list[grouping.Profile]] = {}
        open_stories = []
        for part in chunks(sorted(touched)):
            marks = ",".join("?" * len(part))
            for doc_id, story_id in self.conn.execute(
                    f"SELECT doc_id, story_id FROM story_documents WHERE story_id IN ({marks})", part):
                members.setdefault(story_id, []).append(profiles.get(doc_id) or self._stored_profile(doc_id))
            open_stories += [r[0] for r in self.conn.execute(
                f"SELECT story_id FROM stories WHERE collection = 0 AND story_id IN ({marks})", part)]
        for story_id in open_stories:
            best = grouping.representative(members.get(story_id, []))
            if best is None:
                continue
            row = self.conn.execute("SELECT doc_id, outlet, published, title, url, path, content_hash, 0, byline"
                                    " FROM documents WHERE doc_id = ?", (best,)).fetchone()
            first = self.conn.execute(f"SELECT substr(d.text, s.start + 1, s.end - s.start) FROM {_SENTENCES}"
                                      " WHERE s.doc_id = ? ORDER BY s.position LIMIT 1",
                                      (best,)).fetchone()
            self.conn.execute("UPDATE stories SET title = ? WHERE story_id = ?",
                              (story_title(Document(*row), first[0] if first else None), story_id))

    def _stored_profile(self, doc_id: str) -> grouping.Profile | None:
        row = self.conn.execute("SELECT d.doc_id, centroid, names, published FROM story_documents s"
                                " JOIN documents d USING (doc_id) WHERE doc_id = ?", (doc_id,)).fetchone()
        return _profile_row(*row) if row else None

    def _profile_of(self, doc_id: str) -> grouping.Profile:
        """A document indexed before stories existed: its profile from its stored sentences."""
        rows = self.conn.execute(f"SELECT s.sentence_id, s.analysis, substr(d.text, s.start + 1, s.end - s.start)"
                                 f" FROM {_SENTENCES} WHERE s.doc_id = ? ORDER BY s.position", (doc_id,)).fetchall()
        published = self.conn.execute("SELECT published FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        vectors = self._vectors_of([sid for sid, _, _ in rows])
        return grouping.profile_of(doc_id, vectors, [decode_analysis(a, t) for _, a, t in rows], published)

    def _vectors_of(self, ids: list[int]) -> np.ndarray:
        """Vectors of sentences already committed, or put by this write."""
        if not ids:
            return np.zeros((0, self.dim or 1), np.float32)
        new = dict(zip(self._new_ids, (v for block in self._new_vectors for v in block)))
        committed = [i for i in ids if i not in new]
        found = dict(zip(committed, self._shard_set().vectors(committed))) if committed else {}
        return np.stack([new[i] if i in new else found[i] for i in ids])

    def _upsert_document(self, article: Article) -> None:
        # Where the file is, not the path as typed: "articles/wire.txt" names another file when the
        # next ingest runs in another folder, and ingest tells two articles of one id apart by it.
        path = os.path.abspath(article.path)
        self.conn.execute(
            "INSERT INTO documents (doc_id, outlet, published, title, url, byline, path, content_hash, text,"
            " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(doc_id) DO UPDATE SET outlet=excluded.outlet, published=excluded.published,"
            " title=excluded.title, url=excluded.url, byline=excluded.byline, path=excluded.path,"
            " content_hash=excluded.content_hash, text=excluded.text, ingested_at=excluded.ingested_at",
            (article.doc_id, article.outlet, article.published, article.title, article.url, article.byline,
             path, article.content_hash, article.text,
             datetime.now(timezone.utc).isoformat(timespec="seconds")))

    def _drop_sentences(self, doc_id: str) -> None:
        """Its sentences go; their vectors stay in their shards, never found again (a search drops
        ids with no sentence), until `--rebuild` writes the index anew."""
        gone = {r[0] for r in self.conn.execute("SELECT sentence_id FROM sentences WHERE doc_id = ?", (doc_id,))}
        if gone & set(self._new_ids):   # put twice by this write: its first vectors go too
            keep = [i for i, sid in enumerate(self._new_ids) if sid not in gone]
            rows = np.concatenate(self._new_vectors) if self._new_vectors else np.zeros((0, self.dim or 1))
            self._new_ids = [self._new_ids[i] for i in keep]
            self._new_vectors = [rows[keep]] if keep else []
        self.conn.execute("DELETE FROM sentences WHERE doc_id = ?", (doc_id,))
        self.conn.execute("DELETE FROM name_words WHERE doc_id = ?", (doc_id,))

    # -- the switch ------------------------------------------------------------------------
    def commit(self) -> int:
        if self.dim is None:
            raise IndexConflict(f"{self.index_dir}: nothing was written, so there is nothing to commit")
        self._sync_stories()
        if self._new_ids:
            self._append_shard()
        self._index_segments()
        generation = self.generation + 1
        retired_before = json.loads(self._meta.get("retired", "[]"))
        for key, value in (("model", self.model), ("dim", str(self.dim)), ("generation", str(generation)),
                           ("schema", SCHEMA_VERSION), ("retired", json.dumps(self._retired))):
            self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)"
                              " ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))
        self.conn.execute("COMMIT")  # the switch: from here on readers see `generation`
        self._written = []
        self.generation = generation
        # Files the previous write retired: no reader opens them any more (one generation of grace).
        # Never one the generation just committed lists (a retired name given to a new file).
        live = self._listed_files()
        for name in retired_before:
            if name not in self._retired and name not in live:
                (shards_module.folder_of(self.index_dir) / name).unlink(missing_ok=True)
                (self.index_dir / name).unlink(missing_ok=True)
        self._meta["retired"] = json.dumps(self._retired)
        self._retired = []
        self._new_ids, self._new_vectors = [], []
        return generation

    def _append_shard(self) -> None:
        """This write's vectors, as one new shard (ids are consecutive: one writer, AUTOINCREMENT)."""
        ids = np.asarray(self._new_ids, dtype=np.int64)
        rows = np.concatenate(self._new_vectors)
        order = np.argsort(ids)
        ids, rows = ids[order], rows[order]
        first = int(ids[0])
        block = np.zeros((int(ids[-1]) - first + 1, self.dim), dtype=np.float32)
        block[ids - first] = rows
        number = self._next_shard()
        self._written.append(shards_module.write_shard(self.index_dir, number, block))
        self.conn.execute("INSERT INTO shards (shard, first, count) VALUES (?, ?, ?)", (number, first, len(block)))

    def _index_segments(self) -> None:
        """Past `exact_up_to` vectors, the shards no segment covers are encoded into a new segment
        once they hold `segment` vectors; more than `merge_at` segments are merged into one."""
        settings = self.vector_settings
        shards = self._shard_set()
        if shards.total < settings.exact_up_to:
            return
        template = self.conn.execute("SELECT value FROM meta WHERE key = 'template'").fetchone()
        if template is None or not shards.segments:   # the quantizer is trained once, on the first segment's
            if template is not None:
                self._retired.append(template[0])
            name = f"template-{self.generation + 1:08d}.faiss"
            self._written.append(shards_module.train_template(self.index_dir, name, shards.shards, self.dim, settings))
            self.conn.execute("INSERT INTO meta (key, value) VALUES ('template', ?)"
                              " ON CONFLICT(key) DO UPDATE SET value=excluded.value", (name,))
            template = (name,)
        tail = [s for s in shards.tail if s.count]
        if sum(s.count for s in tail) < settings.segment and shards.segments:
            return
        merge = shards.segments if len(shards.segments) >= settings.merge_at else []
        if not tail and not merge:
            return
        upto = max(s.number for s in shards.shards)
        name = f"segment-{self.generation + 1:08d}.faiss"
        self._written.append(shards_module.write_segment(self.index_dir, name, template[0], tail, self.dim, merge))
        self._drop_segments(merge)
        self.conn.execute("INSERT INTO segments (name, upto) VALUES (?, ?)", (name, upto))

    def _drop_segments(self, segments) -> None:
        for segment in segments:
            self.conn.execute("DELETE FROM segments WHERE name = ?", (segment.name,))
            self._retired.append(segment.name)

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None and self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
            for path in self._written:
                path.unlink(missing_ok=True)
        self._release()

    def _release(self) -> None:
        self.conn.close()
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self._lock.close()
