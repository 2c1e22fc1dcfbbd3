"""The qa pipeline end to end on the bundled corpus: real model, real FAISS, real SQLite, real spaCy."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import index
from qa.answering import MAX_QUESTION_CHARS, Answerer, ask
from qa.cli import main
from qa.render import as_text

KILLED = "How many people were killed in the January 4 strike?"
SPOKESMAN = "Who is the Pentagon spokesman?"


@pytest.fixture(scope="session")
def answerer(bundled_index) -> Answerer:
    return Answerer.open(bundled_index)


def groups(answer) -> dict[str, set[str]]:
    return {v.value: set(v.doc_ids) for v in answer.disagreement.values}


def test_killed_question_flags_two_against_three_naming_outlets(answerer):
    answer = answerer.ask(KILLED)
    cited = {s.doc_id for s in answer.sources}
    assert len(cited) >= 4
    assert answer.disagreement.flag
    assert groups(answer) == {"3": {"nyt", "the-national"}, "2": {"upi", "afp"}}
    summary = answer.disagreement.summary
    assert "The New York Times" in summary and "UPI" in summary and "AFP" in summary
    assert summary.index("The New York Times") < summary.index(" 3") < summary.index("UPI")
    # The National prints the headline figure and a Pentagon quote that implies another: both shown.
    national = next(s for s in answer.sources if s.doc_id == "the-national")
    assert national.values[0] == "3" and "2" in national.values and national.answer == "; ".join(national.values)
    # The paragraph leads with the disagreement.
    assert answer.summary.startswith(summary)


def test_spokesman_cites_every_outlet_naming_him_and_flags_nothing(answerer):
    answer = answerer.ask(SPOKESMAN)
    by_doc = {s.doc_id: s for s in answer.sources}
    for doc_id in ("nyt", "upi", "the-national", "afp"):
        assert "Ryder" in (by_doc[doc_id].answer or ""), doc_id
        assert any("Ryder" in c.text for c in by_doc[doc_id].citations), doc_id
    assert by_doc["nyt"].answer == "Patrick Ryder" and by_doc["upi"].answer == "Pat Ryder"
    assert not answer.disagreement.flag


def test_commander_name_groups_outlets_by_the_man_they_name(answerer):
    """Three outlets name al-Jawari, two al-Saidi; both men are called "Abu Taqwa", so the alias
    must not decide, the spokesman who reported the killing is not the one killed, and a militia
    the tagger labels a person is no name."""
    answer = answerer.ask("What was the name of the commander killed in the Jan. 4 strike in Baghdad?")
    assert answer.disagreement.flag
    assert groups(answer) == {"Mushtaq Jawad Kazim al-Jawari": {"upi", "nyt", "the-national"},
                              "Mushtaq Talib al-Saidi": {"washington-post", "afp"}}
    by_doc = {s.doc_id: s.answer for s in answer.sources}
    assert by_doc == {"nyt": "al-Jawari", "upi": "Mushtaq Jawad Kazim al-Jawari",
                      "the-national": "Mushtaq Jawad Kazim Al Jawari", "afp": "Mushtaq Talib al-Saidi",
                      "washington-post": "Mushtaq Talib al-Saidi"}


@pytest.mark.parametrize("question", ["How old was Abu Taqwa?", "What is the population of Baghdad?"])
def test_count_question_is_not_answered_by_sentences_without_a_figure(answerer, question):
    # The National names Abu Taqwa and The New York Times speaks of Baghdad's "population density":
    # close in meaning, but neither states the figure asked for.
    answer = answerer.ask(question)
    assert answer.sources == []
    assert answer.summary == "No source addresses this question."


def test_open_question_is_not_padded_with_outlets_that_never_touch_it(answerer):
    # Every outlet writes about Baghdad; only The New York Times says why the U.S. avoided it.
    answer = answerer.ask("Why has the U.S. generally avoided striking targets inside Baghdad?")
    assert [s.doc_id for s in answer.sources] == ["nyt"]
    assert any("population density" in c.text for c in answer.sources[0].citations)


def test_specific_terms_are_content_words(answerer):
    # "doing" and "been" are rare in the corpus but say nothing of what is asked.
    q = answerer._question("What did the Pentagon say the commander killed on Jan. 4 had been doing?")
    assert answerer.specific_terms(q) == ["pentagon", "command"]


def test_kind_of_strike_per_outlet_and_no_outlet_without_one(answerer):
    answer = answerer.ask("What kind of strike killed the commander in Baghdad on Jan. 4?")
    by_doc = {s.doc_id: s.answer for s in answer.sources}
    assert by_doc == {"upi": "drone strike", "nyt": "U.S. Special Operations drone strike", "afp": "airstrike",
                      "washington-post": "airstrike"}
    assert answer.not_mentioned == ["the-national"]   # it never says what kind of strike it was
    assert not answer.disagreement.flag   # a drone strike is an airstrike


@pytest.fixture(scope="module")
def harbour(tmp_path_factory) -> Answerer:
    """Another story (tests/fixtures/eval/corpus): the rules must hold beyond the bundled articles."""
    folder = tmp_path_factory.mktemp("harbour-index")
    assert index.ingest([Path(__file__).parent / "fixtures" / "eval" / "corpus"], folder).ok
    return Answerer.open(folder)


def test_another_story_nicknames_amounts_and_a_disagreement(harbour):
    chief = harbour.ask("Who is the fire chief?")
    assert {s.doc_id: s.answer for s in chief.sources} == {"harbour-daily": "Margaret Olsen",
                                                           "coast-tribune": "Maggie Olsen"}
    assert not chief.disagreement.flag   # Maggie is Margaret
    cost = harbour.ask("How much will the new library cost?")
    assert [(s.doc_id, s.answer) for s in cost.sources] == [("valley-news", "4 million euros")]
    wheat = harbour.ask("How much wheat did the warehouse hold?")
    assert [(s.doc_id, s.answer) for s in wheat.sources] == [("harbour-daily", "3,000 tonnes")]
    injured = harbour.ask("How many workers were injured in the warehouse fire?")
    assert groups(injured) == {"4": {"harbour-daily"}, "2": {"coast-tribune"}} and injured.disagreement.flag


def test_question_no_article_answers_cites_nothing(answerer):
    answer = answerer.ask("Who won the Super Bowl?")
    assert answer.sources == []
    assert sorted(answer.not_mentioned) == ["afp", "nyt", "the-national", "upi", "washington-post"]
    assert answer.summary == "No source addresses this question."
    assert not answer.disagreement.flag


def test_a_named_day_keeps_other_events_apart(answerer):
    """The Washington Post alone reports the Feb. 7 strike; the others' Jan. 4 figures are not about it."""
    answer = answerer.ask("Who was killed in the February 7 strike?")
    assert [s.doc_id for s in answer.sources] == ["washington-post"]
    # Its sentence on the Jan. 4 strike (al-Saidi) is about another day: neither cited nor the answer.
    assert not any("Jan. 4" in c.text for c in answer.sources[0].citations)
    assert "Saidi" not in (answer.sources[0].answer or "")
    assert not answer.disagreement.flag


