"""Vectors of the words and phrases the fits compare, kept in the index folder for every process
that answers from it: a phrase one answer worker encoded, the other reads rather than encodes.

Under a burst of new questions the app's two workers retrieve the same sentences and so compare
the same candidate phrases and verbs (bench/worker_rounds.py: of ~225 words a worker encodes per
100 new questions, ~190 the other worker encodes too, at 1-2 ms of CPU each). The file is
`word_vectors.sqlite` in the index folder: rows (model, text, vector), the model named with its
runtime and export, so that torch's vectors never stand in for ONNX's. The vectors are the
model's, bit for bit, so the answers are those of encoding every word afresh.

It must never corrupt an answer nor make one wait:
- reads run beside any writer (SQLite's WAL mode) with no busy wait: a read that finds the file
  locked (any passing OperationalError) counts as a miss, and the words are encoded as before;
- a write that finds another process writing is skipped, not waited for (the words stay in this
  process's own cache, and the next question that encodes them writes them);
- a process killed in mid-write leaves an uncommitted transaction that SQLite discards;
- a vector whose length is not the model's is not used, and a file that cannot be opened or read
  (a read-only folder, a damaged file) turns the shared vectors off for this process, logged;
- the vectors depend on the model alone, not on the index's articles: a generation committed by
  the CLI leaves every row valid, and the answerer of the new generation opens the same file.
Bounded: at most `Settings.shared_words` rows, the oldest written dropped first.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FILE_NAME = "word_vectors.sqlite"
_OPEN_TIMEOUT = 0.5   # seconds opening may wait for another process setting the file up (once per answerer)
_CHUNK = 500          # texts per SELECT (SQLite's limit on bound parameters is 999 in old builds)


def model_key(embedder) -> str:
    """The model's name, its runtime and, for ONNX, its export (named for the weights it came from)."""
    name, runtime = embedder.name, getattr(embedder, "runtime", "torch")
    export = ""
    if runtime == "onnx":
        try:
            from index.embedding import onnx_path

            export = onnx_path(name).parent.name
        except Exception:   # not a local model folder: the name and runtime say it
            export = ""
    return f"{name}|{runtime}|{export}"


class SharedWords:
    """The word vectors of one model in one index folder's `word_vectors.sqlite`, shared by processes."""

    def __init__(self, path: Path, model: str, dim: int, bound: int):
        self.path, self.model, self.dim, self.bound = Path(path), model, int(dim), int(bound)
        self._lock = threading.Lock()
        conn = sqlite3.connect(str(self.path), timeout=_OPEN_TIMEOUT, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")   # a killed process loses nothing committed; no fsync per write
            conn.execute("CREATE TABLE IF NOT EXISTS word_vectors (id INTEGER PRIMARY KEY, model TEXT NOT NULL, "
                         "text TEXT NOT NULL, vector BLOB NOT NULL, UNIQUE (model, text))")
            conn.execute("PRAGMA busy_timeout=0")   # from here on nothing waits for another process
        except BaseException:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn

    @classmethod
    def open(cls, index_dir, embedder, bound: int) -> "SharedWords | None":
        """The shared vectors of this index folder, or None when `bound` is 0 or the file cannot be used."""
        if bound <= 0:
            return None
        path = Path(index_dir) / FILE_NAME
        try:
            return cls(path, model_key(embedder), embedder.dim, bound)
        except (sqlite3.Error, OSError) as error:
            # A folder this process may only read is no fault (each process encodes its own words);
            # a damaged file is worth a warning.
            damaged = isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError)
            (log.warning if damaged else log.info)("word vectors are not shared between processes (%s: %s)",
                                                   path, error)
            return None

    def get(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The vectors kept of these texts (those not kept are missing from the result)."""
        found: dict[str, np.ndarray] = {}
        if not texts:
            return found
        size = self.dim * 4
        try:
            with self._lock:
                if self._conn is None:
                    return found
                for k in range(0, len(texts), _CHUNK):
                    part = texts[k:k + _CHUNK]
                    rows = self._conn.execute(
                        f"SELECT text, vector FROM word_vectors WHERE model = ? AND text IN ({','.join('?' * len(part))})",
                        [self.model, *part]).fetchall()
                    for text, blob in rows:
                        if isinstance(blob, bytes) and len(blob) == size:
                            found[text] = np.frombuffer(blob, dtype=np.float32).copy()
        except sqlite3.OperationalError:
            return found   # a moment's lock ("database is locked", "locking protocol"): these words are encoded instead
        except sqlite3.Error as error:   # a damaged file
            self._give_up(error)
        return found

    def put(self, texts: list[str], vectors) -> bool:
        """Keep these vectors for every process; False when skipped (another process writing, or off)."""
        rows = [(self.model, t, np.ascontiguousarray(v, dtype=np.float32).tobytes())
                for t, v in zip(texts, vectors) if len(v) == self.dim]
        if not rows:
            return False
        try:
            with self._lock:
                if self._conn is None:
                    return False
                self._conn.execute("BEGIN IMMEDIATE")   # raises at once when another process is writing
                try:
                    self._conn.executemany("INSERT OR IGNORE INTO word_vectors (model, text, vector) VALUES (?, ?, ?)",
                                           rows)
                    self._conn.execute("DELETE FROM word_vectors WHERE id <= (SELECT MAX(id) FROM word_vectors) - ?",
                                       (self.bound,))
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            return True
        except sqlite3.OperationalError:
            return False   # another process writing, or a moment's lock: the next question that encodes these writes them
        except sqlite3.Error as error:   # a damaged file
            self._give_up(error)
        return False

    def count(self) -> int:
        with self._lock:
            if self._conn is None:
                return 0
            return int(self._conn.execute("SELECT COUNT(*) FROM word_vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _give_up(self, error: Exception) -> None:
        log.warning("word vectors are no longer shared between processes (%s: %s)", self.path, error)
        try:
            self.close()
        except sqlite3.Error:
            self._conn = None
