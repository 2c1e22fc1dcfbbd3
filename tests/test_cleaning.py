"""Cleaning: page junk out, every story sentence (headlines too) in, on the bundled scrapes and on others."""
from __future__ import annotations

import pytest

from conftest import BUNDLED_CORPUS, BUNDLED_IDS
from index import cleaning
from index.reading import read_articles


@pytest.fixture(scope="module")
def bundled():
    articles, refused = read_articles([BUNDLED_CORPUS])
    assert not refused
    return {a.doc_id: a for a in articles}


# The first and last sentence of each story once the page around it is gone.
FIRST_AND_LAST = {
    "afp": (
        "BAGHDAD (AFP) – The Pentagon said a pro-Iranian military commander was killed in a U.S. airstrike in "
        "Baghdad on Thursday, and the former al-Hashd al-Shaabi militia said one of its strongholds was attacked.",
        "“As we have always done, we will continue to consult closely with the Iraqi government regarding the "
        "safety and security of U.S. forces,” Ryder said.",
    ),
    "nyt": (
        "A U.S. Special Operations drone strike in Baghdad on Thursday killed a senior figure in an Iran-linked "
        "militant group that is part of Iraq’s security apparatus, drawing sharp criticism from the Iraqi "
        "government, as well as allied groups.",
        "There are about 2,500 U.S. forces in Iraq, primarily in bases far from population centers.",
    ),
    "the-national": (
        "US strike kills pro-Iran commander in Baghdad",
        "Iraqi Prime Minister Mohammed Shia Al Sudani said last week that his government was working to end the "
        "presence of foreign troops from the US-led coalition.",
    ),
    "upi": (
        "U.S. kills terrorist leader in Baghdad airstrike, angering Iraq",
        "The strike comes amid growing regional escalation due to Israel's war against Hamas in Gaza, and U.S. "
        "Secretary of State Anthony Blinken is on his way to the Middle East to try to prevent a widening conflict.",
    ),
    "washington-post": (
        "U.S. strike in Baghdad kills key militia commander, officials say",
        "“It appears that the U.S. is willing to accept the political risk of Baghdad growing increasingly less "
        "tolerant, at least in the public space, of a U.S. military presence,” Lord said, “versus the risk of a "
        "broader regional escalation by targeting Iran directly.”",
    ),
}


@pytest.mark.parametrize("doc_id", BUNDLED_IDS)
def test_first_and_last_story_sentence(bundled, doc_id):
    sentences = [s.text for s in bundled[doc_id].sentences]
    assert (sentences[0], sentences[-1]) == FIRST_AND_LAST[doc_id]


# Page junk the bundled scrapes carry; none of it may reach a sentence.
JUNK = ["[ad_1]", "[ad_2]", "Source link", "Leave a Reply", "email address will not be published",
        "Required fields are marked", "Powered by automated translation", "Publication of", "change:",
        "2 minutes", "File Photo", "Bonnie Cash", "Trending", "World News", "2024-01-04", "11:07 PM",
        "Updated:", "5:46 AM", "© 2024", "regional tensions", "By Darryl Coote", "contributed reporting",
        "reported from Washington"]


def test_no_junk_survives_in_any_sentence(bundled):
    for article in bundled.values():
        for s in article.sentences:
            for junk in JUNK:
                assert junk not in s.text, (article.doc_id, junk, s.text)
            assert not cleaning.is_debris(s.text), (article.doc_id, s.text)


def test_translation_debris_goes_and_the_sentence_before_it_stays(bundled):
    afp = [s.text for s in bundled["afp"].sentences]
    assert "said." not in afp and "insisted." not in afp
    assert ("Ryder said the attack targeted the leader of Harakat al-Nujaba, who was “actively involved in planning "
            "and carrying out attacks against Americans,” and that another member of the group was also killed.") in afp
    assert any(s.endswith("as part of the mission against IS.") for s in afp)
    # The text itself is never rewritten: the debris is still there, just not a sentence.
    assert "also killed. said." in bundled["afp"].text


def test_the_national_headline_printed_twice_is_kept_once(bundled):
    national = bundled["the-national"]
    headline = "Three killed in strike on Iran-backed militia base in Baghdad"
    assert national.text.count(headline) == 2
    assert [s.text for s in national.sentences].count(headline) == 1
    assert [s.text for s in national.sentences][:3] == [
        "US strike kills pro-Iran commander in Baghdad",
        "Government says strike is an attack on Iraq's sovereignty",
        headline,
    ]


def test_photo_credit_goes_and_its_caption_stays(bundled):
    upi = [s.text for s in bundled["upi"].sentences]
    assert upi[1] == ("The Pentagon under Secretary of Defense Lloyd Austin conducted a drone strike in Baghdad on "
                      "Thursday that killed two people, the leader of a terrorist organization and an associated.")


def test_bylines_and_timestamps_become_metadata_not_sentences(bundled):
    assert bundled["upi"].byline == "By Darryl Coote"
    assert bundled["nyt"].byline == "Falih Hassan contributed reporting."
    assert bundled["washington-post"].byline == "Lamothe and Horton reported from Washington."
    kinds = {line.text: line.kind for line in cleaning.clean(bundled["upi"].text).lines}
    assert kinds["Jan. 4, 2024 / 11:07 PM"] == cleaning.TIMESTAMP
    assert kinds["date 2024-01-04 Trending"] == cleaning.TIMESTAMP
    assert kinds["World News"] == cleaning.JUNK
    assert kinds["File Photo by Bonnie Cash/UPI"] == cleaning.CREDIT


def test_sentence_counts_of_the_bundled_articles(bundled):
    assert {d: len(a.sentences) for d, a in bundled.items()} == {
        "afp": 21, "nyt": 16, "the-national": 34, "upi": 14, "washington-post": 37}


