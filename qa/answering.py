"""One question in, one Answer out: every source's evidence, short answer and the disagreements.

Steps: analyse the question; score all sentences (dense + BM25); keep each document's best
candidates; re-rank them by whether they give the kind of value asked for and are about the
day asked about; decide per document whether it addresses the question (calibrated threshold);
extract each source's values from its cited sentences; compare the values across sources.
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from index import Analysis, Embedder, SentenceStore, default_index_dir, load_nlp
from index.store import DB_NAME

from . import thresholds
from .answer import Answer, Citation, SourceAnswer
from .dates import MonthDay, parse_iso, resolve, sentence_days
from .disagreement import SourceValue, compare
from .extract import Tree, Value, values_in
from .question import SYNONYMS, Question, analyse_question
from .render import summarize
from .names import fold, name_tokens
from .retrieval import MODES, LexicalIndex, fuse, stem, stem_all, top_per_document

MAX_QUESTION_CHARS = 1000   # a question longer than this is cut (and the reader told)
CANDIDATES_PER_DOC = 16     # sentences per document looked at closely (values, dates) before choosing 3
MAX_CITATIONS = 3
LEAD_SENTENCES = 6          # where an article states the day of the event it reports


@dataclass
class SentenceFacts:
    """What a sentence says whatever the question: its parse tree, its days, its stems."""

    tree: Tree
    days: list[date]
    resolved: dict[str, str]      # DATE entity text -> ISO day
    stems: set[str]


@dataclass
class Candidate:
    row: int
    sentence_id: int
    doc: int
    fused: float
    score: float = 0.0
    values: list[Value] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    event: date | None = None          # the day this sentence is about (its own, else its article's)
    on_asked_day: bool | None = None   # None: the question names no day
    specific: bool = True              # it uses one of the question's most specific words


class Answerer:
    """Loads the index snapshot, the embedder, BM25 and spaCy once; answers many questions."""

    def __init__(self, store: SentenceStore, embedder: Embedder, nlp):
        self.store = store
        self.embedder = embedder
        self.nlp = nlp
        self.lexical = LexicalIndex([s.text for s in store.sentences])
        self._docs_with: dict[str, set[int]] = {}   # folded word -> documents that use it
        self._docs_with_stem: dict[str, set[int]] = {}   # stemmed word -> documents that use it
        for doc, document in enumerate(store.documents):
            text = store.text(document.doc_id)
            for word in set(fold(text).split()):
                self._docs_with.setdefault(word, set()).add(doc)
            for word in set(stem_all(sorted(set(re.findall(r"(?u)\b\w\w+\b", text.lower()))))):
                self._docs_with_stem.setdefault(word, set()).add(doc)
        self._analyses: dict[int, Analysis] = {}
        self._facts: dict[int, SentenceFacts] = {}
        self._events: dict[int, date | None] = {}
        self._lock = threading.Lock()
        self._within: dict[frozenset, Answerer] = {}   # doc_ids -> an answerer over them alone
        self._within_lock = threading.Lock()
        self._encode = lru_cache(maxsize=1024)(self._encode_uncached)
        self._question = lru_cache(maxsize=1024)(lambda text: analyse_question(text, self.nlp))

    @classmethod
    def open(cls, index_dir: str | os.PathLike | None = None) -> "Answerer":
        store = SentenceStore.open(index_dir)   # raises IndexNotFound, saying how to ingest
        return cls(store, Embedder(store.model, threads=1), load_nlp())

    def is_current(self) -> bool:
        """False once an ingest or removal has committed a newer generation of the index."""
        try:
            conn = sqlite3.connect(f"file:{Path(self.store.index_dir) / DB_NAME}?mode=ro", uri=True, timeout=5)
            try:
                row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            return False
        return row is not None and int(row[0]) == self.store.generation

    # -- the one public verb ---------------------------------------------------------------
    def ask(self, question: str, mode: str = "hybrid", doc_ids=None) -> Answer:
        """The answer from every document, or, with `doc_ids`, from those only (sources and
        not_mentioned both), judged as if they had been indexed alone."""
        if doc_ids is not None:
            return self.within(doc_ids).ask(question, mode=mode)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        text, notices = clean_question(question)
        q = self._question(text)
        scores = self._scores(text, mode)
        candidates = self._candidates(q, scores, mode, self.specific_terms(q))
        allowed = self.allowed_docs(q, candidates)
        for doc in list(candidates):
            if doc not in allowed:
                del candidates[doc]
        answer = Answer(question=text, notices=notices)
        self._fill_sources(answer, q, candidates, mode)
        summarize(answer, q)
        return answer

    def within(self, doc_ids) -> "Answerer":
        """An answerer over these documents alone: its own BM25 and its own counts of which names
        and words are rare, so that one story's answer does not depend on the other stories.
        Made once per set of documents (a few, kept)."""
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
                found = self._within[key] = Answerer(self.store.subset(key), self.embedder, self.nlp)
                # A question is encoded and parsed once, whichever documents answer it.
                found._encode, found._question = self._encode, self._question
            return found

    def specific_terms(self, q: Question) -> list[str]:
        """The two rarest content words of the question, stemmed: what a sentence about it uses."""
        return self.lexical.rarest_terms(q.text, content={stem(w) for w in q.words})

    # -- retrieval ---------------------------------------------------------------------------
    def _encode_uncached(self, text: str) -> np.ndarray:
        return self.embedder.encode([text])[0]

    def _scores(self, text: str, mode: str) -> np.ndarray:
        n = len(self.store.sentences)
        dense = self.store.vectors @ self._encode(text) if mode != "bm25" else np.zeros(n, np.float32)
        lexical = self.lexical.scores(text) if mode != "dense" else np.zeros(n, np.float32)
        return fuse(dense, lexical, mode)

    def _naming_docs(self, q: Question) -> set[int]:
        """Documents that can address a question naming something rare ("Erbil", "John Kirby").

        A name used by fewer than half of the documents is specific: a document that never uses
        it is about something else, however close its sentences come. Common names ("Iraq",
        "Harakat al-Nujaba" in this corpus) restrict nothing.
        """
        every = set(range(len(self.store.documents)))
        allowed = set(every)
        for name in q.names:
            words = name_tokens(name) or fold(name).split()
            if not words:
                continue
            word = max(reversed(words), key=len)
            having = self._docs_with.get(word, set())
            if len(having) < len(every) / 2:
                allowed &= having
        return allowed

    def allowed_docs(self, q: Question, candidates: dict[int, list]) -> set[int]:
        """Documents that may address the question: those using its specific names (see
        `_naming_docs`) and its specific topic words.

        A common noun or adjective of the question ("journalists", "population", "weapons") that
        fewer than half of the documents in view use is what the question is about: a document
        that never uses it (nor a synonym) is about something else, however close its sentences
        come in meaning. A word no document uses is a paraphrase and restricts nothing.
        """
        allowed = self._naming_docs(q)
        in_view = set(candidates) & allowed
        for word in q.topic_words:
            stems = {stem(w) for w in _synonyms(word)}
            having = set().union(*(self._docs_with_stem.get(s, set()) for s in stems)) & in_view
            if having and len(having) < len(in_view) / 2:
                allowed &= having
        return allowed

    def _candidates(self, q: Question, scores: np.ndarray, mode: str, rare: list[str] | None = None
                    ) -> dict[int, list[Candidate]]:
        """Per document index, its best sentences re-ranked by the value they give and their day."""
        setting = thresholds.for_mode(mode)
        rows, _ = top_per_document(scores, self.store.sentence_doc, CANDIDATES_PER_DOC)
        rows = rows[scores[rows] >= setting.floor]   # clearly off-topic: not worth a closer look
        ids = self.store.sentence_ids[rows]
        self._load_analyses(ids)
        by_doc: dict[int, list[Candidate]] = {}
        for row, sid in zip(rows.tolist(), ids.tolist()):
            doc = int(self.store.sentence_doc[row])
            c = Candidate(row, sid, doc, float(scores[row]))
            self._judge(c, q, setting, rare)
            by_doc.setdefault(doc, []).append(c)
        for cands in by_doc.values():
            cands.sort(key=lambda c: -c.score)
        return by_doc

    def _sentence_facts(self, c: Candidate) -> SentenceFacts:
        facts = self._facts.get(c.sentence_id)
        if facts is None:
            sentence = self.store.sentences[c.row]
            analysis = self._analyses[c.sentence_id]
            published = parse_iso(self.store.documents[c.doc].published)
            date_texts = [e.text for e in analysis.entities if e.label == "DATE"]
            facts = SentenceFacts(
                tree=Tree(analysis),
                days=sentence_days(sentence.text, date_texts, published),
                resolved={e: d.isoformat() for e in date_texts if (d := resolve(e, published)) is not None},
                stems=set(stem_all([t.text.lower() for t in analysis.tokens])))
            if len(self._facts) > 200_000:
                self._facts.clear()
            self._facts[c.sentence_id] = facts
        return facts

    def _judge(self, c: Candidate, q: Question, setting: thresholds.Setting, rare: list[str] | None) -> None:
        sentence = self.store.sentences[c.row]
        facts = self._sentence_facts(c)
        c.days = facts.days
        c.event = c.days[0] if c.days else self._article_event(c.doc)
        c.values = values_in(q, self._analyses[c.sentence_id], sentence.text, c.sentence_id, facts.resolved,
                             rare, facts.tree) if q.wants_value else []
        c.specific = not rare or bool(set(rare) & facts.stems)
        if q.kind == "yesno" and not c.specific:
            c.values = []   # a yes or a no only from a sentence about the question's own subject
        c.score = c.fused
        if c.values:
            c.score += setting.value_bonus
        if q.days:
            c.on_asked_day = _on_day(c.days, c.event, q.days, q.weekdays)
            if not c.on_asked_day:
                c.score -= setting.other_day_penalty

    def _article_event(self, doc: int) -> date | None:
        """The day an article's story is about: the first day its lead names, else its date."""
        if doc not in self._events:
            document = self.store.documents[doc]
            published = parse_iso(document.published)
            lead = self._lead(doc)
            self._load_analyses([s.sentence_id for s in lead])
            event = None
            for s in lead:
                dates = [e.text for e in self._analyses[s.sentence_id].entities if e.label == "DATE"]
                days = sentence_days(s.text, dates, published)
                if days:
                    event = days[0]
                    break
            self._events[doc] = event or published
        return self._events[doc]

    def _lead(self, doc: int) -> list:
        rows = np.flatnonzero(self.store.sentence_doc == doc)[:LEAD_SENTENCES]   # rows follow positions
        return [self.store.sentences[r] for r in rows]

    def _load_analyses(self, sentence_ids) -> None:
        missing = [int(s) for s in sentence_ids if int(s) not in self._analyses]
        if missing:
            with self._lock:
                if len(self._analyses) > 200_000:   # bound memory on a huge corpus
                    self._analyses.clear()
                self._analyses.update(self.store.analysis(missing))

    # -- per source ---------------------------------------------------------------------------
    def _fill_sources(self, answer: Answer, q: Question, by_doc: dict[int, list[Candidate]], mode: str) -> None:
        setting = thresholds.for_mode(mode)
        chosen: list[tuple[float, SourceAnswer, list[Candidate]]] = []
        for doc, document in enumerate(self.store.documents):
            cands = by_doc.get(doc, [])
            if not addresses(cands, q, setting):
                answer.not_mentioned.append(document.doc_id)
                continue
            eligible = [c for c in cands if c.score >= cands[0].score - setting.cite_margin
                        and (c.on_asked_day is not False)] or cands[:1]
            values = source_values(eligible[:MAX_CITATIONS])
            cited = citations_for(eligible, values, setting)
            source = SourceAnswer(doc_id=document.doc_id, outlet=document.outlet, published=document.published,
                                  answer=None)
            source.citations = [Citation(n=0, sentence_id=c.sentence_id, text=self.store.sentences[c.row].text,
                                         score=round(c.score, 4), start=self.store.sentences[c.row].start,
                                         end=self.store.sentences[c.row].end) for c in cited]
            chosen.append((cands[0].score, source, cited, values))
        chosen.sort(key=lambda x: -x[0])
        primary: dict[str, Value] = {}
        n = 0
        for _, source, cited, values in chosen:
            for citation in source.citations:
                n += 1
                citation.n = n
            source.values = [v.text for v in values]
            source.answer = "; ".join(source.values) if values else None
            if not values and q.quotes:
                quoted = first_quote([c.text for c in source.citations])
                source.answer = quoted
                source.values = [quoted] if quoted else []
            if values:
                primary[source.doc_id] = values[0]
                primary_event = next(c.event for c in cited if c.sentence_id == values[0].sentence_id)
                source.event = primary_event.isoformat() if primary_event else None
            answer.sources.append(source)
        answer.disagreement = compare(comparable(answer, q, primary), topic_of(q))


