"""Names of people and groups, compared so that spellings of one name count as one.

"Pat Ryder" / "Patrick Ryder" / "Maj. Gen. Pat Ryder" / "Ryder", "al-Jawari" / "Al Jawari",
"Harakat al-Nujaba" / "Harakat-al-Nujaba" / "Harakat Hezbollah al-Nujaba", "PMF" / "Popular
Mobilisation Forces" are each one name. Different family names are different people, even when
an outlet says both are "also known as" the same nickname: that is exactly what a reader needs
flagged.
"""
from __future__ import annotations

import re
import unicodedata

# Titles, ranks and honorifics written before a name; they are not part of the name.
TITLES = {
    "mr", "mrs", "ms", "dr", "sir", "gen", "general", "maj", "major", "lt", "lieutenant", "col", "colonel",
    "capt", "captain", "sgt", "sergeant", "adm", "admiral", "brig", "cmdr", "commander", "chief", "president",
    "prime", "minister", "secretary", "press", "spokesman", "spokeswoman", "spokesperson", "sheikh",
    "gov", "governor", "sen", "senator", "rep", "the", "u.s.", "us", "pentagon", "iraqi", "iranian",
}
# Arabic article and particles written attached or apart: "al-Jawari" = "Al Jawari" = "Jawari".
PARTICLES = {"al", "el", "bin", "ibn", "of", "and"}
# Words that make a name a group's, not a person's: spaCy's small model often calls a militia a
# PERSON ("Harakat al-Nujaba", "al-Hashd al-Shaabi"). Arabic ones first: harakat (movement),
# kataib (brigades), hashd (mobilisation), hezbollah (party of God), asaib (leagues), saraya
# (companies), jaish (army), liwa (brigade), ansar (supporters).
GROUP_WORDS = {
    "harakat", "kataib", "hashd", "hezbollah", "hizballah", "asaib", "saraya", "jaish", "liwa", "ansar",
    "militia", "brigade", "brigades", "force", "forces", "movement", "group", "party", "front", "army",
    "organization", "organisation", "coalition", "council", "ministry", "mobilization", "mobilisation",
}


def fold(text: str) -> str:
    """Lower case, no accents, straight quotes, hyphens and dashes as spaces, no apostrophes."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"'s\b", "", text)
    text = text.replace("'", "")          # Kata'ib = Kataib
    text = re.sub(r"[\u2010-\u2015\-]", " ", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def _word(token: str) -> str:
    """One spelling per word: British -isation as -ization, plural s dropped."""
    token = token.replace("isation", "ization").replace("ise", "ize") if len(token) > 6 else token
    if len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    return token


def name_tokens(name: str) -> list[str]:
    words = fold(name).split()
    while words and words[0] in TITLES:   # titles come first: "Maj Gen Pat Ryder"
        words = words[1:]
    return [_word(w) for w in words if w not in PARTICLES]


# Given names and the familiar forms that are no prefix of them (Pat = Patrick needs no entry),
# spelled as `_word` leaves them ("charles" -> "charle").
NICKNAMES = {
    "maggie": "margaret", "meg": "margaret", "peggy": "margaret", "bill": "william", "will": "william",
    "bob": "robert", "rob": "robert", "bobby": "robert", "dick": "richard", "rick": "richard", "jim": "james",
    "jimmy": "james", "mike": "michael", "tom": "thomas", "tony": "anthony", "liz": "elizabeth",
    "beth": "elizabeth", "betty": "elizabeth", "kate": "katherine", "katie": "katherine", "kathy": "katherine",
    "jack": "john", "johnny": "john", "ted": "edward", "ned": "edward", "harry": "henry", "hank": "henry",
    "chuck": "charle", "sasha": "alexander", "sandy": "alexandra", "peg": "margaret", "sue": "susan",
    "jenny": "jennifer", "jen": "jennifer", "becky": "rebecca", "larry": "lawrence", "andy": "andrew",
}


def _word_match(a: str, b: str) -> bool:
    """Pat = Patrick: one word a prefix of the other (3+ letters); Maggie = Margaret: a nickname."""
    if a == b or NICKNAMES.get(a) == b or NICKNAMES.get(b) == a:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and long_.startswith(short)


def _in_order(short: list[str], long_: list[str]) -> bool:
    at = 0
    for word in short:
        while at < len(long_) and not _word_match(word, long_[at]):
            at += 1
        if at == len(long_):
            return False
        at += 1
    return True


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w)


def same_name(a: str, b: str) -> bool:
    """Whether two written names can be the same person or group."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    short, long_ = sorted((ta, tb), key=len)
    if len(short) == 1 and len(short[0]) >= 2 and short[0] == _initials(long_):   # PMF
        return True
    if not _in_order(short, long_):
        return False
    # A single shared given name is not enough ("Mushtaq" alone); the last word must agree.
    return _word_match(short[-1], long_[-1]) or len(short) == 1 and short[0] == long_[-1]


def looks_like_group(name: str) -> bool:
    """ "Harakat-al-Nujaba", "the Hashd": a group's name, whatever label the tagger gave it."""
    return bool(GROUP_WORDS & set(fold(name).split()))


def fullest(names: list[str]) -> str:
    """The most complete of several spellings: most words, then longest."""
    return max(names, key=lambda n: (len(name_tokens(n)), len(n)))
