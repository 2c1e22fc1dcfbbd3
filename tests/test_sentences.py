"""Sentence splitting: Punkt with spans, on the cases the bundled articles contain."""
from __future__ import annotations

import nltk
import pytest

from conftest import BUNDLED_CORPUS, BUNDLED_IDS
from index.reading import read_articles
from index.sentences import _package_parameters, _punkt_tab_parameters, split_sentences, tokenizer


def split(text: str) -> list[str]:
    return [s.text for s in split_sentences(text, [(0, len(text))])]


# (text, the sentences it must give); each case is a trap the bundled articles hold.
CASES = [
    # Abbreviated ranks before a name.
    ("But Pentagon spokesman Maj. Gen. Pat Ryder said the attack was an act of self-defense. It was not.",
     ["But Pentagon spokesman Maj. Gen. Pat Ryder said the attack was an act of self-defense.", "It was not."]),
    ("Military spokesman Maj Gen Yahya Rasool said in a statement. Maj Gen Rasool said more.",
     ["Military spokesman Maj Gen Yahya Rasool said in a statement.", "Maj Gen Rasool said more."]),
    ("Iraq would respond, the spokesman, Maj. Gen. Tahseen Al Khafaji, said in a statement. He left.",
     ["Iraq would respond, the spokesman, Maj. Gen. Tahseen Al Khafaji, said in a statement.", "He left."]),
    ("It had close ties to Iranian Gen. Qassem Soleimani, who was killed.",
     ["It had close ties to Iranian Gen. Qassem Soleimani, who was killed."]),
    # U.S. inside a sentence, starting one, and ending one.
    ("In recent weeks, the U.S. military has responded. Those U.S. strikes twice targeted another militia.",
     ["In recent weeks, the U.S. military has responded.", "Those U.S. strikes twice targeted another militia."]),
    ("The troops flew back to the U.S. The Pentagon confirmed it.",
     ["The troops flew back to the U.S.", "The Pentagon confirmed it."]),
    ("The group reiterated its demand for an end to the “U.S. occupation.” U.S. forces are in Iraq.",
     ["The group reiterated its demand for an end to the “U.S. occupation.”", "U.S. forces are in Iraq."]),
    ("tensions between the U.S. and Iraqi governments. Next.", ["tensions between the U.S. and Iraqi governments.", "Next."]),
    # Dates and times.
    ("Jan. 4 (UPI) -- The U.S. military on Thursday conducted a rare drone strike in Baghdad.",
     ["Jan. 4 (UPI) -- The U.S. military on Thursday conducted a rare drone strike in Baghdad."]),
    ("The strike, which was conducted at 12 p.m. local time, killed him. Ryder confirmed it.",
     ["The strike, which was conducted at 12 p.m. local time, killed him.", "Ryder confirmed it."]),
    ("The strike was carried out about 9:30 p.m. “in response to the attacks.” It was late.",
     ["The strike was carried out about 9:30 p.m. “in response to the attacks.”", "It was late."]),
    ("Hamas led the attack in southern Israel on Oct. 7, released a statement. It was brief.",
     ["Hamas led the attack in southern Israel on Oct. 7, released a statement.", "It was brief."]),
    ("The United States responded, including on Dec. 25 over Kataib Hezbollah terrorists. Three were hurt.",
     ["The United States responded, including on Dec. 25 over Kataib Hezbollah terrorists.", "Three were hurt."]),
    ("Leaders pledged on Jan. 30 to suspend attacks. Washington replied.",
     ["Leaders pledged on Jan. 30 to suspend attacks.", "Washington replied."]),
    # Titles and hyphen breaks.
    ("General Ryder said the strike had also killed another militant traveling with Mr. al-Jawari. He declined to say more.",
     ["General Ryder said the strike had also killed another militant traveling with Mr. al-Jawari.",
      "He declined to say more."]),
    ("They maintain the right to self- defense. He said so.", ["They maintain the right to self- defense.", "He said so."]),
    # Quotations that end a sentence: the closing quote belongs to the sentence it ends.
    ("The government called it a “blatant invasion.” Ryder disagreed.",
     ["The government called it a “blatant invasion.”", "Ryder disagreed."]),
    ("Maj Gen Ryder said Iraq is an “important and valued partner”. He added more.",
     ["Maj Gen Ryder said Iraq is an “important and valued partner”.", "He added more."]),
    ('The PMF called it a "deliberate and dangerous escalation." It vowed revenge.',
     ['The PMF called it a "deliberate and dangerous escalation."', "It vowed revenge."]),
    ("“The strike also killed one other [Harakat Al Nujaba] member. It is important to note this.”",
     ["“The strike also killed one other [Harakat Al Nujaba] member.", "It is important to note this.”"]),
    ("“These crimes will not go unpunished.” The group said nothing else.",
     ["“These crimes will not go unpunished.”", "The group said nothing else."]),
    # Abbreviations the English model lacks, added to its parameters.
    ("Sgt. Maj. Ali Hassan met Gov. Smith on Mar. 3 in Baghdad. They talked.",
     ["Sgt. Maj. Ali Hassan met Gov. Smith on Mar. 3 in Baghdad.", "They talked."]),
    ("The maker expects to charge approx. $3.10 per dose. Crowds est. 40,000 came. It rained.",
     ["The maker expects to charge approx. $3.10 per dose.", "Crowds est. 40,000 came.", "It rained."]),
    ("The 12th Brigade, also called Unit No. 12, was hit. The answer was no. Then it was yes.",
     ["The 12th Brigade, also called Unit No. 12, was hit.", "The answer was no.", "Then it was yes."]),
    # Initials the model never learned: no end before a word in lower case, an end before a capital.
    ("Ada Moyo, head of the Tarn Institute (T.I.M.R.) and the study's lead author, spoke. She left.",
     ["Ada Moyo, head of the Tarn Institute (T.I.M.R.) and the study's lead author, spoke.", "She left."]),
    ("He received an A.B. from Dunmere College in 1896. Then he taught.",
     ["He received an A.B. from Dunmere College in 1896.", "Then he taught."]),
    ("The band moved to the U.K. The tour began in May.", ["The band moved to the U.K.", "The tour began in May."]),
    # No sentence starts with a comma, semicolon or colon, whatever closes before it.
    ("It applied to the Ostra Drug Authority (O.D.A.), a spokeswoman said. The review began.",
     ["It applied to the Ostra Drug Authority (O.D.A.), a spokeswoman said.", "The review began."]),
    ("The fund is run by Brask & Sons (B.S.S.); it is small. Then it grew.",
     ["The fund is run by Brask & Sons (B.S.S.); it is small.", "Then it grew."]),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[1][0][:40] for c in CASES])
