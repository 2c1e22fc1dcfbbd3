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
from qa.settings import Settings

KILLED = "How many people were killed in the January 4 strike?"
SPOKESMAN = "Who is the Pentagon spokesman?"


@pytest.fixture(scope="session")
def answerer(bundled_index) -> Answerer:
    return Answerer.open(bundled_index)


def groups(answer) -> dict[str, set[str]]:
    return {v.value: set(v.doc_ids) for v in answer.disagreement.values}


def test_killed_question_gives_each_outlet_a_figure_and_flags_the_clash(answerer):
    answer = answerer.ask(KILLED)
    by_doc = {s.doc_id: s for s in answer.sources}
    assert {"upi", "afp"} <= set(by_doc)
    assert by_doc["upi"].answer == "two" and by_doc["afp"].answer == "two"
    assert by_doc["the-national"].answer.lower() == "three"   # its headline, not "more than a dozen" in Iraq and Syria
    assert answer.disagreement.flag
    summary = answer.disagreement.summary
    assert "AFP" in summary and "the sources disagree" in summary
    assert {"two", "three"} <= {v.value.lower() for v in answer.disagreement.values}
    assert answer.summary.startswith(summary)   # the paragraph leads with the disagreement


def test_spokesman_cites_the_outlets_naming_him_and_flags_nothing(answerer):
    answer = answerer.ask(SPOKESMAN)
    by_doc = {s.doc_id: s for s in answer.sources}
    for doc_id in ("nyt", "upi", "the-national", "afp"):
        assert "Ryder" in (by_doc[doc_id].answer or ""), doc_id
        assert any("Ryder" in c.text for c in by_doc[doc_id].citations), doc_id
    assert not answer.disagreement.flag   # "Patrick Ryder", "Pat Ryder", "Maj Gen Pat Ryder" are one man


@pytest.fixture(scope="module")
def harbour(tmp_path_factory) -> Answerer:
    """Another story (tests/fixtures/eval/corpus): the engine must hold beyond the bundled articles."""
    folder = tmp_path_factory.mktemp("harbour-index")
    assert index.ingest([Path(__file__).parent / "fixtures" / "eval" / "corpus"], folder).ok
    return Answerer.open(folder)


def test_another_story_amounts_and_a_disagreement(harbour):
    cost = harbour.ask("How much will the new library cost?")
    assert ("valley-news", "4 million euros") in [(s.doc_id, s.answer) for s in cost.sources]
    wheat = harbour.ask("How much wheat did the warehouse hold?")
    assert ("harbour-daily", "3,000 tonnes") in [(s.doc_id, s.answer) for s in wheat.sources]
    injured = harbour.ask("How many workers were injured in the warehouse fire?")
    values = {s.doc_id: s.answer for s in injured.sources}
    assert values.get("harbour-daily", "").lower() == "four" and values.get("coast-tribune", "").lower() == "two"
    assert injured.disagreement.flag


def invented(tmp_path_factory, name: str, articles: dict[str, str]) -> Answerer:
    """An Answerer over an index of a few invented articles (file name -> text)."""
    folder = tmp_path_factory.mktemp(name)
    (folder / "a").mkdir()
    for file_name, text in articles.items():
        (folder / "a" / file_name).write_text(text, encoding="utf-8")
    assert index.ingest([folder / "a"], folder / "index").ok
    return Answerer.open(folder / "index")


@pytest.fixture(scope="module")
def ferry(tmp_path_factory) -> Answerer:
    """Two invented reports of one ferry accident, in words neither the bundled story nor the
    question uses: meaning, not word lists, must tie "hurt" to "wounded" and "injured"."""
    return invented(tmp_path_factory, "ferry", {
        "coast-post.txt": "Ferry runs aground off Vell Island\n\nTwo passengers died and at least 41 others were "
        "wounded when the ferry Maren ran aground off Vell Island at 6:40 a.m. on Tuesday. The operator said the "
        "vessel carried 212 people. Divers searched the hull until noon.\n",
        "isle-herald.txt": "Three dead as ferry hits rocks\n\nThree people were killed and 54 were injured when the "
        "Maren struck rocks near Vell Island shortly after 6:40 a.m. on Tuesday, the coastguard said. The crew of "
        "nine were unhurt.\n"})


def test_predicates_match_by_meaning_and_figures_clash(ferry):
    hurt = ferry.ask("How many people were hurt when the ferry ran aground?")
    values = {s.doc_id: s.answer for s in hurt.sources}
    assert values == {"coast-post": "at least 41", "isle-herald": "54"}
    assert hurt.disagreement.flag   # "at least 41" allows 41 to 52, not 54
    died = ferry.ask("How many people died in the ferry accident?")
    assert {s.doc_id: s.answer.lower() for s in died.sources} == {"coast-post": "two", "isle-herald": "three"}
    assert died.disagreement.flag
    when = ferry.ask("At what time did the ferry run aground?")
    assert not when.disagreement.flag   # 6:40 a.m. and shortly after 6:40 a.m. can both be true


@pytest.fixture(scope="module")
def mill_fire(tmp_path_factory) -> Answerer:
    """Two invented reports of one fire: one says nobody died and gives figures of other things."""
    return invented(tmp_path_factory, "mill-fire", {
        "tarn-daily.txt": "Fire destroys Tarn weaving mill\n\nA fire destroyed the Orrel weaving mill in Tarn on "
        "Tuesday, forcing 200 workers to leave. Nobody was killed in the mill fire, fire officer Kemi Adair said. The mill "
        "employed 340 people and made carpets.\n",
        "east-ledger.txt": "Two die in Tarn mill fire\n\nTwo workers were killed when fire swept through the Orrel "
        "weaving mill in Tarn on Tuesday, police said.\n"})


def test_nobody_is_an_answer_of_none_and_a_dispute_with_a_figure(mill_fire):
    killed = mill_fire.ask("How many people were killed in the mill fire?")
    assert {s.doc_id: s.answer for s in killed.sources} == {"tarn-daily": "Nobody", "east-ledger": "Two"}
    assert killed.disagreement.flag


@pytest.fixture(scope="module")
def depot_fire(tmp_path_factory) -> Answerer:
    """Invented reports of one fire, counting the injured by nouns of people other than "people"."""
    return invented(tmp_path_factory, "depot-fire", {
        "north-ledger.txt": "Fire at Orne bus depot\n\nThree firefighters were hurt fighting the flames at the Orne "
        "bus depot on Friday, the fire service said. Forty buses were destroyed.\n",
        "orne-radio.txt": "Bus depot blaze in Orne\n\nTwo drivers were injured when fire broke out at the Orne bus "
        "depot on Friday, police said.\n",
        "valley-times.txt": "Orne depot fire\n\nFire destroyed 40 buses at the Orne depot on Friday. The depot opened "
        "in 1988.\n"})


