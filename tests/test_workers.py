"""Answer worker processes (qa/workers.py) on a copy of the bundled index: the same answers and the
same refusals as the library in this process, and a worker killed mid-burst costs a sentence, not
a hang or the server."""
from __future__ import annotations

import json
import os
import signal
import time

import pytest

from qa.workers import AnswerFailed, AnswerWorkers

QUESTIONS = ["How many people were killed in the strike?", "Who carried out the strike?",
             "When did the strike happen?", "Where was the drone strike?"]


@pytest.fixture(scope="module")
def workers(bundled_index):
    pool = AnswerWorkers(bundled_index, processes=2, threads=4)
    yield pool
    pool.close()


def test_answers_and_refusals_are_the_library_s(workers, bundled_index):
    from qa.stories import StoryAnswerer

    alone = StoryAnswerer.open(bundled_index)
    futures = [workers.submit(q) for q in QUESTIONS * 2]
    answers = [f.result(120) for f in futures]
    assert answers == [json.loads(json.dumps(alone.ask(q).to_dict())) for q in QUESTIONS * 2]
    assert len(set(workers.pids)) == 2 and all(w.load == 0 for w in workers.workers)

    for question, story in [("   ", None), (QUESTIONS[0], "no-such-story")]:
        with pytest.raises(ValueError) as expected:
            alone.ask(question, story=story)
        with pytest.raises(AnswerFailed) as got:
            workers.submit(question, story).result(120)
        assert got.value.refused and str(got.value) == str(expected.value)


def test_a_killed_worker_fails_its_questions_with_a_sentence_and_is_replaced(workers):
    first = workers.workers[0]
    killed = first.process.pid
    in_flight = [first.submit(q + " " * n, None) for n, q in enumerate(QUESTIONS * 4)]
    os.kill(killed, signal.SIGKILL)
    outcomes = []
    for future in in_flight:
        try:
            outcomes.append(future.result(120)["question"])
        except AnswerFailed as error:
            assert error.refused and "answer worker stopped" in str(error)
            outcomes.append("failed")
    assert "failed" in outcomes   # some were in flight when it died; none hung
    deadline = time.monotonic() + 10
    while first.alive and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not first.alive

    other = workers.submit(QUESTIONS[2]).result(120)   # the pool sends it to the worker still serving
    assert other["question"] == QUESTIONS[2] and not first.serving
    answer = first.submit(QUESTIONS[1], None).result(300)   # starts another worker, which answers
    assert answer["question"] == QUESTIONS[1] and answer["sources"]
    assert first.process.pid != killed and first.alive


def test_the_warm_up_builds_what_every_question_needs_from_one_question_s_work(bundled_index):
    """A worker's warm-up (asked before it says it is ready) builds the story's answerer (its
    snapshot and BM25) that the first real question then uses, and reads only the sentences one
    question retrieves, not the archive."""
    from qa.settings import Settings
    from qa.workers import Following, warm_up

    following = Following(bundled_index)
    stories = following.answerer
    assert not stories._answerers
    warm_up(following)
    built = dict(stories._answerers)
    assert len(built) == 1
    (answerer,) = built.values()
    read = len(answerer._facts)
    print("sentences read by the warm-up:", read, "of", len(answerer.store.sentences))
    assert 0 < read <= Settings().candidates_per_doc * len(answerer.store.documents) < len(answerer.store.sentences)

    answer, used = following.ask(QUESTIONS[0])
    assert used is stories and answer.sources
    assert stories._answerers == built and all(stories._answerers[k] is v for k, v in built.items())


def test_a_worker_puts_its_start_up_objects_out_of_the_collector_s_reach_before_it_is_ready(bundled_index):
    """The models and the snapshot a worker loads live as long as it does: a full collection under
    load must not traverse them again (gc.freeze, before the worker says it is ready)."""
    import gc
    import socket
    import threading
    from multiprocessing.connection import Connection

    from qa.workers import serve

    ours, theirs = socket.socketpair()
    server, worker = Connection(ours.detach()), Connection(theirs.detach())
    assert gc.get_freeze_count() == 0
    thread = threading.Thread(target=serve, args=(worker, bundled_index, 2), daemon=True)
    thread.start()
    try:
        assert server.poll(300) and server.recv()[0] == "ready"
        frozen = gc.get_freeze_count()
        server.send((1, QUESTIONS[0], None))
        job, ok, answer = server.recv()
        assert job == 1 and ok and answer["sources"]
    finally:
        server.close()
        thread.join(30)
        gc.unfreeze()
    assert frozen > 100_000   # spaCy's and the answerer's objects, not a handful


def test_a_relative_index_folder_is_the_caller_s(bundled_index, monkeypatch):
    # The workers run in the package's folder: "index" there would be another index, or none.
    monkeypatch.chdir(bundled_index.parent)
    pool = AnswerWorkers(bundled_index.name, processes=1, threads=1)
    try:
        assert pool.index_dir == bundled_index
        answer = pool.submit(QUESTIONS[0]).result(120)
        assert {s["doc_id"] for s in answer["sources"]} >= {"upi", "afp"}
    finally:
        pool.close()
    # The worker saw the socket end and exited by itself (0), not killed (-9) when close() gave up
    # waiting: a socket still read by the reading thread stayed open until then.
    assert [w.process.returncode for w in pool.workers] == [0]