def test_spellings_of_one_group_are_not_a_disagreement(answerer):
    answer = answerer.ask("Which militia group did the commander killed on Jan. 4 belong to?")
    assert not answer.disagreement.flag


def test_approximate_and_exact_figures_agree(answerer):
    answer = answerer.ask("How many U.S. troops are in Iraq?")
    values = {s.doc_id: s.answer for s in answer.sources}
    assert values["nyt"] == "about 2,500" and values["the-national"] == "2,500"
    assert not answer.disagreement.flag


def test_time_is_said_plainly(answerer):
    answer = answerer.ask("At what time of day was the Jan. 4 strike carried out?")
    upi = next(s for s in answer.sources if s.doc_id == "upi")
    assert upi.answer.startswith("noon")


@pytest.mark.parametrize("mode", ["dense", "bm25"])
def test_single_retrievers_still_find_the_disagreement(answerer, mode):
    answer = answerer.ask(KILLED, mode=mode)
    assert answer.disagreement.flag
    assert {"nyt", "upi", "afp", "the-national"} <= {s.doc_id for s in answer.sources}


def test_answer_object_is_the_contract(answerer):
    data = json.loads(json.dumps(answerer.ask(KILLED).to_dict()))
    assert {"question", "sources", "not_mentioned", "disagreement"} <= set(data)
    source = data["sources"][0]
    assert {"doc_id", "outlet", "published", "answer", "citations"} <= set(source)
    assert {"n", "sentence_id", "text", "score"} <= set(source["citations"][0])
    assert {"flag", "summary", "values"} <= set(data["disagreement"])
    numbers = [c["n"] for s in data["sources"] for c in s["citations"]]
    assert numbers == list(range(1, len(numbers) + 1))
    for s in data["sources"]:
        assert len(s["citations"]) <= 3
        scores = [c["score"] for c in s["citations"]]
        assert scores == sorted(scores, reverse=True)


