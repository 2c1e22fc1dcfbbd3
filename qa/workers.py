"""Answers in worker processes, so that a web server's own work (HTTP, its queue) and the answers
do not share one interpreter lock.

Each worker is a `python -m qa.workers` process holding its own `StoryAnswerer` over the same
index folder, following the committed generation before every question as the app's in-process
answerer does. The server sends it (job, question, story) on a socket and gets back the answer
object as a dict, or the reason the question failed. A worker answers `WORKER_THREADS`
questions at once: questions in flight together are parsed in one spaCy call and encoded in one
model call (index/gather.py; the ONNX encoder runs a long list in batches of like token length), so
a burst costs less per question than questions one by one.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import itertools
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

WORKER_PROCESSES = 2      # one per core of the machine this was measured on
WORKER_THREADS = 16       # questions one worker answers at once (their parses and encodings gathered)
# Asked once by each worker before it says it is ready: the first question of a process loads what is
# built on first use (the story's snapshot and BM25, spaCy's and the model's first-call set-up), about
# a second of CPU each that would otherwise land on the first burst of real questions.
WARM_QUESTION = "Who said what happened, and when?"
WORKER_START_TIMEOUT = 300.0   # seconds a starting worker may take to open the index and load its models
WORKER_RESTART_PAUSE = 5.0     # seconds between starts of a worker that keeps stopping

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class IndexChanged(Exception):
    """The index changed under a question (a sentence it was using was removed) twice in a row."""


class AnswerFailed(Exception):
    """A question failed in a worker. `refused`: the reason is a sentence for the reader (a bad
    question, an index that changed or went away); otherwise `kind` names the unexpected error."""

    def __init__(self, message: str, kind: str, refused: bool):
        super().__init__(message)
        self.kind, self.refused = kind, refused


# -- the answerer of the committed generation (the app's in-process one and each worker's) ------

# One gatherer per model, so that the questions of every generation gather in it (spaCy is loaded
# per generation: a new pipeline, gathered on its own).
_GATHERED_EMBEDDERS: dict[str, object] = {}
_GATHERED_LOCK = threading.Lock()


def open_answerer(index_dir: Path):
    """Answers within the story a question is about (qa.stories), over one generation of the index.
    Questions in flight together are parsed in one spaCy call and encoded in one model call."""
    import index
    from index.gather import GatheredEmbedder, GatheredPipeline
    from qa.stories import StoryAnswerer

    archive = index.Archive.open(index_dir)   # raises IndexNotFound, saying how to ingest
    nlp = index.load_nlp()
    with _GATHERED_LOCK:
        embedder = _GATHERED_EMBEDDERS.get(archive.model)
        if embedder is None:
            embedder = _GATHERED_EMBEDDERS[archive.model] = GatheredEmbedder(
                index.Embedder(archive.model, threads=1, runtime="onnx"))   # sorted batches of like length
    return StoryAnswerer(archive, embedder, GatheredPipeline(nlp))


class Following:
    """The current answerer (one index snapshot), reopened when another process commits a newer
    generation.

    Questions read `self.answerer` once and use that snapshot to the end. Before each question the
    snapshot is checked against the committed generation (one small SQLite read); one thread opens
    the new snapshot while the others wait for it rather than open their own copy.
    """

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._swap = threading.Lock()
        self.answerer = open_answerer(self.index_dir)

    def current(self):
        answerer = self.answerer
        if answerer.is_current():
            return answerer
        with self._swap:
            if self.answerer is not answerer:   # another question swapped it in while we waited
                return self.answerer
            self.answerer = open_answerer(self.index_dir)   # raises IndexNotFound on an emptied index
            logging.info("index generation %s: reopened", self.answerer.store.generation)
            return self.answerer

    def ask(self, question: str, story: str | None = None):
        """(Answer, the answerer that gave it: its store is the snapshot the answer cites)."""
        answerer = self.current()
        try:
            return answerer.ask(question, story=story or None), answerer
        except KeyError:
            # The snapshot names a sentence the database no longer holds: a removal committed
            # while this question was being answered. Answer again from the new generation.
            fresh = self.current()
            if fresh is answerer:
                raise IndexChanged("the index changed while this question was answered (an article was "
                                   "removed or replaced); ask again") from None
            try:
                return fresh.ask(question, story=story or None), fresh
            except KeyError:
                raise IndexChanged("the index is changing under this question (articles are being removed "
                                   "or replaced); ask again in a moment") from None

    def reload(self) -> None:
        fresh = open_answerer(self.index_dir)   # built before the swap: readers never wait on it
        with self._swap:
            self.answerer = fresh


def stated_reason(error: BaseException) -> str | None:
    """The reader's sentence for an expected failure (a bad question, an index changed or gone), else None."""
    import index

    if isinstance(error, (ValueError, IndexChanged, AnswerFailed, index.IndexNotFound, index.IndexConflict)) \
            and str(error) and getattr(error, "refused", True):
        return str(error)
    return None


