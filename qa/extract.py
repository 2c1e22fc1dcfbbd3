"""Candidate answers in one sentence: `values(question, sentence) -> list[Value]`, scored.

Candidates come by answer kind: numbers, money, percentages, clock times, dates, durations,
measures and ages from the text's patterns (`qa.values`); people, groups and places from spaCy's
entities; roles from the words that title a name; "what X" things from noun phrases. Each is
scored by how near it sits, in the sentence's dependency tree, to the words of the question
(the classic factoid-QA signal), and for counts by whether the noun it counts is the question's
focus. A value the question itself names is never its answer.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from index import Analysis

from . import lexicon as lx
from .question import PLACE_LABELS, Question
from .retrieval import stem
from .values import Value, date_values, fold_name, number, score_values, typed_values, word_alike

# How well a spaCy entity label fits a kind of name (the small model often mislabels names:
# a group as PERSON, a person as PRODUCT): the expected label fits best, other names less.
LABEL_FIT = {
    "person": {"PERSON": 0.3, "ORG": -0.3, "PRODUCT": -0.1, "WORK_OF_ART": -0.2},
    "org": {"ORG": 0.3, "NORP": 0.1, "PERSON": -0.05, "PRODUCT": 0.0, "GPE": -0.2, "FAC": -0.2, "WORK_OF_ART": -0.1},
    "place": {"GPE": 0.3, "LOC": 0.3, "FAC": 0.3, "ORG": -0.1, "PERSON": -0.3, "NORP": -0.3},
    # the name of a ship, a storm, an operation: any name but a place's or a people's
    "name": {"PRODUCT": 0.1, "EVENT": 0.1, "WORK_OF_ART": 0.0, "ORG": 0.0, "PERSON": 0.0, "FAC": 0.0,
             "NORP": -0.3, "GPE": -0.3, "LOC": -0.3},
}
NAME_KINDS = {"person", "org", "place", "name"}
SUBJECTS = {"nsubj", "nsubjpass"}   # the dependency labels of a clause's subject, active or passive
ARGUMENTS = {"nsubj", "nsubjpass", "csubj", "dobj", "attr", "oprd", "appos"}   # a verb's own subjects and objects
DOER_NOUN = re.compile(r"(?:er|or|ist)$")   # a noun naming who does a thing ("miner", "director"), not what it is done to
BESIDE_WORDS = 8   # how far before a name `_set_beside` looks for the asked role
NAMING_VERBS = {"name", "call", "identify", "know"}   # "a guard NAMED Jon Ortt", "KNOWN as": the noun the name is given to
GENERIC_FOCUS = {"name", "person", "people", "one", "thing"}
FOCUS_FIT = 0.3   # a name that is, or is set beside, the noun the question asks for
VERB_NEARER = 1   # for "who" and "which organisation": nearness to the question's other words counts as this many
                  # steps farther than nearness to its verb (or a word of its stem, "investigation")
COUNTED_MISFIT = -0.5   # a number that counts another noun than the asked one ("40,000 people" for "how many
                        # officers"), unless the answerer finds the two nouns mean the same
COUNTED_FIT = 0.3       # a number that counts the asked noun ("two PEOPLE" for "how many people")
NOT_COUNTED = -9.0      # "no" before a noun that is not the asked one ("no rate rise" for "how many households"):
                        # no count at all, unless the answerer reads the noun as the asked outcome
KIN_FIT = -0.2          # ... people of another name ("4,820 CHILDREN" for "how many participants"): an answer
                        # where no better one is stated, below the flag's fit (Settings.flag_value_fit), so no
                        # banner weighs "47 people hurt" against "19 officers hurt"
OWNER_MISFIT = 0.3   # what a name or role another name's possessive owns loses for "X's role" questions
RATE_FIT = 0.2      # a sum per unit ("$35.40 a share") for "how much for each share"; a total loses as much
UNITLESS_MISFIT = 0.3   # a bare number for a question whose measure has units ("how fast": a speed)
DIRECTION_FIT = 0.3   # a place "to" which for where a ferry was heading ("from" which loses as much), and back
DAY_MISFIT = 0.3    # a figure set nearest another day than the one the question names ("40 per cent contained by
                    # FRIDAY" for "how much was contained on Thursday"): a figure of another day
DAY_NEAR = 4        # ... nearest within this many steps of the parse ("40 per cent contained by Friday
                    # morning": 4); one set nearest the asked day gains as much
PLACE_MISFIT = 0.3  # a figure of another place than the one the question asks about ("900 soldiers in Estonia")
ELSEWHERE_MISFIT = 0.3   # ... and one in a sentence naming only other places ("attacks in Chile and Peru have killed
                         # more than a dozen" for "how many died in the attack in Bolivia")
OFFSET_MISFIT = 0.3   # a span of time between two events ("less than a year BEFORE an election", "two hours
                      # after the blast") for a question that asks how long something lasted: kept out of a banner
WHEN_AGED_MISFIT = 0.3   # "at the age of eight": how old someone was when something happened (`AT_AGE_ASKED`), not
                         # how old they are; it gains as much where that is asked
PART_MISFIT = 0.3   # a count that is part of another ("two of them critically") the question does not ask for
NONE_MISFIT = 0.3   # "Nobody was killed": the answer where no figure of the asked outcome is given, and
                    # below one that is ("No one was hurt in THAT incident", another event's)
EARLIER_MISFIT = 0.3   # a figure of an earlier year than its report's ("In 1987 a quake near Dunmir killed 212",
                       # "the largest theft since 2019, when three men took $3.2 million"), for a question that
                       # names no year: a figure of another event, kept out of a banner as well
OUTCOME_MISFIT = 1.0   # a count of another outcome than the asked one ("four DIED" for "how many were hurt")
ROLE_MISFIT = 0.5   # a role candidate nearer in meaning to a thing than to a person's title ("homes", "car")
SAID_BY_FIT = 0.3   # a figure its sentence gives as the word of whom the question asks by ("Police said 40,000"
                    # for "the turnout according to the police"); one given as another's word loses as much
RANGE_MISFIT = 0.3   # the end of a span of time the question does not ask for ("died" of "born (1862 - 1911)")
LIFE_MISFIT = 0.5    # a birth or death date ("Ada Fenwick (1590 - 1621)", "born in 1590") for a question about
                     # another event of that life ("when did she become duchess")
SAYER_MISFIT = 0.3   # for "what X": the subject of a verb of saying or believing ("INVESTIGATORS believe the
                     # rice was the source", "FIGURES showed inflation at 7.1%") says what X is, and is none
INSTANCE_FIT = 0.3   # a phrase its sentence calls one of the asked kind ("Bacillus cereus, a bacterium", "a cargo
                     # of fertiliser") for "which bacterium", "what cargo"
DATELINE_MISFIT = 0.3   # a date in a report's dateline ("CORVELL, Sept 16 (Tidewater Wire) -") or a line of
                        # only its outlet and date: the day it was filed, not the asked event's
DATED_LINE = re.compile(r"^[A-Z][A-Z'\u2019.\- ]+(?:,\s*[A-Z][\w'\u2019.\- ]*){0,2},\s*(?P<rest>.{1,40}?)\s*"
                      r"(?:\([^)]{1,40}\)\s*)?(?:[-\u2013\u2014]{1,2}|:)\s")
SEQUENCE_MISFIT = 0.3   # a date of the last time for a question about the next, or the other way round
FORMER_MISFIT = 0.3   # a person titled as having been it ("FORMER governor X", "X, the ex-minister") for a question
                      # that asks for no former one
LEVEL_MISFIT = 0.3   # for "by how much", a level reached or left ("rose TO 4%", "FROM 3.25%") loses as much
                     # as the size of the change ("rose BY 75 basis points") gains
LEVEL_BEFORE = re.compile(r"(?i)\b(?:to|from)\s+$")
CHANGE_BEFORE = re.compile(r"(?i)\bby\s+$")
FROM_BEFORE = re.compile(r"(?i)\bfrom\s+$")
TO_BEFORE = re.compile(r"(?i)\s+to\s+")   # between the two figures of "from X to Y"
BY_FIT = 0.7   # a name "by" makes the agent of what the question asks about ("an album by X", "directed by X")
FAMILY_FIT = 0.3   # a name its sentence gives the family tie the question asks for ("wife of PEDRO ALVAREZ" for
                   # "who was her husband"); one given another tie ("daughter of TOMAS BRILL") loses as much
MEASURED_KINDS = {"money", "percent", "measure"}   # figures of something named beside them (see _measured_noun)
NUMERIC_KINDS = {"count", "money", "percent", "time", "date", "duration", "measure", "age"}
LONG_FIT = 0.3   # a length of the asked thing ("1.2 kilometres long", "a 14-mile diversion") for "how long is the X"
ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
FAR = 8   # tree distance given when no question word is in the sentence


@dataclass
class Sentence:
    """One sentence as extraction reads it: its text and stored spaCy analysis."""

    sentence_id: int
    text: str
    analysis: Analysis
    year: int | None = None   # the year its document was published, where known
    # the latest year the sentence before it in its paragraph names, where every year that one names is
    # earlier than `year`: a paragraph of background ("In 2009 another ferry grounded on the reef. Three
    # people were injured.") goes on about that year's event (`answering.Answerer._background_year`)
    after_year: int | None = None


class Tree:
    """Undirected dependency graph of a sentence, with token lookup by character offset."""

    def __init__(self, analysis: Analysis):
        self.tokens = analysis.tokens
        n = len(self.tokens)
        self.adj: list[list[int]] = [[] for _ in range(n)]
        for i, t in enumerate(self.tokens):
            if 0 <= t.head < n and t.head != i:
                self.adj[i].append(t.head)
                self.adj[t.head].append(i)
        self.starts = [t.start for t in self.tokens]
        self._in_order = all(a < b for a, b in zip(self.starts, self.starts[1:]))   # spaCy's tokens come in order

    @cached_property
    def stems(self) -> list[tuple[str, str]]:
        """Each token's (lemma stem, word stem): read by every question that retrieves the sentence,
        computed once per cached tree."""
        return [(stem(t.lemma.lower()), stem(t.text.lower())) for t in self.tokens]

    @cached_property
    def stem_set(self) -> frozenset[str]:
        """Every stem its tokens use, of a lemma or of a word."""
        return frozenset(w for pair in self.stems for w in pair)

    @cached_property
    def folded(self) -> frozenset[str]:
        """Its tokens folded as names are (`values.fold_name`)."""
        return frozenset(fold_name(t.text) for t in self.tokens)

    @cached_property
    def children(self) -> list[list[int]]:
        """Each token's dependents, in order (read by every open question that retrieves the sentence)."""
        kids: list[list[int]] = [[] for _ in self.tokens]
        for i, t in enumerate(self.tokens):
            if 0 <= t.head < len(self.tokens) and t.head != i:
                kids[t.head].append(i)
        return kids

    def subjects(self, at: int) -> list[int]:
        """The subjects of token `at` (active or passive), in order."""
        return [k for k in self.children[at] if self.tokens[k].dep in SUBJECTS]

    @cached_property
    def postings(self) -> dict[str, tuple[int, ...]]:
        """Stem -> the tokens whose lemma or word stem it is (what `uses` looks up)."""
        found: dict[str, list[int]] = {}
        for i, pair in enumerate(self.stems):
            for w in set(pair):
                found.setdefault(w, []).append(i)
        return {w: tuple(ids) for w, ids in found.items()}

    def uses(self, stems: set[str] | frozenset[str]) -> set[int]:
        """The tokens whose lemma or word stem is one of `stems`."""
        postings = self.postings
        return {i for w in stems for i in postings.get(w, ())}

    def distances(self, sources: set[int]) -> list[int]:
        dist = [FAR] * len(self.tokens)
        queue = deque()
        for s in sources:
            dist[s] = 0
            queue.append(s)
        while queue:
            i = queue.popleft()
            for j in self.adj[i]:
                if dist[j] > dist[i] + 1:
                    dist[j] = dist[i] + 1
                    queue.append(j)
        return dist

    def joined(self, a: int, b: int) -> bool:
        """Whether token a runs into token b with no space between ("sell-on", "off-piste")."""
        return self.tokens[a].start + len(self.tokens[a].text) == self.tokens[b].start

    def tokens_in(self, start: int, end: int) -> list[int]:
        """The tokens starting within [start, end): found by bisection (called for every candidate value)."""
        if self._in_order:
            return list(range(bisect_left(self.starts, start), bisect_left(self.starts, end)))
        return [i for i, t in enumerate(self.tokens) if start <= t.start < end]

    def root_of(self, ids: list[int]) -> int | None:
        """The token of a span whose head lies outside it."""
        inside = set(ids)
        for i in ids:
            if self.tokens[i].head not in inside or self.tokens[i].head == i:
                return i
        return ids[0] if ids else None


def anchors(tree: Tree, q: Question, without_focus: bool = False, names: bool | None = None) -> set[int]:
    """Tokens of the sentence that use one of the question's content words (by stem); for a
    count, its focus is left out: "54 PEOPLE were hurt" is no nearer to "killed" for "people".
    `names`: only the words of names the question gives (True), only its other words (False)."""
    return tree.uses(_wanted(q.content, q.words, q.focus, q.name_words, without_focus, names))


@lru_cache(maxsize=1024)
def verb_noun_stems(verbs: tuple[str, ...]) -> frozenset[str]:
    """The stems of the nouns made of a question's verbs where they share no stem with them
    (`lexicon.VERB_NOUNS`: "die" -> death, dead)."""
    return frozenset(stem(n) for v in verbs for n in lx.VERB_NOUNS.get(v, ()))


@lru_cache(maxsize=1024)
def _wanted(content: tuple[str, ...], words: tuple[str, ...], focus: str | None, name_words: frozenset[str],
            without_focus: bool, names: bool | None) -> frozenset[str]:
    """The stems `anchors` looks for: made once per question, not once per sentence."""
    wanted = {stem(w) for w in content} | {stem(w) for w in words}
    if without_focus and focus:
        wanted.discard(stem(focus))
    named = {stem(w) for w in name_words}
    if names is True:
        wanted &= named
    elif names is False:
        wanted -= named
    return frozenset(wanted)


# A news dateline's place: the sentence opens with words in capitals, maybe a comma and a date, then
# a parenthesis or a dash ("TARLOW, May 12 (Wire) -", "LOS ANGELES (AP) -", "ST. PAUL -").
DATELINE = re.compile(r"[A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]*){0,3}"
                      r"(?=(?:,\s*[A-Z][a-z]{2,}\.?\s+\d{1,2}(?:,\s*\d{4})?)?(?:\s*\([^)]{1,40}\))?\s*(?:[\u2013\u2014]|--?\s))")