def _synonyms(word: str) -> set[str]:
    out = {word}
    for words in SYNONYMS:
        if word in words or stem(word) in {stem(w) for w in words}:
            out |= words
    return out


def comparable(answer: Answer, q: Question, primary: dict[str, Value]) -> list[SourceValue]:
    """Each source's main value; those about another day than the question's (or than most
    sources', when the question names none) are kept out of the comparison."""
    if not primary:
        return []
    consensus = Counter(s.event for s in answer.sources if s.doc_id in primary).most_common(1)[0][0]
    out = []
    for source in answer.sources:
        if source.doc_id not in primary:
            continue
        if q.days:
            same = source.event is not None and any(d.matches(date.fromisoformat(source.event)) for d in q.days)
        else:
            same = source.event == consensus
        out.append(SourceValue(source.doc_id, source.outlet, primary[source.doc_id], comparable=same))
    return out


def _on_day(days: list[date], event: date | None, asked: tuple[MonthDay, ...], weekdays: frozenset[int]) -> bool:
    """Whether a sentence is about a day the question names. "The Friday before the Feb. 7 strike"
    also names the Friday of the week around Feb. 7."""
    def named(day: date) -> bool:
        return any(a.matches(day) for a in asked) or day.weekday() in weekdays and any(
            abs((day - date(day.year, a.month, a.day)).days) <= 7 for a in asked)

    if days:
        return any(named(d) for d in days)
    return event is not None and named(event)