def test_a_count_of_persons_of_any_name_answers_how_many_people_and_a_count_of_things_does_not(depot_fire):
    injured = depot_fire.ask("How many people were injured in the depot fire?")
    assert {s.doc_id: s.answer for s in injured.sources} == {"north-ledger": "Three", "orne-radio": "Two"}
    assert not injured.disagreement.flag   # firefighters and drivers: two counts of some of the people, not a dispute


@pytest.fixture(scope="module")
def flood(tmp_path_factory) -> Answerer:
    """Two invented reports of one flood: one counts the asked animals, the other only other nouns."""
    return invented(tmp_path_factory, "flood", {
        "dale-post.txt": "Flood sweeps the Harn valley\n\nThe flood drowned 300 sheep on the valley farms on Sunday, "
        "farmers said. The river rose two metres overnight.\n",
        "moor-news.txt": "Flood on the valley farms\n\nSome 40 farms lost their harvest in the flood on Sunday, with "
        "12 barns lost. The river fell by Monday.\n"})


def test_a_value_that_fits_the_question_too_little_is_no_answer(flood):
    """"Some 40 farms" counts another noun than "how many sheep": below `Settings.value_floor` it
    is no candidate at all, so that report offers no answer; without the floor it offers one."""
    import dataclasses

    from qa.settings import Settings
    question = "How many sheep did the flood kill?"
    for floor, offered in ((Settings().value_floor, None), (-9.0, "Some 40")):
        answerer = Answerer(flood.store, flood.embedder, flood.nlp, dataclasses.replace(Settings(), value_floor=floor))
        _, _, decisions = answerer.decisions(question)
        by_doc = {answerer.store.documents[d.doc].doc_id: d for d in decisions}
        assert (by_doc["moor-news"].value.text if by_doc["moor-news"].value else None) == offered
        assert by_doc["dale-post"].value.text == "300"
    assert [s.doc_id for s in flood.ask(question).sources] == ["dale-post"]


@pytest.fixture(scope="module")
def museum(tmp_path_factory) -> Answerer:
    """Two invented reports that date three things of one museum: the asked verb ("established")
    is in neither; its meaning must pick the founding year."""
    return invented(tmp_path_factory, "museum", {
        "dale-gazette.txt": "Orrin Museum to close for repairs\n\nThe Orrin Museum was founded in 1874, its present "
        "hall was completed in 1951 and it was renamed in 1970. It will close for repairs in May.\n",
        "fen-courier.txt": "Repairs shut the Orrin Museum\n\nRepairs will shut the Orrin Museum in May. The museum "
        "was renamed in 1970 and its hall was completed in 1951; it was founded in 1874 by a society of weavers.\n"})


def test_a_date_hangs_from_the_verb_that_means_the_asked_one(museum):
    answer = museum.ask("When was the Orrin Museum established?")
    assert {s.doc_id: s.answer for s in answer.sources} == {"dale-gazette": "1874", "fen-courier": "1874"}


@pytest.fixture(scope="module")
def bakery(tmp_path_factory) -> Answerer:
    """Three invented reports of a bakery fire that give a repair bill, a loaf's price and no insurance premium."""
    return invented(tmp_path_factory, "bakery", {
        "tarn-post.txt": "Fire closes the Marren Street bakery\n\nA fire closed the Marren Street bakery in Tarn on Monday. "
        "The owner, Ada Quell, said the ovens had been serviced in March. Firefighters from two stations attended, and "
        "the street was closed for three hours. A loaf there costs £2.\n",
        "fen-courier.txt": "Bakery fire in Tarn\n\nThe Marren Street bakery was damaged by fire on Monday morning. Its "
        "owner, Ada Quell, said 14 staff would be paid while it is shut. The council said the repairs would cost about "
        "£40,000. Customers left flowers at the door.\n",
        "dale-wire.txt": "Tarn bakery hit by fire\n\nFire damaged a bakery on Marren Street in Tarn on Monday. Nobody "
        "was hurt, said Ada Quell, who has run it since 2009. The bakery sells about 600 loaves a day.\n"})


def test_a_question_no_report_answers_draws_no_scattered_figures(bakery):
    """No report gives the premium: a repair bill and a loaf's price, each in one report, neither of
    them sure or fitting, are no answer; the repair bill still answers what the repairs cost."""
    premium = bakery.ask("How much did Ada Quell pay for the bakery's insurance?")
    assert premium.sources == []
    repairs = bakery.ask("How much will the repairs cost?")
    assert ("fen-courier", "about £40,000") in [(s.doc_id, s.answer) for s in repairs.sources]


@pytest.fixture(scope="module")
def outage(tmp_path_factory) -> Answerer:
    """An invented report of a Saturday's cancellations that closes on an earlier year's, in words nearer the question."""
    return invented(tmp_path_factory, "outage", {
        "sources.csv": "file,outlet,published,title,url\n"
        "fen-wire.txt,Fen Wire,2025-08-23,Tarn Air grounds flights after computer failure,\n"
        "mere-post.txt,Mere Post,2025-08-24,Tarn Air outage strands thousands,\n",
        "fen-wire.txt": "Tarn Air grounds flights after computer failure\n\nTarn Air grounded flights across its network on "
        "Saturday after a computer failure. The airline said more than 200 flights had been cancelled by late morning. "
        "In March 2019, Tarn Air cancelled about 80 flights after a fault in its software.\n",
        "mere-post.txt": "Tarn Air outage strands thousands\n\nPassengers queued for hours at Lisbon airport on Saturday "
        "after the booking system of Tarn Air failed, the airline said.\n"})


def test_a_figure_of_an_earlier_year_gives_way_to_one_of_this_event(outage):
    """"In March 2019, Tarn Air cancelled about 80 flights" is nearer the question than "more than 200
    flights had been cancelled", but it is another event's figure: the report's own answers."""
    answer = outage.ask("How many flights did Tarn Air cancel on the Saturday of the outage?")
    assert {s.doc_id: s.answer for s in answer.sources} == {"fen-wire": "more than 200"}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Answerer:
    """Two invented reports of one company's quarter, each giving two figures of one kind: what
    each figure is a figure of, by meaning, picks the asked one."""
    return invented(tmp_path_factory, "results", {
        "tarn-wire.txt": "Halden Foods reports its quarter\n\nHalden Foods said on Monday that its shares gained "
        "12% while revenue rose 4.1% in the quarter.\n",
        "mere-post.txt": "A steady quarter at Halden Foods\n\nAt Halden Foods the shares gained 12% in the quarter, "
        "and revenue rose 4.1%, the company said.\n"})


