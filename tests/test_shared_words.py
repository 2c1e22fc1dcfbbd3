"""Word vectors shared by the processes answering from one index folder (qa.shared_words): a
phrase one process encoded, another reads instead of encoding, bit for bit the model's vectors, so
its answers are those of encoding every word itself. Never corrupting nor blocking: two processes
writing at once, a process killed in mid-write, a damaged file, a bound on the rows, a generation
committed by the CLI. Real model, real spaCy, real files, real processes."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from index import Archive, Embedder, ingest, load_nlp
from qa.settings import Settings
from qa.shared_words import FILE_NAME, SharedWords
from qa.stories import StoryAnswerer

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Who claimed responsibility for the attack?"
OTHER_QUESTION = "What did the Pentagon say about the drone strike?"
WORDS = ["claimed", "a kind of weapon", "U.S. forces", "retaliatory airstrikes", "Kataib Hezbollah", "drone"]


class Counting:
    """The embedder, noting every text it encodes and on which thread."""

    def __init__(self, embedder):
        self.embedder, self.name, self.dim, self.runtime = embedder, embedder.name, embedder.dim, embedder.runtime
        self.texts: list[str] = []
        self._lock = threading.Lock()

    def encode(self, texts):
        with self._lock:
            self.texts += list(texts)
        return self.embedder.encode(texts)


@pytest.fixture
def index_copy(index_copy):
    """The bundled index without the word vectors other tests' answerers kept in it."""
    for path in index_copy.glob(f"{FILE_NAME}*"):
        path.unlink()
    return index_copy


@pytest.fixture(scope="module")
def embedder(bundled_index):
    return Embedder(Archive.open(bundled_index).model, threads=1, runtime="onnx")


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def run(code: str, *args: str, wait: bool = True) -> subprocess.Popen | subprocess.CompletedProcess:
    """Python in another process, with this checkout's packages."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    command = [sys.executable, "-c", textwrap.dedent(code), *args]
    if not wait:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)


ASK_IN_ANOTHER_PROCESS = """
    import sys
    from qa.stories import StoryAnswerer
    answerer = StoryAnswerer.open(sys.argv[1])
    answerer.ask(sys.argv[2])
    print(answerer.caches.shared.count())
"""


def kept_texts(index_dir: Path) -> set[str]:
    with sqlite3.connect(index_dir / FILE_NAME) as conn:
        return {r[0] for r in conn.execute("SELECT text FROM word_vectors")}


def test_words_another_process_encoded_are_read_not_encoded(index_copy, embedder, nlp):
    first = run(ASK_IN_ANOTHER_PROCESS, str(index_copy), QUESTION)
    assert int(first.stdout.split()[-1]) > 0   # it wrote the words its fits compared
    assert (index_copy / FILE_NAME).is_file()

    reading = Counting(embedder)
    shared = StoryAnswerer(Archive.open(index_copy), reading, nlp)
    alone = Counting(embedder)
    own = StoryAnswerer(Archive.open(index_copy), alone, nlp, Settings(shared_words=0))
    assert own.caches.shared is None
    with_shared, without = shared.ask(QUESTION).to_dict(), own.ask(QUESTION).to_dict()
    assert with_shared == without   # the same answer, bit for bit the same vectors
    assert reading.texts == [QUESTION]   # every word read from the file: only the question encoded
    assert len(alone.texts) > 1   # ... where an answerer of its own encodes its words


def test_vectors_are_the_models_bit_for_bit(index_copy, embedder):
    shared = SharedWords.open(index_copy, embedder, bound=100)
    assert shared.put(WORDS, embedder.encode(WORDS))
    again = SharedWords.open(index_copy, embedder, bound=100)   # another connection, as another process
    kept = again.get(WORDS + ["never encoded"])
    assert sorted(kept) == sorted(WORDS)
    for word in WORDS:
        assert np.array_equal(kept[word], embedder.encode([word])[0])


WRITE_MANY = """
    import sys
    from index import Archive, Embedder
    from qa.shared_words import SharedWords
    embedder = Embedder(Archive.open(sys.argv[1]).model, threads=1, runtime="onnx")
    shared = SharedWords.open(sys.argv[1], embedder, bound=100_000)
    words = [f"{sys.argv[2]} {i}" for i in range(40)] + [f"both {i}" for i in range(40)]
    vectors = embedder.encode(words)
    print("ready", flush=True)
    sys.stdin.readline()   # both processes start writing together
    written = sum(shared.put([w], [v]) for _ in range(5) for w, v in zip(words, vectors))
    found = shared.get(words)
    print(written, len(found), shared._conn is not None)