def addresses(cands: list[Candidate], q: Question, setting: thresholds.Setting) -> bool:
    """Whether a document addresses the question: its best sentence clears the calibrated threshold,
    and, when the question names a day, some clearing sentence is about that day."""
    threshold = setting.threshold if q.wants_value else setting.open_threshold
    if not cands or cands[0].score < threshold:
        return False
    if not can_address(cands, q):
        return False
    if q.days:
        return any(c.on_asked_day and c.score >= threshold for c in cands)
    return True


# Questions a source answers only by stating the value: a figure, or which kind of thing it was.
NEEDS_A_VALUE = {"count", "kind"}


def can_address(cands: list[Candidate], q: Question) -> bool:
    """Whether a document's candidates can address the question at all, whatever their scores.

    A question that asks for a figure or a kind needs a sentence stating one: "How old was Abu
    Taqwa?" is not answered by a sentence that names him, however close in meaning. A question
    that asks for no short value ("Why has the U.S. avoided striking inside Baghdad?") needs a
    sentence using one of its two rarest content words: sentences about Baghdad in general are not
    about that.
    """
    if not q.wants_value:
        return any(c.specific for c in cands)
    return q.kind not in NEEDS_A_VALUE or any(c.values for c in cands)


def citations_for(eligible: list[Candidate], values: list[Value], setting: thresholds.Setting) -> list[Candidate]:
    """The sentences a source is cited by, at most MAX_CITATIONS, in rank order.

    The first is always its best sentence. Further ones must support what the answer says for
    it: when the source gives values, sentences that carry one of them; otherwise (the question
    asks for no short value, or none was found, or it is a yes or no) sentences whose score is
    within `cite_relative` of the best one's, so that a source is never padded with its
    least-bad sentences.
    """
    best = eligible[0]
    floor = best.score * (1.0 - setting.cite_relative)
    cited = [best]
    for c in eligible[1:]:
        if len(cited) == MAX_CITATIONS:
            break
        if values and values[0].kind != "yesno":
            keep = any(_same_value(v, w) for v in c.values for w in values)
        else:
            keep = c.score >= floor and (not values or any(v.key == values[0].key for v in c.values))
        if keep:
            cited.append(c)
    return cited