def test_a_figure_of_what_the_question_asks_about_fits_by_meaning(results):
    answer = results.ask("By what percentage did Halden Foods' sales grow?")   # "sales": in neither report
    assert {s.doc_id: s.answer for s in answer.sources} == {"tarn-wire": "4.1%", "mere-post": "4.1%"}


@pytest.fixture(scope="module")
def athletes(tmp_path_factory) -> Answerer:
    return invented(tmp_path_factory, "athletes", {
        "fjord-sport.txt": "Brevik signs again\n\nTomas Brevik is a Norwegian footballer who signed a new deal "
        "with his club in Hallvik on Monday.\n",
        "vale-times.txt": "Ilse Marr returns\n\nIlse Marr, 24, has joined the Dunholt Basketball Club for the "
        "new season, the club said.\n",
        "north-ring.txt": "A title in Lodz\n\nKamil Oren, a boxer from Lodz, won the national title on "
        "Saturday night.\n"})


@pytest.mark.parametrize("question, doc, answer", [
    ("What sport is Tomas Brevik associated with?", "fjord-sport", "football"),   # an agent noun: what he does
    ("What sport does Ilse Marr play?", "vale-times", "Basketball"),              # a kind inside a name, not its head
    ("What sport is Kamil Oren known for?", "north-ring", "boxing"),
])
def test_what_sport_is_read_off_a_player_noun_or_a_clubs_name(athletes, question, doc, answer):
    assert {s.doc_id: s.answer for s in athletes.ask(question).sources}.get(doc) == answer


@pytest.fixture(scope="module")
def rivals(tmp_path_factory) -> Answerer:
    """Outlets that give one player two sports, or one sport by two of its names."""
    return invented(tmp_path_factory, "rivals", {
        "cue-news.txt": "Marr's comeback\n\nIlse Marr is a professional snooker player who won the open "
        "title in Hallvik on Sunday.\n",
        "court-daily.txt": "Marr wins again\n\nIlse Marr is a badminton player who won the open title in "
        "Hallvik on Sunday.\n",
        "pitch-post.txt": "Brevik stays\n\nTomas Brevik is a professional football player who signed a new deal "
        "with his club on Monday.\n",
        "goal-wire.txt": "Brevik signs\n\nTomas Brevik is a professional soccer player who signed a new deal "
        "with his club on Monday.\n"})


def test_two_sports_are_a_disagreement_two_names_of_one_are_not(rivals):
    """Two kinds answering "what sport" are in dispute when their meanings are far apart (snooker,
    badminton), not when they are near (football, soccer: Settings.flag_kinds_apart)."""
    marr = rivals.within(["cue-news", "court-daily"]).ask("What sport is Ilse Marr associated with?")
    assert {s.doc_id: s.answer for s in marr.sources} == {"cue-news": "snooker", "court-daily": "badminton"}
    assert marr.disagreement.flag and "snooker" in marr.disagreement.summary
    brevik = rivals.within(["pitch-post", "goal-wire"]).ask("What sport is Tomas Brevik associated with?")
    assert {s.doc_id: s.answer for s in brevik.sources} == {"pitch-post": "football", "goal-wire": "soccer"}
    assert not brevik.disagreement.flag
    never = Answerer(rivals.store, rivals.embedder, rivals.nlp, Settings(flag_kinds_apart=0.0))
    assert not never.within(["cue-news", "court-daily"]).ask("What sport is Ilse Marr associated with?").disagreement.flag


@pytest.fixture(scope="module")
def gestures(tmp_path_factory) -> Answerer:
    """Outlets whose phrases near "what gesture" are nothing like a kind of gesture."""
    return invented(tmp_path_factory, "gestures", {
        "air-wire.txt": "Stranded passengers offered help\n\nThe airline offered stranded passengers a travel voucher "
        "as a goodwill gesture after the outage.\n",
        "sky-post.txt": "Airline apologises\n\nAs a goodwill gesture the airline offered stranded families a free "
        "hotel room after the outage.\n"})


def test_a_what_x_phrase_far_from_any_kind_of_x_is_cited_but_not_disputed(gestures):
    """A "what X" phrase whose meaning is far from "a kind of X" (Settings.flag_kind_sim) may be cited,
    but two such phrases are no disagreement: the banner would weigh words, not answers."""
    question = "What goodwill gesture did the airline offer stranded passengers?"
    assert not gestures.ask(question).disagreement.flag
    anyway = Answerer(gestures.store, gestures.embedder, gestures.nlp, Settings(flag_kind_sim=0.0))
    assert anyway.ask(question).disagreement.flag


@pytest.fixture(scope="module")
def final(tmp_path_factory) -> Answerer:
    return invented(tmp_path_factory, "final", {
        "vale-sport.txt": "Orvel take the cup\n\nOrvel beat Dunmere 3-1 in the cup final on Sunday, with two goals "
        "from Ana Ruiz.\n",
        "ring-post.txt": "Cup goes to Orvel\n\nDunmere lost 1-3 to Orvel in Sunday's cup final in front of 40,000 "
        "fans.\n",
        "kell-wire.txt": "Orvel win the cup\n\nOrvel won the cup final 2-1 against Dunmere on Sunday, a late goal "
        "settling it.\n"})


def test_a_games_score_is_a_value_read_either_way_round_and_weighed(final):
    answer = final.ask("What was the score in the cup final?")
    scores = {s.doc_id: s.answer for s in answer.sources}
    assert scores == {"vale-sport": "3-1", "ring-post": "1-3", "kell-wire": "2-1"}
    assert answer.disagreement.flag   # 3-1 (1-3 read the other way round) against 2-1
    assert answer.disagreement.summary.startswith("Score: the sources disagree.")
    groups = [sorted(g.doc_ids) for g in answer.disagreement.values]
    assert ["ring-post", "vale-sport"] in groups and ["kell-wire"] in groups


