"""One question in, one Answer out: every source's evidence, short answer and the disagreements.

Stages, each a function with a typed hand-off:
  retrieve   question -> fused sentence scores (dense + BM25) -> each document's best candidates
  extract    candidates -> typed values per sentence (`qa.extract.values`), scored by fit
  decide     per document: its evidence score against the calibrated threshold -> addresses or not
  cite       per addressing document: the sentence of its value first, then close runners-up
  compare    the sources' confident values -> groups that cannot all be true -> disagreement flag
  render     `qa.render.summarize`
"""
from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Collection

import numpy as np

from index import Analysis, Embedder, SentenceStore, default_index_dir, load_nlp
from index.store import committed_generation

from . import lexicon as lx
from . import settings as settings_module
from .answer import Answer, Citation, SourceAnswer
from .disagreement import SourceValue, compare, weighed
from .extract import (COUNTED_FIT, COUNTED_MISFIT, FIGURE_KINDS, KIN_FIT, OUTCOME_MISFIT, ROLE_MISFIT, Sentence, Tree,
                      values, verb_noun_stems)
from .open_answers import open_value
from .question import Question, analyse_question
from .render import summarize
from .retrieval import MODES, LexicalIndex, stem, top_per_document
from .settings import Settings
from .shared_words import SharedWords
from .values import Value, compatible, date_values, fold_name, name_words, same_value

LEADING_FORMS = {"cause", "quote", "define", "manner"}   # open questions whose short answer weighs as a value (Settings.short_fit)
UNCOUNTED_MISFIT = 1.5   # more than any value fits: a count of another thing is no answer (Settings.value_floor)
EVERYONE = {"people", "person"}   # "how many people": a count of persons of any name answers it (`_fit_counted`)
MAX_QUESTION_CHARS = 1000   # a question longer than this is cut (and the reader told)
QUESTION_CACHE = 4096      # questions whose vector is kept
PARSE_CACHE = 1024         # questions whose analysis is kept
WORD_CACHE = 20_000        # words and phrases whose vector is kept (the fits' verbs, foci and candidate phrases)
SPLIT_WORDS = 8            # words and phrases missing at once that are encoded on two threads
ENCODE_THREADS = 32        # encodings in flight beside their questions' parses (a worker answers 16 questions at once)
FACT_CACHE = 50_000         # sentences whose analysis and tree are kept between questions
DOC_CACHE = 2_000           # documents whose words and days are kept between questions


@dataclass
class Candidate:
    """One sentence of one document, as the question sees it."""

    row: int
    sentence_id: int
    doc: int
    fused: float
    values: list[Value] = field(default_factory=list)
    coverage: float = 0.0              # IDF-weighted share of the question's words the sentence uses
    rare: float = 0.0                  # 1.0 when it uses the question's rarest word
    short: Value | None = None         # an open question's short answer in it (`qa.open_answers`)
    named: float = 1.0                 # share of the names the question gives that it uses itself
    short_fit: float = 0.0             # an open question's short answer in it counts as a value of this fit
    asked_verb: bool = True            # of a yes/no question: whether it uses one of the question's verbs

    def evidence(self, s: Settings) -> float:
        return self.fused + s.value_weight * (self.values[0].score if self.values else self.short_fit)


# What the address model reads of a document (see `decide` and `qa.calibrate`).
FEATURES = ("fused", "fit", "has_value", "wants_value", "names", "dates", "gap", "coverage", "best_fused", "rare",
            "rare_doc", "named", "lead")


@dataclass
class Decision:
    """What the engine decided for one document."""

    doc: int
    score: float                     # its evidence score
    candidates: list[Candidate]      # best first
    value: Value | None = None       # its short answer
    addresses: bool = False
    features: dict[str, float] = field(default_factory=dict)

    @property
    def stated(self) -> tuple[Value, ...]:
        """Every value its candidate sentences state (what a disagreement checks against)."""
        return tuple(v for c in self.candidates for v in c.values)