def values(q: Question, sentence: Sentence, tree: Tree | None = None) -> list[Value]:
    """The sentence's candidate answers to the question, best first."""
    if not q.wants_value:
        return []
    tree = tree or Tree(sentence.analysis)
    if q.kind in NUMERIC_KINDS:   # figures need no anchors to be found: most sentences state none
        found = _candidates(q, sentence, tree, set())
        if not found:
            return []
        near = anchors(tree, q)
    else:
        near = anchors(tree, q)
        found = _candidates(q, sentence, tree, near)
        if not found:
            return []
    focus = _focus_tokens(tree, q) if q.kind in NAME_KINDS else set()
    dist_focus = tree.distances(focus) if focus else None
    # Nearness to the question's own words counts fully, to the names it gives half: "City Clerk
    # Harriet Ogunbo" answers "who is Brennock's city clerk" before "Brennock Mayor Corinne Lasko".
    # A count's focus is left out of its anchors when it names what is counted ("54 PEOPLE were
    # hurt"), kept when it names the figure itself ("a POPULATION of 4,411").
    words = anchors(tree, q, without_focus=q.kind == "count" and q.focus not in lx.COUNT_NOUNS, names=False)
    if q.kind == "count":   # "how many DIED": "no DEATHS were reported", "two DEATHS" are as near as "died"
        words |= tree.uses(verb_noun_stems(q.verbs))
    named = anchors(tree, q, names=True)
    dist = tree.distances(words) if words else [FAR] * len(tree.tokens)
    dist_named = tree.distances(named) if named else [FAR] * len(tree.tokens)
    # the sentence's uses of the question's verbs, by stem (in a name too: "Marine Accident INVESTIGATION Board")
    verbed = tree.uses(frozenset(stem(v) for v in q.verbs + q.verb_forms)) if q.kind in NAME_KINDS else set()
    if q.kind in {"person", "org"} and q.verbs:   # "which body is INVESTIGATING the grounding": the one
        # that opened "an INVESTIGATION", before the ship that "grounds" in a headline
        acted = verbed & words
        by_verb = tree.distances(acted) if acted else [FAR] * len(tree.tokens)
        dist = [min(v, d + VERB_NEARER) for v, d in zip(by_verb, dist)]
    ends = _range_ends(found, sentence.text) if q.kind == "date" else {}
    asked_end = _asked_end(q) if ends else None
    life = _asked_life(q) if q.kind == "date" else None
    until_asked = q.kind == "date" and bool(UNTIL_ASKED.search(q.text))
    by_asked = q.kind in {"date", "time"} and bool(BY_ASKED.search(q.text))
    sequence = _sequence(re.findall(r"[a-z]+", q.text.lower())) if q.kind in {"date", "time"} else None
    offsets = q.kind == "duration" and not OFFSET.search(q.text)   # "how long AFTER the dose": an offset is asked
    rate = _asked_rate(q) if q.kind == "money" else None
    # The sentence's places, read once: a figure's own place the question does not name misfits it,
    # and a sentence naming only other places keeps its figures out of a disagreement.
    placed = _places(q, sentence, tree) if q.places and q.kind in NUMERIC_KINDS else {}
    places = placed if q.kind in FIGURE_KINDS and any(placed.values()) else None
    elsewhere = bool(placed) and not any(placed.values())
    asked_days = _asked_days(q) if q.kind in FIGURE_KINDS else []
    days = _days(sentence, tree, asked_days) if asked_days else {}
    family = _asked_tie(q) if q.kind == "person" else None
    # "who is the night guard", not "who is the architect of the Tessbury Library" (its own makers, however
    # worded), "who is X's sister" (a tie of kin) or "who raised the alarm" (no role)
    asks_role = q.kind == "person" and bool(q.focus) and q.focus not in GENERIC_FOCUS and not family and not q.of_name
    # The sentence's years date its figures: where the question names no year, one of an earlier year than
    # the report's is another event's; where it names an earlier one ("how many died in the 1999 avalanche"),
    # one of the report's own time or of another year is.
    dated = bool(sentence.year) and q.kind in DATED_KINDS
    years = _years(tree) if dated else {}
    named_years = {int(y) for y in re.findall(r"\d+", q.text) if YEAR.fullmatch(y)}
    past = {y for y in named_years if y < sentence.year} if dated else set()
    out = []
    named_near: dict[int, int] = {}   # a value's distance to the question's names: what breaks an exact tie
    dateline = DATELINE.match(sentence.text)
    maker = _asked_maker(q)
    for v in found:
        if _named_by_question(v, q):
            continue
        if v.kind in NAME_KINDS and _figure_only(v.text):
            continue   # "9.30pm", "1990s" that the tagger took for an organisation or a person: no name
        if dateline and v.start < dateline.end() and v.kind != "place":
            continue   # "TARLOW, May 12 (Wire) – ...": the place the report was filed from, never a name asked for
        ids = tree.tokens_in(v.start, v.end)
        if not ids:
            continue
        if maker and not _made_name(tree, ids, maker):
            continue   # "the Tarn industrial estate", "the roof" name no make of the van
        if v.kind == "person":
            v, ids = _without_asked_role(v, ids, words, tree, sentence.text)
        if v.fields.get("focus_phrase"):
            pass   # "drone strike" for "what kind of strike": its other words are the answer
        elif v.kind not in NUMERIC_KINDS | {"role"} and _of_question_words(tree, ids, near, focus, q):
            continue   # a span made of the question's own words is what it asks about, not the answer
        elif focus and all(i in focus for i in ids):
            continue   # the asked noun alone ("Ferry overturns in storm" for "which ferry") names nothing
        v.head = tree.root_of(ids)
        named_near[id(v)] = min(dist_named[i] for i in ids)
        near_words = min(dist[i] for i in ids)
        own = words & set(ids) - (focus if _focus_heads(tree, ids, focus) else set()) - verbed \
            if v.kind in NAME_KINDS and not near_words else set()
        if own:   # "the Tarn TEACHERS' Union" for "where was the teachers' rally": a name is as near
            # the question's words as its own words' neighbours are, not by holding one of them (but for the
            # asked noun as its head, or verb: "Maritime Accident INVESTIGATION Board" for "which body is
            # investigating"; not "the ROAD Structures Council" for "which road", `_focus_heads`)
            near_words = min(tree.distances(words - own)[i] for i in ids) if words - own else FAR
        v.score = max(1.0 / (1.0 + near_words), 0.5 / (1.0 + named_near[id(v)]))
        verb = _governing_verb(tree, v.head, participle=v.kind in NUMERIC_KINDS)
        if v.kind in NAME_KINDS and q.verb_forms and _beside_doer(tree, v.head, q):
            # "notified its INSURER, Tarn Mutual" for "which company insures it": the name is the asked verb's
            # doer, whatever verb the clause around it has
            v.fields = {**v.fields, "verb": q.verb_forms[0]}
        elif verb is not None:
            v.fields = {**v.fields, "verb": tree.tokens[verb].text.lower()}   # as written: see Question.verb_forms
        elif v.kind == "count" and (state := _state_of(tree, v.head)) is not None:
            v.fields = {**v.fields, "state": tree.tokens[state].text.lower()}   # the answerer reads its outcome
        if v.kind in MEASURED_KINDS:
            about = _measured_noun(tree, v.head, verb)
            if about is not None:
                v.fields = {**v.fields, "about": tree.tokens[about].text.lower()}
        if v.kind == "age" and v.fields.get("when"):   # "joined the academy at the age of eight": for "at what
            v.score += WHEN_AGED_MISFIT if AT_AGE_ASKED.search(q.text) else -WHEN_AGED_MISFIT   # age", not "how old"
        if v.kind == "count":
            v.score += _count_fit(tree, v, q, ids) - (NONE_MISFIT if v.fields.get("none") else 0.0)
            if not PER_ASKED.search(q.text) and COUNT_PER.match(sentence.text, v.end):
                v.fields = {**v.fields, "elsewhere": True}   # "a cap of 28 pupils PER CLASS": a rate, not how many
                v.score -= RATE_FIT
            if _part_not_asked(tree, sentence.text, v, q, found):   # "40 people were injured, two OF THEM critically"
                v.score -= PART_MISFIT
        if places and v.kind in FIGURE_KINDS and _of_another_place(tree, ids, places):
            v.score -= PLACE_MISFIT   # "900 soldiers in Estonia and 2,500 in Norway" for "how many are in Norway"
        if days and v.kind in FIGURE_KINDS:   # "40 per cent contained by Friday, up from 15 per cent on Thursday"
            v.score += DAY_MISFIT * _day_fit(tree, ids, days)
        if q.said_by and v.kind in NUMERIC_KINDS:
            speaker = _speaker(tree, v.head)
            if speaker:
                v.score += SAID_BY_FIT if speaker & q.said_by else -SAID_BY_FIT
        if v.kind == "money" and rate is not None:
            v.score += RATE_FIT if ("per" in v.fields) == rate else -RATE_FIT
        if v.kind == "date":
            v.score += _date_fit(v, q)
            if _in_dateline(sentence.text, v):   # "DELMONT, June 2 (NWS) - ...": the day it was filed
                v.fields = {**v.fields, "elsewhere": True}
                v.score -= DATELINE_MISFIT
            if asked_end and ends.get(id(v), asked_end) != asked_end:
                v.score -= RANGE_MISFIT
            if by_asked and _by_deadline(tree, v.head):   # "by when will it close": "close BY the end of
                v.score += RANGE_MISFIT                        # September 2026", not "said on Tuesday"
            if until_asked:   # "until when will it stay closed": "closed UNTIL Thursday", not "run it SINCE 2016"
                v.score += RANGE_MISFIT if _until(tree, v.head) else -RANGE_MISFIT if _since(tree, v.head) else 0.0
            elif _until(tree, v.head) and _until_asked(tree, v.head, q):
                v.score -= RANGE_MISFIT   # "remained OPEN until 1926" for "when was it opened": when being open ended
            if life is not None and _life_date(v, ends, sentence, tree, verb) not in (None, life):
                v.score -= LIFE_MISFIT
        if v.kind in {"date", "time"} and sequence and _in_sequence(tree, v.head) not in (None, sequence):
            v.score -= SEQUENCE_MISFIT   # "June 2025, when the bank LAST cut rates" for "when is the NEXT decision"
        v.score += v.fields.get("label_fit", 0.0)
        if v.kind == "place":   # where a ferry was heading or a flight left from; neither where a thing happened
            v.score += _direction_fit(tree, v.head, q.direction) if q.direction else -_moved(tree, v.head)
        if family is not None:
            tie = _tie_of(tree, v.head)
            if tie is not None:
                v.score += FAMILY_FIT if _same_tie(tie, family) else -FAMILY_FIT
        made = v.kind in NAME_KINDS and _made_by(tree, v.head, near, q, first=min(ids))
        if made:
            v.score += BY_FIT   # "an album BY Blitzen Trapper" for "who is the artist of the album"
        if v.kind == "person" and not q.former and _formerly(tree, v.head):
            v.score -= FORMER_MISFIT   # "former governor Anselm Dregorian" for "who is the governor"
        if q.owners and v.kind in NAME_KINDS | {"role"} and _owned_by_another(tree, v.head, q):
            v.score -= OWNER_MISFIT   # "Arvandel's chief executive" for "Quellbrook's top executive"
        if dist_focus is not None and min(dist_focus[i] for i in ids) <= 1 \
                and not (v.kind == "person" and focus & set(ids)) and _focus_heads(tree, ids, focus):
            # a person's name holds no role noun: "the Tarn Process WORKERS' Union" is no name set beside
            # "the worker" the question asks for
            v.score += FOCUS_FIT   # "Norhalm Bank" for "which bank", "spokesman Dario Kowalczyk" for "which spokesman"
            if not q.focus:   # the doer its verb names ("the ship's OWNER, Brask Holdings" for "who owns it"):
                v.score -= min(0.0, v.fields.get("label_fit", 0.0))   # whatever the name's label
        elif asks_role and v.kind == "person" and not made and not _set_beside(tree, ids, q):
            # "the name of the night guard who raised the alarm": a person who neither does (nor has
            # done to them) nor makes what the question asks has the role asked only if the sentence
            # titles them so: the answerer weighs their titles, and the verb they are the subject or
            # object of, against the asked role and verbs by meaning
            deed = _deed(tree, verb, q, v.head)
            if deed is not True:
                # "LISBON coach Tomas Reed" for "who is Ilya Marr's agent": another's title ties to no role
                titled = () if q.owners and _titled_by_another(tree, ids, q) else _title_phrases(tree, ids, q.focus)
                v.fields = {**v.fields, "titles": titled}
                if deed:
                    v.fields["deed"] = deed
                    done = _deed_phrase(tree, verb, v.head) if q.deeds else ""
                    if done:
                        v.fields["deed_phrase"] = done
        if elsewhere:   # not weighed against another source's value (`qa.disagreement.comparable`)
            v.fields = {**v.fields, "elsewhere": True}
            if v.kind in FIGURE_KINDS:
                v.score -= ELSEWHERE_MISFIT
        if offsets and v.kind == "duration" and OFFSET.match(sentence.text, v.end) \
                and not LASTING.search(sentence.text, 0, v.start):   # "lasted 11 hours before it was scaled back"
            v.fields = {**v.fields, "elsewhere": True}
            v.score -= OFFSET_MISFIT
        if years and not named_years and v.kind in DATED_KINDS and _dated(tree, v.head, years) < sentence.year:
            v.fields = {**v.fields, "elsewhere": True}
            v.score -= EARLIER_MISFIT
        if sentence.after_year and not years and not named_years and v.kind in DATED_KINDS \
                and _told_past(tree, verb):   # "Three people were injured" after "In 2009 a ferry grounded there."
            v.fields = {**v.fields, "elsewhere": True}
            v.score -= EARLIER_MISFIT
        if past and v.kind in FIGURE_KINDS and _dated(tree, v.head, years) not in past:
            # ... and where the sentence names none of the years asked ("fined in 2021 over a 2019 leak" may
            # answer "the fine over the 2019 leak"), no figure of that year at all (`Settings.other_year_penalty`)
            v.fields = {**v.fields, "elsewhere": True, "not_asked_year": not past & set(years.values())}
            v.score -= EARLIER_MISFIT   # "Four people have died" (this week) for "how many died in the 1999 avalanche"
        v.sentence_id = sentence.sentence_id
        out.append(v)
    # An exact tie (often two values equally far from every word of the question) goes to the one
    # nearer the names it gives: "the Labour Party" and "the National Party" for "which party does
    # Ortega belong to" in "Haas stood for the Labour Party in 2010, and Ortega, after a long career
    # in business, stood for the National Party".
    out.sort(key=lambda v: (-v.score, named_near[id(v)]))
    return out


YEAR = re.compile(r"(?:1[5-9]|20)\d\d")
# How a clause is dated by a year: "IN 1987 a quake killed 212", "the 2019 theft", "ON March 3, 2019"
# (the year set on the clause's verb or noun); "since 2016" and "until 2030" say how long, not when.
DATING = {"in", "on", "during", "of", "at"}


def _told_past(tree: Tree, verb: int | None) -> bool:
    """Whether a value's verb tells of the past: "were injured", "grounded", "had been hurt" (not
    "work there now", "will close", "has risen")."""
    if verb is None:
        return False
    t = tree.tokens[verb]
    helpers = [tree.tokens[k] for k in tree.children[verb] if tree.tokens[k].dep in {"aux", "auxpass"}]
    if helpers:
        return helpers[0].tag == "VBD"
    return t.tag == "VBD"


def _years(tree: Tree) -> dict[int, int]:
    """The sentence's tokens that are years (a DATE entity's four digits): token -> year."""
    return {i: int(t.text) for i, t in enumerate(tree.tokens)
            if t.ent == "DATE" and t.pos == "NUM" and YEAR.fullmatch(t.text)}


def _dated(tree: Tree, at: int | None, years: dict[int, int]) -> int:
    """The year the clause of a value is dated by: a year it hangs from ("since 2019, when three men
    took $3.2 million": the clause of "2019"), or one set on a word it hangs from or on that
    clause's subject ("IN 1987 a quake killed 212 people", "a storm in March 2016 destroyed 300
    homes", "the 2019 theft of $3.2 million"); a very late year where none is. The walk up the
    parse ends at the value's own clause, unless that clause only tells more of a word (a relative
    or joined clause, or a participle's: "..., killing twelve people"): "the tiara, set with 300
    sapphires, was made in 1847" dates the making, not the sapphires."""
    steps = 0
    while at is not None and steps < 12:
        if at in years:
            return years[at]
        t = tree.tokens[at]
        verb = t.pos in {"VERB", "AUX"}
        children = tree.children[at]
        subjects = tree.subjects(at) if verb else []
        for k in [at, *subjects]:
            found = _year_on(tree, k, years)
            if found is not None:
                return found
        when = next((k for k in children if tree.tokens[k].dep == "advmod" and tree.tokens[k].text.lower() == "when"),
                    None)
        if when is not None:   # "the 2019 theft from a museum, WHEN three men took": that year's clause
            found = _year_before(tree, when, years)
            if found is not None:
                return found
        if verb and t.dep not in {"relcl", "conj"} and not _participle_clause(tree, at):
            break
        at, steps = (None if t.head == at else t.head), steps + 1
    return 10_000