@pytest.fixture(scope="module")
def cargo(tmp_path_factory) -> Answerer:
    return invented(tmp_path_factory, "cargo", {
        "cape-news.txt": "Cargo ship runs aground\n\nThe Marisol Dawn was carrying 300 tonnes of fertiliser when it "
        "ran aground off the cape on Monday.\n",
        "dorley-post.txt": "Protest in Dorley\n\nThousands of protesters marched in Dorley, demanding lower fuel "
        "prices and the minister's resignation.\n"})


@pytest.mark.parametrize("question, doc, answer", [
    ("What was the ship carrying?", "cape-news", "300 tonnes of fertiliser"),
    ("What were the protesters demanding?", "dorley-post", "lower fuel prices"),
])
def test_what_a_verb_of_the_question_takes_is_its_short_answer(cargo, question, doc, answer):
    """"What was the ship carrying": the object of "carrying", not the ship's name."""
    assert {s.doc_id: s.answer for s in cargo.ask(question).sources}.get(doc) == answer


@pytest.fixture(scope="module")
def storm(tmp_path_factory) -> Answerer:
    """Two invented reports that count homes and people moved: the question asks for "houses", a
    word neither uses."""
    return invented(tmp_path_factory, "storm", {
        "tor-herald.txt": "Storm floods Tarrow valley\n\nThe storm flooded 40 homes in the Tarrow valley overnight, "
        "and 300 were moved to shelters, officials said.\n",
        "bell-news.txt": "Tarrow valley counts the damage\n\nOfficials said 300 were moved to shelters after the "
        "storm flooded 40 homes in the Tarrow valley.\n"})


def test_a_number_counting_a_noun_that_means_the_asked_one_counts_it(storm):
    answer = storm.ask("How many houses were flooded?")
    assert {s.doc_id: s.answer for s in answer.sources} == {"tor-herald": "40", "bell-news": "40"}


@pytest.fixture(scope="module")
def coach(tmp_path_factory) -> Answerer:
    """Invented reports that count the dead and the hurt by nouns of the event ("two deaths", "no
    injuries") and by a headline's adjective ("Two dead"), not by a verb of it."""
    return invented(tmp_path_factory, "coach", {
        "kell-wire.txt": "Two dead in Kell coach crash\n\nThe crash on the Kell road on Sunday caused two deaths "
        "and four injuries, the ambulance service said.\n",
        "valley-post.txt": "Kell coach crash\n\nThe coach overturned on the Kell road on Sunday. There were no "
        "injuries in the coach crash, the operator said. No fare rise is planned.\n"})


def test_a_noun_of_the_asked_outcome_counts_it_and_no_before_it_counts_none(coach):
    hurt = coach.ask("How many people were injured in the coach crash?")
    # "four injuries", not the headline's "Two dead" (another outcome); "no injuries": none, in dispute with four
    assert {s.doc_id: s.answer for s in hurt.sources} == {"kell-wire": "four", "valley-post": "no injuries"}
    assert hurt.disagreement.flag
    died = coach.ask("How many people died in the coach crash?")
    # "no fare rise" counts nothing asked, and "no injuries" another outcome: no answer
    assert {s.doc_id: s.answer.lower() for s in died.sources} == {"kell-wire": "two"}


@pytest.fixture(scope="module")
def reef(tmp_path_factory) -> Answerer:
    """Invented reports dated 2025 (sources.csv), one of which goes on about a grounding of 2009 in a
    paragraph of its own, its figures in sentences that name no year."""
    return invented(tmp_path_factory, "reef", {
        "tarn-post.txt": "Ferry hits Skell reef\n\nThe ferry Merrow Lass struck the Skell reef on Thursday night. "
        "Nine people were injured in the grounding, the coastguard said.\n\nIt is not the first accident there. "
        "In 2009 the Isle Venture grounded on the same reef. Three people were injured in that grounding.\n",
        "bay-news.txt": "Nine hurt as ferry strikes reef\n\nNine people were injured when the ferry Merrow Lass "
        "struck the Skell reef on Thursday.\n",
        "sources.csv": "file,outlet,published,title,url\n"
        "tarn-post.txt,Tarn Post,2025-10-17,Ferry hits Skell reef,\n"
        "bay-news.txt,Bay News,2025-10-17,Nine hurt as ferry strikes reef,\n"})


def test_a_figure_after_a_sentence_of_an_earlier_year_in_its_paragraph_is_that_years(reef):
    q, s, decisions = reef.decisions("How many people were injured in the grounding?")
    by_doc = {reef.store.documents[d.doc].doc_id: d for d in decisions}
    three = [v for c in by_doc["tarn-post"].candidates for v in c.values if v.text == "Three"]
    nine = [v for c in by_doc["tarn-post"].candidates for v in c.values if v.text == "Nine"]
    assert three and three[0].fields.get("elsewhere") and nine and not nine[0].fields.get("elsewhere")
    answer = reef.ask("How many people were injured in the grounding?")
    assert {x.doc_id: x.answer for x in answer.sources} == {"tarn-post": "Nine", "bay-news": "Nine"}
    assert not answer.disagreement.flag


@pytest.fixture(scope="module")
def avalanche(tmp_path_factory) -> Answerer:
    """An invented report whose count of the hurt hangs, in the parse, from "killed": the
    participle after its noun ("five others INJURED") is the verb its meaning is weighed by."""
    return invented(tmp_path_factory, "avalanche", {
        "snow-times.txt": "Avalanche on Mount Orla\n\nRescuers said two people were killed and five others injured "
        "in the avalanche on Mount Orla on Sunday. The pass stays closed.\n"})


def test_a_figure_is_weighed_by_the_participle_after_its_noun(avalanche):
    answer = avalanche.ask("How many people were hurt in the avalanche?")
    assert {s.doc_id: s.answer for s in answer.sources} == {"snow-times": "five"}


@pytest.fixture(scope="module")
def garrisons(tmp_path_factory) -> Answerer:
    """Two invented reports: one counts the soldiers of the asked place, the other those of
    another place only."""
    return invented(tmp_path_factory, "garrisons", {
        "north-wire.txt": "Tarnia garrison grows\n\nThe army said 400 soldiers are now stationed in Tarnia, up from 250 "
        "last year. The base will expand in spring.\n",
        "east-post.txt": "Soldiers to stay in Tarnia\n\nThe soldiers in Tarnia will stay until next year. Only 30 "
        "soldiers are stationed in Vellmark, the ministry said.\n"})


