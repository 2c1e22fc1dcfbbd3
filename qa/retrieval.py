"""Hybrid sentence retrieval that keeps every source in view.

Dense (cosine of sentence-transformer vectors) and lexical (BM25 via `bm25s`) scores are computed
for *all* sentences with array operations, fused into one calibrated score, and then grouped per
document with numpy, so each document keeps its own best sentences however strong another
document is, with no Python loop over documents.

Why a calibrated score fusion rather than reciprocal rank fusion: deciding "this document does not
address the question" needs an absolute scale (RRF only says which sentence ranks higher). Cosine
similarity is already absolute; BM25 is made absolute by dividing by the score a sentence would get
for containing every question term once at average length (the sum of the question terms' IDF),
so both sit on roughly [0, 1] and are fused with `Settings.lexical_weight` (see `qa/settings.py`).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import bm25s
import numpy as np

from .porter import PorterStemmer   # nltk's, without importing nltk (1-2 s)

MODES = ("hybrid", "dense", "bm25")

# Question words carry no topic: "how many people" must not reward sentences saying "many".
QUESTION_STOPWORDS = {
    "how", "many", "much", "what", "which", "who", "whom", "whose", "when", "where", "why", "did", "does",
    "do", "was", "were", "is", "are", "has", "have", "had", "say", "said", "according",
}

BM25_K1 = 1.2   # bm25s/Lucene defaults, stated here because the normalisation below depends on them
BM25_B = 0.75

_stemmer = PorterStemmer()
# British and American spellings of one word ("self-defence", "mobilisation") must meet.
_SPELLINGS = [(re.compile(r"(def|off|lic|pret)ence$"), r"\1ense"), (re.compile(r"isation(s?)$"), r"ization\1"),
              (re.compile(r"is(e|ed|es|ing)$"), r"iz\1"), (re.compile(r"our$"), "or")]


def _american(word: str) -> str:
    if len(word) > 5:
        for pattern, replacement in _SPELLINGS:
            word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _stemmer.stem(_american(word))


def stem_all(words: list[str]) -> list[str]:
    return [stem(w) for w in words]


def _stopwords() -> list[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return sorted(set(STOPWORDS_EN) | QUESTION_STOPWORDS)


class LexicalIndex:
    """BM25 over the store's sentences, built once per store snapshot."""

    def __init__(self, texts: list[str]):
        self.stopwords = _stopwords()
        tokens = bm25s.tokenize(texts, stopwords=self.stopwords, stemmer=stem_all, show_progress=False)
        self.vocab: dict[str, int] = tokens.vocab
        self.bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        self.bm25.index(tokens, show_progress=False)
        self.n = len(texts)
        df = np.zeros(len(self.vocab) + 1, dtype=np.float64)
        for ids in tokens.ids:
            df[np.unique(np.asarray(ids, dtype=np.int64))] += 1
        self.idf = np.log1p((self.n - df + 0.5) / (df + 0.5))
        self.unseen_idf = math.log1p((self.n + 0.5) / 0.5)   # a word no sentence has is rarer than any

    def idf_of(self, term: str) -> float:
        """IDF of a stemmed term over the sentences (a term no sentence has: the rarest)."""
        at = self.vocab.get(term)
        return float(self.idf[at]) if at is not None else self.unseen_idf

    def query_terms(self, question: str) -> list[str]:
        words = re.findall(r"(?u)\b\w\w+\b", question.lower())
        stop = set(self.stopwords)
        return stem_all([w for w in words if w not in stop])

    def scores(self, question: str) -> np.ndarray:
        terms = list(dict.fromkeys(self.query_terms(question)))
        if not terms or self.n == 0:
            return np.zeros(self.n, dtype=np.float32)
        known = [t for t in terms if t in self.vocab]
        ceiling = sum(self.idf[self.vocab[t]] for t in known) + self.unseen_idf * (len(terms) - len(known))
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        raw = self.bm25.get_scores(known)
        return np.clip(raw / ceiling, 0.0, 1.0).astype(np.float32)


def top_per_document(scores: np.ndarray, sentence_doc: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The best k rows of every document: (rows, rank within its document), grouped by document.

    One lexsort orders rows by document, then by falling score; a row's rank within its document
    is its position minus where its document's run starts. Cost O(n log n) in array code, whatever
    the number of documents.
    """
    if scores.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((-scores, sentence_doc))
    docs = sentence_doc[order]
    starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, docs.size]))
    rank = np.arange(docs.size) - run_start
    keep = rank < k
    return order[keep], rank[keep]