def _per_unit(tree: Tree, v: Value) -> bool:
    """Whether a span of one unit is a rate's "per" ("thousands of vehicles A DAY", "$48,200 A YEAR",
    "twice A WEEK"): "a" or "an" right after a noun, a number or "once" / "twice", not after a
    preposition or a verb ("for a year", "lasted a day")."""
    if not re.match(r"(?i)an?\s", v.text):
        return False
    ids = tree.tokens_in(0, v.start)
    if not ids:
        return False
    before = tree.tokens[ids[-1]]
    return before.pos in {"NOUN", "NUM", "PROPN"} and before.text.lower() not in lx.DURATIONS \
        or before.text.lower() in {"once", "twice"}


def _in_dateline(text: str, v: Value) -> bool:
    """Whether a date is a report's dateline ("CORVELL, Sept 16 (Tidewater Wire) - Teachers ...")
    or the whole of a line besides its outlet's name ("Harbour Radio, Tuesday 16 September 2025")."""
    m = DATED_LINE.match(text)
    if m is not None and m.start("rest") <= v.start and v.end <= m.end("rest"):
        return True
    before, after = text[:v.start].rstrip(), text[v.end:].strip(" .")
    outlet = before[:-1].split() if before.endswith(",") else []
    return not after and 0 < len(outlet) <= 4 and all(w[:1].isupper() for w in outlet)


def _sequence(words) -> str | None:
    """'next' or 'last' by the first word of `lexicon.NEXT_WORDS` / `LAST_WORDS` among these."""
    for w in words:
        w = w.lower()
        if w in lx.NEXT_WORDS:
            return "next"
        if w in lx.LAST_WORDS:
            return "last"
    return None


def _in_sequence(tree: Tree, at: int | None) -> str | None:
    """Whether a date is of the next or the last time of something: "next" / "last" on its own
    word ("LAST June"), on a clause that tells more of it ("June 2025, when the bank LAST cut rates")
    or on the verb it hangs from ("the NEXT decision is due on 18 December")."""
    if at is None:
        return None
    t = tree.tokens[at]
    near = list(tree.children[at])
    near += [j for k in tree.children[at] if tree.tokens[k].dep in {"relcl", "acl"} for j in tree.children[k]]
    verb = t.head
    steps = 0
    while tree.tokens[verb].pos not in {"VERB", "AUX"} and tree.tokens[verb].head != verb and steps < 4:
        verb, steps = tree.tokens[verb].head, steps + 1
    if verb != at:
        near += [verb] + list(tree.children[verb])
        near += [j for k in tree.children[verb] if tree.tokens[k].dep in SUBJECTS for j in tree.children[k]]
        # "from June 2025, WHEN the bank last cut rates" (the small model hangs the clause from the verb)
        near += [j for k in tree.children[verb] if tree.tokens[k].dep == "advcl" and any(
            tree.tokens[w].text.lower() == "when" for w in tree.children[k]) for j in tree.children[k]]
    return _sequence(tree.tokens[k].text for k in near
                     if tree.tokens[k].dep in {"amod", "advmod", "npadvmod"} or k == verb)


def _formerly(tree: Tree, head: int | None) -> bool:
    """Whether a name's title says it was, not is ("FORMER governor Anselm Dregorian", "Lev Harrovic,
    the EX-minister", "ex-governor X"): a word of `lexicon.FORMER_TITLES` on a title set before it
    or beside it."""
    if head is None:
        return False
    titles = [k for k in tree.children[head] if tree.tokens[k].dep in {"compound", "appos", "amod"}]
    return any(tree.tokens[k].text.lower().strip("-") in lx.FORMER_TITLES
               for k in titles + [j for t in titles for j in tree.children[t]])


def _participle_clause(tree: Tree, at: int) -> bool:
    """Whether token at heads a participle clause with no word of its own to tie it ("On 23 May 1999 a
    storm struck the coast, KILLING twelve people"): what it tells happened when its head did."""
    t = tree.tokens[at]
    return t.dep == "advcl" and t.tag == "VBG" and not any(
        tree.tokens[k].dep in {"mark", "nsubj", "nsubjpass"} for k in tree.children[at])


def _year_on(tree: Tree, at: int, years: dict[int, int]) -> int | None:
    """A year set on a word: "the 2019 theft", "IN March 2016" (a dating preposition's object)."""
    for k in tree.children[at]:
        child = tree.tokens[k]
        if k in years and child.dep in {"nummod", "compound", "npadvmod", "pobj", "appos"}:
            return years[k]
        if child.dep == "prep" and child.text.lower() in DATING:
            for j in tree.children[k]:
                if tree.tokens[j].dep == "pobj":
                    found = next((years[i] for i in [j, *tree.children[j]] if i in years), None)
                    if found is not None:
                        return found
    return None


def _year_before(tree: Tree, when: int, years: dict[int, int]) -> int | None:
    """The year of the words a "when" clause follows, with no verb between: "since 2019, when",
    "the 2019 theft from a museum, when"."""
    for i in range(when - 1, -1, -1):
        if i in years:
            return years[i]
        if tree.tokens[i].pos in {"VERB", "AUX"}:
            return None
    return None


def _of_question_words(tree: Tree, ids: list[int], near: set[int], focus: set[int], q: Question) -> bool:
    """Whether a span is what the question asks about rather than an answer: it uses a word of
    the names the question gives ("Corinne LASKO" for "Lasko's lawyer"), its last word (a name's
    head, whatever the parse says of "Power & Light") is a word of the question ("pro-Iranian
    military COMMANDER" for "what kind of strike killed the commander"), or all its words but
    small ones are ("Port Tressel" for "which ferry capsized off Port Tressel").
    Not a name that only shares a word with the question: "Vantrell POWER & Light" for "which
    company owns the power line", "Vessara Medicines REGULATORY Authority" for "which regulatory body".
    A phrase of another kind ("the SPORTS team" for "what sport") that uses any word of it is."""
    asked = [i for i in ids if i in near and i not in focus]
    if not asked:
        return False
    if q.kind not in NAME_KINDS:   # a phrase ("the sports team", "News Obituaries"): any word of the question
        return True
    words = [i for i in ids if tree.tokens[i].pos not in {"DET", "ADP", "CCONJ", "PUNCT", "PART"}]
    return (any(fold_name(tree.tokens[i].text) in q.name_words for i in asked) or (words and words[-1] in asked)
            or all(i in asked for i in words))


def _without_asked_role(v: Value, ids: list[int], words: set[int], tree: Tree, text: str) -> tuple[Value, list[int]]:
    """A person's name without the question's words spaCy took in before it as part of the name:
    "Clerk Harriet Ogunbo" is Harriet Ogunbo for "who is the city clerk" (the role the question
    asks about, set right before the name), not a span of the question's own words."""
    lead = 0
    while lead < len(ids) - 1 and ids[lead] in words and tree.tokens[ids[lead]].pos in {"NOUN", "PROPN"}:
        lead += 1
    if not lead or not any(tree.tokens[i].pos == "PROPN" for i in ids[lead:]):
        return v, ids
    start, end, name = _span(tree, text, ids[lead:])
    return replace(v, text=name, start=start, end=end), ids[lead:]


MOVED = {"from", "to", "towards", "toward"}   # a place something came from or went to ("into the river": where)


def _moved(tree: Tree, head: int | None) -> float:
    """DIRECTION_FIT when a place is one something came from or went to ("after flying in FROM Port
    Salvas", "on its way TO the island"): not where the asked thing happened."""
    return DIRECTION_FIT if _place_preposition(tree, head) in MOVED else 0.0


def _direction_fit(tree: Tree, head: int | None, direction: str) -> float:
    """How a place's preposition fits the direction asked (`Question.direction`): "crossing TO the
    island of Inis Mor" for where it was heading, "the flight FROM Dorley" for where it left from."""
    word = _place_preposition(tree, head)
    said = "to" if word in lx.TO_PREPOSITIONS else "from" if word == "from" else ""
    return 0.0 if not said else DIRECTION_FIT if said == direction else -DIRECTION_FIT


def _place_preposition(tree: Tree, head: int | None) -> str | None:
    """The preposition a place is the object of, lower case; a place "of" a noun takes that noun's
    ("the island OF Inis Mor": what the island's preposition says). None for none."""
    at = head
    for _ in range(3):
        if at is None or tree.tokens[at].dep != "pobj":
            return None
        prep = tree.tokens[at].head
        word = tree.tokens[prep].text.lower()
        if word != "of":
            return word
        at = tree.tokens[prep].head
    return None


def _made_by(tree: Tree, head: int | None, near: set[int], q: Question, first: int | None = None) -> bool:
    """Whether a name is the agent "by" gives to what the question asks about: to a verb that
    spells the question's verb or asked role ("DIRECTED by" for "who is the director", "WRITTEN by"
    for "who wrote"); and, in a question without a verb of its own ("who is the artist of the
    album"), to a noun it uses ("the seventh ALBUM by Blitzen Trapper") or to a verb that hangs
    from one ("a FILM written by"); and in any question, when no verb of the sentence spells the
    role, to a passive verb whose subject is one of its words ("the HOUSE was designed by", "the
    GROUP is supported by" for "which force supplies the group"). `near`: the sentence's uses of
    the question's words, names included. A name set right after the agent's noun counts as that
    agent where the parse cut it off ("an album by American rapper KID THE SAINT"; `first`: the
    name's first word). A verb reached only through a noun the question uses ("the album ...,
    HOSTED by X") does not count when "by" also hangs from such a noun itself ("the album BY Y")."""
    at = _up_through(tree, head, {"compound", "appos", "flat"}) if head is not None else None
    if at is not None and tree.tokens[at].dep != "pobj" and first:
        before = first - 1 if tree.tokens[first - 1].pos != "PUNCT" else first - 2
        if before >= 0 and tree.tokens[before].dep == "pobj" and tree.tokens[before].pos == "NOUN" \
                and tree.tokens[before].text[:1].islower():
            at = before   # "by American rapper" + the name the parse set apart
    if at is None or tree.tokens[at].dep != "pobj":
        return False
    by = tree.tokens[at].head
    if tree.tokens[by].text.lower() != "by" or tree.tokens[by].head == by:
        return False
    made = tree.tokens[by].head
    if tree.tokens[made].pos == "VERB" and _spells_asked(tree, made, q):
        return True
    if made in near and not q.verbs:   # "who produced the album": "the album by X" is not what it asks
        return True
    if tree.tokens[made].pos != "VERB":
        return False
    passive = any(u.head == made and u.dep == "nsubjpass" and i in near for i, u in enumerate(tree.tokens))
    verb = _up_through(tree, made, {"conj"})   # "written and DIRECTED by": what "written" hangs from
    through = not q.verbs and (tree.tokens[verb].dep in {"acl", "relcl"}
                               and _said_of_asked(tree, tree.tokens[verb].head, near)
                               or any(u.head == made and u.dep == "nsubj" and i in near
                                      for i, u in enumerate(tree.tokens)))
    if through and not passive and any(t.text.lower() == "by" and t.head in near and tree.tokens[t.head].pos != "VERB"
                                       for t in tree.tokens):
        return False   # "the album by Y, hosted by X": Y made it
    return (passive or through) and not any(t.text.lower() == "by" and t.head != i and tree.tokens[t.head].pos == "VERB"
                                            and _spells_asked(tree, t.head, q) for i, t in enumerate(tree.tokens))


def _said_of_asked(tree: Tree, noun: int, near: set[int]) -> bool:
    """Whether a noun is one of the question's words, or is said of one: what "is" makes of its
    subject ("Pale Harbour is a NOVEL written by ...")."""
    return noun in near or any(k in near for k in _subjects_of(tree, noun))


def _subjects_of(tree: Tree, attr: int) -> list[int]:
    """What "is" says a word of: the subjects of the copula a word is the attribute of ("PALE
    HARBOUR is a novel", "the POPULATION is 4,200"); none for a word in another role."""
    t = tree.tokens[attr]
    if t.dep != "attr" or tree.tokens[t.head].lemma != "be":
        return []
    return [k for k in tree.children[t.head] if tree.tokens[k].dep == "nsubj"]


def _up_through(tree: Tree, at: int, deps: set[str], steps: int = 3) -> int:
    """The token a word of a name leads up to through the dependencies `deps` (the name's
    compounds, its appositions), at most `steps` up."""
    for _ in range(steps):
        t = tree.tokens[at]
        if t.dep not in deps or t.head == at:
            break
        at = t.head
    return at


def _asked_tie(q: Question) -> tuple[str, str | None] | None:
    """The family tie a "who" question asks for: "who was her HUSBAND", "who was X MARRIED to"."""
    for w in q.content:
        if w in lx.FAMILY_TIES:
            return lx.FAMILY_TIES[w]
    return ("spouse", None) if any(v in lx.MARRY_VERBS for v in q.verbs) else None


def _tie_of(tree: Tree, head: int | None) -> tuple[str, str | None] | None:
    """The family tie the sentence gives a name, to the one it is said of: the tie's own noun set
    beside the name ("her husband TARQUON", "TARQUON, husband of"), the converse of a tie whose
    "of" names it ("wife of TARQUON": a spouse; "son of X": a parent, sex unsaid), or a spouse by
    "married" ("married TARQUON", "married to TARQUON")."""
    if head is None:
        return None
    at = _up_through(tree, head, {"compound", "flat"})
    t = tree.tokens[at]
    beside = [k for k in tree.children[at] if tree.tokens[k].dep in {"compound", "appos", "nmod"}]
    if t.dep == "appos":
        beside.append(t.head)
    for k in beside:
        word = tree.tokens[k].lemma.lower()
        if word in lx.FAMILY_TIES and tree.tokens[k].pos == "NOUN":
            return lx.FAMILY_TIES[word]
    if t.dep == "pobj" and t.head != at:
        prep = tree.tokens[t.head]
        owner = tree.tokens[prep.head]
        if prep.text.lower() == "of" and owner.pos == "NOUN" and owner.lemma.lower() in lx.FAMILY_TIES:
            return lx.FAMILY_CONVERSE[lx.FAMILY_TIES[owner.lemma.lower()][0]], None
        if prep.text.lower() == "to" and owner.lemma.lower() in lx.MARRY_VERBS:
            return "spouse", None
    if t.dep == "dobj" and tree.tokens[t.head].lemma.lower() in lx.MARRY_VERBS:
        return "spouse", None
    return None


def _same_tie(tie: tuple[str, str | None], asked: tuple[str, str | None]) -> bool:
    return tie[0] == asked[0] and (tie[1] is None or asked[1] is None or tie[1] == asked[1])


def _spells_asked(tree: Tree, verb: int, q: Question) -> bool:
    """Whether a verb spells one of the question's words: "directed" for "director", "written" for "wrote"."""
    made = stem(tree.tokens[verb].lemma.lower())
    return any(_grown_from(stem(w), made) for w in q.content)


def _grown_from(word: str, base: str) -> bool:
    """Whether a stem is another grown longer ("leader" from "lead", "director" from "direct"), or
    is it; a base of three letters or fewer grows into too much to say, but for its doer ("owner"
    from "own", "user" from "use")."""
    return len(base) > 3 and word.startswith(base) or _doer_of(word, base)