_QUOTE = re.compile(r"[\u201c\"]([^\u201c\u201d\"]{3,300})[\u201d\"]")


def first_quote(texts: list[str]) -> str | None:
    """The first quoted phrase of the first sentence that quotes one ("calling it a "criminal act""):
    what a "what did X call / say" question asks for, in the source's own words."""
    for text in texts:
        for m in _QUOTE.finditer(text):
            phrase = m.group(1).strip(" ,.;:")
            if len(phrase.split()) >= 1 and any(ch.isalpha() for ch in phrase):
                return phrase
    return None


def source_values(cited: list[Candidate]) -> list[Value]:
    """A source's values, main one first: figures it states before figures inferred, then the
    firmest tie to the question, then the better-ranked sentence.

    Only counts may give a second value (The National's headline says three killed, the Pentagon
    quote it prints implies two); for names, days and roles the best-tied one is the answer.
    """
    found = [(v, rank) for rank, c in enumerate(cited) for v in c.values]
    if not found:
        return []
    if found[0][0].kind == "yesno":
        return [found[0][0]]   # yes or no: what the most relevant sentence says
    found.sort(key=lambda x: (x[0].derived, -x[0].tie + 0.3 * x[1]))
    out = [found[0][0]]
    if out[0].kind == "count":
        for v, _ in found[1:]:
            if not any(_same_value(v, o) for o in out) and v.sentence_id != out[0].sentence_id:
                out.append(v)
                break
    return out


def _same_value(a: Value, b: Value) -> bool:
    from .disagreement import compatible

    return a.key == b.key or (a.kind == "count" and a.number == b.number) or (
        a.kind in {"person", "org", "place"} and compatible(a, b))


def topic_of(q: Question) -> str:
    if q.kind == "count":
        if {"kill", "die"} & q.predicate:
            return "Killed"
        if {"injure", "wound"} & q.predicate:
            return "Injured"
        return (q.focus or "count").capitalize() + ("s" if q.focus and not q.focus.endswith("s") else "")
    return {"person": "Who", "org": "Which group", "place": "Where", "date": "When", "time": "What time",
            "role": "Role", "kind": f"Kind of {q.focus}", "yesno": "Yes or no"}.get(q.kind, "Answer")


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