"""


def test_two_processes_writing_at_once_neither_waits_nor_corrupts(index_copy, embedder):
    SharedWords.open(index_copy, embedder, bound=100_000)   # the file set up, as the first worker would
    writers = [run(WRITE_MANY, str(index_copy), name, wait=False) for name in ("left", "right")]
    assert [w.stdout.readline().strip() for w in writers] == ["ready", "ready"]
    for w in writers:
        w.stdin.write("go\n")
        w.stdin.flush()
    outputs = [w.communicate(timeout=300)[0].split() for w in writers]
    assert all(w.returncode == 0 for w in writers)
    # A write that finds the other writing is skipped, never waited for, and sharing stays on.
    assert sum(int(out[0]) for out in outputs) > 0 and all(out[2] == "True" for out in outputs)
    shared = SharedWords.open(index_copy, embedder, bound=100_000)
    words = [f"{n} {i}" for n in ("left", "right", "both") for i in range(40)]
    kept = shared.get(words)
    assert kept, "nothing kept"
    expected = dict(zip(words, embedder.encode(words)))
    for word, vector in kept.items():   # whatever was kept is the model's vector of that very word
        assert np.array_equal(vector, expected[word]), word
    assert shared.count() == len(kept) == len(set(kept))


KILLED_MID_WRITE = """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO word_vectors (model, text, vector) VALUES ('m', 'half written', x'00')")
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_process_killed_mid_write_blocks_no_one_and_leaves_nothing(index_copy, embedder):
    shared = SharedWords.open(index_copy, embedder, bound=100)
    holder = run(KILLED_MID_WRITE, str(index_copy / FILE_NAME), wait=False)
    try:
        assert holder.stdout.readline().strip() == "holding"
        # While it holds the write lock: reads go on, a write is skipped at once, not waited for.
        assert shared.get(WORDS) == {}
        assert shared.put(WORDS[:1], embedder.encode(WORDS[:1])) is False
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert shared.put(WORDS, embedder.encode(WORDS))   # the lock died with the process
    assert sorted(shared.get(WORDS)) == sorted(WORDS)
    assert shared.count() == len(WORDS)   # its half-written row was never committed


def test_rows_are_bounded_the_oldest_written_dropped(index_copy, embedder):
    shared = SharedWords.open(index_copy, embedder, bound=4)
    for word in WORDS:
        shared.put([word], embedder.encode([word]))
    assert shared.count() == 4
    assert sorted(shared.get(WORDS)) == sorted(WORDS[-4:])


def test_a_damaged_file_turns_sharing_off_and_answers_go_on(index_copy, embedder, nlp):
    (index_copy / FILE_NAME).write_bytes(b"not a database at all" * 100)
    counting = Counting(embedder)
    answerer = StoryAnswerer(Archive.open(index_copy), counting, nlp)
    assert answerer.caches.shared is None
    own = StoryAnswerer(Archive.open(index_copy), embedder, nlp, Settings(shared_words=0))
    assert answerer.ask(QUESTION).to_dict() == own.ask(QUESTION).to_dict()


def test_a_generation_committed_by_the_cli_keeps_the_vectors(index_copy, embedder, nlp, tmp_path):
    before = StoryAnswerer(Archive.open(index_copy), embedder, nlp)
    before.ask(QUESTION)
    kept = before.caches.shared.count()
    assert kept > 0
    words = kept_texts(index_copy)
    article = tmp_path / "new" / "example-wire.txt"
    article.parent.mkdir()
    article.write_text("BAGHDAD – A militia claimed responsibility for the drone attack on Thursday, officials said. "
                       "The Pentagon said the strike killed a commander who planned attacks on U.S. forces.\n")
    report = ingest([article.parent], index_copy)
    assert report.ok and report.added
    assert not before.is_current()
    counting = Counting(embedder)
    after = StoryAnswerer(Archive.open(index_copy), counting, nlp)   # the new generation's answerer
    assert after.caches.shared.count() >= kept
    own = StoryAnswerer(Archive.open(index_copy), embedder, nlp, Settings(shared_words=0))
    assert after.ask(QUESTION).to_dict() == own.ask(QUESTION).to_dict()
    assert not set(counting.texts) & words   # its words were the previous generation's, still valid, read