def _owned_by_another(tree: Tree, head: int | None, q: Question) -> bool:
    """Whether the name or role is put in the possessive of a name other than the one the question
    puts it in: "ARVANDEL'S Oskar Delacourt", "ARVANDEL'S chief executive, Oskar Delacourt" (the
    noun a name stands beside in apposition counts as the name)."""
    if head is None:
        return False
    owned = [head]
    if tree.tokens[head].dep == "appos" and tree.tokens[head].head != head:
        owned.append(tree.tokens[head].head)
    owners = [i for i, t in enumerate(tree.tokens) if t.head in owned and t.dep == "poss" and t.pos == "PROPN"]
    return bool(owners) and not any(w in q.owners for i in owners for w in fold_name(tree.tokens[i].text).split())


def _titled_by_another(tree: Tree, ids: list[int], q: Question) -> bool:
    """Whether a name's title is narrowed by a group the question does not put its role in the
    possessive of: "LISBON coach Tomas Reed" for "who is Ilya Marr's agent" (a name of a place,
    organisation or nationality set before the title, none of the question's names)."""
    inside, stack, groups = set(ids), [tree.root_of(ids)], []
    while stack:
        k = stack.pop()
        for c in tree.children[k]:
            t = tree.tokens[c]
            if c in inside or t.dep not in {"compound", "nmod", "amod"}:
                continue
            if t.ent in {"ORG", "GPE", "NORP"}:
                groups.append(c)
            else:
                stack.append(c)
    return bool(groups) and not any(w in q.owners or w in q.name_words
                                    for k in groups for w in fold_name(tree.tokens[k].text).split())


def _measured_noun(tree: Tree, head: int | None, verb: int | None) -> int | None:
    """The noun a figure is a figure of: "a PROFIT of $48.7m", "a $2.3bn OFFER", "REVENUE rose 9.4%
    to $612m" (the subject of the verb it hangs from)."""
    if head is None:
        return None
    t = tree.tokens[head]
    up = t.head
    if t.dep in {"compound", "nmod", "amod", "nummod", "quantmod"} and tree.tokens[up].pos == "NOUN":
        return up
    if t.dep == "pobj" and tree.tokens[up].text.lower() == "of" and tree.tokens[tree.tokens[up].head].pos == "NOUN":
        return tree.tokens[up].head
    if verb is not None:
        subjects = [i for i in tree.subjects(verb) if tree.tokens[i].pos == "NOUN" and i != head]
        if subjects:
            return subjects[0]
    return None


def _focus_heads(tree: Tree, ids: list[int], focus: set[int]) -> bool:
    """Whether the asked noun a name holds is what the name is of, its head ("Kestle ROAD" for "which
    road") or the first of two words ("LAKE Marren", "PORT Aske"), or the noun stands beside it ("the
    bank, Norhalm"): not a word that narrows another inside it ("the ROAD Structures Council", "the
    Institute for MOUNTAIN Hazards" name no road, no mountain)."""
    inside = focus & set(ids)
    if not inside or tree.root_of(ids) in inside or len(ids) == 2 and ids[0] in inside:
        return True
    return any(j in focus and j not in inside for k in ids for j in tree.adj[k])


def _focus_tokens(tree: Tree, q: Question) -> set[int]:
    """The sentence's uses of a name question's focus noun ("bank" in "which bank"); none for the
    nouns that only say a name is asked ("name", "person")."""
    if not q.focus or q.focus in GENERIC_FOCUS:
        if q.kind != "person":
            return set()
        # "who leads the group": the noun its verb makes of the doer, "the Front's LEADER, Milka Dravić"
        verbs = [stem(v) for v in q.verbs]
        return {i for i, t in enumerate(tree.tokens) if t.pos == "NOUN" and any(
            stem(t.text.lower()) != v and _grown_from(stem(t.text.lower()), v) for v in verbs)}
    want = stem(q.focus)
    found = {i for i in tree.uses({want}) if tree.tokens[i].pos in {"NOUN", "PROPN"} and not _narrowed_apart(tree, i, q)}
    if q.kind == "org":   # "which company insured it": "the museum's INSURER, Halberd Mutual"
        found |= {i for i in range(len(tree.tokens)) if _doer_noun(tree, i, q)}
    return found


def _doer_of(noun: str, verb: str) -> bool:
    """Whether a noun names the doer of a verb: "insurer" of "insure", "operator" of "operate",
    "organiser" of "organise", "owner" of "own"."""
    return noun in _doer_forms((verb,))


@lru_cache(maxsize=1024)
def _doer_forms(verbs: tuple[str, ...]) -> frozenset[str]:
    """The nouns that name the doer of any of the verbs (see `_doer_of`): made once per question."""
    bases = ((v, v[:-1] if v.endswith("e") else v) for v in verbs)
    return frozenset(f for v, base in bases for f in (v + "r", v + "er", base + "er", base + "or", v + "or"))


def _asked_maker(q: Question) -> frozenset[str]:
    """Of "what make of van did they use": the stems a make's name is said of, the made thing's noun and
    the question's verbs ("van", "use"); empty for any other question."""
    asked = MAKER_ASKED.search(q.text) if q.kind in {"thing", "name", "org"} else None
    return frozenset({stem(asked.group(1).lower())} | {stem(v) for v in q.verbs}) if asked else frozenset()


def _made_name(tree: Tree, ids: list[int], said_of: frozenset[str]) -> bool:
    """Whether a span is a make's or model's name: proper nouns (and a model's number), no place, set
    on the made thing or on the asked verb ("a white FORD TRANSIT van", "used a stolen VAUXHALL MOVANO")."""
    words = [i for i in ids if tree.tokens[i].pos not in {"PUNCT", "DET"}]
    if not words or not any(tree.tokens[i].pos == "PROPN" for i in words) or any(
            tree.tokens[i].pos not in {"PROPN", "NUM"} or tree.tokens[i].ent in PLACE_LABELS | {"FAC"} for i in words):
        return False
    root = tree.root_of(ids)
    head = tree.tokens[root].head
    return head != root and stem(tree.tokens[head].lemma.lower()) in said_of


def _doer_noun(tree: Tree, i: int, q: Question) -> bool:
    """Whether token i is a noun naming the doer of one of the question's verbs ("insurer" of "insure")."""
    t = tree.tokens[i]
    return t.pos == "NOUN" and t.lemma.lower() in _doer_forms(q.verbs)


def _beside_doer(tree: Tree, head: int | None, q: Question) -> bool:
    """Whether a name stands beside a noun naming the doer of the asked verb: in apposition ("its
    INSURER, Tarn Mutual", "Tarn Mutual, the ship's INSURER") or as the subject it is ("Tarn Mutual is
    the ship's INSURER")."""
    if head is None:
        return False
    t = tree.tokens[head]
    beside = [k for k in tree.children[head] if tree.tokens[k].dep == "appos"]
    if t.dep == "appos" and t.head != head:
        beside.append(t.head)
    if t.dep == "nsubj" and tree.tokens[t.head].lemma == "be":
        beside += [k for k in tree.children[t.head] if tree.tokens[k].dep == "attr"]
    return any(_doer_noun(tree, k, q) for k in beside)


def _narrowed_apart(tree: Tree, i: int, q: Question) -> bool:
    """Whether the sentence narrows its use of the asked role or counted noun otherwise than the
    question does: "MILITARY spokesman" for "the PENTAGON spokesman", "96 MEDICAL staff" for "how
    many SECURITY staff" (not "Pentagon spokesman", nor a bare "spokesman", nor "the new CHIEF
    executive" for "the chief executive")."""
    if not q.focus_mods or q.kind not in {"person", "count"}:   # "what party": "the CONSERVATIVE Party" answers it
        return False
    mods = {tree.tokens[k].lemma.lower() for k in tree.children[i]
            if tree.tokens[k].dep in {"compound", "amod", "nmod"} and tree.tokens[k].pos in {"NOUN", "PROPN", "ADJ"}}
    return bool(mods) and not mods & (q.focus_mods | set(q.content))


def _governing_verb(tree: Tree, at: int | None, participle: bool = False) -> int | None:
    """The verb a value hangs from: 'killing two people' -> kill, 'were hurt' -> hurt, 'seven others
    injured' -> injured (`participle`: a figure's noun's participle, however the sentence's verb governs it)."""
    for _ in range(4):
        if at is None:
            return None
        t = tree.tokens[at]
        if t.pos == "VERB" or t.pos == "ADJ" and t.dep in {"acomp", "ROOT"}:
            return at
        if participle and t.pos in {"NOUN", "PROPN", "PRON"} and t.dep in {"conj", "ROOT", "dep", "appos"}:
            # "killed two and seven others INJURED": a participle after a noun no verb takes as its
            # subject or object is what happened to it (not so "enrolled 5,240 children AGED five")
            passive = [k for k in tree.children[at] if tree.tokens[k].dep == "acl" and tree.tokens[k].tag == "VBN"]
            if passive:
                return passive[0]
        if t.head == at:
            return None
        at = t.head
    return None


def _state_of(tree: Tree, at: int | None) -> int | None:
    """The adjective or participle after a number, or after the noun it counts, in a clause without a
    verb: "Two DEAD in coach crash", "Three people MISSING after storm" (what happened to them, an
    outcome)."""
    for _ in range(2):
        if at is None:
            return None
        t = tree.tokens[at]
        after = [k for k in tree.children[at] if k > at and tree.tokens[k].dep in {"amod", "acl"}
                 and tree.tokens[k].pos in {"ADJ", "VERB"} and tree.tokens[k].text.isalpha()]
        if after:
            return after[0]
        if t.dep != "nummod":
            return None
        at = t.head
    return None


FIGURE_LETTERS = {"am", "pm", "a", "p", "m", "h", "hrs", "th", "st", "nd", "rd", "s"}   # all the letters a time or figure has


def _figure_only(text: str) -> bool:
    """Whether a span is a figure, a time or a decade with no word of a name ("9.30pm", "1990s", "21:40")."""
    return any(c.isdigit() for c in text) and all(w.lower() in FIGURE_LETTERS for w in re.findall(r"[A-Za-z]+", text))


def _named_by_question(v: Value, q: Question) -> bool:
    if v.kind in NUMERIC_KINDS:
        return fold_name(v.text) in {fold_name(n) for n in q.names}
    # each word the question's or a spelling of one: "Meritaton" for a question about "Meritaten"
    words = [w for w in fold_name(v.text).split() if w not in lx.NAME_TITLES]
    if words and v.kind in NAME_KINDS and all(w in q.words for w in words):
        return True   # the question's own common noun, capitalised as a headline's first word ("Girl, 7, pulled out")
    return bool(words) and all(w in q.name_words or any(word_alike(w, n) for n in q.name_words) for w in words)


def _long_is_asked(tree: Tree, v: Value, q: Question) -> bool:
    """Whether the length is the asked thing's: the noun it makes long ("the 57-kilometre-long
    TUNNEL"), or the subject it is said of ("the BRIDGE is 1.2 kilometres long"), is a noun of the
    question ("the strike closed the 40-kilometre-long line" is no length of the strike)."""
    asked = {stem(w) for w in q.content}
    ids = tree.tokens_in(v.start, v.end)
    if not ids:
        return False
    at = tree.root_of(ids)
    for _ in range(4):
        t = tree.tokens[at]
        if t.pos in {"NOUN", "PROPN"} and at not in ids:
            return stem(t.lemma.lower()) in asked
        if t.pos in {"AUX", "VERB"}:
            return any(stem(tree.tokens[k].lemma.lower()) in asked for k in tree.subjects(at))
        if t.head == at:
            return False
        at = t.head
    return False


def _numbered_label(tree: Tree, v: Value) -> bool:
    """Whether a bare number is the label of what a capitalised noun right before it names ("the
    TIER 1 supplier", "FLIGHT 370", "ROUTE 66"): an identifier, not a count (counts come before
    their noun)."""
    ids = tree.tokens_in(v.start, v.end)
    if len(ids) != 1 or not re.fullmatch(r"\d{1,4}", v.text) or ids[0] < 2:
        return False
    before = tree.tokens[ids[0] - 1]
    return before.pos in {"NOUN", "PROPN"} and before.text[:1].isupper() and before.text.isalpha() \
        and before.start + len(before.text) < v.start <= before.start + len(before.text) + 1


def _none_of(s: Sentence, tree: Tree) -> list[Value]:
    """"No deaths were reported", "there were no injuries": a count of none of what the noun "no"
    determines names, a candidate only where that noun means the asked outcome (`_count_fit`;
    the answerer reads its meaning). Not "no longer", where "no" determines no noun."""
    out = []
    for t in tree.tokens:
        if t.text.lower() == "no" and t.dep == "det" and tree.tokens[t.head].pos == "NOUN" \
                and tree.tokens[t.head].start > t.start:
            noun = tree.tokens[t.head]
            end = noun.start + len(noun.text)
            out.append(Value("count", s.text[t.start:end], t.start, end, 0.0, 0.0,
                             fields={"none": True, "none_of": True}))
    return out