def test_a_figure_of_another_place_is_not_weighed_against_the_asked_places(garrisons):
    answer = garrisons.ask("How many soldiers are stationed in Tarnia?")
    assert {s.doc_id: s.answer for s in answer.sources}["north-wire"] == "400"
    assert not answer.disagreement.flag   # Vellmark's 30 is no second answer for Tarnia


@pytest.fixture(scope="module")
def ridge(tmp_path_factory) -> Answerer:
    """Two invented reports of a firefighter's death; one headline's "as 40 homes are lost" gives a
    role candidate that names a thing."""
    return invented(tmp_path_factory, "ridge", {
        "vale-news.txt": "Ridge fire: Firefighter dies as 40 homes are lost\n\nLieutenant Ana Ruiz, 38, died on "
        "Tuesday while fighting the Orla Ridge fire, officials said.\n",
        "hill-post.txt": "Firefighter killed in Orla Ridge fire\n\nCaptain Ana Ruiz, a veteran of the Orla fire "
        "service, died on Tuesday when flames crossed the ridge.\n"})


def test_a_role_that_means_a_thing_raises_no_banner(ridge):
    answer = ridge.ask("What rank did the firefighter who died hold?")
    assert {s.doc_id: s.answer for s in answer.sources}["hill-post"] == "Captain"
    assert not answer.disagreement.flag   # "homes" is no rank to weigh against "Captain"


@pytest.fixture(scope="module")
def blaze(tmp_path_factory) -> Answerer:
    """An invented report whose cause sentence shares few words with the question."""
    return invented(tmp_path_factory, "blaze", {
        "hill-times.txt": "Grass fire near Orm Hill\n\nThe fire that started on Monday near Orm Hill has burned "
        "300 acres. Crews fought the fire for three days. Investigators believe sparks from a welding torch "
        "ignited the dry grass. The fire is now 80 percent contained.\n"})


def test_a_cause_question_cites_the_sentence_that_states_a_cause_first(blaze):
    answer = blaze.ask("What is thought to have started the fire?")
    assert [s.answer for s in answer.sources] == ["sparks from a welding torch"]
    assert "welding torch" in answer.sources[0].citations[0].text


@pytest.fixture(scope="module")
def blazes(tmp_path_factory) -> Answerer:
    """Reports of one fire that give it two causes, or one cause in two wordings, or restate it."""
    return invented(tmp_path_factory, "blazes", {
        "hill-times.txt": "Grass fire near Orm Hill\n\nThe fire that started on Monday near Orm Hill has burned "
        "300 acres. Investigators believe sparks from a welding torch ignited the dry grass.\n",
        "ridge-post.txt": "Grass fire near Orm Hill\n\nThe fire that started on Monday near Orm Hill has burned "
        "300 acres. Investigators believe a downed power line ignited the dry grass.\n",
        "vale-news.txt": "Grass fire near Orm Hill\n\nThe fire that started on Monday near Orm Hill has burned "
        "300 acres. Investigators believe a fallen power line ignited the dry grass.\n",
        "moor-wire.txt": "Grass fire near Orm Hill\n\nThe fire that started on Monday near Orm Hill has burned "
        "300 acres. Investigators say homes were evacuated after the fire started.\n",
        "lake-news.txt": "Grass fire near Orm Hill\n\nThe fire that started on Monday near Orm Hill has burned "
        "300 acres. The grass caught fire after a lightning storm swept the hills.\n",
        "fen-daily.txt": "Grass fire near Orm Hill\n\nThe fire that started on Monday near Orm Hill has burned "
        "300 acres. The grass caught fire because of a lightning storm over the hills.\n"})


def test_two_causes_are_a_disagreement_one_cause_in_two_wordings_is_not(blazes):
    """Causes are weighed by meaning, as kinds are: a welding torch against a power line is a
    disagreement, a downed against a fallen power line is not; a 'cause' that restates the asked
    event ("after the fire started") is no cause, and one only "after" which something happened is
    an answer but weighs nothing."""
    question = "What is thought to have started the fire?"
    two = blazes.within(["hill-times", "ridge-post", "vale-news"]).ask(question)
    assert {s.doc_id: s.answer for s in two.sources} == {
        "hill-times": "sparks from a welding torch", "ridge-post": "a downed power line",
        "vale-news": "a fallen power line"}
    assert two.disagreement.flag and two.disagreement.summary.startswith("Cause: the sources disagree.")
    assert "vale-news and ridge-post say" in two.disagreement.summary or "ridge-post and vale-news say" in two.disagreement.summary
    assert not blazes.within(["ridge-post", "vale-news"]).ask(question).disagreement.flag
    restated = blazes.within(["ridge-post", "moor-wire"]).ask(question)
    assert not restated.disagreement.flag
    never = Answerer(blazes.store, blazes.embedder, blazes.nlp, Settings(flag_causes_apart=0.0))
    assert not never.within(["hill-times", "ridge-post"]).ask(question).disagreement.flag
    # "because of" a storm is a cause to weigh; "after" a storm may only say what came before it
    assert blazes.within(["ridge-post", "fen-daily"]).ask(question).disagreement.flag
    after = blazes.within(["ridge-post", "lake-news"]).ask(question)
    assert [s.answer for s in after.sources if s.doc_id == "lake-news"][0].startswith("a lightning storm")
    assert not after.disagreement.flag


def test_question_no_article_answers_cites_nothing(answerer):
    answer = answerer.ask("Who won the Super Bowl?")
    assert answer.sources == []
    assert sorted(answer.not_mentioned) == ["afp", "nyt", "the-national", "upi", "washington-post"]
    assert answer.summary == "No source addresses this question."
    assert not answer.disagreement.flag


def test_approximate_and_exact_figures_are_not_a_clash(answerer):
    answer = answerer.ask("How many U.S. troops are in Iraq?")
    values = {s.doc_id: s.answer for s in answer.sources}
    assert values["nyt"] == "about 2,500"
    assert not any(v.value == "2,500" for v in answer.disagreement.values if "nyt" not in v.doc_ids)


@pytest.mark.parametrize("mode", ["dense", "bm25"])
def test_single_retrievers_still_answer(answerer, mode):
    answer = answerer.ask(KILLED, mode=mode)
    assert {"upi", "afp"} <= {s.doc_id for s in answer.sources}
    assert all(s.citations for s in answer.sources)


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


