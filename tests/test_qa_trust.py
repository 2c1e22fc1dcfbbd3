"""Trustworthy answers on the bundled corpus: no padded citations, "not mentioned" for near misses,
values tied to the asked place and event, short yes/no and quoted answers, honest calibration."""
from __future__ import annotations

import pytest

from qa.answering import Answerer, Candidate, citations_for, first_quote
from qa.calibrate import best_setting, fold_of
from qa.extract import Value
from qa.thresholds import for_mode

KILLED = "How many people were killed in the January 4 strike?"


@pytest.fixture(scope="session")
def answerer(bundled_index) -> Answerer:
    return Answerer.open(bundled_index)


def by_doc(answer):
    return {s.doc_id: s for s in answer.sources}


def test_citations_of_a_source_with_values_each_carry_one(answerer):
    """The National was padded with "It is important to note that this strike was taken in self-defence..."."""
    answer = answerer.ask(KILLED)
    for source in answer.sources:
        assert 1 <= len(source.citations) <= 3
    national = by_doc(answer)["the-national"]
    assert not any("self-defence" in c.text for c in national.citations)
    for citation in national.citations:
        assert any(word in citation.text.lower() for word in ("three", "killed", "one other"))


def test_spokesman_question_cites_no_bystanders(answerer):
    answer = answerer.ask("Who is the Pentagon spokesman?")
    texts = [c.text for s in answer.sources for c in s.citations]
    assert not any("Jonathan Lord" in t or "Lord said" in t for t in texts)
    for source in answer.sources:
        if source.answer and "Ryder" in source.answer:
            assert all("Ryder" in c.text for c in source.citations), source.doc_id


def test_a_figure_for_another_place_is_not_the_answer(answerer):
    """NYT's "about 2,500 U.S. forces in Iraq" does not answer "how many in Syria"."""
    answer = answerer.ask("How many U.S. troops are in Syria?")
    values = {s.doc_id: s.answer for s in answer.sources}
    assert values["the-national"] == "900" and values["afp"] == "900"
    assert "2,500" not in (values.get("nyt") or "")
    assert not answer.disagreement.flag


def test_a_series_of_strikes_is_not_the_toll_of_one(answerer):
    answer = answerer.ask("How many people have the earlier U.S. strikes in Iraq and Syria killed?")
    assert not answer.disagreement.flag
    assert by_doc(answer)["the-national"].answer == "more than 12"
    assert not any(s.answer in {"2", "3"} for s in answer.sources)


@pytest.mark.parametrize("question", ["What is the population of Baghdad?", "How much did the drone cost?",
                                      "How many Israeli hostages are being held in Gaza?",
                                      "What did Iran's foreign ministry say about the Baghdad strike?"])
def test_near_misses_cite_at_most_one_loosely_related_outlet(answerer, question):
    answer = answerer.ask(question)
    assert len(answer.sources) <= 1
    assert not answer.disagreement.flag


def test_topic_word_only_one_outlet_uses_keeps_to_it(answerer):
    answer = answerer.ask("Why could journalists not reach the site of the Jan. 4 strike?")
    assert [s.doc_id for s in answer.sources] == ["afp"]


def test_yes_no_questions_get_yes_or_no(answerer):
    civilians = answerer.ask("Were any civilians harmed in the Jan. 4 strike?")
    assert len(civilians.sources) >= 3 and all(s.answer == "no" for s in civilians.sources)
    defense = answerer.ask("Did the Pentagon say the Jan. 4 strike was an act of self-defense?")
    assert all(s.answer == "yes" for s in defense.sources)


def test_what_did_they_call_it_takes_the_quoted_words(answerer):
    answer = answerer.ask("What did the Popular Mobilization Force call the Jan. 4 strike?")
    assert by_doc(answer)["upi"].answer == "criminal act"
    open_answer = answerer.ask("Why has the U.S. generally avoided striking targets inside Baghdad?")
    assert all(s.answer is None for s in open_answer.sources)   # asks for no short value


def _cand(score: float, values: list[Value], sid: int) -> Candidate:
    return Candidate(row=sid, sentence_id=sid, doc=0, fused=score, score=score, values=values)


def test_citations_for_keeps_value_sentences_or_close_ones():
    setting = for_mode("hybrid")
    three = Value("3", "3", "count", 1.0, 1, number=3.0)
    two = Value("2", "2", "count", 1.0, 3, number=2.0)
    eligible = [_cand(0.7, [three], 1), _cand(0.69, [], 2), _cand(0.5, [two], 3), _cand(0.45, [three], 4)]
    assert [c.sentence_id for c in citations_for(eligible, [three, two], setting)] == [1, 3, 4]
    assert [c.sentence_id for c in citations_for(eligible, [three], setting)] == [1, 4]
    # No value: only sentences within the relative margin of the best one.
    plain = [_cand(0.6, [], 1), _cand(0.6 * (1 - setting.cite_relative) + 0.01, [], 2), _cand(0.2, [], 3)]
    assert [c.sentence_id for c in citations_for(plain, [], setting)] == [1, 2]


def test_first_quote():
    assert first_quote(['The PMF confirmed the strike, calling it a "criminal act" and a "deliberate escalation."']) \
        == "criminal act"
    assert first_quote(["No quotes here.", "He called it \u201ca clear aggression\u201d."]) == "a clear aggression"
    assert first_quote(["No quotes here."]) is None


def test_cross_validation_split_is_fixed_and_splits_the_gold_set():
    ids = [f"q{n}" for n in range(200)]
    folds = [fold_of(i) for i in ids]
    assert folds == [fold_of(i) for i in ids]          # same split every run
    assert 60 < sum(folds) < 140                       # both halves hold questions
    assert fold_of("killed-count") in (0, 1)


def test_best_setting_separates_addressing_documents():
    import numpy as np

    # (gold addresses, wants value, names a day, rows [relevance, gives value, on day])
    pairs = [(True, True, False, np.array([[0.6, 1, 1]])), (True, True, False, np.array([[0.5, 0, 1]])),
             (False, True, False, np.array([[0.3, 0, 1]])), (False, False, False, np.array([[0.2, 0, 1]])),
             (True, False, False, np.array([[0.4, 0, 1]]))]
    f, threshold, open_threshold, _, _ = best_setting(pairs)
    assert f == 1.0 and 0.3 < threshold <= 0.5 and 0.2 < open_threshold <= 0.4