# Another scrape of the same kind, made up: the rules must not depend on the five files.
OTHER_SCRAPE = """\
[ad_3]
Breaking News
Posted 3 March 2026
Drone strike hits convoy near Erbil
Drone strike hits convoy near Erbil
By Lena Marsh and Tomás Ruiz
5 min read
Share this article
ERBIL, Iraq (Reuters) - A drone struck a convoy near Erbil airport on Monday, Kurdish officials said.
The attack wounded two guards. Photo: Reuters
Related: Who fires drones at Erbil?
background
The airport was closed for three hours, officials said, and flights
resumed in the evening.
Hassan and Ruiz reported from Erbil.
Officials said the convoy carried supplies. said.
Tags: Iraq, Erbil, drones
Sara Ali in Baghdad contributed to this report.
Copyright 2026 Reuters. All rights reserved.
Leave a Comment
Great article, thanks!
"""


def test_rules_work_on_another_scrape_of_the_same_kind():
    text = OTHER_SCRAPE
    cleaned = cleaning.clean(text)
    kinds = {line.text: line.kind for line in cleaned.lines}
    assert kinds["[ad_3]"] == kinds["Breaking News"] == kinds["5 min read"] == kinds["Share this article"] == cleaning.JUNK
    assert kinds["Posted 3 March 2026"] == cleaning.TIMESTAMP
    assert kinds["By Lena Marsh and Tomás Ruiz"] == kinds["Sara Ali in Baghdad contributed to this report."] == cleaning.BYLINE
    assert kinds["Related: Who fires drones at Erbil?"] == kinds["Tags: Iraq, Erbil, drones"] == cleaning.JUNK
    assert kinds["background"] == cleaning.SUBHEAD
    assert kinds["Photo: Reuters"] == cleaning.CREDIT
    assert kinds["Copyright 2026 Reuters. All rights reserved."] == cleaning.CREDIT
    assert kinds["Great article, thanks!"] == cleaning.JUNK   # a reader's comment, below the comment form
    assert cleaning.copyright_owner("Copyright 2026 Reuters. All rights reserved.") == "Reuters"

    from index.sentences import split_sentences

    sentences = [s.text for s in split_sentences(text, cleaned.blocks) if not cleaning.is_debris(s.text)]
    assert sentences == [
        "Drone strike hits convoy near Erbil",
        "ERBIL, Iraq (Reuters) - A drone struck a convoy near Erbil airport on Monday, Kurdish officials said.",
        "The attack wounded two guards.",
        # A hard-wrapped paragraph is one block: its sentence runs across the line break.
        "The airport was closed for three hours, officials said, and flights\nresumed in the evening.",
        # Shaped like WaPo's closing credit, but story text follows it: a story sentence.
        "Hassan and Ruiz reported from Erbil.",
        "Officials said the convoy carried supplies.",
    ]


def test_a_story_sentence_that_merely_resembles_junk_is_kept():
    text = ("Copyright lawyers said the ruling was narrow.\n"
            "Share prices fell 2 percent on Monday.\n"
            "Related talks resume in May.\n"
            "By Thursday evening the roads had reopened.\n"
            "The minister said: the border stays shut.\n"
            "Reporting by the agency showed that Reuters was right.\n")
    cleaned = cleaning.clean(text)
    assert [line.kind for line in cleaned.lines] == [cleaning.STORY] * 6


@pytest.mark.parametrize("line,iso", [
    ("Jan. 4, 2024 / 11:07 PM", ["2024-01-04"]),
    ("Updated: January 05, 2024, 5:46 AM", ["2024-01-05"]),
    ("Posted 3 March 2026", ["2026-03-03"]),
    (" date 2024-01-04 Trending", ["2024-01-04"]),
    ("Sept. 31, 2024", []),   # no such day
])
def test_dates_written_out_become_iso(line, iso):
    assert cleaning.find_dates(line) == iso


# What sites print in place of a story, in the words of many kinds of site; and story lines that
# tell of such pages, quote them or use the same words about something else.
NOTICES = [
    "404 - Page not found", "Error 404", "HTTP 410 Gone", "Page Not Found",
    "Sorry, the page you are looking for does not exist or has been moved.",
    "We can't find the page you're looking for.", "The requested URL was not found on this server.",
    "Access denied", "Service temporarily unavailable",
    "Subscribe to continue reading.", "Already a subscriber? Log in.",
    "This article is only available to subscribers.", "You have reached your limit of free articles.",
    "Get unlimited digital access for $1 a week.",
    "We value your privacy", "This website uses cookies to improve your experience.",
    "We and our partners use cookies to store information on your device.", "Accept all cookies",
    "Manage your preferences", "Please enable JavaScript to view this page.",
    "Please verify you are a human.",
]
NOT_NOTICES = [
    "Four people were killed when a road bridge collapsed on Monday.",
    "The council said 404 homes were at risk of flooding.",
    "\"The page you are looking for does not exist,\" the ministry's website read after the attack.",
    "The newspaper said readers would have to subscribe to continue reading after three articles.",
    "Inspectors found the bakery's cookie recipe had not changed since 1962.",
    "Access to the harbour was denied to fishing boats for two days.",
]


@pytest.mark.parametrize("line", NOTICES)
def test_a_site_notice_is_not_story_text(line):
    assert cleaning.clean(f"Harbour bridge reopens\n{line}\n").lines[1].kind == cleaning.NOTICE


@pytest.mark.parametrize("line", NOT_NOTICES)
def test_a_story_line_about_such_things_stays_story(line):
    assert cleaning.clean(f"Harbour bridge reopens\n{line}\n").lines[1].kind == cleaning.STORY