def test_citations_are_sentences_as_they_stand(answerer):
    answer = answerer.ask(KILLED)
    for source in answer.sources:
        text = answerer.store.text(source.doc_id)
        for c in source.citations:
            assert text[c.start:c.end] == c.text


def test_rendered_text_maps_each_number_to_one_sentence(answerer):
    answer = answerer.ask(KILLED)
    text = as_text(answer)
    for source in answer.sources:
        for c in source.citations:
            assert f"[{c.n}] {source.outlet}, {source.published}: {c.text}\n" in text + "\n"


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_blank_question_is_refused_clearly(answerer, blank):
    with pytest.raises(ValueError, match="question is empty"):
        answerer.ask(blank)


def test_ten_thousand_characters_are_cut_with_a_notice(answerer):
    answer = answerer.ask(KILLED + " " + "word " * 2000)
    assert len(answer.question) <= MAX_QUESTION_CHARS
    assert answer.notices and "characters" in answer.notices[0]


def test_unknown_mode_is_refused(answerer):
    with pytest.raises(ValueError, match="mode"):
        answerer.ask(KILLED, mode="magic")


def test_missing_index_says_how_to_ingest(tmp_path):
    with pytest.raises(index.IndexNotFound, match="claimqa ingest"):
        ask(KILLED, index_dir=tmp_path / "nothing-here")


def test_empty_index_says_how_to_ingest(index_copy):
    for doc_id in ["afp", "nyt", "the-national", "upi", "washington-post"]:
        assert index.remove(doc_id, index_copy)
    with pytest.raises(index.IndexNotFound, match="claimqa ingest"):
        Answerer.open(index_copy)


def test_module_ask_reuses_one_answerer_and_sees_a_new_ingest(index_copy):
    from qa import answering

    first = ask(SPOKESMAN, index_dir=index_copy)
    assert "washington-post" in {s.doc_id for s in first.sources} | set(first.not_mentioned)
    opened = answering._answerers[str(index_copy.resolve())]
    ask(SPOKESMAN, index_dir=index_copy)
    assert answering._answerers[str(index_copy.resolve())] is opened
    index.remove("washington-post", index_copy)
    after = ask(SPOKESMAN, index_dir=index_copy)
    assert "washington-post" not in {s.doc_id for s in after.sources} | set(after.not_mentioned)


def test_cli_ask_text_and_json(bundled_index):
    runner = CliRunner()
    result = runner.invoke(main, ["ask", KILLED, "--index", str(bundled_index)])
    assert result.exit_code == 0, result.output
    assert "the sources disagree" in result.output and "[1] " in result.output
    result = runner.invoke(main, ["ask", KILLED, "--index", str(bundled_index), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["disagreement"]["flag"] is True


@pytest.mark.parametrize("args, message", [
    (["ask", "  "], "question is empty"),
    (["ask", "Who?", "--index", "/nonexistent/claimqa-index"], "claimqa ingest"),
])
def test_cli_ask_bad_input_is_one_line(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0]