def _candidates(q: Question, s: Sentence, tree: Tree, near: set[int]) -> list[Value]:
    kind = q.kind
    if kind in NUMERIC_KINDS:
        typed = typed_values(s.text)
        found = list(typed.get(kind, []))
        if kind == "count":
            found += [v for v in typed.get("measure", []) if v.unit == "" ]
            ages = {(a.start, a.end) for a in _bare_ages(s, tree)}   # "Lt. Ewan Strachley, 41, died" counts nothing
            found = [v for v in found if _whole(v) and (v.start, v.end) not in ages and not _numbered_label(tree, v)] \
                + _none_of(s, tree)
        if kind == "duration":   # "vehicles A DAY", "$48,200 A YEAR", "twice A WEEK": how often, not how long
            for v in found:
                if _per_unit(tree, v) and not PER_ASKED.search(q.text):
                    v.fields["elsewhere"] = True
                    v.fields["label_fit"] = v.fields.get("label_fit", 0.0) - RATE_FIT
        dims = lx.MEASURE_DIMENSIONS.get(q.focus) if kind == "measure" else None
        if dims:   # "how fast": a speed, never "14 miles"
            found = [v for v in found if v.unit in dims]
        if kind == "measure" and not found:   # "a magnitude 6.4 quake", "a race length of 200 laps"
            found = typed.get("count", [])
            if q.focus in SIZES:   # "how large was the budget gap", "how big a fine": a sum says how large
                found = typed.get("money", []) + found
            if dims:   # a bare number for "how fast": likelier a count of something else ("Four dead")
                for v in found:
                    v.fields["label_fit"] = -UNITLESS_MISFIT
        if kind == "count" and q.focus in lx.SHARE_COUNTS:   # "what was the turnout": "61.4%"
            found += typed.get("percent", [])
        if kind == "percent" and not found:   # "what danger level": "level 4", where no share is given
            found = _numbered_focus(q, s, tree, kind, typed)
        if kind == "money" and q.share_too and (not found or q.focus in lx.CHANGE_NOUNS or q.by_change):
            found = typed.get("percent", []) + found   # "by how much did the shares fall": "8%" (beside any sum);
                                                       # "what pay rise": "9%", or "$2,000" where a sum is given
        if q.by_change:   # "by how much was it raised": "by 75 basis points", not "to 4.00%"
            for v in found:
                if LEVEL_BEFORE.search(s.text, 0, v.start):
                    v.fields["label_fit"] = v.fields.get("label_fit", 0.0) - LEVEL_MISFIT
                elif CHANGE_BEFORE.search(s.text, 0, v.start):
                    v.fields["label_fit"] = v.fields.get("label_fit", 0.0) + LEVEL_MISFIT
        elif not q.former and kind in {"count", "percent", "money", "measure"}:   # not "from 1603 until 1617"
            # "rose FROM 3.25% to 4%": the figure it left, for a question that asks no former one
            for v in found:
                if FROM_BEFORE.search(s.text, 0, v.start) and any(
                        w.start > v.end and TO_BEFORE.fullmatch(s.text, v.end, w.start) for w in found):
                    v.fields["label_fit"] = v.fields.get("label_fit", 0.0) - LEVEL_MISFIT
        if kind == "age" and not found:
            found = _bare_ages(s, tree, q) or [
                Value("age", v.text, v.start, v.end, v.low / 365.25, v.high / 365.25)   # "a median age of 42.7 years"
                for v in typed.get("duration", []) if q.focus == "age" and re.search(r"(?i)\byears?\b", v.text)
                and AGE_BEFORE.search(s.text, 0, v.start)]   # not "for two years": a span of a life is no age
        if kind == "date":
            found = [v for v in found if v.fields]
        if q.length_too:
            # "how long is the bridge": any length may answer it, as near the question's words as a span of
            # time must be; one the sentence calls long ("1.2 kilometres long", "a 57-kilometre-long tunnel")
            # before a span of time
            for v in typed.get("measure", []):
                if v.unit == "length":
                    if _long_is_asked(tree, v, q):   # "1.2 kilometres LONG", "a 14-mile DIVERSION"
                        v.fields["label_fit"] = LONG_FIT
                    found.append(v)
        return found
    if kind in LABEL_FIT:
        fits = LABEL_FIT[kind]
        if q.focus in lx.PEOPLES_OF:   # "what political party": "Republican" as much as "the Republican Party"
            fits = {**fits, "NORP": fits["ORG"]}
        out = []
        for e in s.analysis.entities:
            label = "FAC" if e.label == "PERSON" and _determined(tree, e) else e.label
            fit = fits.get(label)
            if fit is None:
                continue
            if kind == "place" and e.label == "ORG" and _after_locative(tree, e.start):
                fit = fits["GPE"]
            elif kind == "name" and _after_locative(tree, e.start, NAMED_AT):
                fit = min(fit, fits["GPE"])   # "ran aground in CORVELL ESTUARY", "the ferry to WENMOUTH
                # POINT": a place, whatever its label, not the name of the ship, storm or operation asked for
            ids = _trimmed(tree, tree.tokens_in(e.start, e.end))
            if not ids:
                continue
            whole = _whole_name(tree, ids, s.analysis.entities, e) if fit < 0 and kind == "person" else ids
            if whole != ids:   # the rest of a name spaCy split, and marked as another kind ("MILKA Dravić" an organisation)
                ids, fit = whole, 0.0
            start, end, text = _span(tree, s.text, ids)
            v = Value(kind, text, start, end)
            v.fields = {"label_fit": fit}
            out.append(v)
        if kind == "place":
            out = _based_places(s, out, fits["GPE"])
            out += _place_names(s, tree, out, fits["GPE"])
        if kind == "name":
            out += _unlabelled_names(s, tree, out)
        out += _focus_names(q, s, tree, out)
        out += _family_names(q, s, tree, out)
        return out + _agent_names(q, s, tree, out, near)
    if kind == "role":
        return _roles(q, s, tree)
    if kind == "thing":
        return _phrases(s, tree, q)
    if kind == "score":
        return score_values(s.text)
    return []


def _place_names(s: Sentence, tree: Tree, found: list[Value], fit: float) -> list[Value]:
    """Places the small model gives no label: a run of capitalised proper nouns that ends in a word
    naming a kind of place ("struck the Skerrin REEF", "towards Ostrey POINT"), where no other
    candidate covers it; a place as surely as a labelled one (`fit`)."""
    out = []
    taken = [(v.start, v.end) for v in found]
    for j, t in enumerate(tree.tokens):
        if t.pos != "PROPN" or not t.text[:1].isupper() or t.ent or t.lemma.lower() not in lx.PLACE_NAME_ENDS \
                or t.dep == "compound":   # "the Tobrel PASS road": the name goes on
            continue
        run = [j]
        while run[0] > 0 and (u := tree.tokens[run[0] - 1]).pos == "PROPN" and u.text[:1].isupper() and not u.ent \
                and u.dep == "compound" and tree.root_of([run[0] - 1, j]) == j:
            run.insert(0, run[0] - 1)
        if len(run) < 2 or run[0] > 0 and tree.tokens[run[0] - 1].pos not in {"DET", "PUNCT"} \
                and tree.tokens[run[0] - 1].text[:1].isupper():
            continue   # "the Reef" names no reef; "Tarn Higher | Secondary School" is the end of a longer name
        start, end, text = _span(tree, s.text, run)
        if not any(a < end and start < b for a, b in taken):
            out.append(Value("place", text, start, end, fields={"label_fit": fit}))
            taken.append((start, end))
    return out


def _unlabelled_names(s: Sentence, tree: Tree, found: list[Value]) -> list[Value]:
    """Names the small model gives no label, for "the name of the X" (a ship, a storm, an operation):
    a run of capitalised proper nouns that "the" determines ("THE Harwick Star hit the reef"), taken
    as a name of any kind (label fit 0), where no other candidate covers it."""
    out = []
    taken = [(v.start, v.end) for v in found]
    for i, t in enumerate(tree.tokens):
        if t.text.lower() != "the" or t.dep != "det" or i + 1 >= len(tree.tokens):
            continue
        run = []
        j = i + 1
        while j < len(tree.tokens) and tree.tokens[j].pos == "PROPN" and tree.tokens[j].text[:1].isupper() \
                and not tree.tokens[j].ent:
            run.append(j)
            j += 1
        if not run or t.head != run[-1] or tree.root_of(run) != run[-1]:
            continue
        start, end, text = _span(tree, s.text, run)
        if not any(a < end and start < b for a, b in taken):
            out.append(Value("name", text, start, end, fields={"label_fit": 0.0}))
    return out


def _determined(tree: Tree, e) -> bool:
    """Whether "the" determines a name itself ("the slopes of THE Kessmatthorn", "aboard THE Orla
    Vantage"): no person's name takes an article of its own, so spaCy's PERSON there is a place,
    a ship or a building (read as FAC). One set before another noun ("the Johnny Mathis album"),
    after a title ("the actor John Smith") or in the plural ("the Beatles": a band) is not."""
    ids = tree.tokens_in(e.start, e.end)
    root = tree.root_of(ids) if ids else None
    if root is None:
        return False
    if tree.tokens[root].text.lower().endswith("s"):   # "the Beatles", "the Kennedys": a band, a family
        return False
    return any(t.dep == "det" and t.head == root and t.text.lower() == "the" and tree.tokens[root].pos == "PROPN"
               and all(tree.tokens[k].pos == "PROPN" or k == i for k in range(i, root + 1))
               for i, t in enumerate(tree.tokens))


# "what MAKE of van", "which BRAND of formula", "what MODEL of aircraft": a maker's or product's name is asked
MAKER_ASKED = re.compile(r"(?i)\b(?:what|which) (?:make|brand|model)s? of (?:an? |the )?(\w+)")
BASED = re.compile(r"\b(?:(?:The|A|An)\s+)?([A-Z][\w.'\u2019]*(?:[ -][A-Z][\w.'\u2019]*)*)-(?:based|headquartered)\b")


def _based_places(s: Sentence, found: list[Value], fit: float) -> list[Value]:
    """A name written before "-based" is a place ("the Dunmere-based fund"), whatever label the
    entity recogniser gave it, or none."""
    out = list(found)
    for m in BASED.finditer(s.text):
        start, end = m.span(1)
        out = [v for v in out if not (v.start < end and start < v.end)]
        out.append(Value("place", m.group(1), start, end, fields={"label_fit": fit}))
    return out


def _trimmed(tree: Tree, ids: list[int]) -> list[int]:
    """An entity's tokens without the article, preposition or stray punctuation spaCy took in at
    its edges ("the Ministry of Energy on"), and none when only a title or abbreviation is left ("St.")."""
    edge = {"DET", "ADP", "CCONJ", "PUNCT", "PART"}
    while ids and tree.tokens[ids[0]].pos in edge:
        ids = ids[1:]
    while ids and tree.tokens[ids[-1]].pos in edge and tree.tokens[ids[-1]].text not in {".", ")"}:
        ids = ids[:-1]
    if all(tree.tokens[i].text.lower().strip(".") in lx.HONORIFICS | set(lx.TITLE_ABBREVIATIONS) for i in ids):
        return []
    return ids


def _focus_names(q: Question, s: Sentence, tree: Tree, found: list[Value]) -> list[Value]:
    """Names that end in the asked noun though spaCy marked no entity: "Palestine Street" for "which
    street", "Harlow Trust" for "which trust", "Tobrel Pass road" for "which road" (the focus with the
    proper nouns compounded before it, and theirs). For "which minister", "Emergency Situations
    Minister Ilona Vetrova" is a title before a name: the name answers it, not the title."""
    taken = [(v.start, v.end) for v in found]
    out = []
    focus = sorted(_focus_tokens(tree, q))
    for i in focus:
        if q.kind == "person" and tree.tokens[i].dep == "compound" and tree.tokens[tree.tokens[i].head].pos == "PROPN":
            continue
        mods = [k for k in range(i) if tree.tokens[k].head == i and tree.tokens[k].dep == "compound"
                and tree.tokens[k].pos == "PROPN"]
        while mods and (more := [k for k in range(min(mods)) if tree.tokens[k].head in mods and k not in mods
                                 and tree.tokens[k].dep == "compound" and tree.tokens[k].pos == "PROPN"]):
            mods += more
        if not mods or q.kind == "person" and all(tree.tokens[k].ent in PLACE_LABELS for k in mods):
            continue   # "the Selvane County firefighter": one from a place, no title ("Finance Minister")
        start, end, text = _span(tree, s.text, list(range(min(mods), i + 1)))
        if any(a < end and start < b for a, b in taken):
            continue
        v = Value(q.kind, text, start, end)
        v.fields = {"label_fit": max(LABEL_FIT[q.kind].values())}
        out.append(v)
        taken.append((start, end))
    if q.kind in {"person", "name", "org"}:   # "company founder ANA RUIZ", "the ferry ALDRA STAR": the name beside it
        for i in focus:
            if q.kind == "org" and not _doer_noun(tree, i, q):
                continue   # of an organisation, only the doer of the asked verb: "TARN MUTUAL, the ship's insurer"
            t = tree.tokens[i]
            beside = [k for k, u in enumerate(tree.tokens) if u.head == i and u.dep == "appos" and u.pos == "PROPN"]
            if t.dep in {"appos", "compound"} and tree.tokens[t.head].pos == "PROPN":
                beside.append(t.head)
            for k in beside:
                while _titling(tree, k):   # "spokesman Maj. GEN. Pat Ryder": the name the ranks title
                    k = tree.tokens[k].head
                ids = [j for j in _proper_run(tree, k) if not _titling(tree, j) and tree.tokens[j].text != "."]
                v = _unmarked_name(q, s, tree, ids, taken) if ids else None
                if v is not None:
                    out.append(v)
                    taken.append((v.start, v.end))
    return out


def _agent_names(q: Question, s: Sentence, tree: Tree, found: list[Value], near: set[int]) -> list[Value]:
    """Proper nouns "by" makes the agent of what the question asks about though spaCy marked no
    entity: "the seventh album by American duo CARPENTERS" (see `_made_by`; `near` as there)."""
    taken = [(v.start, v.end) for v in found]
    out = []
    for i, t in enumerate(tree.tokens):
        if t.dep != "pobj":
            continue
        named = t.pos == "PROPN" or t.pos == "NOUN" and t.text[:1].isupper()   # "duo Carpenters", tagged a noun
        if named:   # ... and the capitalised words after it: "by Girls LIKE BOYS"
            ids = _proper_run(tree, i) + _capitalised_run(tree, i + 1)
        elif t.pos == "NOUN":   # "by American pop rock BAND Boys Like Girls": the name set after the agent's noun
            ids = _capitalised_run(tree, i + 1)
        else:
            continue
        if not ids or not _made_by(tree, i, near, q):
            continue
        v = _unmarked_name(q, s, tree, ids, taken)
        if v is not None:
            out.append(v)
    return out


def _whole_name(tree: Tree, ids: list[int], entities, entity) -> list[int]:
    """An entity's tokens with the proper nouns of the same name it left out: those it compounds
    into and those compounded into it ("Milka" of "Milka Dravić"), none of another entity."""
    if tree.tokens[ids[-1]].pos != "PROPN":
        return ids
    last = ids[-1]
    while last + 1 < len(tree.tokens) and tree.tokens[last].dep == "compound" and tree.tokens[last].head == last + 1 \
            and tree.tokens[last + 1].pos == "PROPN":
        last += 1
    run = _proper_run(tree, last)
    if min(run) > ids[0]:
        return ids
    added = [i for i in run if i not in ids]
    if len(added) > 2:   # a list of names the parse ran together, not one name
        return ids
    if any(other is not entity and any(other.start <= tree.tokens[i].start < other.end for i in added)
           for other in entities):
        return ids
    return list(range(min(run), max(run) + 1))


def _family_names(q: Question, s: Sentence, tree: Tree, found: list[Value]) -> list[Value]:
    """For a question asking for a family tie, the proper nouns spaCy marked no entity that the
    sentence gives a tie (`_tie_of`): "her husband TARQUON", "wife of TARQUON"."""
    if q.kind != "person" or _asked_tie(q) is None:
        return []
    taken = [(v.start, v.end) for v in found]
    out = []
    for i, t in enumerate(tree.tokens):
        if t.pos != "PROPN" or t.dep in {"compound", "flat"} or _tie_of(tree, i) is None:
            continue
        v = _unmarked_name(q, s, tree, _proper_run(tree, i), taken)
        if v is not None:
            out.append(v)
            taken.append((v.start, v.end))
    return out


def _capitalised_run(tree: Tree, first: int) -> list[int]:
    """The words of a name starting at `first`: capitalised words, and the small words between
    two of them ("Death Cab FOR Cutie", "Boys Like Girls"); empty when `first` is no capitalised word."""
    ids: list[int] = []
    i = first
    while i < len(tree.tokens):
        word = tree.tokens[i].text
        if word[:1].isupper():   # a cased letter
            ids.append(i)
        elif ids and word.lower() in lx.NAME_LINKS and i + 1 < len(tree.tokens) \
                and tree.tokens[i + 1].text[:1].isupper():
            ids.append(i)
        elif ids and word == "-" and i + 1 < len(tree.tokens) and tree.tokens[i + 1].text[:1].isupper() \
                and tree.tokens[i - 1].start + len(tree.tokens[i - 1].text) == tree.tokens[i].start \
                and tree.tokens[i].start + 1 == tree.tokens[i + 1].start:
            ids.append(i)   # a hyphen inside a word: "In-Flight Choir"
        else:
            break
        i += 1
    return ids


def _titling(tree: Tree, k: int) -> bool:
    """Whether token k is a title or rank set before the name it hangs from ("Maj.", "Gen.", "Dr")."""
    t = tree.tokens[k]
    return t.text.lower().strip(".") in TITLES and t.dep == "compound" and t.head != k \
        and tree.tokens[t.head].pos == "PROPN"


def _unmarked_name(q: Question, s: Sentence, tree: Tree, ids: list[int], taken: list[tuple[int, int]]) -> Value | None:
    """A name no entity covers, as a candidate of no label; None where it overlaps a candidate
    already `taken` or the question gives it."""
    start, end, text = _span(tree, s.text, ids)
    if any(a < end and start < b for a, b in taken) or _named_by_question(Value(q.kind, text), q):
        return None
    return Value(q.kind, text, start, end, fields={"label_fit": 0.0})


