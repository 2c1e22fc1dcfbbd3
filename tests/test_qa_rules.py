"""The short-answer, date, name and grouping rules, on real spaCy analyses of sentences from the corpus."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from index.analysis import analysis_of, load_nlp
from qa.dates import resolve
from qa.disagreement import SourceValue, compare
from qa.extract import Value, values_in
from qa.names import looks_like_group, same_name
from qa.question import analyse_question
from qa.retrieval import top_per_document


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


def values(nlp, question: str, sentence: str) -> list[str]:
    q = analyse_question(question, nlp)
    return [v.text for v in values_in(q, analysis_of(nlp(sentence)), sentence, 1, {})]


@pytest.mark.parametrize("question, sentence, expected", [
    ("How many people were killed?", "Iraqi security officials said two people were killed and seven others "
     "injured in the drone attack.", "2"),
    ("How many people were injured?", "Iraqi security officials said two people were killed and seven others "
     "injured in the drone attack.", "7"),
    ("How many people were killed?", "A missile struck a vehicle carrying three men, killing a brigade commander "
     "known as Abu Taqwa and two others, according to Iraqi security officials.", "3"),
    ("How many people were killed?", "Three killed in strike on Iran-backed militia base in Baghdad", "3"),
    ("How many people were injured?", "At least six other militants were injured in at least two explosions.",
     "at least 6"),
    ("How many attacks have there been?", "The U.S. military has responded several times to more than 70 attacks "
     "by Iranian-backed armed groups.", "more than 70"),
    ("How many U.S. troops are in Iraq?", "There are about 2,500 U.S. forces in Iraq.", "about 2,500"),
    ("How many U.S. troops are in Iraq?", "The US has 900 troops in Syria and 2,500 in Iraq.", "2,500"),
    ("How many U.S. troops are in Syria?", "The US has 900 troops in Syria and 2,500 in Iraq.", "900"),
])
def test_count_tied_to_what_is_asked(nlp, question, sentence, expected):
    assert values(nlp, question, sentence)[0] == expected


def test_another_beside_a_named_man_makes_two_but_is_marked_inferred(nlp):
    q = analyse_question("How many people were killed?", nlp)
    sentence = "The strike also killed one other member."
    found = values_in(q, analysis_of(nlp(sentence)), sentence, 1, {})
    assert found[0].text == "2" and found[0].derived


def test_a_sentence_about_injuries_counts_no_dead(nlp):
    assert values(nlp, "How many people were killed?", "At least six other militants were injured.") == []


def test_noon(nlp):
    assert values(nlp, "At what time was the strike carried out?",
                  "The strike, which was conducted at 12 p.m. local time, killed a commander.")[0].startswith("noon")


def test_spokesman_is_the_person_beside_the_word(nlp):
    sentence = "But Pentagon spokesman Maj. Gen. Pat Ryder said the attack was an act of self-defense."
    assert values(nlp, "Who is the Pentagon spokesman?", sentence)[0] == "Pat Ryder"
    assert values(nlp, "Which Iraqi military spokesman condemned the strike?", sentence) == []


@pytest.mark.parametrize("a, b, same", [
    ("Pat Ryder", "Patrick Ryder", True), ("Maj. Gen. Pat Ryder", "Ryder", True), ("al-Jawari", "Al Jawari", True),
    ("Harakat al-Nujaba", "Harakat-al-Nujaba", True), ("Harakat Al Nujaba", "Harakat Hezbollah al-Nujaba", True),
    ("PMF", "Popular Mobilisation Forces", True), ("Popular Mobilization Force", "Popular Mobilisation Forces", True),
    ("Mushtaq Talib al-Saidi", "Mushtaq Jawad Kazim al-Jawari", False), ("Sabrina Singh", "Pat Ryder", False),
])
def test_spellings_of_one_name(a, b, same):
    assert same_name(a, b) is same


@pytest.mark.parametrize("text, published, expected", [
    ("Thursday", date(2024, 1, 4), date(2024, 1, 4)),       # published that Thursday
    ("Thursday", date(2024, 1, 5), date(2024, 1, 4)),       # published the morning after
    ("Wednesday night", date(2024, 2, 7), date(2024, 2, 7)),
    ("Jan. 4", date(2024, 2, 7), date(2024, 1, 4)),
    ("Dec. 25", date(2024, 1, 4), date(2023, 12, 25)),      # last year's December
    ("January 05, 2024", None, date(2024, 1, 5)),
    ("four years ago Wednesday", date(2024, 1, 4), None),
    ("2019", date(2024, 1, 4), None),
])
def test_dates_resolve_against_publication(text, published, expected):
    assert resolve(text, published) == expected


def _count(text: str, number: float, sentence_id: int) -> Value:
    return Value(text, f"{number:g}", "count", 1.0, sentence_id, number=number)


def test_grouping_ignores_qualifiers_and_other_events():
    values = [
        SourceValue("nyt", "NYT", _count("about 2,500", 2500, 1)),
        SourceValue("the-national", "The National", _count("2,500", 2500, 2)),
        SourceValue("washington-post", "WaPo", _count("about 3,500", 3500, 3), comparable=False),
    ]
    result = compare(values, "Troops")
    assert not result.flag and [v.doc_ids for v in result.values] == [["nyt", "the-national"]]


def test_grouping_flags_different_figures():
    values = [SourceValue("nyt", "NYT", _count("3", 3, 1)), SourceValue("upi", "UPI", _count("2", 2, 2)),
              SourceValue("the-national", "The National", _count("3", 3, 3))]
    result = compare(values, "Killed")
    assert result.flag
    assert [(v.value, v.doc_ids) for v in result.values] == [("3", ["nyt", "the-national"]), ("2", ["upi"])]
    assert result.summary == "Killed: the sources disagree. NYT and The National say 3; UPI says 2."


def test_top_per_document_keeps_every_document():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.1, 0.2, 0.05], dtype=np.float32)
    docs = np.array([0, 0, 0, 0, 1, 1, 2], dtype=np.int32)
    rows, rank = top_per_document(scores, docs, 3)
    assert rows.tolist() == [0, 1, 2, 5, 4, 6]
    assert rank.tolist() == [0, 1, 2, 0, 1, 0]


@pytest.mark.parametrize("question, sentence, expected", [
    ("How many U.S. troops are in Syria?", "There are about 2,500 U.S. forces in Iraq.", []),
    ("How many U.S. troops are in Syria?", "A missile struck a vehicle carrying three men.", []),
    ("How many U.S. troops are stationed in Jordan?", "An attack that killed three Army reservists last week "
     "in Jordan was the first in this stretch of violence to turn deadly.", []),
    ("How old was Abu Taqwa?", "A missile struck a vehicle carrying three men, killing Abu Taqwa.", []),
    ("How old was Abu Taqwa?", "Abu Taqwa, 45, was killed.", []),
    ("How many people have the earlier U.S. strikes killed?", "General Ryder said the strike had also killed "
     "another militant.", []),
])
def test_no_value_where_the_sentence_answers_something_else(nlp, question, sentence, expected):
    assert values(nlp, question, sentence) == expected


def test_an_age_stated_as_one(nlp):
    assert values(nlp, "How old was Abu Taqwa?", "Abu Taqwa, a 45-year-old commander, was killed.") == ["45"]


def test_a_series_of_strikes_counts_its_own_dead(nlp):
    assert values(nlp, "How many people have the earlier U.S. strikes in Iraq and Syria killed?",
                  "The US has responded with a series of strikes that have killed more than a dozen in Iraq "
                  "and Syria.") == ["more than 12"]


def test_question_shapes(nlp):
    population = analyse_question("What is the population of Baghdad?", nlp)
    assert (population.kind, population.focus) == ("count", "population")
    eilat = analyse_question("What did the Nujaba group take responsibility for in November?", nlp)
    assert eilat.kind == "other"     # "what" is the object of "for", not a determiner of "group"
    troops = analyse_question("How many U.S. troops are in Syria?", nlp)
    assert troops.places == ("Syria",)   # "U.S." says whose troops, not where
    assert analyse_question("What did the PMF call the strike?", nlp).quotes
    assert not analyse_question("What did Iraqi parties call for after the killing?", nlp).quotes
    role = analyse_question("What rank or role did the commander killed on Jan. 4 hold in his group?", nlp)
    assert "rank" not in role.topic_words and "role" not in role.topic_words


def test_a_whole_is_shown_but_never_weighed_against_a_figure(nlp):
    sentence = "A civilian car had been targeted in eastern Baghdad, killing all of its occupants."
    assert values(nlp, "How many people were killed in the strike?", sentence) == ["all of its occupants"]
    whole = Value("all of its occupants", "all of its occupants", "count", 1.0, 1)
    result = compare([SourceValue("washington-post", "WaPo", whole), SourceValue("nyt", "NYT", _count("3", 3, 2))],
                     "Killed")
    assert not result.flag


@pytest.mark.parametrize("question, sentence, expected", [
    # The alias stands for the full name beside it: the full name is the answer.
    ("Who was killed in the strike?", "The strike killed Mushtaq Jawad Kazim al-Jawari, who was also known as "
     "Abu Taqwa, the leader of the group.", "Mushtaq Jawad Kazim al-Jawari"),
    # An alias with no name beside it is the only name the sentence gives.
    ("Who was killed in the strike?", "The strike killed a brigade commander known as Abu Taqwa.", "Abu Taqwa"),
    # Who reports a killing is not who was killed.
    ("Who was killed in the strike?", "General Ryder said the strike had also killed another militant "
     "traveling with Mr. al-Jawari.", "al-Jawari"),
    # A participant four edges from the verb ("among those killed was X").
    ("Who was killed in the strike?", "Among those killed was Mushtaq Jawad Kazim Al Jawari, who was a senior "
     "member of the militia.", "Mushtaq Jawad Kazim Al Jawari"),
])
def test_person_answers_for_an_event(nlp, question, sentence, expected):
    found = values(nlp, question, sentence)
    assert found[0] == expected
    assert "Ryder" not in found and "Abu Taqwa" not in found[1:]


def test_reporter_is_the_answer_when_the_question_is_not_about_an_event(nlp):
    assert values(nlp, "Who is the Pentagon spokesman?", "General Ryder, the Pentagon spokesman, said the strike "
                  "had also killed another militant.") == ["Ryder"]


@pytest.mark.parametrize("name, group", [
    ("Harakat-al-Nujaba", True), ("al-Hashd al-Shaabi", True), ("Kata'ib Hezbollah", True),
    ("Popular Mobilisation Forces", True), ("Mushtaq Jawad Kazim al-Jawari", False), ("Pat Ryder", False),
])
def test_group_names_are_told_from_people(name, group):
    assert looks_like_group(name) is group


def test_a_finite_verb_after_did_is_a_noun_the_tagger_mistook(nlp):
    q = analyse_question("How many targets did the U.S. airstrikes in Iraq and Syria on the Friday night "
                         "before the Feb. 7 strike hit?", nlp)
    assert "hit" in q.predicate and "airstrike" not in q.predicate


@pytest.mark.parametrize("question, sentence, expected", [
    ("What kind of strike killed the commander?", "A U.S. Special Operations drone strike in Baghdad on Thursday "
     "killed a senior figure in the group.", ["U.S. Special Operations drone strike"]),
    ("What kind of strike killed the commander?", "The U.S. military conducted a rare drone strike in Baghdad that "
     "killed the leader of an Iranian proxy group.", ["drone strike"]),
    # A compound word is a kind; the bare noun or a synonym of it is not, nor what the writer thinks of it.
    ("What kind of strike killed the commander?", "The Pentagon said a commander was killed in a U.S. airstrike in "
     "Baghdad.", ["airstrike"]),
    ("What kind of strike killed the commander?", "The strike killed the commander in this unjustified attack.", []),
    # An appositive says what the thing was; a name set beside it by the parser does not.
    ("What kind of vehicle was hit?", "Crowds later gathered around the blackened vehicle, a Jeep, after it was hit.",
     ["Jeep"]),
])
def test_kind_is_the_noun_that_makes_it_one(nlp, question, sentence, expected):
    q = analyse_question(question, nlp)
    assert (q.kind, q.focus) == ("kind", question.split()[3].rstrip("?"))
    assert values(nlp, question, sentence) == expected


@pytest.mark.parametrize("question, sentence, expected", [
    # The tagger leaves the unit outside the figure ("4 million" CARDINAL, "euros"): still an amount.
    ("How much will the new library cost?", "The library will cost 4 million euros and open in 2026, mayor "
     "Tomas Berg said.", [("4 million euros", 4e6)]),
    ("How much wheat did the warehouse hold?", "The warehouse held 3,000 tonnes of wheat, all of which was lost.",
     [("3,000 tonnes", 3000.0)]),
    ("How much did the drone cost?", "The drone cost $2.5 million, officials said.", [("$2.5 million", 2.5e6)]),
    # A head count is no amount; "all of which" is a pronoun, not a whole.
    ("How much did the drone cost?", "The drone strike killed two people.", []),
])
def test_amounts_with_their_figure(nlp, question, sentence, expected):
    q = analyse_question(question, nlp)
    assert (q.kind, q.focus) == ("count", "amount")
    assert [(v.text, v.number) for v in values_in(q, analysis_of(nlp(sentence)), sentence, 1, {})] == expected


@pytest.mark.parametrize("a, b, same", [
    ("Maggie Olsen", "Margaret Olsen", True), ("Bill Clinton", "William Clinton", True),
    ("Pat Ryder", "Patrick Ryder", True), ("Maggie Olsen", "Mary Olsen", False),
])
def test_nicknames_are_one_name(a, b, same):
    assert same_name(a, b) is same


def test_a_chief_described_after_the_name(nlp):
    assert values(nlp, "Who is the fire chief?", "Chief Maggie Olsen of the fire brigade told reporters that a "
                  "faulty conveyor motor caused the fire.") == ["Maggie Olsen"]
