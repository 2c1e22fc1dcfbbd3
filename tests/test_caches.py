"""What answerers share per question (qa.answering.Caches): the question is encoded on another
thread while spaCy parses it, the words its fits need are encoded once (a fit that wants one in
flight waits for it), and many missing phrases are encoded on two threads; the vectors are the
model's, bit for bit, so the answers are those of plain calls. Real model, real spaCy."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from index import Embedder, load_nlp
from qa.answering import SPLIT_WORDS, Caches
from qa.settings import Settings

VERB_QUESTION = "How many passengers were rescued after the ferry capsized?"
THING_QUESTION = "What vehicle did the smugglers abandon near the border?"


class Recording:
    """The embedder, noting each call: its texts, its thread, when it started and ended."""

    def __init__(self, embedder):
        self.embedder, self.name, self.dim, self.runtime = embedder, embedder.name, embedder.dim, embedder.runtime
        self.calls: list[tuple[list[str], int, float, float]] = []
        self._lock = threading.Lock()

    def encode(self, texts):
        started = time.perf_counter()
        out = self.embedder.encode(texts)
        with self._lock:
            self.calls.append((list(texts), threading.get_ident(), started, time.perf_counter()))
        return out

    def encoded(self) -> list[str]:
        return [t for texts, *_ in self.calls for t in texts]


class TimedParse:
    """spaCy's parse, timed; `hold` keeps it going that much longer, so that a thread started beside
    it is surely under way before it ends, however busy the machine (a bare parse takes ~5 ms)."""

    def __init__(self, nlp, hold: float = 0.0):
        self.nlp, self.spans, self.hold = nlp, [], hold

    def __call__(self, text):
        started = time.perf_counter()
        doc = self.nlp(text)
        time.sleep(self.hold)
        self.spans.append((started, time.perf_counter(), threading.get_ident()))
        return doc


@pytest.fixture(scope="module")
def model():
    return Embedder(threads=1, runtime="onnx")


def test_the_question_is_encoded_on_another_thread_while_it_is_parsed(model):
    embedder, parse = Recording(model), TimedParse(load_nlp(), hold=0.5)
    caches = Caches(embedder, parse)
    q = caches.begin(VERB_QUESTION, Settings())
    vector = caches.encode(VERB_QUESTION)
    assert np.array_equal(vector, model.encode([VERB_QUESTION])[0])
    (texts, thread, started, _), *_ = embedder.calls
    parse_start, parse_end, parse_thread = parse.spans[0]
    assert texts == [VERB_QUESTION] and thread != parse_thread == threading.get_ident()
    assert started < parse_end   # started before the parse was done: the two overlap
    assert q.verb_forms and caches.encode(VERB_QUESTION) is vector   # kept: asked again, not encoded again
    assert embedder.encoded().count(VERB_QUESTION) == 1
    # Retrieval by words only never reads the vector: nothing is encoded for it.
    caches.begin("Who rescued the passengers?", Settings(), dense=False)
    assert "Who rescued the passengers?" not in embedder.encoded()


def test_the_fits_words_are_encoded_once_and_waited_for_while_in_flight(model):
    embedder = Recording(model)
    caches = Caches(embedder, load_nlp())
    s = Settings()
    assert s.predicate_weight
    q = caches.begin(THING_QUESTION, s)
    words = list(q.verb_forms) + [q.focus]
    assert q.kind == "thing" and q.focus == "vehicle" and "abandon" in words
    got = caches.vectors(words)   # at once: the background call is most likely still running
    for w in words:
        assert np.array_equal(got[w], model.encode([w])[0])
        assert embedder.encoded().count(w) == 1
    caches.begin(THING_QUESTION + " ", s)   # another question with the same words: all kept
    caches.vectors(words)
    assert all(embedder.encoded().count(w) == 1 for w in words)


def test_many_missing_phrases_are_split_over_two_threads_with_the_model_s_vectors(model):
    embedder = Recording(model)
    caches = Caches(embedder, load_nlp())
    phrases = [f"the {n} {thing}" for n in ("first", "second", "third", "old", "new")
               for thing in ("ferry", "bridge", "court ruling in the long fraud trial")]
    assert len(phrases) >= SPLIT_WORDS
    got = caches.vectors(phrases)
    assert list(got) == phrases
    assert all(np.array_equal(got[p], model.encode([p])[0]) for p in phrases)
    threads = {thread for _, thread, *_ in embedder.calls}
    assert len(embedder.calls) == 2 and len(threads) == 2
    assert sorted(embedder.encoded()) == sorted(phrases)   # each once, half on each thread
    assert abs(len(embedder.calls[0][0]) - len(embedder.calls[1][0])) <= 1
    embedder.calls.clear()
    assert caches.vectors(phrases[:SPLIT_WORDS - 1] + ["a ferry"]).keys() and embedder.encoded() == ["a ferry"]


def test_questions_wanting_the_same_missing_words_at_once_encode_each_once(model):
    """Many questions of one burst compare the same words (their sentences are the same): a word
    one question is encoding is waited for by the others, not encoded again, and each gets the
    model's vectors, however the calls interleave."""
    embedder = Recording(model)
    caches = Caches(embedder, load_nlp())
    words = ["rescued", "capsized", "a kind of vessel", "the coast guard", "evacuated", "sank", "ferry",
             "passengers", "crew members", "lifeboats"]
    asks = [list(dict.fromkeys(words[k % 3::2] + words[:2] if k % 2 else words[k % 4:])) for k in range(16)]
    start = threading.Barrier(len(asks))
    got: list[dict] = [{} for _ in asks]

    def ask(k: int) -> None:
        start.wait()
        got[k] = caches.vectors(asks[k])

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(len(asks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(embedder.encoded()) == sorted(words)   # each word once, in whichever call found it first
    for wanted, vectors in zip(asks, got):
        assert list(vectors) == wanted
        assert all(np.array_equal(vectors[w], model.encode([w])[0]) for w in wanted)
    assert not caches._in_flight


def test_with_torch_the_question_is_encoded_with_its_words_in_this_thread():
    """Torch takes the interpreter lock back between its small operations: beside a parse it waits
    for it each time, so with torch nothing is encoded on another thread."""
    torch_model = Embedder(threads=1)
    embedder = Recording(torch_model)
    caches = Caches(embedder, load_nlp())
    q = caches.begin(VERB_QUESTION, Settings())
    assert not caches.beside and embedder.calls[0][0] == [VERB_QUESTION, *q.verb_forms]
    assert caches.encode(VERB_QUESTION).shape == (torch_model.dim,) and len(embedder.calls) == 1
    phrases = [f"the {n} ferry" for n in range(SPLIT_WORDS + 2)]
    caches.vectors(phrases)
    assert {thread for _, thread, *_ in embedder.calls} == {threading.get_ident()} and len(embedder.calls) == 2


@pytest.mark.parametrize("question", ["What kind of weapon was used in the attack?",
                                      "How many people were wounded in the attack?"])
def test_every_word_primed_for_a_question_is_one_its_fits_ask_for(bundled_index, model, question):
    """What `prime` encodes ahead is what the fits then read (the verbs, "a kind of X"): a word
    primed and never read would be a model call for nothing."""
    from index import SentenceStore
    from qa.answering import Answerer

    answerer = Answerer(SentenceStore.open(bundled_index), model, load_nlp())
    asked: set[str] = set()
    vectors = answerer.caches.vectors

    def recording(words):
        asked.update(words)
        return vectors(words)

    answerer.caches.vectors = recording
    answerer.ask(question)
    q = answerer.caches.question(question)
    primed = set(q.verb_forms) | ({f"a kind of {q.focus}"} if q.kind == "thing" else set())
    assert primed and primed <= asked and set(answerer.caches.words) <= asked


def test_a_question_that_wants_no_value_primes_no_words(bundled_index, model):
    """An open question's verbs ("reach") are compared with no value's verb (it takes none): `prime`
    leaves them alone rather than encode them for nothing. A cause question encodes only its
    sources' causes, to weigh them against each other, and only when there are two to weigh."""
    from index import SentenceStore
    from qa.answering import Answerer

    question = "Why could journalists not reach the site of the strike?"
    embedder = Recording(model)
    answerer = Answerer(SentenceStore.open(bundled_index), embedder, load_nlp())
    answer = answerer.ask(question)
    q = answerer.caches.question(question)
    assert not q.wants_value and q.verb_forms and q.form == "cause"
    causes = {s.answer for s in answer.sources if s.answer}
    encoded = embedder.encoded()
    assert encoded[0] == question and set(encoded[1:]) == (causes if len(causes) > 1 else set())
    assert set(answerer.caches.words) == set(encoded[1:])