def test_hard_cases_split_exactly(text, expected):
    assert split(text) == expected


def test_a_line_break_ends_a_headline_without_a_full_stop():
    text = "US strike kills pro-Iran commander in Baghdad\n\nThe US military on Thursday struck a base. It was day."
    lines = [(0, 45), (47, len(text))]
    assert [s.text for s in split_sentences(text, lines)] == [
        "US strike kills pro-Iran commander in Baghdad", "The US military on Thursday struck a base.", "It was day."]
    # Without the block boundary Punkt alone would run the headline into the first sentence.
    assert split(text)[0].startswith("US strike kills pro-Iran commander in Baghdad\n\nThe US military")


def test_spans_point_into_the_text_and_skip_edge_white_space():
    text = "  Intro line.  \n\tSecond line. Third one.\n"
    spans = split_sentences(text, [(0, 15), (16, len(text))])
    assert [(s.start, s.end, s.text) for s in spans] == [
        (2, 13, "Intro line."), (17, 29, "Second line."), (30, 40, "Third one.")]


@pytest.fixture(scope="module")
def bundled():
    articles, refused = read_articles([BUNDLED_CORPUS])
    assert not refused
    return {a.doc_id: a for a in articles}


def test_every_span_is_exact_ordered_and_disjoint(bundled):
    assert sorted(bundled) == BUNDLED_IDS
    for article in bundled.values():
        end = 0
        for s in article.sentences:
            assert article.text[s.start:s.end] == s.text
            assert s.text == s.text.strip() and s.text
            assert s.start >= end, (article.doc_id, s.text)
            end = s.end