@pytest.fixture(scope="module")
def quarry(tmp_path_factory) -> Answerer:
    """Two invented reports of one blast, each counting several outcomes in one sentence: the
    dead, the wounded, the missing, the detained and the evacuated."""
    return invented(tmp_path_factory, "quarry", {
        "moor-post.txt": "Blast at Denmoor quarry\n\nSix workers died in the blast at the Denmoor quarry on Monday "
        "and 14 were wounded, the company said. Two men are still missing.\n",
        "dale-wire.txt": "Denmoor quarry blast\n\nPolice detained three men after the blast at the Denmoor "
        "quarry, where 40 families were evacuated from nearby homes. Eleven people were hurt.\n"})


@pytest.mark.parametrize("question, answers, without", [
    ("How many people were injured in the quarry blast?", {"moor-post": "14", "dale-wire": "Eleven"}, None),
    ("How many people were killed in the quarry blast?", {"moor-post": "Six"}, {"moor-post": "Six", "dale-wire": "three"}),
    ("How many people were arrested after the quarry blast?", {"dale-wire": "three"},
     {"moor-post": "Six", "dale-wire": "three"}),
    # no verb of its own: the outcome its words mean ("death": killed)
    ("What was the death toll of the quarry blast?", {"moor-post": "Six"}, {"moor-post": "Six", "dale-wire": "40"}),
])
def test_a_count_of_another_outcome_is_no_count_of_the_asked_one(quarry, question, answers, without):
    """"Three men detained" for "how many were killed", "six died" for "how many were
    arrested": the count's verb and the question's are each read as an outcome by meaning (died:
    killed, wounded and hurt: injured, detained: arrested), and a count of another outcome is no
    answer, so a report that states none gives none. With the rule off (`Settings.outcome_sim` 1)
    the other outcome's figure is taken."""
    import dataclasses

    from qa.settings import Settings
    assert {s.doc_id: s.answer for s in quarry.ask(question).sources} == answers
    off = Answerer(quarry.store, quarry.embedder, quarry.nlp, dataclasses.replace(Settings(), outcome_sim=1.0))
    assert {s.doc_id: s.answer for s in off.ask(question).sources} == (without or answers)


@pytest.fixture(scope="module")
def township(tmp_path_factory) -> Answerer:
    """Two invented reports of a storm in a small town: one gives the town's population, the
    other only counts the storm's dead and injured."""
    return invented(tmp_path_factory, "township", {
        "vale-echo.txt": "Storm hits Orrisdale\n\nA storm tore through Orrisdale on Sunday, flattening barns and "
        "felling power lines. The town has a population of 3,400, most of them farmers.\n",
        "ridge-times.txt": "Orrisdale storm\n\nTwo people were killed when a storm tore through Orrisdale on Sunday, "
        "and nine were injured by falling trees, the mayor said.\n"})


def test_a_question_that_asks_no_outcome_is_answered_by_no_count_of_one(township):
    """"What is the population of Orrisdale": "two people were KILLED" in Orrisdale is no
    population. A question with no verb of its own that asks no outcome by its words is
    answered by no count of an outcome; with the rule off (`Settings.outcome_sim` 1) it was."""
    import dataclasses

    from qa.settings import Settings
    question = "What is the population of Orrisdale?"
    assert {s.doc_id: s.answer for s in township.ask(question).sources} == {"vale-echo": "3,400"}
    off = Answerer(township.store, township.embedder, township.nlp, dataclasses.replace(Settings(), outcome_sim=1.0))
    assert "ridge-times" in {s.doc_id for s in off.ask(question).sources}


def scores(answerer: Answerer, question: str, **settings) -> dict[str, float]:
    """Each document's decided score for a question, with these settings changed."""
    changed = Answerer(answerer.store, answerer.embedder, answerer.nlp, Settings(**settings))
    return {changed.store.documents[d.doc].doc_id: d.score for d in changed.decisions(question)[2]}


@pytest.fixture(scope="module")
def crush(tmp_path_factory) -> Answerer:
    """Three reports of a crowd crush; one says nothing of arrests."""
    return invented(tmp_path_factory, "crush", {
        "vale-wire.txt": "Man held after festival crush\n\nPolice arrested a 44-year-old man on Monday over the crowd "
        "crush at the Brackmoor festival, in which 40 people were hurt.\n",
        "moor-post.txt": "Festival crush inquiry\n\nPolice are investigating the crowd crush at the Brackmoor festival, "
        "in which forty people were hurt on Saturday night.\n",
        "town-news.txt": "Crush inquiry opens\n\nNobody has been arrested over the crowd crush at the Brackmoor "
        "festival, police said on Sunday.\n"})


def test_a_yes_no_question_is_not_answered_yes_by_a_report_silent_on_its_verb(crush):
    """"Has anyone been arrested" is answered by the reports that speak of arrests; one that only
    tells of the crush says neither yes nor no, and weighs less by `Settings.polar_unverbed_penalty`."""
    question = "Has anyone been arrested over the crush?"
    said = {s.doc_id: s.answer for s in crush.ask(question).sources}
    assert said == {"vale-wire": "yes", "town-news": "no"}

    full = scores(crush, question, polar_unverbed_penalty=0.1)
    none = scores(crush, question, polar_unverbed_penalty=0.0)
    assert none["moor-post"] - full["moor-post"] == pytest.approx(0.1)
    assert full["vale-wire"] == none["vale-wire"] and full["town-news"] == none["town-news"]


@pytest.fixture(scope="module")
def floods(tmp_path_factory) -> Answerer:
    """A report of this week's flood, and one that tells only of an earlier year's (both published in 2025)."""
    folder = tmp_path_factory.mktemp("floods")
    (folder / "a").mkdir()
    (folder / "a" / "dale-post.txt").write_text("Four dead in Ashby flood\n\nFour people died when the river burst "
                                                "its banks in Ashby on Tuesday, police said.\n", encoding="utf-8")
    (folder / "a" / "vale-news.txt").write_text("Ashby braces again\n\nIn 2011 a flood in the same valley killed 40 "
                                                "people and destroyed the old mill, residents recalled.\n", encoding="utf-8")
    (folder / "a" / "sources.csv").write_text(
        "file,outlet,published,title,url\n"
        "dale-post.txt,Dale Post,2025-03-04,Four dead in Ashby flood,\n"
        "vale-news.txt,Vale News,2025-03-05,Ashby braces again,\n", encoding="utf-8")
    assert index.ingest([folder / "a"], folder / "index").ok
    return Answerer.open(folder / "index")