class Caches:
    """What answerers over parts of one index share: question encodings and parses, word vectors.

    With the ONNX runtime a question is encoded on another thread while its parse runs on this one
    (`begin`): onnxruntime releases the interpreter lock for the whole call, so on two cores the
    parse costs no wall time. The words its fits may need (its verbs, "a kind of X") are encoded
    there too, in one call, while retrieval runs; a fit that wants one still in flight waits for
    it rather than encode it again. Torch is not run beside the parse: it takes the lock back
    between its hundreds of small operations and waits for it each time (a parse beside it took
    3 times as long); with torch the question is encoded with its words in one call. Words another
    process answering from the same index folder has encoded (the app's other worker) are read
    from `shared` (qa.shared_words) rather than encoded again."""

    def __init__(self, embedder: Embedder, nlp, shared: SharedWords | None = None):
        self.embedder = embedder
        self.shared = shared   # word vectors other processes answering from this index encoded (qa.shared_words)
        self.words: OrderedDict[str, np.ndarray] = OrderedDict()   # word or phrase -> vector
        self.primed: dict[str, Future] = {}           # question -> its vector, being encoded beside its parse
        self._in_flight: dict[str, Future] = {}       # word -> the vectors of the call encoding it
        self._primed_words: dict[str, Future] = {}    # question -> the call encoding its words
        self._lock = threading.Lock()
        self.encode = Kept(self._encode_uncached, QUESTION_CACHE)
        self.beside = getattr(embedder, "runtime", "torch") == "onnx"   # encode on another thread
        self.question = lru_cache(maxsize=PARSE_CACHE)(lambda text: analyse_question(text, nlp))

    def _encode_uncached(self, text: str) -> np.ndarray:
        with self._lock:
            primed = self.primed.pop(text, None)
        return (primed.result() if primed is not None else self.embedder.encode([text]))[0]

    def begin(self, text: str, s: Settings, dense: bool = True) -> Question:
        """The question's parse, its encoding (when `dense`) started first on another thread and
        the words its fits may need started after the parse: what `decisions` and a story's
        choice start with."""
        if dense and self.beside and text not in self.encode:
            with self._lock:
                if text not in self.primed:
                    self.primed[text] = _background().submit(self.embedder.encode, [text])
        q = self.question(text)
        self.prime(text, q, s)
        return q

    def prime(self, text: str, q: Question, s: Settings) -> None:
        """Start encoding the words the question's fits may need (its verbs, and for "what X" the
        phrase `_fit_things` compares with, "a kind of X"), in one call of the model on another
        thread (with torch: encode them with the question, in one call, here)."""
        kind_of = (kind_phrase(q.focus),) if q.kind == "thing" and q.focus else ()
        # Its verbs are compared with the verbs its values hang from (`_fit_predicates`): a question
        # that wants no value has none, and its verbs would be encoded for nothing.
        verbs = q.verb_forms if s.predicate_weight and q.wants_value else ()
        with self._lock:
            words = [w for w in dict.fromkeys((*verbs, *kind_of))
                     if w not in self.words and w not in self._in_flight]
            if not words:
                return
            if self.beside:
                call = _background().submit(self._encode_words, words)
                for w in words:
                    self._in_flight[w] = call
                self._primed_words[text] = call
                while len(self._primed_words) > QUESTION_CACHE:
                    self._primed_words.pop(next(iter(self._primed_words)))
                return
        vectors = self.embedder.encode([text] + words)
        with self._lock:
            self.primed[text] = _done(vectors[:1])   # taken by encode unless the question is kept already
        self.keep_words(words, vectors[1:])

    def settle(self, text: str) -> None:
        """Wait for the words `prime` started for this question, used or not: a question's work
        ends with its answer (none of it runs on into the next question's time)."""
        with self._lock:
            call = self._primed_words.pop(text, None)
        if call is not None:
            call.result()

    def _encode_words(self, words: list[str], look: bool = True) -> dict[str, np.ndarray]:
        try:
            found = self._shared(words) if look else {}
            rest = [w for w in words if w not in found]
            if rest:
                encoded = self.embedder.encode(rest)
                self._share(rest, encoded)
                found.update(zip(rest, encoded))
            found = {w: found[w] for w in words}
            self.keep_words(words, list(found.values()))
            return found
        finally:
            with self._lock:
                for w in words:
                    self._in_flight.pop(w, None)

    def vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        """Vectors of words and short phrases: kept ones, those in flight (waited for), and the
        rest encoded, all kept (least recently used out) between questions. The words this call
        encodes are in flight from the moment it finds them missing, so that another question
        wanting one of them meanwhile waits for this call rather than encode it again (under a
        burst, a worker's questions retrieve the same sentences: 63 of 338 words were encoded
        twice in one process). `SPLIT_WORDS` or more are encoded half here and half on another
        thread (every other one by length, so that both halves cost alike): a "what X"
        question's candidate phrases, on two cores."""
        found: dict[str, np.ndarray] = {}
        waits: dict[int, Future] = {}
        missing = []
        mine: Future = Future()   # the vectors of the words this call encodes
        with self._lock:
            for w in dict.fromkeys(words):
                if w in self.words:
                    found[w] = self.words[w]
                elif w in self._in_flight:
                    waits[id(self._in_flight[w])] = self._in_flight[w]
                else:
                    missing.append(w)
                    self._in_flight[w] = mine
        if not missing:
            return self._with_waited(found, waits, words)
        encoded: dict[str, np.ndarray] = {}
        try:
            rest = missing
            if self.shared is not None:
                kept = self._shared(rest)
                if kept:
                    self.keep_words(list(kept), list(kept.values()))
                    encoded.update(kept)
                    rest = [w for w in rest if w not in kept]
            there: Future | None = None   # the other half, encoded on another thread
            if len(rest) >= SPLIT_WORDS and self.beside:
                by_length = sorted(rest, key=len)
                there = _background().submit(self._encode_words, by_length[::2], False)
                rest = by_length[1::2]
            if rest:
                vectors = self.embedder.encode(rest)
                self._share(rest, vectors)
                self.keep_words(rest, vectors)
                encoded.update(zip(rest, vectors))
            if there is not None:
                encoded.update(there.result())
            mine.set_result(encoded)
        except BaseException as error:   # the questions waiting for these words see the error, as this one does
            mine.set_exception(error)
            raise
        finally:
            with self._lock:
                for w in missing:
                    if self._in_flight.get(w) is mine:
                        del self._in_flight[w]
        found.update(encoded)
        return self._with_waited(found, waits, words)

    @staticmethod
    def _with_waited(found: dict[str, np.ndarray], waits: dict[int, Future], words: list[str]) -> dict[str, np.ndarray]:
        for call in waits.values():
            found.update(call.result())
        return {w: found[w] for w in words}

    def _shared(self, words: list[str]) -> dict[str, np.ndarray]:
        return self.shared.get(words) if self.shared is not None and words else {}

    def _share(self, words: list[str], vectors) -> None:
        if self.shared is not None:
            self.shared.put(words, vectors)

    def keep_words(self, words: list[str], vectors) -> None:
        with self._lock:
            for w, v in zip(words, vectors):
                self.words[w] = v
            while len(self.words) > WORD_CACHE:
                self.words.popitem(last=False)


class Kept:
    """`make(key)` kept for the `size` keys last asked (least recently used out), like
    `functools.lru_cache` but with a membership test; `cache_clear` empties it."""

    def __init__(self, make, size: int):
        self._make, self._size = make, size
        self._kept: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._kept

    def __call__(self, key):
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = self._make(key)
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return value

    def cache_clear(self) -> None:
        with self._lock:
            self._kept.clear()


def kind_phrase(focus: str) -> str:
    """What a "what X" question's candidate phrases are compared with: instances of X come closer
    to "a kind of X" than words merely about X do ("football" 0.61, "player" 0.37 for "sport")."""
    return f"a kind of {focus}"