# -- the worker process ------------------------------------------------------------------------

def warm_up(following: Following) -> None:
    """Ask WARM_QUESTION once, before the worker says it is ready: what every process builds on
    first use (the snapshot and BM25 of the story it picks, spaCy's and the model's first calls).
    Bounded: one question's work, whatever the archive's size. What the first burst still pays
    for and a later one does not is per-question work (bench/worker_rounds.py): the vectors of the
    words and phrases the fits compare, kept in `Caches.words` for the questions that follow."""
    try:
        following.ask(WARM_QUESTION)
    except Exception as error:   # an index with nothing to answer from: the real questions will say so
        logging.info("warm-up question failed: %s", error)


def keep_start_up_objects() -> None:
    """Move what start-up made (the models, the index snapshot, the libraries: 140,000 objects in a
    worker, 730,000 in the app) out of the garbage collector's reach: they live as long as the
    process, and each full collection under load traversed all of them again (0.07 s of CPU in a
    worker, 0.3 s in the app, about once a burst of 200 questions). Called once the process is
    ready to serve; objects made later are collected as before."""
    import gc

    gc.collect()
    gc.freeze()


def serve(conn: Connection, index_dir: Path, threads: int) -> None:
    """Answer (job, question, story) messages until the server closes the socket."""
    following = Following(index_dir)
    sending = threading.Lock()

    def reply(message) -> None:
        with sending:
            conn.send(message)

    def answer(job: int, question: str, story: str | None) -> None:
        try:
            found, _ = following.ask(question, story)
            message = (job, True, found.to_dict())
        except Exception as error:   # the question fails, never the worker
            said = stated_reason(error)
            if said is None:
                logging.error("question failed in an answer worker", exc_info=error)
            message = (job, False, (said or "", type(error).__name__, said is not None))
        try:
            reply(message)
        except OSError:
            pass   # the server is gone

    warm_up(following)
    keep_start_up_objects()
    reply(("ready", os.getpid()))
    with concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="answer") as pool:
        while True:
            try:
                job, question, story = conn.recv()
            except (EOFError, OSError):
                break
            pool.submit(answer, job, question, story)
        pool.shutdown(cancel_futures=True)   # the server is gone: nobody will read the answers still queued


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="An answer worker (started by the app, not by hand).")
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--fd", required=True, type=int, help="the socket to the server")
    parser.add_argument("--threads", type=int, default=WORKER_THREADS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="answer worker %(process)d: %(message)s")
    conn = Connection(args.fd)
    try:
        serve(conn, args.index, args.threads)
    except Exception as error:   # the index cannot be opened: the server reads the reason
        try:
            conn.send(("failed", f"{type(error).__name__}: {error}"))
        except OSError:
            pass
        raise SystemExit(2)


# -- the server's side -------------------------------------------------------------------------