def test_a_figure_of_another_event_answers_less_surely(floods):
    """A document whose figure is of an earlier year's event (kept out of a banner) weighs less by
    `Settings.elsewhere_penalty`; one whose figure is the asked event's does not."""
    question = "How many people died in the Ashby flood?"

    full = scores(floods, question, elsewhere_penalty=0.1)
    none = scores(floods, question, elsewhere_penalty=0.0)
    assert none["vale-news"] - full["vale-news"] == pytest.approx(0.1)
    assert full["dale-post"] == none["dale-post"]


@pytest.fixture(scope="module")
def depot_raid(tmp_path_factory) -> Answerer:
    """Two invented reports of one raid: one names the guard who raised the alarm, the other only the
    inspector who spoke of it; the second also names the depot's lawyer by another word."""
    return invented(tmp_path_factory, "depot-raid", {
        "moor-gazette.txt": "Thieves raid Harnwick depot\n\nA night guard raised the alarm at the Harnwick depot "
        "shortly after 2 a.m. on Sunday, Inspector Dalia Quent said. Thieves took copper cable worth 40,000 euros.\n",
        "vale-post.txt": "Guard foils Harnwick depot raid\n\nNight guard Tomas Brell raised the alarm after hearing glass "
        "break at the Harnwick depot on Sunday. The depot's attorney, Rosa Imbert, said the company would sue its "
        "alarm firm.\n"})


@pytest.fixture(scope="module")
def firm_results(tmp_path_factory) -> Answerer:
    """Two invented reports of one firm's results: both quote its chief executive, one its finance chief."""
    return invented(tmp_path_factory, "firm-results", {
        "harbour-times.txt": "Orvane profit rises 12%\n\nChief executive Lena Marsh, who has run Orvane since 2019, said "
        "the quarter was the best in its history. Orvane's revenue rose to $80 million.\n",
        "city-ledger.txt": "Orvane lifts profit\n\nOrvane's finance chief, Piet Voss, said costs fell in the quarter. "
        "Orvane chief executive Lena Marsh declined to comment on the outlook.\n"})


def test_a_title_sharing_a_word_with_the_asked_role_is_weighed_by_the_words_they_differ_by(firm_results):
    # "chief executive" is near "chief financial officer" as a whole (0.71); "executive" is far from
    # "financial officer", "finance" near it
    cfo = firm_results.ask("Who is Orvane's chief financial officer?")
    assert {s.doc_id: s.answer for s in cfo.sources} == {"city-ledger": "Piet Voss"}
    ceo = firm_results.ask("Who is Orvane's chief executive?")
    assert {s.doc_id: s.answer for s in ceo.sources} == {"harbour-times": "Lena Marsh", "city-ledger": "Lena Marsh"}


@pytest.mark.parametrize("name, articles, question", [
    # a deed near the asked one only by its verb: "sent" / "opened" are near alone (0.57), "sent
    # cybersecurity staff" / "opened phishing email" are not
    ("phishing", {"vale-post.txt": "Hospital hit by cyberattack\n\nA hospital in Tarn was hit by a cyberattack after "
                  "an employee opened a phishing email. The police are investigating with help from cybersecurity "
                  "staff sent by Gov. Ida Lum.\n"},
     "What is the name of the employee who opened the phishing email?"),
    # a role narrowed by an "of" phrase: "captain" is near "officer" (0.56), not "watch officer" (0.39)
    ("grounding", {"vale-post.txt": "Cargo ship runs aground off Tarn\n\nThe cargo ship Marren Star ran aground off "
                   "Tarn on Sunday. Captain Ivo Lund said the crew were safe.\n",
                   "isle-news.txt": "Marren Star grounded\n\nThe Marren Star, a cargo ship of 4,000 tonnes, grounded off "
                   "Tarn on Sunday morning. Its master, Captain Ivo Lund, 52, told reporters the officer of the watch "
                   "had been on the bridge.\n"},
     "What is the name of the officer of the watch on the Marren Star?"),
])
def test_no_one_the_reports_name_is_tied_to_the_asked_role(tmp_path_factory, name, articles, question):
    answer = invented(tmp_path_factory, name, articles).ask(question)
    assert [s.answer for s in answer.sources if s.answer] == []


def test_a_person_asked_for_by_role_is_one_the_sentence_gives_that_role(depot_raid):
    guard = depot_raid.ask("What is the name of the night guard who raised the alarm?")
    # the inspector who spoke of the guard is no answer: the report that never names the guard cites nothing
    assert {s.doc_id: s.answer for s in guard.sources} == {"vale-post": "Tomas Brell"}
    assert not guard.disagreement.flag
    lawyer = depot_raid.ask("Who is the depot's lawyer?")   # "attorney" is near "lawyer" in meaning
    assert {s.doc_id: s.answer for s in lawyer.sources} == {"vale-post": "Rosa Imbert"}


@pytest.fixture(scope="module")
def raid_and_crossing(tmp_path_factory) -> Answerer:
    """Invented reports whose only counts are of other things than some questions ask about."""
    return invented(tmp_path_factory, "raid-and-crossing", {
        "vell-post.txt": "Ferry capsizes off Vell\n\nA ferry carrying 148 people capsized off Vell Island on Friday. "
        "Four men broke into the harbour office during the rescue, police said.\n"})


@pytest.mark.parametrize("question, answer", [
    ("How many lifeboats did the ferry carry?", None),       # "people" is no lifeboat (0.28): nothing answers
    ("How many people were on board the ferry?", "148"),
    ("How many thieves broke into the harbour office?", "Four"),   # men are anyone a person's noun asks for
])
def test_a_count_of_a_noun_far_from_the_asked_one_is_no_answer(raid_and_crossing, question, answer):
    assert [s.answer for s in raid_and_crossing.ask(question).sources if s.answer] == ([answer] if answer else [])


@pytest.fixture(scope="module")
def grounded(tmp_path_factory) -> Answerer:
    """A report of an airline's outage that leads with a software update and denies a cyber attack
    after it; another of a blackout that a cyber attack caused."""
    return invented(tmp_path_factory, "grounded", {
        "tarn-wire.txt": "Tarn Air flights resume\n\nThe outage that grounded Tarn Air on Saturday began with a "
        "software update. The airline said there was no sign of a cyber attack.\n",
        "lisbon-post.txt": "Hackers blamed for Tarn blackout\n\nA cyber attack on the grid caused Friday's power "
        "cut in Tarn, officials said on Saturday.\n"})