def _proper_run(tree: Tree, last: int) -> list[int]:
    """A name's tokens ending at `last`: the proper nouns right before it that hang from the run."""
    ids = [last]
    while ids[0] > 0 and tree.tokens[ids[0] - 1].pos == "PROPN" and tree.tokens[ids[0] - 1].head in ids:
        ids.insert(0, ids[0] - 1)
    return ids


def _whole(v: Value) -> bool:
    """Things are counted in whole numbers: "63.79" or "30.178614" is a rate, a measure or a
    coordinate, not a count ("2.5 million" is one)."""
    return not re.search(r"\d\.\d", v.text) or bool(
        re.search(r"(?i)\d\s*(?:thousand|million|billion|bn|mn|m|k)\b", v.text))


LOCATIVES = {"in", "at", "near", "outside", "inside", "to", "from", "into", "on", "across", "around", "beside",
             "behind", "opposite"}
# where a thing named by its own name can be too ("aboard" or "on the Harwick Star", "crashed into the
# Merrow Lass", "during Storm Babet"), not where a place is: "in", "at", "near", "to", "from" a place
NAMED_AT = {"in", "at", "near", "outside", "inside", "to", "from", "across"}


def _after_locative(tree: Tree, start: int, prepositions: set[str] = LOCATIVES) -> bool:
    ids = tree.tokens_in(start, start + 1)
    if not ids:
        return False
    i = ids[0]
    j = i - 1
    while j >= 0 and tree.tokens[j].pos in {"DET", "PROPN", "ADJ"}:
        j -= 1
    return j >= 0 and tree.tokens[j].text.lower() in prepositions


SIZES = {lx.HOW_ADJECTIVES["big"], lx.HOW_ADJECTIVES["large"]}   # what "how big", "how large" ask for
# how old someone was when something happened: "at what age did he join", "how old was she when"
AT_AGE_ASKED = re.compile(r"(?i)\b(?:at|by) (?:what|which|the) age\b|\bhow old was\b")
AGE_BEFORE = re.compile(r"(?i)\bage[sd]?\b[^.,;:]{0,20}$")   # "a median AGE of 42.7 years", "AGED about 30 years"


def _bare_ages(s: Sentence, tree: Tree, q: Question | None = None) -> list[Value]:
    """'Kowalczyk, 44, said': a number set off by commas right after a person's name; with the
    question, 'the youngest child admitted was FIVE', 'Ruiz was 52': a number a person is said to
    be (the subject a person's name, or a noun the question asks about)."""
    out = []
    for m in re.finditer(r",\s*(\d{1,3})\s*,", s.text):
        before = s.text[:m.start()]
        end = len(before.rstrip())
        named = q is not None and fold_name(before.split()[-1] if before.split() else "") in q.name_words
        if named or any(e.label == "PERSON" and e.end == end for e in s.analysis.entities):
            n = float(m.group(1))   # ("Brandt, 61," for "how old is Professor Brandt", however spaCy labels him)
            out.append(Value("age", m.group(1), m.start(1), m.end(1), n, n))
    if q is None:
        return out
    asked = {stem(w) for w in q.content}
    for i, t in enumerate(tree.tokens):
        if t.dep not in {"attr", "acomp"} or t.pos != "NUM" or tree.tokens[t.head].lemma != "be":
            continue
        n = number(t.text)
        if n is None or n != int(n) or not 0 < n <= 120 or any(o.start == t.start for o in out) or \
                any(tree.tokens[k].dep == "prep" for k in tree.children[i]):   # "is ONE of the deepest mines"
            continue
        be = t.head
        subjects = tree.subjects(be) or tree.subjects(tree.tokens[be].head)
        if any(tree.tokens[k].ent == "PERSON" or stem(tree.tokens[k].lemma.lower()) in asked for k in subjects):
            out.append(Value("age", t.text, t.start, t.start + len(t.text), n, n))
    return out


def _count_fit(tree: Tree, v: Value, q: Question, ids: list[int]) -> float:
    """How surely a number counts the question's focus: 'two PEOPLE' for 'how many people'."""
    if v.fields.get("none_of"):   # "no deaths": none of what the noun "no" determines names
        noun = max(ids)
        if not q.focus:
            return NOT_COUNTED
        lemma = tree.tokens[noun].lemma.lower()
        if stem(lemma) == stem(q.focus):
            return COUNTED_FIT   # "no injuries" for "how many injuries"
        # none of anything else ("no rate rise" for "how many households") is no answer at all, unless
        # the answerer finds that the noun means the asked outcome ("no deaths" for "how many people died")
        v.fields = {**v.fields, "counted": lemma, "counted_fit": NOT_COUNTED}
        return NOT_COUNTED
    if not q.focus:
        return 0.0
    counted = _counted_noun(tree, ids)
    if q.focus in lx.COUNT_NOUNS:   # "what is the total": the figure of it, of anything
        if _figure_of(tree, v.head, stem(q.focus)):
            return COUNTED_FIT   # "a POPULATION of 4,200", "the TOLL is 12": the asked figure itself
        if q.focus in lx.PEOPLE_COUNTS and counted is not None and tree.tokens[counted].pos == "NOUN":
            # "what is the population": "1,791 PEOPLE", not "four TOWNSHIPS" or "699 HOUSEHOLDS"
            return COUNTED_FIT if tree.tokens[counted].lemma.lower() in lx.PEOPLE_NOUNS else COUNTED_MISFIT
        return 0.0
    focus = stem(q.focus)
    if counted is None:   # "54 were injured": the noun is left out, the number stands for it
        if q.focus not in lx.PEOPLE_NOUNS and not any(focus in pair for pair in tree.stems[:min(ids)]):
            return COUNTED_MISFIT   # ... for people, or for a noun named before it ("of the 12 boats, four
                                    # sank"): "Four dead" counts no boats
        return 0.3 if any(tree.tokens[i].dep in {"nsubj", "nsubjpass", "dobj"} for i in ids) else 0.0
    t = tree.tokens[counted]
    if t.lemma.lower() in q.focus_mods and t.pos == "NOUN":
        return COUNTED_FIT   # "16 CREW" for "how many crew members", "three POLICE" for "how many police officers"
    if stem(t.lemma.lower()) == focus or stem(t.text.lower()) == focus:
        # "96 MEDICAL staff" counts no "security staff"
        return KIN_FIT if _narrowed_apart(tree, counted, q) else COUNTED_FIT
    if q.focus in {"people", "person"} and t.pos in {"NOUN"} and t.lemma.lower() in lx.PEOPLE_NOUNS:
        return 0.3   # "how many people": passengers, others, residents are people
    if t.pos != "NOUN":
        return 0.0
    fit = COUNTED_MISFIT
    if q.focus in lx.PEOPLE_NOUNS and t.lemma.lower() in lx.PEOPLE_NOUNS:
        fit = KIN_FIT   # people of another name: "4,820 children" for "how many participants"
    v.fields = {**v.fields, "counted": t.lemma.lower(), "counted_fit": fit}   # the answerer weighs it by meaning:
    return fit                                          # "112 homes" for "how many houses" (`Settings.counted_synonym`)


def _figure_of(tree: Tree, at: int, focus: str) -> bool:
    """Whether a number (`at`: its phrase's root) is given as the figure the focus noun names: "a
    population OF 4,200" (the object of "of" on that noun) or "the population IS 4,200" (what "is"
    says of it)."""
    t = tree.tokens[at]
    h = tree.tokens[t.head]
    if t.dep == "pobj" and h.text.lower() == "of" and h.head != t.head:
        return stem(tree.tokens[h.head].lemma.lower()) == focus
    return any(stem(tree.tokens[k].lemma.lower()) == focus for k in _subjects_of(tree, at))


RANGE_GAP = re.compile(r"\s*(?:[-\u2013\u2014]+|to|until|till)\s*", re.IGNORECASE)


def _range_ends(found: list[Value], text: str) -> dict[int, str]:
    """Dates that open or close a span ("(1862 - 26 October 1911)", "from 1603 to 1617"): id of
    each -> "start" or "end"."""
    ends = {}
    ordered = sorted(found, key=lambda v: v.start)
    for a, b in zip(ordered, ordered[1:]):
        if a.end <= b.start and RANGE_GAP.fullmatch(text[a.end:b.start]):
            ends.setdefault(id(a), "start")
            ends[id(b)] = "end"
    return ends


FIGURE_KINDS = {"count", "money", "percent", "measure"}   # amounts a place has (a date's "in Malaysia" is where, not whose)
DATED_KINDS = FIGURE_KINDS | {"name"}   # values a year dates to one event: a figure, a ship's or a storm's name


def _places(q: Question, s: Sentence, tree: Tree) -> dict[int, bool]:
    """The sentence's place names, token -> whether the question names that place. None of them
    asked: what the sentence says is of somewhere else ("...the raid in Vellmark" for "how many
    soldiers are in Tarnia")."""
    places = {}
    for e in s.analysis.entities:
        if e.label in PLACE_LABELS:
            asked = any(w in q.places for w in fold_name(e.text).split())
            for i in tree.tokens_in(e.start, e.end):
                places[i] = asked
    return places


def _speaker(tree: Tree, at: int | None) -> frozenset[str]:
    """Whose word a value is: the subject of the first verb above it whose subject is not the
    value's own phrase ("POLICE estimated the crowd at 40,000"; "the ORGANISERS said some 150,000
    people had taken part"), with the names set beside that subject; none when no verb above has one."""
    seen = set()
    for _ in range(6):
        if at is None or at in seen:
            return frozenset()
        seen.add(at)
        t = tree.tokens[at]
        if t.pos in {"VERB", "AUX"}:
            subjects = [k for k in tree.subjects(at) if k not in seen]
            if subjects:
                words = {subjects[0]} | {k for k in tree.children[subjects[0]] if tree.tokens[k].dep in {"appos", "compound"}}
                return frozenset(w for k in words for w in fold_name(tree.tokens[k].text).split())
        if t.head == at:
            return frozenset()
        at = t.head
    return frozenset()


def _of_another_place(tree: Tree, ids: list[int], places: dict[int, bool]) -> bool:
    """Whether a figure, or the noun it counts, has a place of its own ("900 soldiers IN ESTONIA")
    and that place is not one the question names."""
    heads = set(ids)
    counted = _counted_noun(tree, ids)
    if counted is not None:
        heads.add(counted)
    own = _places_under(tree, heads, places, {"prep"})
    if not own:   # the place of the verb its noun is the object or subject of: "has flown 120 aid
                  # workers TO SOMALIA"
        verbs = {tree.tokens[h].head for h in heads if tree.tokens[h].dep in {"dobj", "nsubj", "nsubjpass"}}
        verbs = {v for v in verbs if tree.tokens[v].pos in {"VERB", "AUX"}}
        own = _places_under(tree, verbs, places, {"prep", "dative"})
    return bool(own) and not any(places[k] for k in own)


def _places_under(tree: Tree, heads: set[int], places: dict[int, bool], preps: set[str]) -> list[int]:
    """The places the prepositions (of the dependencies `preps`) under these words take: "IN Estonia"."""
    return [k for h in heads for p in tree.children[h] if tree.tokens[p].dep in preps
            for k in tree.children[p] if tree.tokens[k].dep == "pobj" and k in places]


@lru_cache(maxsize=20_000)
def _named_days(text: str) -> tuple[tuple[int, int, dict], ...]:
    """The days a text names, a day of a month or a weekday, as (start, end, date fields): read
    once a text (a sentence is read again by every question that names a day and retrieves it)."""
    return tuple((v.start, v.end, v.fields) for v in date_values(text) if "day" in v.fields or "weekday" in v.fields)


def _asked_days(q: Question) -> list[dict]:
    """The days the question names ("on Thursday", "the Jan. 4 strike"), as date fields."""
    return [fields for n in q.names for _, _, fields in _named_days(n)]


def _same_day(said: dict, asked: list[dict]) -> bool | None:
    """Whether a day a sentence names is one the question names: True, False, or None when they
    cannot be compared (a weekday against a day of a month)."""
    known = False
    for a in asked:
        if "day" in a and "day" in said and ("month" in a) == ("month" in said):
            if a["day"] == said["day"] and a.get("month") == said.get("month"):
                return True
            known = True
        elif "weekday" in a and "weekday" in said:
            if a["weekday"] == said["weekday"]:
                return True
            known = True
    return False if known else None


def _days(s: Sentence, tree: Tree, asked: list[dict]) -> dict[int, bool | None]:
    """The sentence's days, token -> whether it is a day the question names (`_same_day`)."""
    days = {}
    for start, end, fields in _named_days(s.text):
        same = _same_day(fields, asked)
        for i in tree.tokens_in(start, end):
            days[i] = same
    return days


def _day_fit(tree: Tree, ids: list[int], days: dict[int, bool | None]) -> int:
    """+1 when the days set nearest a figure in the parse (within DAY_NEAR steps) are days the
    question names, -1 when they are all others, else 0: "40 per cent contained by FRIDAY morning,
    up from 15 per cent on THURSDAY" for "on Thursday" (40: Friday's, -1; 15: Thursday's, +1)."""
    dist = tree.distances(set(ids))
    nearest = min(dist[i] for i in days)
    if nearest > DAY_NEAR:
        return 0
    said = {days[i] for i in days if dist[i] == nearest}
    return 1 if said == {True} else -1 if said == {False} else 0


def _asked_rate(q: Question) -> bool | None:
    """Whether a 'how much' question asks for a sum per unit (True: "for each share"), a total
    (False: "the total value") or either (None)."""
    words = set(q.text.lower().replace("?", " ").split())
    rate, total = bool(words & lx.RATE_WORDS), bool(words & lx.TOTAL_WORDS)
    return True if rate and not total else False if total and not rate else None


def _every_word(q: Question) -> set[str]:
    """The question's verbs and content words, as lemmas and as written."""
    return set(q.verbs) | set(q.content) | set(q.words)


def _asked_end(q: Question) -> str | None:
    """Whether a 'when' question asks for the start of a span of time (born, founded, opened,
    became) or its end (died, closed, abolished), by its verbs and content words."""
    words = _every_word(q)
    start, end = bool(words & lx.START_WORDS), bool(words & lx.END_WORDS)
    return "start" if start and not end else "end" if end and not start else None


def _until(tree: Tree, at: int | None) -> bool:
    """Whether a date ends the state its word names ("remained open UNTIL 4 May 1926"): not when
    that state began, what a question with that word asks ("when was it opened"). A date "since"
    which a state holds ("closed since 1921") is when it began, and is left as it is."""
    return at is not None and tree.tokens[at].dep == "pobj" and \
        tree.tokens[tree.tokens[at].head].text.lower() in lx.UNTIL_WORDS


# A count that is part of another: "two OF THEM critically", "three OF WHOM were children", and the words after
# it that say which part (up to the clause's end).
PARTITIVE = re.compile(r"(?i)\s+of\s+(?:them|whom|those|these|which)\b(?P<which>[^,;.:()]*)")


def _part_not_asked(tree: Tree, text: str, v: Value, q: Question, found: list[Value]) -> bool:
    """Whether a count is a part of another count before it in its sentence ("At least 40 people were
    injured, two of them critically") that the question does not ask for: none of the words saying
    which part is a word of the question ("how many were injured"; not "how many were critically
    injured"). A sentence's first count is no such part ("One of them was taken to hospital": the
    whole is another sentence's)."""
    m = PARTITIVE.match(text, v.end)
    if m is None or not any(w is not v and w.kind == "count" and w.end <= v.start for w in found):
        return False
    # the words that narrow the part ("critically", "children"), not its verb ("were critically INJURED")
    which = {stem(tree.tokens[k].text.lower()) for k in tree.tokens_in(m.start("which"), m.end("which"))
             if tree.tokens[k].pos in {"ADV", "ADJ", "NOUN", "PROPN"}}
    return bool(which) and not which & {stem(w) for w in q.content + q.words}