# Whole sentences of the bundled articles that hold one of the traps above.
BUNDLED_SENTENCES = {
    "afp": [
        "But Pentagon spokesman Maj. Gen. Pat Ryder said the attack was an act of self-defense against "
        "commanders who were actively planning attacks on U.S. service members.",
        "Iraqi security officials said two people were killed and seven others injured in the drone attack, "
        "which the government called a “blatant invasion.”",
        "BAGHDAD (AFP) – The Pentagon said a pro-Iranian military commander was killed in a U.S. airstrike in "
        "Baghdad on Thursday, and the former al-Hashd al-Shaabi militia said one of its strongholds was attacked.",
    ],
    "upi": [
        "Jan. 4 (UPI) -- The U.S. military on Thursday conducted a rare drone strike in Baghdad that killed the "
        "leader of an Iranian proxy group, attracting a prompt condemnation from Iraq.",
        "The strike, which was conducted at 12 p.m. local time, killed Mushtaq Jawad Kazim al-Jawari, who was "
        "also known as Abu Taqwa, the leader of U.S. designated Harakat-al-Nujaba, Pentagon press secretary "
        "Maj. Gen. Pat Ryder confirmed to reporters during a press conference.",
        "Asked about the effects of the retaliatory strikes in Iraq on the U.S.-Iraq relationship, Ryder "
        "repeatedly said that they are in the Middle Eastern country at the invitation of Iraq and that they "
        "maintain the right to self- defense.",
        "U.S. kills terrorist leader in Baghdad airstrike, angering Iraq",
    ],
    "the-national": [
        "Military spokesman Maj Gen Yahya Rasool said in a statement that the attack “is a flagrant and "
        "alarming aggression on the sovereignty of Iraq”.",
        "Maj Gen Ryder said Iraq is an “important and valued partner”.",
        "Three killed in strike on Iran-backed militia base in Baghdad",
    ],
    "nyt": [
        "General Ryder said the strike had also killed another militant traveling with Mr. al-Jawari.",
        "In recent weeks, the U.S. military has responded several times to more than 70 attacks by "
        "Iranian-backed armed groups in Iraq against U.S. bases and camps in Iraq and Syria.",
        "Hamas, the armed Palestinian group that controls Gaza and led the attack in southern Israel on Oct. 7, "
        "released a statement condemning the attack on the Nujaba fighters.",
    ],
    "washington-post": [
        "The group reiterated its demand for an end to the “U.S. occupation.”",
        "U.S. forces are in Iraq at the invitation of the Iraqi government, but the two sides began formal talks "
        "in January aimed at winding down the presence of U.S.-led coalition troops in the country.",
        "Iraq would “hold the American side and the coalition forces responsible for the repercussions of these "
        "dangerous actions that threaten the security and safety of the country,” the spokesman, Maj. Gen. "
        "Tahseen Al Khafaji, said in a statement.",
        "U.S. military officials said Wednesday’s strike was carried out about 9:30 p.m. “in response to the "
        "attacks on U.S. service members” and resulted in the death of a militia commander “responsible for "
        "directly planning and participating” in those attacks.",
        "U.S. strike in Baghdad kills key militia commander, officials say",
    ],
}


@pytest.mark.parametrize("doc_id", sorted(BUNDLED_SENTENCES))
def test_bundled_articles_keep_their_hard_sentences_whole(bundled, doc_id):
    sentences = [s.text for s in bundled[doc_id].sentences]
    for expected in BUNDLED_SENTENCES[doc_id]:
        assert expected in sentences


def test_tokenizer_is_built_once_from_local_data():
    first, source = tokenizer()
    assert tokenizer()[0] is first
    assert source in {"nltk punkt_tab (english)", "punkt package (english)"}
    assert {"maj", "gen", "u.s", "p.m", "jan", "oct", "dec", "mr", "sgt", "gov"} <= first._params.abbrev_types


def test_nltk_punkt_tab_is_read_when_installed_and_matches_the_package_model(tmp_path, monkeypatch):
    """Write the package's model out in NLTK's punkt_tab layout; NLTK's loader must read the same model."""
    package = _package_parameters()
    folder = tmp_path / "tokenizers" / "punkt_tab" / "english"
    folder.mkdir(parents=True)
    (folder / "abbrev_types.txt").write_text("".join(f"{t}\n" for t in sorted(package.abbrev_types)))
    (folder / "sent_starters.txt").write_text("".join(f"{t}\n" for t in sorted(package.sent_starters)))
    (folder / "collocations.tab").write_text("".join(f"{a}\t{b}\n" for a, b in sorted(package.collocations)))
    (folder / "ortho_context.tab").write_text("".join(f"{t}\t{v}\n" for t, v in sorted(package.ortho_context.items())))
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    from_nltk = _punkt_tab_parameters()
    assert from_nltk is not None
    assert from_nltk.abbrev_types == package.abbrev_types and from_nltk.sent_starters == package.sent_starters
    assert from_nltk.collocations == package.collocations
    assert dict(from_nltk.ortho_context) == dict(package.ortho_context)

    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "empty")])
    assert _punkt_tab_parameters() is None