def test_a_yes_no_answer_weighs_a_sentence_that_denies_the_asked_words_more(grounded):
    """"Was it caused by a cyber attack": a report's sentence that denies one ("no sign of a cyber
    attack") answers before one a little nearer the question that is silent on it, which reads "yes"."""
    said = {s.doc_id: s.answer for s in grounded.ask("Was the Tarn Air outage caused by a cyber attack?").sources}
    assert said == {"tarn-wire": "no", "lisbon-post": "yes"}


@pytest.fixture(scope="module")
def mill(tmp_path_factory) -> Answerer:
    """A report that says what came before a closure ("after a meeting") a little nearer the question
    than what it blames the closure on."""
    return invented(tmp_path_factory, "mill", {
        "tarn-wire.txt": "Tarn mill shuts its doors\n\nThe mill in Tarn shut on Friday after a meeting of its board. "
        "The owners blamed the closure of the Tarn mill on falling orders.\n",
        "lisbon-post.txt": "Mill jobs lost\n\nForty jobs were lost when the Tarn mill closed because of falling "
        "orders, the union said.\n"})


def test_a_stated_cause_answers_before_what_only_came_after(mill):
    """"Why did it close": "blamed ... ON falling orders" states a cause; "after a meeting" may say only
    what came before, and weighs less (`Settings.after_fit`)."""
    said = {s.doc_id: s.answer for s in mill.ask("Why did the Tarn mill close?").sources}
    assert said == {"tarn-wire": "falling orders", "lisbon-post": "falling orders"}


@pytest.fixture(scope="module")
def floods_again(tmp_path_factory) -> Answerer:
    """Three reports of this week's flood; two give the toll of a flood in 2009 too, one only this week's."""
    return invented(tmp_path_factory, "floods-again", {
        "sources.csv": "file,outlet,published,title,url\n"
        "tarn-wire.txt,Tarn Wire,2025-03-04,Flood hits Tarn again,\n"
        "lisbon-post.txt,Lisbon Post,2025-03-04,Tarn flood toll rises,\n"
        "mere-news.txt,Mere News,2025-03-05,Tarn counts the cost,\n",
        "tarn-wire.txt": "Flood hits Tarn again\n\nFour people have died in the flood that hit Tarn on Monday, police "
        "said. In 2009 a flood in Tarn killed 40 people.\n",
        "lisbon-post.txt": "Tarn flood toll rises\n\nFour people have died after the river burst its banks in Tarn on "
        "Monday, police said.\n",
        "mere-news.txt": "Tarn counts the cost\n\nThe 2009 flood killed 40 people in Tarn, and the town built new "
        "walls after it.\n"})


def test_a_report_that_gives_no_figure_of_the_asked_year_does_not_answer(floods_again):
    """"How many died in the 2009 flood": this week's "four have died", in a report that names no 2009,
    tells of another flood (`Settings.other_year_penalty`); the reports that give 2009's toll answer."""
    said = {s.doc_id: s.answer for s in floods_again.ask("How many people died in the 2009 flood in Tarn?").sources}
    assert said == {"tarn-wire": "40", "mere-news": "40"}


@pytest.fixture(scope="module")
def boil_notice(tmp_path_factory) -> Answerer:
    """Three reports of contaminated water: one says in a noun that no one has died, one that someone has,
    one neither."""
    return invented(tmp_path_factory, "boil-notice", {
        "tarn-wire.txt": "Boil notice for Tarn\n\nResidents of Tarn were told on Monday to boil their tap water after "
        "the supply was contaminated. No deaths have been reported in Tarn, the water company said.\n",
        "lisbon-post.txt": "Tarn water scare\n\nThe contaminated water in Tarn has made 31 people ill, and one elderly "
        "resident has died, officials said.\n",
        "mere-news.txt": "Tarn queues for bottled water\n\nLong queues formed at bottled water stations across Tarn "
        "on Tuesday.\n"})


def test_a_denial_in_the_noun_of_the_asked_verb_answers_no(boil_notice):
    """"Has anyone died": "no DEATHS have been reported" uses the asked verb's noun (`lexicon.VERB_NOUNS`)
    and denies it, so that sentence answers "no" (before, the lead's silence read "yes")."""
    said = {s.doc_id: s.answer for s in boil_notice.ask(
        "Has anyone died as a result of the contaminated water in Tarn?").sources}
    assert said == {"tarn-wire": "no", "lisbon-post": "yes"}


@pytest.fixture(scope="module")
def gallery_raid(tmp_path_factory) -> Answerer:
    """Two reports of a gallery raid: each counts the stolen things by their own name, one the thieves too."""
    return invented(tmp_path_factory, "gallery-raid", {
        "tarn-wire.txt": "Raid at Tarn Gallery\n\nThree masked thieves broke into the Tarn Gallery early on Sunday. "
        "They escaped with eight pieces of silver jewellery, police said.\n",
        "mere-news.txt": "Tarn Gallery robbed\n\nThieves took six paintings from the Tarn Gallery overnight, the "
        "gallery's director said on Sunday.\n"})


def test_how_many_items_is_answered_by_a_count_of_things_of_any_name_not_of_persons(gallery_raid):
    """"How many items were stolen": "eight PIECES of jewellery" and "six PAINTINGS" count items whatever
    their name (`lexicon.THING_NOUNS`); "three THIEVES" counts persons, no items."""
    said = {s.doc_id: (s.answer or "").lower() for s in gallery_raid.ask(
        "How many items were stolen from the Tarn Gallery?").sources}
    assert said == {"tarn-wire": "eight", "mere-news": "six"}


@pytest.fixture(scope="module")
def aground(tmp_path_factory) -> Answerer:
    """A report of a ferry aground that says in a noun, in a short sentence of its own, that no one died."""
    return invented(tmp_path_factory, "aground", {
        "tarn-wire.txt": "Ferry aground off Tarn\n\nA ferry carrying 112 passengers and nine crew ran aground on rocks "
        "off Tarn late on Thursday. Seven people were hurt, one of them seriously. Lifeboats from Marren and "
        "Lisbon took the passengers ashore in the dark. The crew were praised by the coastguard. No deaths were "
        "reported.\n"})


def test_the_noun_of_the_asked_verb_brings_a_count_as_near_as_the_verb(aground):
    """"How many people died": in "no DEATHS were reported" the noun of the asked verb
    (`lexicon.VERB_NOUNS`) is as near to the count as "died" would be, so that sentence is cited
    among the first, beside the count of passengers on board."""
    source = aground.ask("How many people died when the ferry ran aground off Tarn?").sources[0]
    assert "No deaths were reported." in [c.text for c in source.citations[:3]]