# A count of so many for each of something: "28 pupils per class", "three doses each": a rate, no total.
COUNT_PER = re.compile(r"(?i)(?:\s+[a-z]+){0,2}?\s+(?:per|each|apiece)\b|(?:\s+[a-z]+){0,2}?\s+(?:a|an|every)\s+"
                       r"(?:day|week|month|year|hour|minute|class|person|head|household|family|pupil|student|child|car|"
                       r"vehicle|ship|flight|trip|session|shift|game|match|season)\b")
PER_ASKED = re.compile(r"(?i)\b(?:per|each|every|apiece|a (?:day|week|month|year|hour|minute))\b")
OFFSET = re.compile(r"(?i)\s*\b(?:before|after|ago|earlier|later|afterwards)\b")   # "a year BEFORE", "two days LATER"
# A length said as one: "lasted / took / spent / for / over 11 hours" (then "before it was scaled back").
LASTING = re.compile(r"(?i)\b(?:last(?:s|ed|ing)?|t(?:ake|akes|ook|aking)|sp(?:end|ends|ent)|for|over|during|within)"
                     r"(?:\s+(?:about|around|almost|nearly|some|roughly|more than|less than|at least|just|only|over|under))?\s*$")
UNTIL_ASKED = re.compile(r"(?i)\b(?:until|till|til)\s+when\b|^\s*(?:until|till)\b")   # "until when will it stay shut"


BY_ASKED = re.compile(r"(?i)^\s*by\s+(?:when|what|which)\b")   # "by when will it close", "by what date"


def _by_deadline(tree: Tree, at: int | None) -> bool:
    """Whether a date is a deadline, the object of "by" ("close BY September 2026"), or of "of"
    on a noun that is ("by the END OF September 2026")."""
    for _ in range(2):
        if at is None or tree.tokens[at].dep != "pobj":
            return False
        prep = tree.tokens[at].head
        word = tree.tokens[prep].text.lower()
        if word == "by":
            return True
        if word != "of":
            return False
        at = tree.tokens[prep].head
    return False


def _since(tree: Tree, at: int | None) -> bool:
    """Whether a date is when a state began ("has run it SINCE 2016")."""
    return at is not None and tree.tokens[at].dep == "pobj" and tree.tokens[tree.tokens[at].head].text.lower() == "since"


def _until_asked(tree: Tree, at: int, q: Question) -> bool:
    """Whether the state "until" ends is named by a word of the question: the word "until" hangs
    from, or its complement ("remained OPEN until", "stayed CLOSED until")."""
    held = tree.tokens[tree.tokens[at].head].head
    words = [held] + [k for k in tree.children[held] if tree.tokens[k].dep in {"acomp", "xcomp", "oprd", "attr"}]
    return any(_spells_asked(tree, k, q) for k in words)


def _asked_life(q: Question) -> str:
    """What a 'when' question asks of a life: "birth", "death", or "" (another event of it)."""
    words = _every_word(q)
    return "birth" if words & lx.BIRTH_WORDS else "death" if words & lx.DEATH_WORDS else ""


def _life_date(v: Value, ends: dict[int, str], s: Sentence, tree: Tree, verb: int | None) -> str | None:
    """Whether a date is a birth or a death: one "born" or "died" governs, or an end of the span
    in brackets right after a person's name ("Ada Fenwick (12 May 1590 - 28 February 1621)")."""
    if verb is not None and verb < v.head and _hangs_from(tree, v.head, verb):   # "born on 12 May 1590"
        word = tree.tokens[verb].lemma.lower()
        if word in lx.BIRTH_WORDS or tree.tokens[verb].text.lower() in lx.BIRTH_WORDS:
            return "birth"
        if word in lx.DEATH_WORDS:
            return "death"
    end = ends.get(id(v))
    if end == "start" and s.text[:v.start].rstrip().endswith("(") and _opens_life(s.text[:v.start], s, tree):
        return "birth"
    if end == "end" and s.text[v.end:].lstrip().startswith(")") and _opens_life(s.text[:v.start], s, tree):
        return "death"
    return None


def _hangs_from(tree: Tree, at: int, verb: int) -> bool:
    """Whether a token is the verb's own word or its preposition's object ("born ON 12 May")."""
    head = tree.tokens[at].head
    return head == verb or tree.tokens[head].dep == "prep" and tree.tokens[head].head == verb


def _opens_life(before: str, s: Sentence, tree: Tree) -> bool:
    """Whether the bracket the text before a span's end has open follows a person's name: one
    marked a person, or the name the sentence is about ("Ada Fenwick (1590 - 1621) was ...")."""
    at = before.rfind("(")
    if at < 0:
        return False
    head = before[:at].rstrip()
    while head.endswith("()"):
        head = head[:-2].rstrip()
    if not head or any(e.label == "PERSON" and e.end == len(head) for e in s.analysis.entities):
        return bool(head)
    ids = tree.tokens_in(len(head) - 1, len(head))
    if not ids or tree.tokens[ids[-1]].pos != "PROPN":
        return False
    return tree.tokens[_up_through(tree, ids[-1], {"compound", "flat", "appos"})].dep in SUBJECTS


def _date_fit(v: Value, q: Question) -> float:
    """A 'which day' question wants a day, a 'what year' one a year: a value of the asked grain fits."""
    grain = {"day": ("day", "weekday"), "date": ("day",), "year": ("year",), "month": ("month",)}.get(q.focus or "")
    if not grain:
        return 0.1 * len(v.fields)   # the fuller date is the likelier answer
    return 0.2 if any(g in v.fields for g in grain) else -0.4


def _counted_noun(tree: Tree, ids: list[int]) -> int | None:
    """The noun a number counts: its head when it is a numeric modifier, else the next noun."""
    inside = set(ids)
    for i in ids:
        h = tree.tokens[i].head
        if h not in inside and tree.tokens[i].dep in {"nummod", "quantmod", "compound", "amod"} and tree.tokens[h].pos in {"NOUN", "PROPN"}:
            return h
    last = max(ids)
    after = last + 1
    if after < len(tree.tokens) and tree.tokens[after].text.lower() == "of" and tree.tokens[after].head in inside:
        # a part of a whole: "one OF fifteen TOWNSHIPS", "two of the PASSENGERS" ("19 of them": none)
        whole = [k for k in tree.children[after] if tree.tokens[k].dep == "pobj"]
        return whole[0] if whole and tree.tokens[whole[0]].pos == "NOUN" else None
    for j in range(last + 1, min(last + 4, len(tree.tokens))):
        if tree.tokens[j].pos in {"NOUN", "PROPN"}:
            return j
        if tree.tokens[j].pos in {"VERB", "AUX", "PUNCT", "ADP"}:
            break
    if tree.tokens[last].dep in {"nsubj", "nsubjpass", "dobj", "pobj"}:   # "killing two and injuring"
        return None
    return None


def _span(tree: Tree, text: str, ids: list[int]) -> tuple[int, int, str]:
    start = tree.tokens[min(ids)].start
    last = tree.tokens[max(ids)]
    end = last.start + len(last.text)
    return start, end, text[start:end]


TITLE_POS = {"NOUN", "PROPN", "ADJ"}
TITLE_WORDS = set(lx.TITLE_ABBREVIATIONS) | set(lx.TITLE_ABBREVIATIONS.values())
TITLES = TITLE_WORDS | lx.NAME_TITLES   # a title's or an honorific's word: no part of a name
TITLE_FIT = 0.3   # what a title alone loses against a role for "what position does X hold"


def _roles(q: Question, s: Sentence, tree: Tree) -> list[Value]:
    """The words that title the person the question names: 'chief executive Marta Vinsen',
    'Vinsen, the chief operating officer', 'Vinsen is the director', 'served as director'. When the
    question names nobody ("what rank did the firefighter who died hold"), the titles of every
    person the sentence names ("Lt. Ewan Strachley", "Dr. Oduya, director of the institute")."""
    tokens = tree.tokens
    name_ids = [i for i, t in enumerate(tokens) if fold_name(t.text) in q.name_words and t.pos == "PROPN"]
    people = [tree.tokens_in(e.start, e.end) for e in s.analysis.entities if e.label == "PERSON"]
    if any(set(p) & set(name_ids) for p in people):
        people = []   # the question names this person: other people's titles are no answer
    out: list[Value] = []
    # Each name the question gives, apart: "Oskar Delacourt's job at ARVANDEL" titles the person,
    # not the employer (of the person's names, when one is a person's).
    runs: list[list[int]] = []
    for k in name_ids:   # one run per name: "Pier PAOLO Crescenzi" for "Pier Crescenzi" is one person's,
        if runs and all(tokens[m].pos == "PROPN" and tokens[m].text.lower().strip(".") not in TITLES
                        for m in range(runs[-1][-1] + 1, k)):   # "Rail CHIEF EXECUTIVE Marta Vinsen" two names
            runs[-1].append(k)
        else:
            runs.append([k])
    persons = [r for r in runs if any(tokens[k].ent == "PERSON" for k in r)]
    if not persons and q.owners:   # "Gideon Tarrow's role at Brightplate Catering": Tarrow's titles, not the
        runs = [r for r in runs if any(fold_name(tokens[k].text) in q.owners for k in r)]   # firm's ("the caterer X")
    spans: list[list[int]] = [ids for r in (persons or runs) for ids in _titles_of(tree, r, named=True)]
    for ids in (p for p in people if p and not set(p) & set(name_ids)):
        spans += _titles_of(tree, ids, named=False)
    if not name_ids and not people:   # "he was appointed chaplain": the person the question names, by a pronoun
        spans += _predicated_titles(tree, set())
    for i, t in enumerate(tokens):   # "as director", "position of director"
        if t.text.lower() == "as" and i + 1 < len(tokens):
            obj = [k for k in range(i + 1, min(i + 6, len(tokens))) if tokens[k].head == i and tokens[k].dep == "pobj"]
            if obj and tokens[obj[0]].pos == "NOUN":
                spans.append(_noun_phrase(tree, obj[0]))
    seen = set()
    asked = {stem(w) for w in q.content} | {stem(w) for w in q.words}
    for ids in spans:
        ids = [k for k in ids if tokens[k].pos != "DET" and tokens[k].tag != "POS" and tokens[k].dep != "poss"]
        ids = _trailing_possessor_dropped(tree, ids)
        if not ids or all(tokens[k].text.lower().strip(".") in lx.HONORIFICS for k in ids):
            continue
        if all(stem(tokens[k].lemma.lower()) in asked for k in ids):
            continue   # "firefighter" does not answer "what rank did the firefighter hold"
        start, end, text = _span(tree, s.text, ids)
        if text.lower().strip(". ") in lx.TITLE_ABBREVIATIONS:
            text = lx.TITLE_ABBREVIATIONS[text.lower().strip(". ")]   # "Lt." -> "lieutenant"
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        v = Value("role", text, start, end)
        # A title worn before a name ("Maj. Gen.", "Prof.") answers "what rank", not "what position":
        # there the role set beside the name ("the Pentagon spokesman") does.
        words = [tokens[k].text.lower().strip(".") for k in ids]
        if q.focus != "rank" and all(w in TITLE_WORDS for w in words if w):
            v.fields = {"label_fit": -TITLE_FIT}
        out.append(v)
    return out


def _titles_of(tree: Tree, name_ids: list[int], named: bool) -> list[list[int]]:
    """Spans that title one person: the words before the name, an appositive, 'X is the Y'."""
    tokens = tree.tokens
    spans = []
    inside = set(name_ids)
    first = min(name_ids)
    run = [k for k in name_ids if not named and k < max(name_ids) and tokens[k].text.lower().strip(".") in lx.NAME_TITLES
           and tokens[k].text.lower() != "the"]   # a title spaCy took into the person's name
    j = first - 1
    while (named and j >= 0 and tokens[j].pos == "PROPN" and tokens[j].ent == "PERSON"
            and tokens[j].text.lower().strip(".") not in TITLES):
        j -= 1   # the names the question left out ("Otto Karl Brandt" for "General Brandt") title nobody
    while j >= 0 and (tokens[j].pos in TITLE_POS or tokens[j].tag == "VBG") and tokens[j].dep in {  # "MANAGING partner"
            "compound", "amod", "nmod"} and not (
            tokens[j].ent and tokens[j].ent not in {"PERSON", ""} and tokens[j].pos == "PROPN"):
        run.insert(0, j)
        j -= 1
    if run:
        spans.append(sorted(run))
    for i, t in enumerate(tokens):
        if t.head in inside and i not in inside and t.dep == "appos" and t.pos == "NOUN":
            spans.append(_noun_phrase(tree, i))
        if i in inside and t.dep == "appos" and t.head not in inside and tokens[t.head].pos == "NOUN":
            spans.append(_noun_phrase(tree, t.head))   # "Arvandel's chief executive, Oskar Delacourt, said"
    return spans + _predicated_titles(tree, inside)


def _deed(tree: Tree, verb: int | None, q: Question, head: int | None) -> bool | str | None:
    """What a person asked for by role does here: True when the verb whose subject or object the name
    is, is one the question asks by ("the strike KILLED Abu Tarek" for "the commander killed in the
    strike"), or one its role noun or a word narrowing it grows from ("DIRECTED by" for "the
    director", "LED by" for "the lead researcher"); else that verb as written, for the answerer to
    weigh by meaning; None where the name is no subject or object of it ("raised the alarm AT the
    Orne depot"), or is the doer of what a question asks to have been done to the person ("killed BY
    the army", "the ARMY killed him" for "the commander killed in the strike")."""
    if verb is None or head is None:
        return None
    dep, doer = _argument(tree, head)
    if dep != "agent" and dep not in ARGUMENTS:
        return None
    made = stem(tree.tokens[verb].lemma.lower())
    # a role noun grown from the verb: a doer's ("DIRECTED by X", "X directed it"; not "X was MINED" for
    # "the miner"), or else anyone's ("SIGNED X" for "the record signing")
    if any(_grown_from(stem(w), made) and (doer or not DOER_NOUN.search(w)) for w in (q.focus, *q.focus_mods) if w):
        return True
    if q.done_to and doer:
        return None
    return True if made in {stem(v) for v in q.verbs} else tree.tokens[verb].text.lower()


def _argument(tree: Tree, head: int) -> tuple[str, bool]:
    """How a name's phrase hangs from its verb (its dependency, "agent" for "by X"), and whether it is
    the verb's doer (its subject, or "by X"). The phrase is climbed by its compounds and possessors:
    "an ARMY drone strike killed him" has the army as the strike's subject."""
    t = tree.tokens[_up_through(tree, head, {"compound", "nmod", "amod", "poss"}, steps=len(tree.tokens))]
    dep = "agent" if t.dep == "pobj" and tree.tokens[t.head].dep == "agent" else t.dep
    return dep, dep in {"agent", "nsubj", "csubj"}