class _Worker:
    def __init__(self, index_dir: Path, threads: int, jobs: itertools.count):
        self.index_dir, self.threads, self._jobs = index_dir, threads, jobs
        self.pending: dict[int, concurrent.futures.Future] = {}
        self._lock = threading.Lock()
        self.ready = threading.Event()
        self.failure: str | None = None
        self.started_at = 0.0
        self._start()

    def _start(self) -> None:
        self.started_at = time.monotonic()
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_PACKAGE_ROOT), env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qa.workers", "--index", str(self.index_dir), "--fd", str(theirs.fileno()),
             "--threads", str(self.threads)],
            pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL, cwd=str(_PACKAGE_ROOT))
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready.clear()
        self.failure = None
        self.alive, self.serving = True, False
        threading.Thread(target=self._read, args=(self.conn, self.process), daemon=True,
                         name=f"answer-worker-{self.process.pid}").start()

    def _read(self, conn: Connection, process: subprocess.Popen) -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message[0] == "ready":
                self.serving = True
                self.ready.set()
                continue
            if message[0] == "failed":
                self.failure = message[1]
                break
            job, ok, payload = message
            with self._lock:
                future = self.pending.pop(job, None)
            if future is None:
                continue
            if ok:
                future.set_result(payload)
            else:
                said, kind, refused = payload
                future.set_exception(AnswerFailed(said or f"this question could not be answered ({kind})",
                                                  kind, refused))
        # The worker is gone: its questions fail with a sentence, the next question starts another.
        with self._lock:
            if self.conn is not conn:   # an older process of this worker: its successor has the questions
                return
            self.alive = self.serving = False
            lost = list(self.pending.values())
            self.pending.clear()
        self.ready.set()
        reason = (f"the answer worker could not open the index ({self.failure})" if self.failure else
                  "the answer worker stopped while answering this question; ask again")
        for future in lost:
            if not future.done():
                future.set_exception(AnswerFailed(reason, "WorkerStopped", True))
        try:
            conn.close()
        except OSError:
            pass
        process.poll()

    def restart(self, force: bool = False) -> None:
        """Start another process if this one stopped (at most once per WORKER_RESTART_PAUSE unless forced)."""
        with self._lock:
            if self.alive or (not force and time.monotonic() - self.started_at < WORKER_RESTART_PAUSE):
                return
            logging.warning("answer worker %s stopped (%s); starting another", self.process.pid,
                            self.failure or f"exit status {self.process.poll()}")
            self._start()

    def submit(self, question: str, story: str | None) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        if not self.alive:
            self.restart(force=True)
        with self._lock:
            job = next(self._jobs)
            self.pending[job] = future
            conn = self.conn
            try:
                conn.send((job, question, story))   # a few hundred bytes: the socket buffer takes it at once
            except OSError:
                self.pending.pop(job, None)
                future.set_exception(AnswerFailed("the answer worker stopped; ask again", "WorkerStopped", True))
        return future

    @property
    def load(self) -> int:
        return len(self.pending)

    def stop(self, timeout: float) -> None:
        try:
            # Shut down, not only closed: the reading thread blocked on it keeps the socket open,
            # and the worker would wait for its end until `timeout` (10 s a worker, at every stop).
            with socket.socket(fileno=os.dup(self.conn.fileno())) as hang_up:
                hang_up.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.conn.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class AnswerWorkers:
    """`processes` answer workers over one index folder; `ask` sends a question to the least busy.

    The answers are the library's: a worker answers with the same `StoryAnswerer` the app would
    use in-process, and its dict is `Answer.to_dict()`.
    """

    def __init__(self, index_dir: str | os.PathLike, processes: int = WORKER_PROCESSES,
                 threads: int = WORKER_THREADS, wait: bool = True):
        if processes < 1:
            raise ValueError(f"processes: {processes} given, at least 1 needed")
        # absolute: the workers run in the package's folder, and a relative folder is the caller's
        self.index_dir = Path(index_dir).absolute()
        jobs = itertools.count()
        self.workers = [_Worker(self.index_dir, threads, jobs) for _ in range(processes)]
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = WORKER_START_TIMEOUT) -> None:
        """Wait until every worker has opened the index and loaded its models; RuntimeError (with
        the worker's reason) when one cannot."""
        for worker in self.workers:
            if not worker.ready.wait(timeout) or not worker.alive:
                reason = worker.failure or (f"not ready after {timeout:.0f} s" if worker.alive
                                            else f"exit status {worker.process.poll()}")
                self.close()
                raise RuntimeError(f"an answer worker for {self.index_dir} did not start: {reason}")

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self.workers]

    def submit(self, question: str, story: str | None = None) -> concurrent.futures.Future:
        """A future of the answer object (a dict); it raises AnswerFailed when the question fails."""
        for worker in self.workers:
            if not worker.alive:
                worker.restart()
        # A worker still starting reads its questions once its models are loaded: the others first.
        worker = min(self.workers, key=lambda w: (not w.serving, not w.alive, w.load))
        return worker.submit(question, story or None)

    async def ask(self, question: str, story: str | None = None) -> dict:
        import asyncio

        return await asyncio.wrap_future(self.submit(question, story))

    def close(self, timeout: float = 10.0) -> None:
        for worker in self.workers:
            worker.stop(timeout)


if __name__ == "__main__":
    main()
