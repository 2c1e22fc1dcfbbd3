"""The bundled gold set: well formed, honest to the articles, and covering what the eval issue asks for."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # `eval` is a folder of the project, not an installed package

from eval.gold import load_gold  # noqa: E402
from eval.matching import normalise, tokens  # noqa: E402

GOLD = ROOT / "eval" / "gold.jsonl"
ARTICLES = ROOT / "data" / "articles"
DOC_IDS = sorted(p.stem for p in ARTICLES.glob("*.txt"))
QUESTIONS = load_gold(GOLD, DOC_IDS)
TEXTS = {doc_id: normalise((ARTICLES / f"{doc_id}.txt").read_text(encoding="utf-8")) for doc_id in DOC_IDS}


def pairs():
    return [pytest.param(q, doc_id, id=f"{q.id}/{doc_id}") for q in QUESTIONS for doc_id in q.sources]


def test_size_and_unanswerable_share():
    assert len(QUESTIONS) >= 40
    assert sum(1 for q in QUESTIONS if not q.sources) >= 5


def test_ids_unique_and_every_line_a_question():
    lines = [line for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(set(ids)) == len(QUESTIONS)


def test_source_ids_are_documents_of_the_bundled_corpus():
    assert DOC_IDS == ["afp", "nyt", "the-national", "upi", "washington-post"]
    assert {doc_id for q in QUESTIONS for doc_id in q.sources} <= set(DOC_IDS)


@pytest.mark.parametrize("question,doc_id", pairs())
def test_every_evidence_string_occurs_in_its_article(question, doc_id):
    for evidence in question.sources[doc_id].evidence:
        assert normalise(evidence) in TEXTS[doc_id], f"{question.id}: {evidence!r} is not in {doc_id}"


@pytest.mark.parametrize("question,doc_id", pairs())
def test_some_gold_answer_is_written_in_the_article(question, doc_id):
    """Catches typos in answers: at least one acceptable answer stands in the article as written."""
    article = tokens(TEXTS[doc_id])
    found = [a for a in question.sources[doc_id].answer
             if any(article[i:i + len(tokens(a))] == tokens(a) for i in range(len(article)))]
    assert found, f"{question.id}: none of {question.sources[doc_id].answer} is in {doc_id}"


def test_every_evidence_string_lies_inside_one_indexed_sentence(bundled_index):
    """Citations are whole sentences, so evidence split across two sentences could never be matched."""
    from index import SentenceStore

    store = SentenceStore.open(bundled_index)
    sentences: dict[str, list[str]] = {}
    for sentence in store.sentences:
        sentences.setdefault(sentence.doc_id, []).append(normalise(sentence.text))
    split = [(q.id, doc_id, e) for q in QUESTIONS for doc_id, s in q.sources.items() for e in s.evidence
             if not any(normalise(e) in text for text in sentences[doc_id])]
    assert split == []


def test_disagreements_have_sources_that_give_different_answers():
    for q in QUESTIONS:
        if q.disagree:
            answers = {tuple(tokens(s.answer[0])) for s in q.sources.values()}
            assert len(q.sources) >= 2 and len(answers) >= 2, q.id


def test_covers_what_the_issue_asks_for():
    ids = {q.id for q in QUESTIONS}
    # every fact the outlets report differently
    assert {"killed-count", "injured-count", "commander-name", "commander-role", "attack-count"} <= ids
    # the Post's Feb. 7 strike, asked about on its own
    feb7 = [q for q in QUESTIONS if "feb" in q.question.lower()]
    assert len(feb7) >= 5 and all(set(q.sources) == {"washington-post"} for q in feb7)
    # facts reported by one outlet only
    assert sum(1 for q in QUESTIONS if len(q.sources) == 1) >= 10
    # agreements worded differently: several outlets, no disagreement
    assert sum(1 for q in QUESTIONS if len(q.sources) >= 3 and not q.disagree) >= 8