def _done(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


_BACKGROUND: ThreadPoolExecutor | None = None
_BACKGROUND_LOCK = threading.Lock()


def _background() -> ThreadPoolExecutor:
    """The threads that encode beside the parse (shared by every answerer of the process)."""
    global _BACKGROUND
    with _BACKGROUND_LOCK:
        if _BACKGROUND is None:
            _BACKGROUND = ThreadPoolExecutor(ENCODE_THREADS, thread_name_prefix="encode")
        return _BACKGROUND


class Answerer:
    """Loads the index snapshot, the embedder, BM25 and spaCy once; answers many questions."""

    def __init__(self, store: SentenceStore, embedder: Embedder, nlp, settings: Settings | None = None,
                 caches: Caches | None = None):
        self.store = store
        self.embedder = embedder
        self.nlp = nlp
        self.settings = settings
        self.lexical = LexicalIndex([s.text for s in store.sentences])
        self._facts: OrderedDict[int, tuple[Analysis, Tree]] = OrderedDict()
        self._lock = threading.Lock()
        self.caches = caches or Caches(embedder, nlp)
        self._encode, self._question = self.caches.encode, self.caches.question
        self._words, self._primed = self.caches.words, self.caches.primed
        self._doc_words: OrderedDict[int, tuple] = OrderedDict()   # document -> its words, stems, days
        self._within: dict[frozenset, Answerer] = {}   # doc_ids -> an answerer over them alone
        self._within_lock = threading.Lock()
        # The outlets are who reports, never what is reported: their names are no answer.
        self._outlets = {name for d in store.documents for name in outlet_names(d.outlet, d.doc_id)}

    @classmethod
    def open(cls, index_dir: str | os.PathLike | None = None, settings: Settings | None = None) -> "Answerer":
        store = SentenceStore.open(index_dir)   # raises IndexNotFound, saying how to ingest
        return cls(store, Embedder(store.model, threads=1, runtime="onnx"), load_nlp(), settings)

    def is_current(self) -> bool:
        """False once an ingest or removal has committed a newer generation of the index."""
        return committed_generation(self.store.index_dir) == self.store.generation

    # -- the one public verb ---------------------------------------------------------------
    def ask(self, question: str, mode: str = "hybrid", doc_ids: Collection[str] | None = None) -> Answer:
        """Answer from every document, or, with `doc_ids`, from those only (sources and
        not_mentioned both), judged as if they had been indexed alone: who says what, cited,
        and where they clash."""
        if doc_ids is not None:
            return self.within(doc_ids).ask(question, mode=mode)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        text, notices = clean_question(question)
        return self.answer(text, notices, *self.decisions(text, mode))

    def answer(self, text: str, notices: list[str], q: Question, s: Settings, decisions: list[Decision]) -> Answer:
        """The answer `ask` renders from a cleaned question and its `decisions` (made by this
        answerer: they name its documents): cited, compared, summarised."""
        answer = Answer(question=text, notices=notices)
        self._cite(answer, decisions, s, q)
        primary = {self.store.documents[d.doc].doc_id: d for d in decisions if d.addresses and d.value}
        values = [weighed(src.doc_id, src.outlet, d.value, d.candidates[0].fused, d.stated, s.flag_value_fit,
                          s.flag_fused, s.flag_measure_fit, s.flag_thing_fit)
                  for src in answer.sources if (d := primary.get(src.doc_id)) is not None]
        apart = s.flag_kinds_apart
        if q.form == "cause" and s.flag_causes_apart > 0:
            values, apart = self._causes(answer, decisions, s, q), s.flag_causes_apart
        answer.disagreement = compare(values, topic_of(q), apart)
        summarize(answer, q)
        return answer

    def _causes(self, answer: Answer, decisions: list[Decision], s: Settings, q: Question) -> list[SourceValue]:
        """What each source says caused it, as values a flag weighs by meaning ("sparks from a hay
        mower" against "a downed power line"; `qa.disagreement`): the short answer its answer
        gives, from the sentence the source leads with (a cause that restates the asked event is
        none: `open_answers.restates`). A cause sentence shares few words with the question ("what
        started the fire"), so its fused score says nothing of how sure the cause is; what says it
        is unsure is a marker that as often means only "before" (lexicon.TEMPORAL_CAUSE_MARKERS)."""
        by_id = {self.store.documents[d.doc].doc_id: d for d in decisions if d.addresses}
        said = [(src, d.candidates[0]) for src in answer.sources
                if (d := by_id.get(src.doc_id)) is not None and d.candidates and d.candidates[0].short is not None]
        causes = sorted({c.short.text for _, c in said})
        if len(causes) < 2:
            return []   # one cause, or none: nothing to weigh, nothing to encode
        vectors = self._word_vectors(causes)
        return [SourceValue(src.doc_id, src.outlet, Value("cause", c.short.text, score=s.short_fit,
                                                          vector=vectors[c.short.text]),
                            comparable=c.short.fields.get("marker") not in lx.TEMPORAL_CAUSE_MARKERS)
                for src, c in said]

    def within(self, doc_ids: Collection[str]) -> "Answerer":
        """An answerer over these documents alone: its own BM25 and its own counts of which words
        are rare, so that one story's answer does not depend on the other stories. Made once per
        set of documents (a few, kept); question encodings and parses are shared."""
        key = frozenset(doc_ids)
        if key == {d.doc_id for d in self.store.documents}:
            return self
        with self._within_lock:
            found = self._within.get(key)
            if found is None:
                unknown = sorted(key - {d.doc_id for d in self.store.documents})
                if unknown:
                    raise ValueError(f"doc_ids: {unknown[0]}: not a document of {self.store.index_dir}")
                if not key:
                    raise ValueError("doc_ids: empty; give at least one document, or None for all")
                if len(self._within) >= 64:
                    self._within.pop(next(iter(self._within)))
                found = self._within[key] = Answerer(self.store.subset(key), self.embedder, self.nlp, self.settings,
                                                     self.caches)
            return found

    def decisions(self, text: str, mode: str = "hybrid") -> tuple[Question, Settings, list[Decision]]:
        """Retrieve, extract and decide for every document: what `ask` renders, and what
        `qa.calibrate` fits the thresholds on."""
        s = settings_module.for_mode(mode, self.settings)
        q = self._prime(text, s)
        docs = list(range(len(self.store.documents)))
        candidates = self._retrieve(self._scores(text, s), s)
        self._primed.pop(text, None)   # encoded by another thread's call meanwhile: not needed
        rarest = self._rarest(q)
        self._extract(q, candidates, s, rarest)
        mentions = {doc: self._mentions(q, doc, rarest) for doc in candidates}
        self.caches.settle(text)
        return q, s, decide(q, candidates, docs, s, mentions)

    # -- retrieve ------------------------------------------------------------------------------
    def _prime(self, text: str, s: Settings) -> Question:
        """The question's analysis, parsed here while its vector (when retrieval reads it) and
        then the words its fits may need are encoded on another thread."""
        return self.caches.begin(text, s, dense=s.lexical_weight < 1)

    def _scores(self, text: str, s: Settings) -> np.ndarray:
        n = len(self.store.sentences)
        # BM25 first: it needs no vector, and the question's may still be being encoded beside the parse.
        lexical = self.lexical.scores(text) if s.lexical_weight > 0 else np.zeros(n, np.float32)
        dense = self.store.vectors @ self._encode(text) if s.lexical_weight < 1 else np.zeros(n, np.float32)
        return (1.0 - s.lexical_weight) * dense + s.lexical_weight * lexical

    def _retrieve(self, scores: np.ndarray, s: Settings) -> dict[int, list[Candidate]]:
        rows, _ = top_per_document(scores, self.store.sentence_doc, s.candidates_per_doc)
        rows = rows[scores[rows] >= s.floor]   # clearly off-topic: not worth a closer look
        by_doc: dict[int, list[Candidate]] = {}
        for row in rows.tolist():
            c = Candidate(row, int(self.store.sentence_ids[row]), int(self.store.sentence_doc[row]), float(scores[row]))
            by_doc.setdefault(c.doc, []).append(c)
        return by_doc

    # -- extract -------------------------------------------------------------------------------
    def _facts_of(self, sentence_ids: list[int]) -> dict[int, tuple[Analysis, Tree]]:
        with self._lock:
            missing = [i for i in sentence_ids if i not in self._facts]
        fetched = self.store.analysis(missing) if missing else {}
        gone = [i for i in missing if i not in fetched]
        if gone:   # a removal committed since this snapshot was opened: the caller asks a fresh one
            raise KeyError(gone[0])
        with self._lock:
            for sid, analysis in fetched.items():
                self._facts[sid] = (analysis, Tree(analysis))
            out = {}
            for sid in sentence_ids:
                if sid in self._facts:
                    self._facts.move_to_end(sid)
                    out[sid] = self._facts[sid]
            while len(self._facts) > FACT_CACHE:
                self._facts.popitem(last=False)
        return out

    def _rarest(self, q: Question) -> str | None:
        """The question's rarest content word (stemmed) that is no name: what a sentence answering
        it is most likely to use ("livestock" in "how many head of livestock were lost")."""
        terms = {stem(w) for w in q.content if w not in q.name_words and len(w) > 2} & set(self.lexical.vocab)
        return max(sorted(terms), key=self.lexical.idf_of, default=None)   # a word no sentence uses says nothing

    def _document_words(self, doc: int) -> tuple[frozenset[str], frozenset[str], frozenset[tuple]]:
        """A document's folded words, their stems and the (month, day) pairs it names, read once
        per document a question retrieves and kept (least recently used out)."""
        with self._lock:
            found = self._doc_words.get(doc)
            if found is not None:
                self._doc_words.move_to_end(doc)
                return found
        text = self.store.text(self.store.documents[doc].doc_id)
        words = frozenset(fold_name(text).split())
        days = frozenset((v.fields.get("month"), v.fields["day"]) for v in date_values(text) if "day" in v.fields)
        found = (words, frozenset(stem(w) for w in words), days)
        with self._lock:
            self._doc_words[doc] = found
            while len(self._doc_words) > DOC_CACHE:
                self._doc_words.popitem(last=False)
        return found

    def _mentions(self, q: Question, doc: int, rarest: str | None = None) -> tuple[float, float, float]:
        """Whether a document names what the question names: (share of its names, 1.0 when it
        names every day the question names, 1.0 when it uses the question's rarest word). A
        document that never names them is about something else, however close its sentences
        come in meaning."""
        words, stems, found = self._document_words(doc)
        rare_doc = 1.0 if rarest is None or rarest in stems else 0.0
        names = [n for n in q.names if not date_values(n)]
        named = [any(w in words for w in name_words(n)) for n in names]
        days = [v.fields for n in q.names for v in date_values(n) if "day" in v.fields]
        # A report of the day's event names the day ("Jan. 4") or only its weekday, and then it was
        # published on that day or within the next two.
        out = _days_after(self.store.documents[doc].published)
        dated = float(any((f.get("month"), f["day"]) in found or (f.get("month"), f["day"]) in out
                          for f in days)) if days else 1.0
        return (sum(named) / len(named) if named else 1.0), dated, rare_doc

    def _coverage_weights(self, q: Question) -> dict[str, float]:
        """The IDF of each stem of the question's content words: what `_coverage` weighs a
        sentence's words by (made once per question, not per sentence)."""
        return {t: self.lexical.idf_of(t) for t in {stem(w) for w in q.content}}

    def _extract(self, q: Question, by_doc: dict[int, list[Candidate]], s: Settings, rarest: str | None = None) -> None:
        every = [c for cands in by_doc.values() for c in cands]
        facts = self._facts_of([c.sentence_id for c in every])
        names = asked_names(q)
        weight = self._coverage_weights(q)
        # "has anyone been ARRESTED", "has anyone DIED" ("no DEATHS"): the stems a yes/no sentence uses the asked verb by
        verbed = {stem(v) for v in q.verbs} | verb_noun_stems(q.verbs) if q.form == "polar" else set()
        for c in every:
            if c.sentence_id not in facts:
                continue
            analysis, tree = facts[c.sentence_id]
            c.coverage = _coverage(tree, weight)
            if names:
                c.named = _named_share(names, tree)
            if rarest is not None:
                c.rare = float(rarest in tree.stem_set)
            if verbed:   # a sentence that says nothing of arrests
                c.asked_verb = bool(verbed & tree.stem_set)
            if q.wants_value:
                year = _year(self.store.documents[c.doc].published)
                found = values(q, Sentence(c.sentence_id, self.store.sentences[c.row].text, analysis, year,
                                           self._background_year(c.row, year)), tree)
                c.values = [v for v in found if fold_name(v.text) not in self._outlets]
            elif q.form or q.asks:
                c.short = open_value(q, Sentence(c.sentence_id, self.store.sentences[c.row].text, analysis), tree,
                                     s.open_words)
                # a yes/no question's "no", a denial of the asked words ("no sign of a cyber attack"), says more
                # than a sentence silent on them ("yes"); a cause only "after" introduces, less than a stated one
                if c.short is not None and (q.form in LEADING_FORMS or q.form == "polar" and c.short.text == "no"):
                    temporal = c.short.fields.get("marker") in lx.TEMPORAL_CAUSE_MARKERS
                    c.short_fit = s.after_fit if temporal else s.short_fit
        texts = self._thing_phrases(q, every, s) if q.kind == "thing" and q.focus else []
        outcomes = list(lx.OUTCOMES) if q.kind == "count" and s.outcome_sim < 1 else []
        verbs = sorted({v.fields["verb"] for c in every for v in c.values if "verb" in v.fields}) \
            if q.verb_forms and s.predicate_weight or outcomes else []
        states = sorted({v.fields["state"] for c in every for v in c.values if "state" in v.fields}) \
            if outcomes else []
        counted = sorted({v.fields["counted"] for c in every for v in c.values if "counted" in v.fields}) \
            if q.kind == "count" and q.focus and s.counted_synonym < 1 else []
        # the asked outcome is read where a value's verb or state may mean another one, or a counted noun
        # the asked one ("three DEATHS" for "how many people died")
        outcomes = outcomes if verbs or states or counted and q.focus in lx.PEOPLE_NOUNS else []
        own = [w for w in q.words if w not in q.name_words]   # the question's words but its names
        told = own if outcomes and not q.verb_forms else []   # what a question with no verb asks by (`_asked_outcome`)
        asked = own if s.measured_weight else []
        measured = sorted({v.fields["about"] for c in every for v in c.values if "about" in v.fields}) if asked else []
        roles = sorted({v.text for c in every for v in c.values}) if q.kind == "role" else []
        # persons asked for by a role whom their sentence does not tie to it (`extract.values`): their
        # titles and deeds, weighed against the asked role and verbs (`_fit_asked_role`)
        untied = [v for c in every for v in c.values if "titles" in v.fields] \
            if q.kind == "person" and s.untied_role_misfit else []
        titles = sorted({h for v in untied for h in v.fields["titles"]})
        deeds = sorted({v.fields[k] for v in untied for k in ("deed", "deed_phrase") if k in v.fields})
        role = asked_role(q) if untied else ""
        # one call of the model for every word and phrase still missing
        self._word_vectors(texts + verbs + states + outcomes + told + measured + (asked if measured else [])
                           + (counted + [q.focus] if counted else [])
                           + (list(lx.ROLE_MEANING) if roles or untied or counted else [])
                           + roles + (titles + [role] + _apart_words(titles, role) + deeds + list(q.verb_forms)
                                      + list(q.deeds) + list(lx.OUTCOMES) if untied else []))
        outcome = _asked_outcome(q, told, self._word_vectors(list(q.verb_forms) + told + outcomes), s) \
            if outcomes else None
        if roles:
            self._fit_roles(every, roles)
        if untied:
            self._fit_asked_role(q, every, titles, deeds, role, s)
        if texts:
            self._fit_things(q, every, texts, s)
        if counted:
            self._fit_counted(q, every, counted, s, outcome)
        if verbs and q.verb_forms:
            self._fit_predicates(q, every, verbs, s)
        if outcomes and (verbs or states):
            self._fit_outcomes(q, every, verbs + states, s, outcome)
        if measured:
            self._fit_measured(every, measured, asked, s)
        for c in every:   # fitted by every rule above: a value fitting too little is no answer (Settings.value_floor)
            c.values = [v for v in c.values if v.score >= s.value_floor]

    def _background_year(self, row: int, year: int | None) -> int | None:
        """The latest year the sentence before this one in its paragraph names, where every year it
        names is earlier than the report's (`extract.Sentence.after_year`); else None."""
        if not year or row == 0:
            return None
        here, before = self.store.sentences[row], self.store.sentences[row - 1]
        if before.doc_id != here.doc_id or before.position != here.position - 1:
            return None
        named = [int(y) for y in NAMED_YEAR.findall(before.text)]
        if not named or max(named) >= year \
                or "\n\n" in self.store.text(here.doc_id)[before.end:here.start].replace("\r", ""):
            return None
        return max(named)

    def _word_vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        """Vectors of words and short phrases, kept (least recently used out) between questions."""
        return self.caches.vectors(words)

    def _fit_predicates(self, q: Question, every: list[Candidate], verbs: list[str], s: Settings) -> None:
        """A value hanging from a verb that means what the question's verb means fits better:
        'at least 41 others were wounded' for 'how many were hurt', not 'two people died'.
        `verbs`: the verbs the values hang from (`_extract` has their vectors fetched already)."""
        vectors = self._word_vectors(verbs + list(q.verb_forms))
        for c in every:
            for v in c.values:
                verb = v.fields.get("verb")
                if verb is not None:
                    sim = max(float(vectors[verb] @ vectors[qv]) for qv in q.verb_forms)
                    v.score += s.predicate_weight * (sim - 0.5)
            c.values.sort(key=lambda v: -v.score)

    def _fit_outcomes(self, q: Question, every: list[Candidate], verbs: list[str], s: Settings,
                      asked: str | None) -> None:
        """A count of another outcome than the question's loses OUTCOME_MISFIT: "four people DIED"
        for "how many were hurt", "two are MISSING" for "how many were killed". Outcomes are read by
        meaning (`_outcome`); a verb read as none ("taken", "treated", "were") is left as it is.
        A question with no verb of its own ("what was the death toll") asks the outcome its words
        mean; one that asks none ("what is the population") is answered by no count of an outcome
        ("three were KILLED"). `asked`: the question's outcome (`_asked_outcome`)."""
        vectors = self._word_vectors(verbs + list(lx.OUTCOMES))
        if asked is None and q.verb_forms:   # "how many had to LEAVE their homes": "evacuated", by a meaning
            return                           # too far from the outcomes' to read
        other = {w for w in verbs if _outcome(vectors[w], vectors, s) not in {None, asked}}
        if not other:
            return
        for c in every:
            for v in c.values:
                if v.kind == "count" and (v.fields.get("verb") or v.fields.get("state")) in other:
                    v.score -= OUTCOME_MISFIT   # "two DIED", "Two DEAD in crash" for "how many were hurt"
            c.values.sort(key=lambda v: -v.score)

    def _fit_counted(self, q: Question, every: list[Candidate], counted: list[str], s: Settings,
                     asked: str | None = None) -> None:
        """A number counting a noun that means the asked one counts it: "112 homes" for "how many
        houses" (0.90), "ballots" for "votes" (0.78); not "firefighters" for "livestock" (0.19).
        `extract._count_fit` gave it COUNTED_MISFIT (or KIN_FIT) by spelling; here it gets COUNTED_FIT instead.
        `asked`: the question's outcome (`_asked_outcome`), of which a counted noun may be the event."""
        vectors = self._word_vectors(counted + [q.focus])
        same = {w for w in counted if float(vectors[w] @ vectors[q.focus]) >= s.counted_synonym}
        if q.focus in lx.THING_NOUNS:   # "how many ITEMS were stolen": "eight PIECES of jewellery", not "three THIEVES"
            same |= {w for w, d in self._person_likeness(counted).items() if d <= 0}
        # "how many people died": "three DEATHS", "no FATALITIES" count them, where the noun means the
        # asked outcome (`_outcome`, as a verb's in `_fit_outcomes`)
        events = set()
        if asked is not None and q.focus in lx.PEOPLE_NOUNS:
            meant = self._word_vectors(counted + list(lx.OUTCOMES))
            events = {w for w in counted if _outcome(meant[w], meant, s) == asked}
        # "how many people": "three FIREFIGHTERS" count some of them, where the noun means a person more
        # than a thing: an answer where no count of people is given, as KIN_FIT ("4,820 children" for
        # "how many participants"), below the flag's fit
        persons = set()
        if q.focus in EVERYONE:
            likeness = self._person_likeness([w for w in counted if w not in same])
            persons = {w for w, d in likeness.items() if d > 0}
        # a noun far from the asked one in meaning counts something else ("120 PASSENGERS" for "how many
        # lifeboats"): no answer; but persons ("men", "passengers") may be the ones a noun meaning a person
        # asks for ("four MEN" for "how many thieves"; `Settings.counted_apart`)
        apart = {w for w in counted if w not in same | persons | events
                 and float(vectors[w] @ vectors[q.focus]) < s.counted_apart} if s.counted_apart else set()
        if apart & lx.PEOPLE_NOUNS and self._person_likeness([q.focus])[q.focus] > 0:
            apart -= lx.PEOPLE_NOUNS
        if not same and not persons and not events and not apart:
            return
        for c in every:
            for v in c.values:
                counts = v.fields.get("counted")
                none_of = v.fields.get("none_of")   # "no civilians were harmed" counts none of some, not of everyone
                if counts in events or counts in same and not none_of:
                    v.score += COUNTED_FIT - v.fields.get("counted_fit", COUNTED_MISFIT)
                elif counts in persons and not none_of:
                    v.score += KIN_FIT - v.fields.get("counted_fit", COUNTED_MISFIT)
                    v.fields = {**v.fields, "counted_fit": KIN_FIT}
                elif counts in apart and v.fields.get("counted_fit") == COUNTED_MISFIT:
                    v.score -= UNCOUNTED_MISFIT
            c.values.sort(key=lambda v: -v.score)

    def _fit_roles(self, every: list[Candidate], roles: list[str]) -> None:
        """A role candidate nearer in meaning to a thing or place than to a person's title loses
        ROLE_MISFIT: "homes" of "dies as 121 homes are lost", "car" of "the four-car train"
        (against "veteran member", "managing partner", "general")."""
        misfits = {r for r, d in self._person_likeness(roles).items() if d < 0}
        if not misfits:
            return
        for c in every:
            for v in c.values:
                if v.text in misfits:
                    v.score -= ROLE_MISFIT
            c.values.sort(key=lambda v: -v.score)

    def _fit_asked_role(self, q: Question, every: list[Candidate], titles: list[str], deeds: list[str], role: str,
                        s: Settings) -> None:
        """A person the question asks for by a role ("the name of the night guard who raised the
        alarm") whom the sentence titles with none near it in meaning (`Settings.role_tie`: "detective
        chief inspector" against "night guard"; a thing's word, "the four-CAR train", titles nobody),
        or not at all ("Dalia Quent said"), and who does nothing the question's verbs mean, is someone
        else: it loses `Settings.untied_role_misfit`. "The depot's attorney, Rosa Imbert" keeps "who is
        the depot's lawyer". `role`: the asked one (`asked_role`); `deeds`: the verbs the persons are the
        subjects or objects of, and those they do with their objects (all encoded already, in
        `_extract`'s one call of the model)."""
        vectors = self._word_vectors(titles + [role] + deeds + list(q.verb_forms) + list(q.deeds) + list(lx.OUTCOMES)
                                     + _apart_words(titles, role))
        person = self._person_likeness(titles)   # a thing's word is no title: "the four-CAR train"
        tie = {h: _title_tie(h, role, vectors) if person[h] > 0 else 0.0 for h in titles}
        # ... or does what the question asks by another verb: one near it in meaning, or of the same
        # outcome ("died" for "the firefighter who perished")
        outcome = _asked_outcome(q, [], vectors, s)
        tie.update({w: 1.0 if outcome and _outcome(vectors[w], vectors, s) == outcome else
                    max((float(vectors[w] @ vectors[f]) for f in q.verb_forms), default=0.0) for w in deeds})
        # a deed with its object must be near the question's too ("sent cybersecurity staff" is no "opened
        # phishing email", whatever "sent" / "opened" alone make of it: 0.26 against 0.57); one sharing
        # the object only is not ("puts pump failure" for "discovered pump failure": the verbs are apart)
        tie.update({w: max(float(vectors[w] @ vectors[d]) for d in q.deeds) for w in deeds if " " in w and q.deeds})
        for c in every:
            for v in c.values:
                done = tie.get(v.fields.get("deed", ""), 0.0)
                if "deed_phrase" in v.fields and done < 1.0:
                    done = min(done, tie[v.fields["deed_phrase"]])
                if "titles" in v.fields and max([tie[h] for h in v.fields["titles"]] + [done]) < s.role_tie:
                    v.score -= s.untied_role_misfit
            c.values.sort(key=lambda v: -v.score)

    def _person_likeness(self, words: list[str]) -> dict[str, float]:
        """How much nearer in meaning each word is to a person's title than to a thing or place
        (`lexicon.ROLE_MEANING`): above 0 a person ("firefighter", "general"), below a thing ("homes")."""
        vectors = self._word_vectors(words + list(lx.ROLE_MEANING))
        person, thing = (vectors[m] for m in lx.ROLE_MEANING)
        return {w: float(vectors[w] @ person) - float(vectors[w] @ thing) for w in words}

    def _fit_measured(self, every: list[Candidate], measured: list[str], asked: list[str], s: Settings) -> None:
        """A figure of what the question asks about fits better: "a net profit of $48.7m" for "what
        net profit did it make", not "revenue rose to $612m"; "revenue rose 9.4%" for "by what
        percentage did sales grow", not "the shares gained 27%". By meaning: the noun the figure is
        of (`extract._measured_noun`) against the question's words, names aside."""
        vectors = self._word_vectors(measured + asked)
        for c in every:
            for v in c.values:
                about = v.fields.get("about")
                if about is not None:
                    sim = max(float(vectors[about] @ vectors[w]) for w in asked)
                    v.score += s.measured_weight * (sim - 0.5)
            c.values.sort(key=lambda v: -v.score)

    def _thing_phrases(self, q: Question, every: list[Candidate], s: Settings) -> list[str]:
        """The candidate phrases of a 'what X' question worth embedding: those of each document's
        best few sentences, at most `thing_phrases`: the cost follows what the question retrieved.
        Other candidates are dropped."""
        knows = getattr(self.embedder, "knows_word", None)
        for c in every:   # a kind read off an agent noun ("footballer" -> "football") must be a word
            if any(v.fields.get("derived") for v in c.values):
                c.values = [v for v in c.values if not v.fields.get("derived") or knows and knows(v.text)]
        every = [c for c in every if c.values]
        best = {}
        for c in sorted(every, key=lambda c: -c.fused):
            best.setdefault(c.doc, []).append(c)
        kept = {id(c) for cands in best.values() for c in cands[:s.thing_sentences]}
        ranked = sorted((c for c in every if id(c) in kept), key=lambda c: -c.fused)   # best sentences first
        texts = list(dict.fromkeys(v.text for c in ranked for v in c.values))[:s.thing_phrases]
        embedded = set(texts)
        for c in every:
            c.values = [v for v in c.values if v.text in embedded] if id(c) in kept else []
        return texts

    def _fit_things(self, q: Question, every: list[Candidate], texts: list[str], s: Settings) -> None:
        """'What sport': a phrase fits as much as it means a kind of the focus ('American football')."""
        kind_of = kind_phrase(q.focus)
        vectors = self._word_vectors(texts + [kind_of])
        focus = vectors[kind_of]
        fit = {t: float(vectors[t] @ focus) for t in texts}
        for c in every:
            for v in c.values:
                v.score = 0.5 * v.score + s.thing_weight * fit[v.text]
                v.vector = vectors[v.text]   # what a flag weighs two kinds by (`qa.disagreement.compare`)
                if fit[v.text] < s.flag_kind_sim:   # cited maybe, but no kind of X to weigh against another's
                    v.fields = {**v.fields, "elsewhere": True}
            c.values.sort(key=lambda v: -v.score)

    # -- cite ----------------------------------------------------------------------------------
    def _cite(self, answer: Answer, decisions: list[Decision], s: Settings, q: Question) -> None:
        n = 0
        for d in sorted(decisions, key=lambda d: -d.score):
            document = self.store.documents[d.doc]
            if not d.addresses:
                answer.not_mentioned.append(document.doc_id)
                continue
            cited = citations_for(d, s)
            short = d.value or next((c.short for c in cited[:1 if q.form == "polar" else None] if c.short), None)
            source = SourceAnswer(doc_id=document.doc_id, outlet=document.outlet, published=document.published,
                                  answer=short.text if short else None)
            source.values = [d.value.text] if d.value else []
            for c in cited:
                n += 1
                sentence = self.store.sentences[c.row]
                source.citations.append(Citation(n=n, sentence_id=c.sentence_id, text=sentence.text,
                                                 score=round(c.evidence(s), 4), start=sentence.start,
                                                 end=sentence.end))
            answer.sources.append(source)


# -- decide ----------------------------------------------------------------------------------------
def decide(q: Question, by_doc: dict[int, list[Candidate]], docs: list[int], s: Settings,
           mentions: dict[int, tuple[float, float, float]] | None = None) -> list[Decision]:
    """Per document: its evidence, its best value, and whether it addresses the question.

    With a fitted address model (`Settings.weights`), a document's score is the model's
    probability that it addresses the question, from FEATURES; without one, its evidence score
    (best sentence's fused score plus its value's fit, less a penalty when a value question
    finds no value)."""
    decisions = []
    for doc in docs:
        cands = by_doc.get(doc, [])
        if not cands:
            decisions.append(Decision(doc, 0.0, []))
            continue
        cands.sort(key=lambda c: -c.evidence(s))
        # the answer's sentence leads the citations: a value's, else an open question's short answer's (a
        # yes/no question's is its best sentence: one that denies the asked words only weighs more)
        valued = [c for c in cands if c.values] or [c for c in cands if c.short_fit and q.form != "polar"]
        # a figure of another event, year or place ("In March 2019 it cancelled about 80 flights") gives way
        # to one of this event the document states further down ("more than 200 flights had been cancelled")
        here = [c for c in valued if not (c.values and c.values[0].kind in FIGURE_KINDS
                                          and c.values[0].fields.get("elsewhere"))]
        if here and here[0] is not valued[0] and here[0].values[0].score >= valued[0].values[0].score:
            valued = here   # (`valued` holds short answers only where no sentence has a value: then `here` is all of it)
        if valued and valued[0] is not cands[0]:
            _move_first(cands, valued[0])
        best = cands[0]
        score = best.evidence(s)
        value = best.values[0] if best.values else None
        if q.wants_value and value is None:
            score -= s.no_value_penalty
        names, dates, rare_doc = (mentions or {}).get(doc, (1.0, 1.0, 1.0))
        features = {"fused": best.fused, "fit": value.score if value else 0.0, "has_value": float(value is not None),
                    "wants_value": float(q.wants_value), "names": names, "dates": dates,
                    "coverage": max(c.coverage for c in cands[:3]), "best_fused": max(c.fused for c in cands),
                    "gap": 0.0, "rare": max(c.rare for c in cands[:3]), "rare_doc": rare_doc,
                    "named": best.named, "lead": 0.0}
        decisions.append(Decision(doc, score, cands, value, features=features))
    if q.wants_value and s.corroboration > 0:
        _corroborate(decisions, s)
    top_fused = max((d.features["best_fused"] for d in decisions if d.candidates), default=0.0)
    evidences = sorted((d.score for d in decisions if d.candidates), reverse=True)
    for d in decisions:
        if d.candidates:
            d.features["gap"] = d.features["best_fused"] - top_fused
            # how far its evidence leads the best other document's (negative: it trails)
            if len(evidences) > 1:
                d.features["lead"] = d.score - (evidences[1] if d.score == evidences[0] else evidences[0])
            if s.weights:
                d.score = address_probability(d.features, s.weights)
    top = max((d.score for d in decisions), default=0.0)
    threshold = s.threshold if q.wants_value else s.open_threshold
    for d in decisions:   # a figure of another event, year or place, or a rate (kept out of a banner) answers less surely
        if d.value is not None and d.value.kind in FIGURE_KINDS and d.value.fields.get("elsewhere"):
            d.score -= s.other_year_penalty if d.value.fields.get("not_asked_year") else s.elsewhere_penalty
    if q.form == "polar":   # a yes/no question's "yes" where none of a document's sentences uses its verb
        for d in decisions:
            if d.candidates and not any(c.asked_verb for c in d.candidates[:3]):
                d.score -= s.polar_unverbed_penalty
    for d in decisions:
        d.addresses = bool(d.candidates) and d.score >= threshold and d.score >= s.relative * top and not (
            s.require_value and q.wants_value and d.value is None)
    cited = [d for d in decisions if d.addresses]
    if q.wants_value and unsure_alone([d.value for d in cited], [d.score for d in cited], s):
        for d in cited:   # a fleet's size and a passenger count for the outage's cost: none sure, none fitting
            d.addresses = False
    return decisions


def unsure_alone(values: list[Value | None], scores: list[float], s: Settings) -> bool:
    """Whether a value question's cited sources (their values and scores) make no answer: none
    addresses it with the probability `Settings.unsure_alone` asks, no value fits it as much as
    `Settings.unsure_fit`, and no two sources give the same value. A count of some of the persons asked
    for ("three FIREFIGHTERS were hurt" for "how many people were injured") fits little on purpose, to
    stay out of a banner (KIN_FIT): it answers in part, and is no scattered figure."""
    given = [v for v in values if v is not None]
    if not given or not s.unsure_alone or max(scores) >= s.unsure_alone or max(v.score for v in given) >= s.unsure_fit \
            or any(v.fields.get("counted_fit") == KIN_FIT for v in given):
        return False
    return not any(same_value(a, b) for i, a in enumerate(given) for b in given[i + 1:])


def _corroborate(decisions: list[Decision], s: Settings) -> None:
    """Break near ties between a source's own values by what the other sources answer: when a
    source's best value is compatible with no other source's answer, and a value it states itself,
    nearly as fit (within `Settings.corroboration`), is the same as one (`same_value`), that one is taken
    (the victim's age beside the victim's name, a place parsed as a person). A source whose own
    value leads by more keeps it, so a disagreement stays one. Each source is weighed against the
    others' first answers, not against answers changed here; two sources that would each take the
    other's first answer (both state both figures, and lead with different ones) would only swap
    them, so the surer of the two keeps its own and the other takes it."""
    answers = [(d, d.value) for d in decisions if d.value is not None]
    moves = {}
    for d, value in answers:
        others = [(o, v) for o, v in answers if o is not d]
        if not others or any(compatible(value, v) for _, v in others):
            continue
        found = [(alt.score, c, alt, [o for o, v in others if same_value(alt, v)]) for c in d.candidates
                 for alt in c.values if alt is not value and alt.score >= value.score - s.corroboration]
        found = [f for f in found if f[3]]
        if found:
            moves[id(d)] = (d, value, *max(found, key=lambda f: f[0])[1:])
    # Two sources that would each take the other's first value ("$48.7m" and "$612.3m" crossing)
    # keep the surer one's: it stays, the other moves to it.
    for d, value, c, alt, towards in list(moves.values()):
        crossed = [o for o in towards if id(o) in moves and any(x is d for x in moves[id(o)][4])]
        if crossed and all(value.score >= o.value.score for o in crossed):
            del moves[id(d)]
    for d, value, c, alt, _ in moves.values():
        _move_first(c.values, alt)
        _move_first(d.candidates, c)
        d.value = alt
        d.features["fit"] = alt.score


def _asked_outcome(q: Question, told: list[str], vectors: dict[str, np.ndarray], s: Settings) -> str | None:
    """The outcome the question asks about: its verb's (`_outcome`), else that of its words (`told`,
    for a question with no verb: "what was the death toll")."""
    return next((o for o in (_outcome(vectors[w], vectors, s) for w in (*q.verb_forms, *told)) if o), None)


def _outcome(vector: np.ndarray, vectors: dict[str, np.ndarray], s: Settings) -> str | None:
    """The outcome (lexicon.OUTCOMES) a word means: the nearest, when near enough and clearly
    nearer than the next (`Settings.outcome_sim`, `outcome_margin`); else None."""
    sims = sorted(((float(vector @ vectors[o]), o) for o in lx.OUTCOMES), reverse=True)
    (best, outcome), (second, _) = sims[0], sims[1]
    return outcome if best >= s.outcome_sim and best - second >= s.outcome_margin else None


def _move_first(items: list, item) -> None:
    """Put this very object first (by identity: two values or candidates can be equal as data)."""
    items.pop(next(i for i, x in enumerate(items) if x is item))
    items.insert(0, item)


def _coverage(tree: Tree, weight: dict[str, float]) -> float:
    """The IDF-weighted share of the question's words (`Answerer._coverage_weights`) the sentence uses."""
    total = sum(weight.values())
    return sum(w for t, w in weight.items() if t in tree.stem_set) / total if total else 0.0


def outlet_names(outlet: str, doc_id: str) -> set[str]:
    """The folded names an outlet goes by, none of them an answer: its name, its document id, and a
    name with a parenthesis both without it and as the parenthesis says ("TCB News (Tri-County
    Broadcasting)")."""
    names = {outlet, doc_id, re.sub(r"\s*\([^)]*\)", "", outlet)} | set(re.findall(r"\(([^)]*)\)", outlet))
    return {fold_name(n) for n in names if n.strip()}


def _unshared(title: str, role: str) -> tuple[str, str] | None:
    """The words by which a title and the asked role (its head noun last) differ, where they share one:
    ("executive", "financial officer") of "chief executive" and "chief financial officer"; ("",
    "engineer") of "chief" against "chief engineer" (a word narrowing the role is not it). None where
    they share none ("captain" against "master"), or one holds the other ("chief engineer" against
    "engineer", "engineer" against "chief engineer"): the whole phrases are compared."""
    t, r = title.split(), role.split()
    shared = {stem(w) for w in t} & {stem(w) for w in r}
    own_t = [w for w in t if stem(w) not in shared and w not in lx.NAME_LINKS]
    own_r = [w for w in r if stem(w) not in shared and w not in lx.NAME_LINKS]
    if not shared or not own_r or not own_t and stem(r[-1]) in shared:
        return None
    return " ".join(own_t), " ".join(own_r)


def _apart_words(titles: list[str], role: str) -> list[str]:
    """The words each title differs from the asked role by (`_unshared`), for the model to encode."""
    return [w for h in titles for w in (_unshared(h, role) or ()) if w]


def _title_tie(title: str, role: str, vectors: dict) -> float:
    """How near in meaning a title is to the asked role: by the words they differ by where they share
    one (`_unshared`), whatever the shared "chief" makes of their meaning; else as whole phrases."""
    apart = _unshared(title, role)
    if apart is None:
        return float(vectors[title] @ vectors[role])
    return float(vectors[apart[0]] @ vectors[apart[1]]) if apart[0] else 0.0


def asked_role(q: Question) -> str:
    """The role a question asks a person by, with the words narrowing it but its names: "night guard"
    of "the night guard who raised the alarm", "spokesman" of "the Pentagon spokesman", "watch
    officer" of "the officer of the watch"."""
    return " ".join(list(q.focus_of) + [w for w in q.words if w in q.focus_mods and w != q.focus and w not in q.name_words]
                    + [q.focus])


def asked_names(q: Question) -> list[list[str]]:
    """The words of each name the question gives, dates and lower-case phrases ("each day") aside."""
    names = [name_words(n) for n in q.names if not date_values(n) and any(w[:1].isupper() for w in n.split())]
    return [n for n in names if n]


def _named_share(names: list[list[str]], tree: Tree) -> float:
    """Share of the names the question gives (`asked_names`) that the sentence itself uses: a value
    in a sentence about another place or person is about something else."""
    if not names:
        return 1.0
    return sum(any(w in tree.folded for w in n) for n in names) / len(names)


NAMED_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")   # a year a sentence names (`Answerer._background_year`)


@lru_cache(maxsize=4096)
def _year(published: str | None) -> int | None:
    """The year of an ISO date ("2024-01-05" -> 2024), None where there is none."""
    head = (published or "")[:4]
    return int(head) if head.isdigit() else None


def _days_after(published: str | None, days: int = 2) -> frozenset[tuple[int, int]]:
    """(month, day) of the `days` days up to a document's publication date."""
    try:
        day = dt.date.fromisoformat((published or "")[:10])
    except ValueError:
        return frozenset()
    return frozenset(((day - dt.timedelta(days=k)).month, (day - dt.timedelta(days=k)).day) for k in range(days + 1))


def address_probability(features: dict[str, float], weights: tuple[float, ...]) -> float:
    """The address model: logistic regression over FEATURES (weights[-1] is the bias)."""
    z = weights[-1] + sum(w * features[name] for name, w in zip(FEATURES, weights))
    return 1.0 / (1.0 + float(np.exp(-z)))


def citations_for(d: Decision, s: Settings) -> list[Candidate]:
    """The source's best sentences by evidence, those within the margin of the best, at most
    `max_citations`, in rank order; the sentence its short answer comes from is always among them."""
    ranked = sorted(d.candidates, key=lambda c: -c.evidence(s))
    best = ranked[0].evidence(s)
    cited = [c for c in ranked if c.evidence(s) >= best - s.cite_margin][:s.max_citations]
    first = d.candidates[0]   # decide() puts the answer's sentence first
    if first not in cited:
        cited = sorted(cited[:s.max_citations - 1] + [first], key=lambda c: -c.evidence(s))
    return cited


def topic_of(q: Question) -> str:
    label = {"count": "How many", "money": "How much", "percent": "What share", "time": "What time",
             "date": "When", "duration": "How long", "measure": "How much", "age": "How old", "person": "Who",
             "name": "Name", "org": "Which organisation", "place": "Where", "role": "Role", "thing": "What",
             "score": "Score"}.get(q.kind, "Cause" if q.form == "cause" else "Answer")
    return f"{label} ({q.focus})" if q.focus and q.kind in {"count", "thing", "org", "measure", "name"} else label


def clean_question(question: str) -> tuple[str, list[str]]:
    if question is None or not str(question).strip():
        raise ValueError("the question is empty: type a question about the articles, "
                         "e.g. \"How many people were killed in the strike?\"")
    text = " ".join(str(question).split())
    notices = []
    if len(text) > MAX_QUESTION_CHARS:
        notices.append(f"the question was {len(text):,} characters long; only its first "
                       f"{MAX_QUESTION_CHARS:,} were used")
        text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUESTION_CHARS]
    return text, notices


_answerers: dict[str, Answerer] = {}
_answerers_lock = threading.Lock()


def ask(question: str, index_dir: str | os.PathLike | None = None, mode: str = "hybrid") -> Answer:
    """Answer with the Answerer of this index folder, opened once and reopened after a new ingest."""
    clean_question(question)   # a blank question is refused before any index is opened
    key = str(Path(index_dir if index_dir is not None else default_index_dir()).resolve())
    with _answerers_lock:
        answerer = _answerers.get(key)
        if answerer is None or not answerer.is_current():
            answerer = _answerers[key] = Answerer.open(index_dir)
    return answerer.ask(question, mode=mode)
