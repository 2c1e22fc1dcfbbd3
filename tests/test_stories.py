"""Many stories in one index: the grouping, collections, merge and split, and answers kept within one story.

Real model, FAISS, SQLite and spaCy. The index holds the bundled story (five outlets on an airstrike)
and the tests' second corpus (tests/fixtures/eval/corpus), which is itself two stories: a warehouse
fire reported by two outlets and a library vote reported by one.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import index
from eval.grouping import bcubed
from qa.answering import Answerer
from qa.cli import main
from qa.stories import StoryAnswerer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SECOND = FIXTURES / "eval" / "corpus"
BUNDLED = {"afp", "nyt", "the-national", "upi", "washington-post"}
FIRE = {"harbour-daily", "coast-tribune"}
LIBRARY = {"valley-news"}
KILLED = "How many people were killed in the January 4 strike?"
FIRE_INJURED = "How many workers were injured in the warehouse fire?"
# Both the strike and the fire injured people: a question that touches both stories.
INJURED = "How many people were injured?"


@pytest.fixture(scope="module")
def archive(bundled_index, tmp_path_factory) -> Path:
    """The bundled index plus the second corpus, ingested after it (read-only: copy to change)."""
    folder = tmp_path_factory.mktemp("archive") / "index"
    shutil.copytree(bundled_index, folder, ignore=shutil.ignore_patterns(".lock"))
    report = index.ingest([SECOND], folder)
    assert sorted(report.added) == sorted(FIRE | LIBRARY)
    return folder


@pytest.fixture(scope="module")
def answerer(archive) -> StoryAnswerer:
    return StoryAnswerer.open(archive)


@pytest.fixture
def archive_copy(archive, tmp_path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(archive, target, ignore=shutil.ignore_patterns(".lock"))
    return target


def groups(store) -> set[frozenset]:
    return {frozenset(s.doc_ids) for s in store.stories}


def stories_json(index_dir: Path) -> list[dict]:
    result = CliRunner().invoke(main, ["stories", "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def story_with(store, doc_id: str) -> str:
    return store.story_of(doc_id)


# -- the grouping ----------------------------------------------------------------------------------

def test_articles_are_grouped_into_their_stories(archive):
    store = index.SentenceStore.open(archive)
    assert groups(store) == {frozenset(BUNDLED), frozenset(FIRE), frozenset(LIBRARY)}


def test_stories_json_is_the_contract(archive):
    listed = stories_json(archive)
    assert [sorted(s) for s in listed] == [sorted({"story_id", "title", "doc_ids", "outlets", "first", "last",
                                                   "collection"})] * 3
    by_docs = {frozenset(s["doc_ids"]): s for s in listed}
    fire = by_docs[frozenset(FIRE)]
    assert fire["outlets"] == ["Harbour Daily", "Coast Tribune"]   # in publication order
    assert (fire["first"], fire["last"]) == ("2024-03-05", "2024-03-06")
    assert fire["title"] in {"Fire destroys grain warehouse at Port Elling", "Warehouse blaze at Port Elling docks"}
    strike = by_docs[frozenset(BUNDLED)]
    assert (strike["first"], strike["last"]) == ("2024-01-04", "2024-02-07")
    # Every document in exactly one story.
    every = [d for s in listed for d in s["doc_ids"]]
    assert sorted(every) == sorted(BUNDLED | FIRE | LIBRARY)
    # `claimqa sources --json` names each document's story too.
    result = CliRunner().invoke(main, ["sources", "--index", str(archive), "--json"])
    assert result.exit_code == 0, result.output
    assert {d["doc_id"]: d["story_id"] for d in json.loads(result.output)} == {
        d: s["story_id"] for s in listed for d in s["doc_ids"]}


def test_an_index_from_before_stories_is_grouped_on_reading_and_kept_at_its_next_write(archive_copy):
    conn = sqlite3.connect(archive_copy / "claimqa.sqlite")
    conn.executescript("DROP TABLE stories; DROP TABLE story_documents;")
    conn.close()
    store = index.SentenceStore.open(archive_copy)
    assert groups(store) == {frozenset(BUNDLED), frozenset(FIRE), frozenset(LIBRARY)}
    index.remove("valley-news", archive_copy)   # any write groups and stores
    conn = sqlite3.connect(archive_copy / "claimqa.sqlite")
    stored = conn.execute("SELECT story_id, COUNT(*) FROM story_documents GROUP BY story_id").fetchall()
    conn.close()
    assert sorted(n for _, n in stored) == [2, 5]
    assert groups(index.SentenceStore.open(archive_copy)) == {frozenset(BUNDLED), frozenset(FIRE)}


def test_a_story_is_titled_by_the_same_article_whatever_the_float_noise():
    """Two articles are equally near their mean; which one the last bits of the arithmetic favour
    differs between machines, so a tie within `REPRESENTATIVE_TIE` goes to the last doc_id, both ways."""
    from collections import Counter

    import numpy as np
    from index.stories import Profile, representative

    b = np.array([0.0, 0.8, 0.6])
    for nudge in (1e-8, -1e-8):   # a unit vector's length off by rounding, one way or the other
        a = np.array([0.6, 0.8, 0.0]) * (1 + nudge)
        profiles = [Profile("harbour-daily", a, Counter()), Profile("coast-tribune", b, Counter())]
        assert representative(profiles) == "harbour-daily"
    # no tie: the article nearest the mean of three titles the story, whatever its doc_id
    middle = np.array([0.9, np.sqrt(1 - 0.81), 0.0])
    profiles = [Profile("harbour-daily", np.array([1.0, 0.0, 0.0]), Counter()), Profile("coast-tribune", middle, Counter()),
                Profile("arden-post", np.array([0.0, 1.0, 0.0]), Counter())]
    assert representative(profiles) == "coast-tribune"


def test_bcubed_of_a_known_grouping():
    truth = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert bcubed(dict(truth), truth) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    # One story for all: each item's predicted group is half right; every true group is complete.
    together = bcubed({k: "one" for k in truth}, truth)
    assert together == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3)}
    apart = bcubed({k: k for k in truth}, truth)
    assert apart == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3)}
    with pytest.raises(ValueError, match="different items"):
        bcubed({"a": "x"}, truth)


# -- answers within one story ----------------------------------------------------------------------

def test_each_question_is_answered_within_its_own_story(answerer):
    store = answerer.store
    strike = answerer.ask(KILLED)
    assert strike.story_id == story_with(store, "nyt")
    assert {s.doc_id for s in strike.sources} | set(strike.not_mentioned) <= BUNDLED
    assert {s.doc_id for s in strike.sources} >= {"nyt", "upi", "afp", "the-national"}

    fire = answerer.ask(FIRE_INJURED)
    assert fire.story_id == story_with(store, "harbour-daily")
    assert {s.doc_id for s in fire.sources} == FIRE and fire.not_mentioned == []
    assert {s.doc_id: s.answer.lower() for s in fire.sources} == {"harbour-daily": "four", "coast-tribune": "two"}
    assert fire.disagreement.flag

    library = answerer.ask("How much will the new library cost?")
    assert [s.doc_id for s in library.sources] == ["valley-news"] and library.not_mentioned == []


def test_within_its_story_the_answer_is_the_one_of_the_story_indexed_alone(answerer, bundled_index):
    alone = Answerer.open(bundled_index).ask(KILLED).to_dict()
    mixed = answerer.ask(KILLED).to_dict()
    for key in ("sources", "not_mentioned", "disagreement", "summary"):
        assert mixed[key] == alone[key], key


def test_a_question_touching_two_stories_answers_for_one_and_names_the_other(answerer):
    store = answerer.store
    answer = answerer.ask(INJURED)
    strike, fire = story_with(store, "nyt"), story_with(store, "harbour-daily")
    assert answer.story_id == strike
    assert answer.other_stories == [fire]
    assert {s.doc_id for s in answer.sources} | set(answer.not_mentioned) <= BUNDLED
    assert any(fire in n and "also touches" in n for n in answer.notices), answer.notices

    # The reader switches to the other story: the same question, answered there alone.
    switched = answerer.ask(INJURED, story=fire)
    assert switched.story_id == fire and strike in switched.other_stories
    assert {s.doc_id: s.answer.lower() for s in switched.sources} == {"harbour-daily": "four", "coast-tribune": "two"}


def test_a_fixed_story_without_an_answer_names_no_document_of_another(answerer):
    library = story_with(answerer.store, "valley-news")
    answer = answerer.ask(KILLED, story=library)
    assert answer.sources == [] and answer.story_id is None
    assert answer.not_mentioned == ["valley-news"]


def test_unknown_story_or_collection_is_one_line_naming_it(archive):
    runner = CliRunner()
    result = runner.invoke(main, ["ask", KILLED, "--index", str(archive), "--story", "s99"])
    assert result.exit_code == 1 and result.output.strip().splitlines() == [   # as `remove` of no such document
        f"claimqa: s99: no such story in {archive} (see `claimqa stories`)"]
    result = runner.invoke(main, ["ask", KILLED, "--index", str(archive), "--collection", "nope"])
    assert result.exit_code == 1 and "nope: no such collection" in result.output
    result = runner.invoke(main, ["ask", KILLED, "--index", str(archive), "--story", ""])   # an empty id, shown as one
    assert result.exit_code == 1 and result.output.startswith("claimqa: '': no such story in ")


def test_one_story_answers_exactly_as_the_index_answered_before(bundled_index):
    stories = StoryAnswerer.open(bundled_index)
    assert len(stories.store.stories) == 1
    for question in (KILLED, "Who won the Super Bowl?"):
        before = Answerer.open(bundled_index).ask(question).to_dict()
        after = stories.ask(question).to_dict()
        assert after.pop("story_id") == (stories.store.stories[0].story_id if before["sources"] else None)
        assert after.pop("other_stories") == [] and before.pop("story_id") is None
        before.pop("other_stories")
        assert after == before


# -- stories by hand: collections, merge, split -----------------------------------------------------

def test_collection_holds_what_the_user_put_there_and_fixes_the_story(archive_copy, tmp_path):
    article = tmp_path / "notes" / "desk-memo.txt"
    article.parent.mkdir()
    article.write_text("Desk memo on the warehouse fire\n\nThe Port Elling warehouse fire injured "
                       "three workers, the desk's own count says.\nThe desk will follow the inquiry.\n")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(article), "--index", str(archive_copy), "--collection", "desk"])
    assert result.exit_code == 0, result.output
    listed = {s["story_id"]: s for s in stories_json(archive_copy)}
    assert listed["desk"]["doc_ids"] == ["desk-memo"] and listed["desk"]["collection"] is True
    # Though it is about the fire, the fire story did not take it: the user placed it.
    fire = next(s for s in listed.values() if "harbour-daily" in s["doc_ids"])
    assert sorted(fire["doc_ids"]) == sorted(FIRE)

    result = runner.invoke(main, ["ask", FIRE_INJURED, "--index", str(archive_copy), "--collection", "desk", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["story_id"] == "desk"
    assert [s["doc_id"] for s in answer["sources"]] == ["desk-memo"] and answer["not_mentioned"] == []
    assert answer["sources"][0]["answer"].lower() in {"3", "three"}

    bad = runner.invoke(main, ["ingest", str(article), "--index", str(archive_copy), "--collection", "s7"])
    assert bad.exit_code == 2 and "s7" in bad.output and len(bad.output.strip().splitlines()) == 1


def test_merge_and_split_by_hand(archive_copy):
    store = index.SentenceStore.open(archive_copy)
    fire, library = story_with(store, "harbour-daily"), story_with(store, "valley-news")
    runner = CliRunner()
    result = runner.invoke(main, ["stories", "merge", fire, library, "--index", str(archive_copy)])
    assert result.exit_code == 0, result.output
    store = index.SentenceStore.open(archive_copy)
    assert groups(store) == {frozenset(BUNDLED), frozenset(FIRE | LIBRARY)}
    # Merged, the library article is in the fire story's answers' view: listed as not mentioning it.
    answer = StoryAnswerer.open(archive_copy).ask(FIRE_INJURED)
    assert answer.story_id == fire and answer.not_mentioned == ["valley-news"]

    result = runner.invoke(main, ["stories", "--index", str(archive_copy), "split", fire, "valley-news", "valley-news"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"split valley-news off {fire} into ")   # an id given twice is one article
    new_id = result.output.split()[-1]
    store = index.SentenceStore.open(archive_copy)
    assert groups(store) == {frozenset(BUNDLED), frozenset(FIRE), frozenset(LIBRARY)}
    assert story_with(store, "valley-news") == new_id != library

    # A later article on the fire still joins the fire story (by-hand stories stay open).
    more = archive_copy.parent / "more"
    more.mkdir()
    (more / "port-gazette.txt").write_text(
        "Port Elling warehouse fire: grain lost, workers hurt\n\nPORT ELLING, March 6, 2024 -- Fire chief Margaret "
        "Olsen said the blaze at the Port Elling docks began in a conveyor motor.\nThe grain warehouse and its wheat "
        "were lost, and workers were hurt, the harbour authority said.\n")
    index.ingest([more], archive_copy)
    assert story_with(index.SentenceStore.open(archive_copy), "port-gazette") == fire

    for args, message in ((["merge", fire, "s99"], "s99: no such story"),
                          (["split", fire, "nyt"], "nyt: not an article of story"),
                          (["split", new_id, "valley-news"], "would leave the story empty"),
                          (["split", fire, "harbour-daily", "no-such-id"], "no-such-id: no such document in")):
        result = runner.invoke(main, ["stories", *args, "--index", str(archive_copy)])
        not_there = "no such" in message   # the README: 1 when something named is not there, 2 for a bad argument
        assert result.exit_code == (1 if not_there else 2) and message in result.output, result.output


def test_a_named_story_out_of_the_hits_is_still_judged(answerer):
    """When the question names what only one story names but none of its sentences is among the
    hits, that story is judged on its own sentences, not dropped."""
    from qa.stories import ChoiceSettings, choose

    store = answerer.store
    library = story_with(store, "valley-news")
    query = answerer.answerer().embedder.encode([KILLED])[0]
    assert choose(store, query, ChoiceSettings(hits=1)).story_id == story_with(store, "nyt")
    named = choose(store, query, ChoiceSettings(hits=1), eligible={library})
    assert named.story_id == library and set(named.scores) == {library}


def test_doc_ids_must_name_documents_of_the_index(answerer):
    with pytest.raises(ValueError, match="doc_ids: nowhere: not a document of"):
        answerer.answerer().ask(KILLED, doc_ids=["nyt", "nowhere"])
    with pytest.raises(ValueError, match="doc_ids: empty"):
        answerer.answerer().ask(KILLED, doc_ids=[])
    # Restricted to two outlets: only they are sources or silent.
    answer = answerer.answerer().ask(KILLED, doc_ids=["nyt", "valley-news"])
    assert [s.doc_id for s in answer.sources] == ["nyt"] and answer.not_mentioned == ["valley-news"]


def test_the_page_s_example_questions_come_from_the_stories(archive):
    import app

    store = index.SentenceStore.open(archive)
    examples = app.example_questions(store)
    newest_first = sorted(store.stories, key=lambda s: (s.last or "", s.story_id), reverse=True)
    assert len(examples) == 3
    for example, story in zip(examples, newest_first):
        assert story.title[:40] in example, (example, story.title)
    panel = app.render_stories(store)
    assert panel.count('<details class="cq-story"') == 3 and " open" not in panel
    assert panel.index("Harbour Daily") > panel.index("cq-story-title")


# -- a question several stories come close to ------------------------------------------------------
# Two invented stories that both speak of "the attack": loose dogs that bit walkers in a park (two
# outlets give how many were hurt) and a cyberattack on a port (which hurt only its trade).
TWO_ATTACKS = {
    "ridge-herald.txt": "Dog attack at Tamsin Park leaves four hurt\n\nTAMSIN, May 3, 2025 -- Four people were hurt on "
                        "Saturday when two loose dogs attacked walkers in Tamsin Park, police said.\nA boy of nine was "
                        "bitten on the arm and taken to Tamsin General.\nThe owner of the dogs, a local builder, was "
                        "questioned and released.\nPark wardens closed the north gate for the rest of the day.\n",
    "valley-post.txt": "Loose dogs bite walkers in Tamsin Park\n\nTAMSIN, May 3, 2025 -- Two dogs that slipped their "
                       "leads bit several walkers in Tamsin Park on Saturday afternoon.\nThree people were hurt, among "
                       "them a nine-year-old boy, a paramedic at the scene said.\nThe council said it would review the "
                       "rules for dogs in the park.\nThe larger dog had won the county show in Tamsin last spring, its "
                       "owner said.\n",
    "harbor-wire.txt": "Hackers shut down Orlen Bay port computers\n\nORLEN BAY, Nov. 18, 2024 -- A cyberattack shut "
                       "down the computers of the Orlen Bay port authority on Monday.\nThe attack hurt trade badly and "
                       "ships waited outside the harbour for a day.\nThe port authority said the attack began in its "
                       "email system.\nOfficials said the attack was the worst the port had suffered, and the attack "
                       "hurt many firms.\nInvestigators from the national cyber agency are studying the attack.\n",
    "coast-ledger.txt": "Orlen Bay port reopens after cyberattack\n\nORLEN BAY, Nov. 20, 2024 -- The Orlen Bay port "
                        "reopened on Wednesday, two days after an attack on its computers.\nHow badly the attack hurt "
                        "the port is not yet known, its director said.\nThe director said the attack had been stopped "
                        "before it reached the cranes.\nShippers said the attack on the port had hurt their business.\n",
}
DOGS, PORT = {"ridge-herald", "valley-post"}, {"harbor-wire", "coast-ledger"}
HURT = "How many people were hurt in the attack?"
# Asked of the dog story alone it is answered (a dog won a show), but no article names it.
UNNAMED = "Which dog won the Crufts show?"


def invented_index(tmp_path_factory, name: str, articles: dict[str, str]) -> Path:
    """An index of a few invented articles (file name -> text), every one of them added."""
    corpus = tmp_path_factory.mktemp(name)
    for file_name, text in articles.items():
        (corpus / file_name).write_text(text, encoding="utf-8")
    folder = tmp_path_factory.mktemp(f"{name}-index") / "index"
    assert sorted(index.ingest([corpus], folder).added) == sorted(Path(f).stem for f in articles)
    return folder


@pytest.fixture(scope="module")
def two_attacks(tmp_path_factory) -> StoryAnswerer:
    return StoryAnswerer.open(invented_index(tmp_path_factory, "two-attacks", TWO_ATTACKS))


def test_a_question_two_stories_come_close_to_goes_to_the_one_that_answers_it(two_attacks):
    from qa.stories import ChoiceSettings, choose

    store = two_attacks.store
    assert groups(store) == {frozenset(DOGS), frozenset(PORT)}
    dogs, port = story_with(store, "ridge-herald"), story_with(store, "harbor-wire")
    # By its closest sentences the port story is nearest (it says "the attack" in every line) ...
    assert choose(store, two_attacks.caches.encode(HURT)).story_id == port
    # ... but the dog story is as close, within the tie, its headlines name the attack, and only it answers.
    choice = two_attacks.choice(HURT)
    assert choice.tied == [port, dogs] and choice.headlined == [] and choice.story_id == dogs
    assert choice.strengths[port] == 0.0 < choice.strengths[dogs]
    answer = two_attacks.ask(HURT)
    assert answer.story_id == dogs and answer.other_stories == [port]
    assert {s.doc_id: s.answer.lower() for s in answer.sources} == {"ridge-herald": "four", "valley-post": "three"}
    assert answer.not_mentioned == []
    # Judging one story only, the closest answers: it cites nothing.
    closest_only = StoryAnswerer(store, two_attacks.embedder, two_attacks.nlp,
                                 choice=ChoiceSettings(judged=1, headlined=0))
    assert closest_only.choice(HURT).story_id == port and closest_only.ask(HURT).sources == []
    # Each way of judging finds it alone: with no tie, the headlines ("Dog attack at ...", while
    # the port's say "Hackers shut down ...", "cyberattack") ...
    no_tie = StoryAnswerer(store, two_attacks.embedder, two_attacks.nlp, choice=ChoiceSettings(tie=0.0))
    choice = no_tie.choice(HURT)
    assert (choice.tied, choice.headlined, choice.story_id) == ([port], [dogs], dogs)
    # ... and with no word of the question in any headline, the tie.
    tie_only = StoryAnswerer(store, two_attacks.embedder, two_attacks.nlp)
    tie_only._topic_words = lambda text: []
    choice = tie_only.choice(HURT)
    assert (choice.tied, choice.headlined, choice.story_id) == ([port, dogs], [], dogs)


def test_a_story_whose_headlines_name_the_asked_event_answers_before_a_stronger_closer_one(two_attacks):
    """When the closest story's headlines name nothing the question asks about and another's do,
    that one answers if it can at all, though the closest would answer more confidently."""
    from qa.stories import ChoiceSettings

    store = two_attacks.store
    dogs, port = story_with(store, "ridge-herald"), story_with(store, "harbor-wire")
    no_tie = StoryAnswerer(store, two_attacks.embedder, two_attacks.nlp, choice=ChoiceSettings(tie=0.0))
    strengths = {port: 0.9, dogs: 0.5}
    no_tie.strength = lambda story_id, text, mode: strengths[story_id]
    choice = no_tie.choice(HURT)
    assert (choice.tied, choice.headlined, choice.story_id) == ([port], [dogs], dogs)
    strengths[dogs] = 0.0   # the headlined story cannot answer: the stronger one does
    assert no_tie.choice(HURT).story_id == port


def test_a_question_naming_what_no_story_names_is_answered_by_none(two_attacks):
    store = two_attacks.store
    dogs = story_with(store, "ridge-herald")
    assert two_attacks.ask(UNNAMED, story=dogs).sources   # the nearest story alone would answer it
    answer = two_attacks.ask(UNNAMED)
    assert answer.sources == [] and answer.story_id is None and answer.not_mentioned == []
    assert dogs in answer.other_stories and answer.summary == "No source addresses this question."
    assert any(n.startswith("None of the stories closest to the question names \u201cCrufts\u201d") and dogs in n
               for n in answer.notices), answer.notices
    # What one story names is answered there; a month in the question is no name ("May 3").
    for question in ("Which dog won the county show in Tamsin?", "How many people were hurt on May 3?"):
        named = two_attacks.ask(question)
        assert named.story_id == dogs and {s.doc_id for s in named.sources} <= DOGS and named.sources, question


def test_a_story_answers_as_well_as_its_best_outlets():
    from qa.answering import Decision
    from qa.stories import answer_strength

    def decisions(*scored):
        return [Decision(doc, score, [], addresses=addresses) for doc, (score, addresses) in enumerate(scored)]

    assert answer_strength(decisions((0.9, True), (0.7, True), (0.1, False)), 2) == pytest.approx(0.8)
    assert answer_strength(decisions((0.9, True)), 2) == pytest.approx(0.9)   # a story of one outlet
    assert answer_strength(decisions((0.4, False), (0.3, False)), 2) == 0.0   # none addresses it


# -- the headline index ----------------------------------------------------------------------------
# Three invented stories: a missile strike on a depot, whose lines say who claimed it (the closest
# sentences to any question of a claimed attack), a choir whose headlines say "group", and a
# cyberattack on a water utility, headlined as an attack, that its outlets say a group claimed.
HEADLINED = {
    "east-courier.md": "# Missile strike destroys fuel depot outside Varn\n\nVARN, March 2, 2025 -- A missile strike "
                       "destroyed a fuel depot outside Varn early on Sunday, officials said.\nA militia calling itself "
                       "the Red Pass Brigade claimed responsibility for the strike, the governor said.\nNo other group "
                       "has claimed responsibility for the strike on the depot.\nFirefighters fought the blaze at the "
                       "depot for six hours.\n",
    "plains-daily.md": "# U.S. envoy visits Varn depot after missile strike\n\nVARN, March 3, 2025 -- The U.S. "
                       "ambassador visited the ruined fuel depot outside Varn on Monday.\nThe Red Pass Brigade, which "
                       "claimed the strike, said more would follow.\nThe depot supplied fuel to three towns, the "
                       "ambassador said.\n",
    "arts-weekly.md": "# Harlow choir group wins regional singing contest\n\nHARLOW, June 8, 2025 -- The Harlow "
                      "Chamber Choir won the regional singing contest on Saturday.\nThe group of thirty singers has "
                      "rehearsed every Tuesday for ten years.\nIts conductor said the group would sing at the "
                      "cathedral in July.\n",
    "tech-bulletin.md": "# Ransomware attack shuts Lusk water utility billing\n\nLUSK, October 14, 2025 -- Hackers "
                        "shut down the billing computers of the Lusk water utility on Tuesday.\nA ransomware gang "
                        "called Nightjar said it had broken into the utility's network.\nThe utility said drinking "
                        "water was safe and its pumps ran normally.\n",
    "lusk-times.md": "# Lusk water utility restores billing after attack\n\nLUSK, October 17, 2025 -- The Lusk water "
                     "utility restored its billing computers on Friday.\nThe Nightjar gang posted files it said came "
                     "from the utility.\nCustomers will not be charged late fees for October, the utility said.\n",
}
DEPOT, CHOIR, UTILITY = {"east-courier", "plains-daily"}, {"arts-weekly"}, {"tech-bulletin", "lusk-times"}
CLAIMED = "Which group claimed responsibility for the attack?"


@pytest.fixture(scope="module")
def headlined_index(tmp_path_factory) -> Path:
    return invented_index(tmp_path_factory, "headlined", HEADLINED)


def test_a_question_goes_to_the_story_headlined_about_it_though_another_sits_closer(headlined_index):
    from qa.stories import ChoiceSettings

    store = index.Archive.open(headlined_index)
    assert groups(store) == {frozenset(DEPOT), frozenset(CHOIR), frozenset(UTILITY)}
    depot, choir, utility = (story_with(store, d) for d in ("east-courier", "arts-weekly", "tech-bulletin"))
    base = StoryAnswerer.open(headlined_index)
    # The question's closest few sentences are all the depot's: the utility's are not among them.
    settings = ChoiceSettings(hits=2, pool=8, judged=2)
    near = StoryAnswerer(store, base.embedder, base.nlp, choice=settings)
    hits = store.hits(base.caches.encode(CLAIMED), settings.hits, settings.pool)
    assert {h.story_id for h in hits} == {depot}
    # The depot's headlines use no word of the question; the headline index finds the choir's
    # ("group") and the utility's ("attack"), and of those the utility is the closer in meaning.
    assert set(store.headlined(["group", "responsibility", "attack"])) == {choir, utility}
    choice = near.choice(CLAIMED)
    assert (choice.tied, choice.headlined, choice.story_id) == ([depot], [utility], utility)
    assert choice.strengths[utility] > 0.0 and choice.strengths[depot] > 0.0
    answer = near.ask(CLAIMED)
    assert answer.story_id == utility and {s.doc_id for s in answer.sources} <= UTILITY and answer.sources
    assert depot in answer.other_stories and set(answer.not_mentioned) <= UTILITY
    # Without the headline search the depot, closest by far, answers it.
    blind = StoryAnswerer(store, base.embedder, base.nlp, choice=replace(settings, headline_pool=0))
    assert blind.choice(CLAIMED).story_id == depot
    # A question whose words the depot's headlines use stays there ("strike"); so does one naming
    # what only the depot's articles name, though its headlines do not.
    assert near.choice("Which group claimed responsibility for the strike?").story_id == depot
    choice = near.choice("Which group besides the Red Pass Brigade claimed responsibility for the attack?")
    assert (choice.headlined, choice.story_id) == ([], depot)


def test_the_headline_index_reads_initials_as_one_word_and_words_in_any_form(headlined_index):
    store = index.Archive.open(headlined_index)
    depot, utility = story_with(store, "east-courier"), story_with(store, "tech-bulletin")
    assert store.headlined(["u.s."]) == [depot] == store.headlined(["US"])   # "U.S. envoy visits ..."
    assert store.headlined(["attacks"]) == [utility]
    assert store.headlined(["attack"], among=[depot]) == []
    assert store.headlined(['attack" OR "missile', "NEAR(", "*"]) == []   # a word is a word: no query syntax
    assert len(store.headlined(["group", "attack"], limit=1)) == 1


def test_the_headline_index_follows_merges_and_is_built_for_an_index_from_before_it(headlined_index, tmp_path):
    folder = tmp_path / "index"
    shutil.copytree(headlined_index, folder, ignore=shutil.ignore_patterns(".lock"))
    store = index.Archive.open(folder)
    depot, choir, utility = (story_with(store, d) for d in ("east-courier", "arts-weekly", "tech-bulletin"))
    index.merge_stories(utility, choir, folder)
    store = index.Archive.open(folder)
    assert store.headlined(["choir"]) == [utility] and store.headlined(["ransomware"]) == [utility]
    with sqlite3.connect(folder / "claimqa.sqlite") as conn:   # as an index written before the headline index
        conn.executescript("DROP TABLE headline_words; DROP TABLE headlines; DELETE FROM meta WHERE key = 'headlines';")
    assert index.Archive.open(folder).headlined(["missile"]) == [depot]   # upgraded in place on opening
    with sqlite3.connect(folder / "claimqa.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM headlines").fetchone()[0] == 2


def test_a_judged_story_is_answered_from_the_decisions_made_judging_it(two_attacks, monkeypatch):
    """Judging the tied stories decides each once; the chosen one answers from those decisions,
    not from deciding again, and gives the answer it gives asked on its own."""
    from qa.answering import Answerer

    store = two_attacks.store
    fresh = StoryAnswerer(store, two_attacks.embedder, two_attacks.nlp)
    decided: list[str] = []
    decisions = Answerer.decisions

    def counting(self, text, mode="hybrid"):
        decided.append(story_with(store, self.store.documents[0].doc_id))
        return decisions(self, text, mode)

    monkeypatch.setattr(Answerer, "decisions", counting)
    answer = fresh.ask(HURT)
    dogs, port = story_with(store, "ridge-herald"), story_with(store, "harbor-wire")
    assert answer.story_id == dogs and sorted(decided) == sorted([port, dogs])   # each story decided once
    assert fresh._judged == {}   # nothing kept once the question is answered
    alone = fresh.answerer(dogs).ask(HURT)
    assert len(decided) == 3 and answer.to_dict() | {"notices": [], "story_id": None, "other_stories": []} == \
        alone.to_dict() | {"notices": [], "story_id": None, "other_stories": []}


def test_questions_arriving_at_once_for_a_story_build_its_answerer_once(headlined_index, monkeypatch):
    import threading

    import qa.stories
    built = []

    class Counted(qa.stories.Answerer):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(qa.stories, "Answerer", Counted)
    answerer = StoryAnswerer.open(headlined_index)
    story = answerer.store.stories[0].story_id
    start = threading.Barrier(12)
    found = []

    def ask():
        start.wait()
        found.append(answerer.answerer(story))

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and len({id(a) for a in found}) == 1