def _deed_phrase(tree: Tree, verb: int, head: int) -> str:
    """What a person does, as the verb with its object, lower case, without determiners ("sent
    cybersecurity staff" of "staff sent by Gov. Ida Lum", "alerted police" of "Jon Ortt alerted
    police"), where the person is the doer; "" otherwise (the verb alone is weighed then)."""
    dep, doer = _argument(tree, head)
    if not doer:
        return ""
    kids = tree.children
    objects = [k for k in kids[verb] if tree.tokens[k].dep in {"dobj", "attr"} and tree.tokens[k].pos in {"NOUN", "PROPN"}]
    if dep == "agent" and not objects and tree.tokens[verb].dep == "acl":   # "staff SENT by X": what was sent is the noun it tells of
        objects = [tree.tokens[verb].head]
    if not objects or tree.tokens[objects[0]].ent:
        return ""
    obj = objects[0]
    mods = sorted(k for k in kids[obj] if tree.tokens[k].dep in {"compound", "amod"} and k < obj)
    return " ".join([tree.tokens[verb].text.lower()] + [tree.tokens[k].text.lower() for k in mods]
                    + [tree.tokens[obj].text.lower()])


def _set_beside(tree: Tree, ids: list[int], q: Question) -> bool:
    """Whether, as written, a name follows the question's verb ("the strike KILLED Abu Tarek, who ...")
    or is set after a comma beside the asked role with no verb between ("killing its deputy
    COMMANDER of operations in the region, Abu Tarek"): what the parse of a long sentence may miss."""
    first = min(ids)
    while first and tree.tokens[first - 1].pos == "PROPN":   # a part of the name the tagger left out ("ILYAS Tarek")
        first -= 1
    before = tree.tokens[first - 1] if first else None
    if before is None:
        return False
    if before.pos == "VERB" and stem(before.lemma.lower()) in {stem(v) for v in q.verbs}:
        return True
    if before.text != ",":
        return False
    want = stem(q.focus)
    for k in range(first - 2, max(-1, first - 2 - BESIDE_WORDS), -1):
        t = tree.tokens[k]
        if t.pos in {"VERB", "AUX"} or t.text in {",", ";", "(", ")"}:
            return False
        if t.pos in {"NOUN", "PROPN"} and stem(t.lemma.lower()) == want:
            return t.dep != "poss"   # "the GIRL's headteacher, Ada Penn": Ada Penn is the headteacher
    return False


def _title_phrases(tree: Tree, ids: list[int], focus: str) -> tuple[str, ...]:
    """The titles the sentence gives a person (`_titles_of`), as lower-case phrases without names or
    honorifics: "transport minister" of "Transport Minister Aldo Frenn", "attorney" of "the depot's
    attorney, Rosa Imbert", "first county firefighter" of "Oren Falka was the first county
    firefighter to die", "guard" of "a night guard named Jon Ortt"; none of "Dalia Quent said".
    A title using the asked noun itself gives only it ("the MP, Jane Orr" for "who is the MP")."""
    titles: list[str] = []
    want = stem(focus)
    spans = _titles_of(tree, ids, named=False)
    root = tree.root_of(ids)
    verb = tree.tokens[root].head if root is not None else None
    if verb is not None and tree.tokens[verb].text.lower() == "as":   # "a brigade COMMANDER known as Abu Tarek"
        verb = tree.tokens[verb].head
    if verb is not None and tree.tokens[verb].lemma.lower() in NAMING_VERBS and tree.tokens[verb].dep == "acl":
        spans.append([tree.tokens[verb].head])   # "a night GUARD named Jon Ortt"
    for span in spans:
        words = [k for k in span if tree.tokens[k].pos in {"NOUN", "PROPN", "ADJ"}]
        if any(stem(tree.tokens[k].lemma.lower()) == want for k in words if tree.tokens[k].pos != "ADJ"):
            return (focus,)
        kept = []
        for k in words:
            word = tree.tokens[k].text.lower().strip(".")
            word = lx.TITLE_ABBREVIATIONS.get(word, word)   # "Lt." -> "lieutenant"
            if not word or word in lx.HONORIFICS or tree.tokens[k].ent:
                continue
            if word in TITLE_WORDS:   # a rank is a title of its own: "press secretary" and "general" of
                titles.append(word)   # "press secretary Maj. Gen. Ilse Marno"
            else:
                kept.append(word)
        if kept:
            titles.append(" ".join(kept))
    return tuple(dict.fromkeys(titles))


def _predicated_titles(tree: Tree, inside: set[int]) -> list[list[int]]:
    """Titles the sentence gives the person as its subject: "X is the director", "he was appointed
    chaplain", "she was promoted to lieutenant general" (the person: `_is_the_person`)."""
    tokens = tree.tokens
    spans = []
    for i, t in enumerate(tokens):
        if t.dep in {"attr", "oprd"} and _titling_noun(t) and any(
                _is_the_person(tree, k, inside) for k in tree.subjects(t.head)):
            spans.append(_noun_phrase(tree, i))
        if t.dep == "pobj" and _titling_noun(t) and tokens[t.head].text.lower() == "to":
            verb = tokens[t.head].head
            if tokens[verb].pos == "VERB" and tokens[verb].tag == "VBN" and any(
                    tokens[k].dep == "nsubjpass" and _is_the_person(tree, k, inside) for k in tree.children[verb]):
                spans.append(_noun_phrase(tree, i))
    return spans


def _titling_noun(t) -> bool:
    """A noun that may title someone: a common noun, or a proper one no entity takes ("Vice Admiral")."""
    return t.pos == "NOUN" or t.pos == "PROPN" and not t.ent


def _is_the_person(tree: Tree, k: int, inside: set[int]) -> bool:
    """The token is the person's name, or "he" / "she" in a sentence that names no other person."""
    if k in inside:
        return True
    return tree.tokens[k].text.lower() in {"he", "she"} and not any(
        t.ent == "PERSON" for i, t in enumerate(tree.tokens) if i not in inside)


def _trailing_possessor_dropped(tree: Tree, ids: list[int]) -> list[int]:
    keep = []
    for k in sorted(ids):
        if tree.tokens[k].ent in {"ORG", "GPE"} and tree.tokens[k].pos == "PROPN":
            keep = []   # "Harrowgate Valley Rail chief executive": the employer is not the title
            continue
        keep.append(k)
    return keep


def _noun_phrase(tree: Tree, head: int) -> list[int]:
    ids = [head]
    j = head - 1
    while j >= 0:
        if tree.tokens[j].text == "-" and j >= 1 and tree.joined(j - 1, j) and tree.joined(j, j + 1):
            ids[:0] = [j - 1, j]   # a hyphened word whole: "LEFT-SIDED winger", "MEZZO-soprano"
            j -= 2
        elif tree.tokens[j].head in ids and tree.tokens[j].dep in {"compound", "amod", "nmod"}:
            ids.insert(0, j)
            j -= 1
        else:
            break
    return ids


NAME_OF_ONE = {"PERSON", "GPE", "LOC"}   # entities whose words name no kind of anything ("Amanda", "Zealand")
AGENT = re.compile(r"([a-z]{3,})(er|ist)", re.IGNORECASE)


def _agent_kinds(t) -> list[Value]:
    """What an agent noun does, as kinds the answerer may weigh: "footballer" -> "football",
    "boxer" -> "boxing", "violinist" -> "violin", "cyclist" -> "cycling" (what sport, what
    instrument). Marked `derived`: the answerer keeps only those the model knows as one word."""
    m = AGENT.fullmatch(t.lemma.lower())
    if m is None:
        return []
    base = m.group(1)
    out = []
    for form in dict.fromkeys((base, base + "ing")):
        v = Value("thing", form, t.start, t.start + len(t.text))
        v.fields = {"derived": True}
        out.append(v)
    return out


def _is_focus(tree: Tree, i: int, focus: str) -> bool:
    """Whether token i is what a copula says the asked noun is: "the TARGET is two and a half
    percent", "the main cause was a faulty valve" for "what is the target", "what was the cause"."""
    t = tree.tokens[i]
    if t.dep != "attr" or tree.tokens[t.head].lemma != "be":
        return False
    return any(stem(tree.tokens[k].lemma.lower()) == focus for k in tree.subjects(t.head))


def _of_focus(tree: Tree, i: int, focus: str) -> bool:
    """Whether token i is what "of" makes of the asked noun: "a CARGO of fertiliser" for "what cargo"."""
    t = tree.tokens[i]
    if t.dep != "pobj" or tree.tokens[t.head].text.lower() != "of":
        return False
    at = tree.tokens[t.head].head
    owner = tree.tokens[at]
    return owner.pos == "NOUN" and stem(owner.lemma.lower()) == focus and not any(
        tree.tokens[k].dep == "det" and tree.tokens[k].text.lower() == "the" for k in tree.children[at])


def _phrases(s: Sentence, tree: Tree, q: Question) -> list[Value]:
    """Noun phrases and named things: the candidates of a 'what X' question. Besides whole noun
    phrases: the noun that modifies another ("football" in "football club": what sport), and the
    focus noun with its modifiers ("drone strike" for "what kind of strike", "12th Brigade" for
    "which brigade")."""
    tokens = tree.tokens
    out = []
    used: set[int] = set()
    typed = typed_values(s.text)
    measured = [v for kind in ("percent", "money", "measure") for v in typed[kind]]
    for e in s.analysis.entities:
        if e.label in {"CARDINAL", "ORDINAL", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"}:
            if e.label in {"DATE", "TIME"} and not any(m.start < e.end and e.start < m.end for m in measured):
                used.update(tree.tokens_in(e.start, e.end))   # "last FRIDAY" names no kind of anything
            continue
        out.append(Value("thing", e.text, e.start, e.end))
        ids = tree.tokens_in(e.start, e.end)
        used.update(ids)
        if len(ids) > 1 and e.label not in NAME_OF_ONE:
            # A kind named inside a name: "the Dunholt BASKETBALL Club" (what sport). A word that
            # modifies another of the name and is modified by none: not the name's head, which says
            # what the name is of ("Club"), nor a name within it ("TARLOW Airways Flight 12").
            inside = set(ids)
            heads = {tokens[k].head for k in ids if tokens[k].head != k}
            for i in ids:
                t = tokens[i]
                if (t.head in inside and t.head != i and i not in heads and t.text.isalpha() and len(t.text) > 2
                        and t.pos in {"NOUN", "PROPN"}):
                    out.append(Value("thing", t.text, t.start, t.start + len(t.text)))
    for i, t in enumerate(tokens):
        # "footballer", "boxer": what they do, unless a noun before says it ("volleyball PLAYER")
        if t.pos == "NOUN" and not any(tokens[u].dep == "compound" and tokens[u].pos in {"NOUN", "PROPN"}
                                       for u in tree.children[i]):
            out += _agent_kinds(t)
    focus = stem(q.focus) if q.focus else None
    asked = {stem(w) for w in q.content} | {stem(w) for w in q.words}
    ordinals = {k for e in s.analysis.entities if e.label == "ORDINAL" for k in tree.tokens_in(e.start, e.end)}
    for i, t in enumerate(tokens):
        # a noun phrase, or a run of proper nouns no entity covers ("Bacillus cereus")
        if t.pos in {"NOUN", "PROPN"} and t.dep not in {"compound"} and i not in used:
            ids = _noun_phrase(tree, i)
            start, end, text = _span(tree, s.text, ids)
            # a unit is no phrase of its own: "a target of 2.5%" offers "2.5%", not "%"
            figure = next((m for m in measured if m.start <= t.start < m.end), None)
            if figure is not None:
                start, end, text = figure.start, figure.end, figure.text
            v = Value("thing", text, start, end)
            if focus and (any(tokens[k].dep == "appos" and stem(tokens[k].lemma.lower()) == focus
                              for k in tree.children[i]) or _of_focus(tree, i, focus) or _is_focus(tree, i, focus)):
                v.fields = {"label_fit": INSTANCE_FIT}   # "Bacillus cereus, a BACTERIUM whose spores ...": one of them
            out.append(v)
        if t.pos == "NOUN" and t.dep == "compound" and i not in used and tokens[t.head].pos in {"NOUN", "PROPN"}:
            out.append(Value("thing", t.text, t.start, t.start + len(t.text)))
        if focus and t.pos in {"NOUN", "PROPN"} and stem(t.lemma.lower()) == focus:
            # A sub-kind is named by a noun or an ordinal before the focus ("DRONE strike", "12TH Brigade",
            # "NINTH edition": an ordinal in words as the model labels one), not by an adjective or a count
            # ("major sport", "three-sport" say no sport).
            mods = [k for k in range(len(tokens)) if tokens[k].head == i and k != i and
                    (tokens[k].dep in {"compound", "nmod"} and tokens[k].pos in {"NOUN", "PROPN"}
                     or ORDINAL.fullmatch(tokens[k].text) or k in ordinals)
                    and stem(tokens[k].lemma.lower()) not in asked]   # "primary function" answers no "primary function"
            while mods and (more := [k for k in range(min(mods)) if tokens[k].head in mods and k not in mods
                                     and tokens[k].dep == "compound" and tokens[k].pos in {"NOUN", "PROPN"}]):
                mods += more   # the modifier's own: "E. coli bacteria", not "coli bacteria"
            if mods:
                ids = sorted(mods + [i])
                start, end, text = _span(tree, s.text, list(range(ids[0], ids[-1] + 1)))
                v = Value("thing", text, start, end)
                v.fields = {"focus_phrase": True}
                out.append(v)
    asks_saying = _asks_saying(q.text, q.verbs, q.verb_forms)
    for v in out:   # who says or believes what the answer is: unless the question asks who says it
        head = tree.root_of(tree.tokens_in(v.start, v.end))
        if not asks_saying and head is not None and _says(tree, head):
            v.fields = {**v.fields, "label_fit": v.fields.get("label_fit", 0.0) - SAYER_MISFIT}
    return out + _numbered_focus(q, s, tree, "thing", typed)


SAYING_VERBS = lx.SPEECH_VERBS | lx.BELIEF_VERBS


@lru_cache(maxsize=1024)
def _asks_saying(text: str, verbs: tuple[str, ...], verb_forms: tuple[str, ...]) -> bool:
    """Whether a question asks who says or believes something, by a verb of saying in the active
    ("which inquiry FOUND"; not "which part was THOUGHT to be", a verb as written after a form of
    "be"): made once per question, not once per sentence."""
    return any(lemma in SAYING_VERBS and not re.search(
        rf"(?i)\b(?:is|are|was|were|be|been|being)\s+(?:\w+\s+)?{re.escape(form)}\b", text)
        for lemma, form in zip(verbs, verb_forms))


def _says(tree: Tree, at: int) -> bool:
    """Whether token `at` is the subject (or a noun compounded into the subject) of a verb of saying
    or believing: "POLICE said", "INVESTIGATORS now believe", "LABORATORY tests showed"."""
    t = tree.tokens[at]
    if t.dep == "compound":
        t = tree.tokens[t.head]
    verb = tree.tokens[t.head]
    return t.dep == "nsubj" and verb.pos in {"VERB", "AUX"} and verb.lemma.lower() in SAYING_VERBS


def _numbered_focus(q: Question, s: Sentence, tree: Tree, kind: str, typed: dict[str, list[Value]]) -> list[Value]:
    """The asked noun with its number after it: "level 4", "level three", "gate 12" for "what danger
    level", "which gate" (its number kept, with the noun for unit, to compare with another source's)."""
    if not q.focus:
        return []
    focus, tokens, out = stem(q.focus), tree.tokens, []
    figures = [(v.start, v.end) for kind_, found in typed.items() if kind_ != "count" for v in found]
    for i in range(len(tokens) - 1):
        after = tokens[i + 1]
        if stem(tokens[i].text.lower()) == focus and after.pos == "NUM" \
                and not any(a <= after.start < b for a, b in figures):   # not "rate 4%"
            start, end, text = _span(tree, s.text, [i, i + 1])
            amount = number(after.text)
            low, high = (amount, amount) if amount is not None else (None, None)
            out.append(Value(kind, text, start, end, low, high, unit=q.focus,
                             fields={"focus_phrase": True, "label_fit": INSTANCE_FIT}))
    return out
