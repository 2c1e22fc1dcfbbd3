"""Short answers from one sentence: the value it gives for what the question asks.

Works on the spaCy analysis stored at ingest (tokens with dependency heads, entities), so a
question costs no parsing of article text. A value is kept only when the dependency tree ties
it to what the question asks about: "two people were killed and seven others injured" gives 2
to "how many were killed" and 7 to "how many were injured".
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, replace

from index import Analysis, Token

from .names import TITLES, fold, looks_like_group, name_tokens, same_name
from .question import EVENT_COUNTERS, EVENT_NOUNS, PEOPLE_NOUNS, PREDICATE_FAMILIES, Question

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "thousand": 1000,
}
# Words before a number that say how exact it is; kept in the value, ignored when comparing.
QUALIFIERS = {
    ("at", "least"): "at least", ("more", "than"): "more than", ("over",): "more than",
    ("about",): "about", ("roughly",): "about", ("around",): "about", ("approximately",): "about",
    ("some",): "about", ("nearly",): "nearly", ("almost",): "nearly", ("up", "to"): "up to",
    ("fewer", "than"): "fewer than", ("less", "than"): "fewer than", ("at", "most"): "up to",
}
# Kinds of noun that count the same thing ("troops" = "forces" = "personnel").
NOUN_FAMILIES = [
    PEOPLE_NOUNS,
    EVENT_COUNTERS,
    {"troop", "force", "soldier", "personnel", "service", "member"},
    {"target", "site", "location"},
]
NOT_COUNTS = {"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"}
ROLE_HEADS = {
    "commander": "leader", "leader": "leader", "chief": "leader", "head": "leader", "founder": "leader",
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "spokesperson": "spokesperson",
    "secretary": "secretary", "minister": "minister", "director": "director", "president": "president",
    "member": None, "figure": None, "official": None, "operative": None, "general": "general",
}
RANK_MODIFIERS = {"deputy", "vice", "assistant", "former", "acting", "associate"}
LABELS = {
    "person": ("PERSON",),
    "org": ("ORG", "PERSON"),        # the small model often calls a militia a PERSON
    "place": ("FAC", "GPE", "LOC"),
    "date": ("DATE",),
    "time": ("TIME",),
}
# A value must sit near what the question asks: a question word within about three dependency
# edges (closeness is a sum of 1 / (1 + distance) over the question's content words).
MIN_CLOSENESS = 0.25
NEGATIONS = {"no", "not", "n't", "never", "without", "none", "neither", "nor"}


@dataclass(frozen=True)
class Value:
    text: str                  # as the reader sees it: "3", "at least 6", "Pat Ryder", "noon"
    key: str                   # what is compared across sources
    kind: str
    tie: float                 # how firmly the sentence ties it to the question
    sentence_id: int
    derived: bool = False      # inferred ("also killed one other" beside a named man = 2), not stated
    number: float | None = None


class Tree:
    """Dependency tree of one stored sentence analysis."""

    def __init__(self, analysis: Analysis):
        self.tokens: tuple[Token, ...] = analysis.tokens
        self._distances: dict[int, list[int]] = {}
        self.children: list[list[int]] = [[] for _ in self.tokens]
        for i, t in enumerate(self.tokens):
            if t.head != i and 0 <= t.head < len(self.tokens):
                self.children[t.head].append(i)

    def ancestors(self, i: int, limit: int = 8) -> list[int]:
        out = []
        while len(out) < limit and self.tokens[i].head != i and 0 <= self.tokens[i].head < len(self.tokens):
            i = self.tokens[i].head
            out.append(i)
        return out

    def distances(self, start: int) -> list[int]:
        """Edges from `start` to every token, the tree taken as undirected (memoised: a tree is
        kept per sentence and asked about the same tokens by many questions)."""
        if start in self._distances:
            return self._distances[start]
        far = len(self.tokens) + 1
        dist = [far] * len(self.tokens)
        dist[start] = 0
        queue = deque([start])
        while queue:
            i = queue.popleft()
            neighbours = list(self.children[i])
            head = self.tokens[i].head
            if head != i and 0 <= head < len(self.tokens):
                neighbours.append(head)
            for j in neighbours:
                if dist[j] == far:
                    dist[j] = dist[i] + 1
                    queue.append(j)
        self._distances[start] = dist
        return dist

    def subtree(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.children[j])
        return sorted(out)


def _lemma(t: Token) -> str:
    return t.lemma.lower()


def _family_of(lemma: str) -> frozenset[str] | None:
    for members in PREDICATE_FAMILIES:
        if lemma in members:
            return frozenset(members)
    return None


# Nouns that count people of any kind: "how many people" takes "three men"; "how many troops" does not.
GENERIC_PEOPLE = {"people", "person", "individual"}   # "two others" are of the kind beside them


def _nouns_alike(a: str, b: str) -> bool:
    if a == b:
        return True
    if a in PEOPLE_NOUNS and b in PEOPLE_NOUNS:
        return a in GENERIC_PEOPLE or b in GENERIC_PEOPLE
    return any(a in f and b in f for f in NOUN_FAMILIES[1:])


def closeness(tree: Tree, at: int, question: Question, exclude: set[int]) -> float:
    """Sum over the question's content words found in the sentence of 1 / (1 + tree distance)."""
    dist = tree.distances(at)
    best: dict[str, int] = {}
    for j, t in enumerate(tree.tokens):
        lemma = _lemma(t)
        if j in exclude or lemma not in question.content:
            continue
        best[lemma] = min(best.get(lemma, 99), dist[j])
    # A name the question gives ("in Iraq", not "in Syria") says more than a common word.
    return sum((2.0 if lemma in question.name_words else 1.0) / (1 + d) for lemma, d in best.items())


# -- numbers -------------------------------------------------------------------------------
def number_of(token: Token) -> float | None:
    word = token.text.lower().replace(",", "")
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    if re.fullmatch(r"\d+(\.\d+)?", word):
        return float(word)
    return None


def _qualifier(tokens: tuple[Token, ...], i: int) -> str | None:
    before = [t.text.lower() for t in tokens[max(0, i - 3):i]]
    if before and before[-1] == "a":          # "more than a dozen"
        before = before[:-1]
    for words, name in QUALIFIERS.items():
        if tuple(before[-len(words):]) == words:
            return name
    return None


def _show_number(n: float) -> str:
    return f"{int(n):,}" if n == int(n) else f"{n:g}"


def _predicate_tokens(tree: Tree, question: Question) -> set[int]:
    """Tokens of the asked verb or one the question treats as its synonym ("founded" = "established")."""
    from .question import SYNONYMS

    asked = set(question.predicate)
    for words in SYNONYMS:
        if asked & words:
            asked |= words
    return {j for j, t in enumerate(tree.tokens) if _lemma(t) in asked}


def _other_predicates(tree: Tree, question: Question) -> set[int]:
    """Tokens of another counted predicate ("injured" when the question asks "killed")."""
    out = set()
    for j, t in enumerate(tree.tokens):
        fam = _family_of(_lemma(t))
        if fam is not None and not (fam & question.predicate) and t.pos in {"VERB", "NOUN", "ADJ"} \
                and _lemma(t) not in question.content:   # "the strikes killed" when the question says strikes
            out.add(j)
    return out


def count_values(tree: Tree, question: Question, sentence_id: int, text: str = "",
                 entities: tuple = ()) -> list[Value]:
    if question.focus == "age":
        return age_values(text, question, sentence_id)
    if question.focus == "amount":
        return amount_values(tree, question, text, entities, sentence_id)
    tokens = tree.tokens
    places = _locative_places(tree, entities) if question.places else []
    casualty = frozenset().union(*PREDICATE_FAMILIES[:2])
    counts_casualties = bool(question.predicate & casualty)
    asked = _predicate_tokens(tree, question) if question.predicate else set()
    if not asked and _family_of(next(iter(question.predicate), "")) is not None:
        return []   # "how many were killed?": a sentence that says nothing of killing counts nothing
    rivals = _other_predicates(tree, question)
    values: list[Value] = []
    for i, t in enumerate(tokens):
        n = number_of(t)
        if n is None or t.ent in NOT_COUNTS or t.pos not in {"NUM", "NOUN", "PRON"}:
            continue
        if t.text.lower() == "one" and i + 1 < len(tokens) and tokens[i + 1].text.lower() == "of":
            continue   # "one of its strongholds": a part, not a count
        head_at = t.head if t.dep in {"nummod", "quantmod", "det", "amod"} else i
        if head_at == i and t.dep == "conj":
            # "900 troops in Syria and 2,500 in Iraq": the second figure counts the same noun.
            first = tokens[t.head]
            if number_of(first) is not None and first.dep == "nummod":
                head_at = first.head
            elif first.pos == "NOUN" and any(number_of(tokens[c]) is not None for c in tree.children[t.head]):
                head_at = t.head
            elif first.pos == "VERB":   # "sent 2,500 troops to Iraq and 900 to Syria"
                head_at = next((c for c in tree.children[t.head] if tokens[c].dep == "dobj" and any(
                    number_of(tokens[g]) is not None for g in tree.children[c])), head_at)
        head = tokens[head_at]
        up = [i] + tree.ancestors(i)
        down = set(tree.children[i]) | set(tree.children[head_at])
        tied_to_asked = bool(asked & (set(up[:7]) | down | {head_at}))
        tied_to_rival = bool(rivals & (set(up[:3]) | down))
        noun = _lemma(head)
        focus_ok = question.focus is None or _nouns_alike(noun, question.focus)
        if question.predicate and asked:
            if not tied_to_asked or (tied_to_rival and not (asked & down)):
                continue
        elif not focus_ok or head_at == i or question.focus is None:
            continue   # tied to neither the asked verb nor the asked noun: not an answer
        dist = tree.distances(i)
        if not counts_casualties and any(d <= 3 and _lemma(tokens[j]) in casualty for j, d in enumerate(dist)):
            continue   # "three troops were killed" counts dead, not troops stationed somewhere
        if places and not _in_asked_place(dist, places, question):
            continue   # "2,500 in Iraq" does not answer "how many in Syria"
        if question.event_plural and not any(
                d <= 5 and _lemma(tokens[j]) in EVENT_NOUNS and tokens[j].tag == "NNS" for j, d in enumerate(dist)):
            continue   # "the earlier strikes" (a series) are not counted by a sentence about one strike
        if question.event_singular and any(
                d <= 2 and _lemma(tokens[j]) in EVENT_NOUNS and tokens[j].tag == "NNS" for j, d in enumerate(dist)):
            continue   # nor is "the strike" by the toll of "a series of strikes"
        total, derived = n, False
        # "a commander known as Abu Taqwa and two others": the others are besides the one named.
        if noun == "other" and head.dep == "conj" and tokens[head.head].pos in {"NOUN", "PROPN"}:
            total = n + 1
        # "the strike also killed one other member" beside a named commander: that makes two.
        elif _is_also_other(tree, i, head_at, asked):
            total, derived = n + 1, True
        qualifier = _qualifier(tokens, i)
        shown = (f"{qualifier} " if qualifier else "") + _show_number(total)
        tie = 1.0 + closeness(tree, i, question, exclude={i}) + (0.5 if focus_ok else 0.0)
        values.append(Value(shown, _show_number(total), "count", tie, sentence_id, derived, total))
    values.extend(_all_of(tree, question, asked, text, sentence_id))
    if not question.event_plural:   # "another militant" adds one to a single strike's toll
        values.extend(_another(tree, question, asked, sentence_id))
    return values


PLACE_TIE = 5   # edges within which a place in the sentence says where a counted thing is


def _locative_places(tree: Tree, entities) -> list[tuple[str, list[int]]]:
    """(name, token ids) of the places the sentence puts things in ("in Iraq", "to Syria")."""
    out = []
    for e in entities:
        if e.label not in {"GPE", "LOC", "FAC"}:
            continue
        ids = _entity_tokens(tree, e.start, e.end)
        if ids and _is_location(tree, _root_of(tree, ids)):
            out.append((e.text, ids))
    return out


def _in_asked_place(dist: list[int], places: list[tuple[str, list[int]]], question: Question) -> bool:
    """Whether the place nearest a value (within PLACE_TIE edges) is one the question asks about; a
    value with no place beside it is not contradicted."""
    near = [(min(dist[j] for j in ids), name) for name, ids in places]
    near = [(d, name) for d, name in near if d <= PLACE_TIE]
    if not near:
        return True
    closest = min(d for d, _ in near)
    return any(d == closest and any(same_name(name, asked) or fold(name) == fold(asked) for asked in question.places)
               for d, name in near)


_AGE = re.compile(r"\b(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")[- ]years?[- ]old\b|\baged? (?:of )?(\d{1,3})\b",
                  re.IGNORECASE)


def age_values(text: str, question: Question, sentence_id: int) -> list[Value]:
    """ "How old": an age stated as one ("45-year-old", "aged 45"), never any number in the sentence."""
    out = []
    for m in _AGE.finditer(text):
        word = (m.group(1) or m.group(2)).lower()
        n = float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word)
        out.append(Value(_show_number(n), _show_number(n), "count", 1.0, sentence_id, number=n))
    return out


def amount_values(tree: Tree, question: Question, text: str, entities, sentence_id: int) -> list[Value]:
    """ "How much did it cost?": a sum of money or a quantity near what is asked, never a head count.

    The small model often leaves the unit out of a figure ("4 million" CARDINAL, "euros"): a
    cardinal followed by the noun it counts is an amount too.
    """
    out = []
    for e in entities:
        if e.label not in {"MONEY", "QUANTITY", "PERCENT", "CARDINAL"}:
            continue
        ids = _entity_tokens(tree, e.start, e.end)
        if not ids:
            continue
        if e.label == "CARDINAL":
            unit = tree.tokens[_root_of(tree, ids)].head
            if unit != ids[-1] + 1 or _lemma(tree.tokens[unit]) not in UNITS:
                continue   # "two people", "168 times": a head count, no amount
            ids = ids + [unit]
        root = _root_of(tree, ids)
        near = closeness(tree, root, question, set(ids))
        if near >= MIN_CLOSENESS:
            shown = _span_text(text, tree, ids)
            out.append(Value(shown, fold(shown), "count", 1.0 + near, sentence_id, number=_amount(tree, ids)))
    return out


_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# What an amount is measured in, where the tagger leaves it outside the figure: currencies and measures.
UNITS = {
    "dollar", "euro", "pound", "dinar", "riyal", "rial", "dirham", "shekel", "lira", "yen", "yuan", "rupee",
    "ruble", "rouble", "franc", "peso", "cent", "tonne", "ton", "kilogram", "kg", "gram", "ounce",
    "litre", "liter", "gallon", "barrel", "metre", "meter", "kilometre", "kilometer", "km", "mile", "foot",
    "feet", "acre", "hectare", "percent", "megawatt", "kilowatt", "calorie",
}


def _amount(tree: Tree, ids: list[int]) -> float | None:
    """ "4 million euros" -> 4e6, "3,000 tonnes" -> 3000: the figure, so that two sums can be compared."""
    words = [tree.tokens[j].text.lower() for j in ids]
    scale = next((_SCALE[w] for w in words if w in _SCALE), None)
    figure = next((n for j, w in zip(ids, words) if w not in _SCALE and (n := number_of(tree.tokens[j])) is not None),
                  None)
    if figure is None:
        return scale   # "a million"
    return figure * (scale or 1.0)


def _all_of(tree: Tree, question: Question, asked: set[int], text: str, sentence_id: int) -> list[Value]:
    """ "killing all of its occupants": a whole, not a figure; said as the article says it, with no
    number, so it is shown but never weighed against a figure."""
    tokens = tree.tokens
    if not asked or not text:
        return []
    out = []
    for i, t in enumerate(tokens):
        if t.text.lower() != "all" or not asked & ({t.head} | set(tree.ancestors(i, 2))):
            continue
        span = [i] + [j for j in tree.subtree(i) if j > i]
        if len(span) < 2 or len(span) > 6 or not any(tokens[j].pos == "NOUN" for j in span):
            continue   # "all of its occupants" is a whole; "all of which" is a pronoun
        shown = _span_text(text, tree, span)
        out.append(Value(shown, fold(shown), "count", 1.0 + closeness(tree, i, question, {i}), sentence_id))
    return out


def _is_also_other(tree: Tree, i: int, head_at: int, asked: set[int]) -> bool:
    tokens = tree.tokens
    near = set(tree.children[i]) | set(tree.children[head_at])
    has_other = any(_lemma(tokens[j]) == "other" and tokens[j].dep == "amod" for j in near)
    return has_other and any(_lemma(tokens[c]) == "also" for a in asked for c in tree.children[a])


def _another(tree: Tree, question: Question, asked: set[int], sentence_id: int) -> list[Value]:
    """ "also killed another militant" / "a second militant was also killed": one besides the named."""
    tokens = tree.tokens
    if not asked or not any(_lemma(tokens[c]) == "also" for a in asked for c in tree.children[a]):
        return []
    out = []
    for i, t in enumerate(tokens):
        if t.text.lower() in {"another", "second"} and t.dep in {"det", "amod"}:
            noun_at = t.head
            if asked & ({noun_at} | set(tree.ancestors(noun_at, 2)) | set(tree.children[noun_at])):
                out.append(Value("2", "2", "count", 1.0 + closeness(tree, i, question, {i}), sentence_id,
                                 derived=True, number=2.0))
    return out


# -- names, places, days, times --------------------------------------------------------------
TITLE_WORDS = {"mr.", "mrs.", "ms.", "dr.", "gen.", "maj.", "lt.", "col.", "gen", "maj", "general", "mr"}


def _entity_tokens(tree: Tree, start: int, end: int) -> list[int]:
    return [j for j, t in enumerate(tree.tokens) if start <= t.start < end]


def _extend_name(tree: Tree, ids: list[int]) -> list[int]:
    """Join PROPN words the small model left outside a name ("Mushtaq" + "Jawad Kazim al-Jawari")."""
    tokens = tree.tokens
    first = ids[0]
    while first > 0:
        prev = tokens[first - 1]
        if prev.pos == "PROPN" and prev.dep == "compound" and prev.head in ids and prev.text.lower() not in TITLE_WORDS \
                and prev.ent in {"", "GPE", "PERSON", "NORP", "ORG"} and prev.text[:1].isupper():
            first -= 1
            ids = [first] + ids
        else:
            break
    return ids


def _without_titles(tree: Tree, ids: list[int]) -> list[int]:
    """ "Pentagon Press Secretary Maj Gen Pat Ryder" -> "Pat Ryder": the titles are context, not name."""
    while len(ids) > 1 and (tree.tokens[ids[0]].text.lower().rstrip(".") in TITLES
                            or tree.tokens[ids[0]].text.endswith(".")):
        ids = ids[1:]
    return ids


def _span_text(text: str, tree: Tree, ids: list[int]) -> str:
    first, last = tree.tokens[ids[0]], tree.tokens[ids[-1]]
    return text[first.start:last.start + len(last.text)]


def _root_of(tree: Tree, ids: list[int]) -> int:
    inside = set(ids)
    for j in ids:
        if tree.tokens[j].head not in inside or tree.tokens[j].head == j:
            return j
    return ids[-1]


def entity_values(tree: Tree, question: Question, text: str, analysis: Analysis, sentence_id: int,
                  days: dict[str, str], day_parts: bool = False) -> list[Value]:
    """`day_parts`: a part of the day ("during the day", "at night") answers a date question (asked
    as "at what time of day")."""
    labels = LABELS[question.kind]
    values = _focus_named(tree, question, text, sentence_id) if question.kind == "place" else []
    aliases: list[tuple[Value, int]] = []      # (alias value, token of the name it aliases)
    named: list[tuple[Value, list[int]]] = []  # (person value, its tokens)
    asked = _predicate_tokens(tree, question) if question.predicate else set()
    # "Who was killed?": the tokens of that event, whose reporters are not among its participants.
    event = asked if question.predicate & EVENT_PREDICATES else set()
    for entity in analysis.entities:
        if entity.label not in labels:
            continue
        ids = _entity_tokens(tree, entity.start, entity.end)
        if not ids:
            continue
        if entity.label in {"PERSON", "ORG"}:
            ids = _extend_name(tree, ids)
        if entity.label == "PERSON":
            ids = _without_titles(tree, ids)
            if not ids:
                continue
        shown = _span_text(text, tree, ids).strip(" ,.;:\"'\u201c\u201d")
        if question.kind in {"person", "org", "place"}:
            shown = re.sub(r"^(the|The)\s+", "", shown)
            if not name_tokens(shown) or any(same_name(shown, n) or fold(shown) in fold(question.text)
                                             for n in question.names):
                continue
        root = _root_of(tree, ids)
        if question.kind == "place" and not _is_location(tree, root):
            continue
        if question.kind == "person" and (looks_like_group(shown) or _reports(tree, root, event)):
            continue   # a militia the tagger called a person; who reports a killing is not who was killed
        near = closeness(tree, root, question, exclude=set(ids))
        nearest = 99
        if question.predicate and question.kind in {"date", "person", "time"}:
            # "On what day was he killed?" / "Who was killed?": the value must sit by that verb.
            dist = tree.distances(root)
            nearest = min((dist[j] for j in asked), default=99)
            if question.kind == "date" and nearest > 4:
                continue
        # A day four edges from the asked verb ("on Thursday conducted a strike that killed") is
        # tied by that verb even when no other question word stands near it; so is a participant
        # of the asked event ("Among those killed was Mushtaq ... Al Jawari").
        if near < MIN_CLOSENESS and not (nearest <= 4 and (question.kind == "date" or event)):
            continue
        tie = 1.0 + near + (1.0 / (1 + nearest) if nearest < 99 else 0.0)
        # "Which Iraqi military spokesman...": the person must stand beside a spokesman, and one
        # described as the question describes him ("Iraqi" or "military"), not the Pentagon's.
        if question.kind == "person" and question.focus and question.focus != "name":
            fit = _focus_fit(tree, root, ids, question)
            if fit is None and question.strict_focus:
                continue
            tie += fit or 0.0
        if entity.label == labels[0]:
            tie += 0.5
        key, shown = _entity_key(question.kind, shown, days)
        if question.kind == "date" and not _is_date_answer(key) and not (day_parts and DAY_PARTS.search(key)):
            continue
        if key:
            value = Value(shown, key, question.kind, tie, sentence_id)
            values.append(value)
            if question.kind == "person":
                named.append((value, ids))
                aliased = _aliased_name(tree, root)
                if aliased is not None:
                    aliases.append((value, aliased))
    return _fold_aliases(values, aliases, named)


# Verbs whose subject reports an event rather than takes part in it ("Ryder said ... killed").
REPORTING_VERBS = {"say", "tell", "confirm", "add", "announce", "report", "state", "declare", "note",
                   "acknowledge", "insist", "explain", "brief"}
# Predicates of events with participants: "who was killed" asks for one of them.
EVENT_PREDICATES = frozenset().union(*PREDICATE_FAMILIES)


def _reports(tree: Tree, root: int, event: set[int]) -> bool:
    """Whether the name at `root` is the subject of a reporting verb that governs the event
    ("General Ryder said the strike had also killed ..."): the reporter, not a participant."""
    token = tree.tokens[root]
    if token.dep != "nsubj" or _lemma(tree.tokens[token.head]) not in REPORTING_VERBS:
        return False
    return any(token.head in tree.ancestors(e) for e in event)


def _aliased_name(tree: Tree, root: int) -> int | None:
    """In "al-Jawari, who was also known as Abu Taqwa", the token (Jawari) of the name that the
    name at `root` (Taqwa) is an alias of; None when it is no alias ("a commander known as X" is)."""
    prep = tree.tokens[root].head
    if tree.tokens[root].dep != "pobj" or tree.tokens[prep].text.lower() != "as":
        return None
    known = tree.tokens[prep].head
    if _lemma(tree.tokens[known]) != "know" or tree.tokens[known].dep not in {"relcl", "acl"}:
        return None
    return tree.tokens[known].head


def _fold_aliases(values: list[Value], aliases: list[tuple[Value, int]],
                  named: list[tuple[Value, list[int]]]) -> list[Value]:
    """An alias beside the full name it stands for is not a second answer: the full name is the
    answer, as firmly tied as the better tied of the two. An alias can be shared by different men
    (two outlets call different commanders "Abu Taqwa"), so it must not decide who is who."""
    for alias, token in aliases:
        at = next((i for i, (v, ids) in enumerate(named) if token in ids and v is not alias), None)
        if at is None or alias not in values:
            continue
        main, ids = named[at]
        merged = replace(main, tie=max(main.tie, alias.tie))
        values[values.index(main)] = merged
        named[at] = (merged, ids)   # a second alias of the same name folds into it too
        values.remove(alias)
    return values


def _focus_named(tree: Tree, question: Question, text: str, sentence_id: int) -> list[Value]:
    """ "Which street?": a proper name ending in the asked noun ("Palestine Street", "Mashtal
    neighborhood"), whatever entity label the small model gave it."""
    from .question import PLACE_NOUNS

    # "Where?" takes any named place noun ("the Mashtal neighborhood"); "which street?" a street.
    nouns = {question.focus} if question.focus else PLACE_NOUNS - {"place", "area", "location", "country", "site"}
    out = []
    for i, t in enumerate(tree.tokens):
        if _lemma(t) not in nouns:
            continue
        ids = [i]
        while ids[0] > 0 and tree.tokens[ids[0] - 1].pos == "PROPN" and tree.tokens[ids[0] - 1].head in ids + [i]:
            ids.insert(0, ids[0] - 1)
        if len(ids) > 1:
            shown = _span_text(text, tree, ids)
            out.append(Value(shown, " ".join(name_tokens(shown)), question.kind,
                             2.0 + closeness(tree, i, question, exclude=set(ids)), sentence_id))
    return out


def _focus_fit(tree: Tree, root: int, ids: list[int], question: Question) -> float | None:
    """How well a name fits the noun a question asks for: None when no such noun stands within
    two edges of it (titles inside the name count: "Pentagon Press Secretary Maj Gen Pat Ryder")."""
    dist = tree.distances(root)
    alike = question.content if question.focus in question.content else {question.focus}
    nouns = [j for j, t in enumerate(tree.tokens) if _lemma(t) in alike and _lemma(t) in _focus_family(question)
             and (dist[j] <= 2 or j in ids or abs(j - ids[0]) <= 2)]
    if not nouns:
        return None
    if question.focus_modifiers:
        near = {_lemma(tree.tokens[k]) for n in nouns for k, d in enumerate(tree.distances(n)) if d <= 2}
        near |= {_lemma(tree.tokens[k]) for k in range(max(0, ids[0] - 4), ids[0])}
        # "Chief Maggie Olsen of the fire brigade": what describes her hangs off her name.
        near |= {_lemma(tree.tokens[k]) for k, d in enumerate(dist) if d <= 3}
        if not near & question.focus_modifiers:
            return None
    return 1.0


def _focus_family(question: Question) -> set[str]:
    from .question import SYNONYMS

    for words in SYNONYMS:
        if question.focus in words:
            return set(words)
    return {question.focus}


LOCATIVE = {"in", "at", "on", "near", "inside", "outside", "to", "into", "from", "across", "around", "toward",
            "towards", "along", "over"}


def _is_location(tree: Tree, root: int) -> bool:
    """ "in the Mashtal neighborhood", "to the Middle East": a place where; not "the U.S. strike"."""
    from .question import PLACE_NOUNS

    token = tree.tokens[root]
    if token.dep == "compound" and token.head != root:
        head = tree.tokens[token.head]
        if head.pos != "PROPN" and _lemma(head) not in PLACE_NOUNS:
            return False   # "attacks on U.S. service members": whose members, not where
        token = head
    if token.dep == "appos" and token.head != root:
        token = tree.tokens[token.head]
    while token.dep == "conj" and tree.tokens[token.head] is not token:   # "in Iraq and Syria"
        token = tree.tokens[token.head]
    return token.dep == "pobj" and tree.tokens[token.head].text.lower() in LOCATIVE


DAY_PARTS = re.compile(r"\b(day|daytime|night|morning|afternoon|evening|noon|midnight)\b")


def _is_date_answer(key: str) -> bool:
    """A resolved day, a year, a month or a weekday: not "the 12th" (a brigade) or "recent weeks"."""
    if re.search(r"\bago\b", key):
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", key) or re.search(r"\b(1[89]|20)\d{2}\b", key)
                or re.search(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", key)
                or re.search(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", key))


def _entity_key(kind: str, shown: str, days: dict[str, str]) -> tuple[str, str]:
    if kind in {"person", "org", "place"}:
        return " ".join(name_tokens(shown)), shown
    if kind == "date":
        iso = days.get(shown)
        if iso:
            return iso, shown if shown.lower().startswith(("jan", "feb", "mar", "apr", "may", "jun", "jul",
                                                            "aug", "sep", "oct", "nov", "dec")) \
                else f"{shown} ({iso})"
        return fold(shown), shown
    if kind == "time":
        return time_key(shown)
    return fold(shown), shown


def time_key(shown: str) -> tuple[str, str]:
    """ "12 p.m." is noon: a reader should not have to know that."""
    m = re.search(r"(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\b", shown.lower())
    if not m:
        return fold(shown), shown
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    hour24 = hour % 12 + (12 if half == "p" else 0)
    if hour24 == 12 and minute == 0:
        return "12:00", "noon" + (f" ({shown})" if shown.lower() not in {"noon", "12 p.m."} else "")
    if hour24 == 0 and minute == 0:
        return "00:00", "midnight"
    return f"{hour24:02d}:{minute:02d}", shown


# -- roles -------------------------------------------------------------------------------------
def role_values(tree: Tree, question: Question, text: str, sentence_id: int) -> list[Value]:
    tokens = tree.tokens
    values = []
    for i, t in enumerate(tokens):
        lemma = _lemma(t)
        if lemma not in ROLE_HEADS or t.pos not in {"NOUN", "PROPN"}:
            continue
        if t.pos == "PROPN" and tokens[t.head].pos == "PROPN" and t.dep == "compound" and lemma not in {
                "secretary", "spokesman"}:
            continue
        ids = [i]
        j = i - 1
        while j >= 0 and (tokens[j].head in ids or tokens[j].head == t.head and t.dep == "compound") \
                and tokens[j].dep in {"compound", "amod", "nmod"} \
                and tokens[j].pos in {"NOUN", "PROPN", "ADJ"} \
                and (tokens[j].ent != "PERSON" or tokens[j].text.lower().rstrip(".") in TITLES):
            ids.insert(0, j)
            j -= 1
        for c in tree.children[i]:   # "deputy commander of the Baghdad operation"
            if tokens[c].text.lower() == "of" and c == ids[-1] + 1:
                sub = tree.subtree(c)
                if len(sub) <= 6:
                    ids = ids + sub
        shown = _span_text(text, tree, ids).strip(" ,.;:")
        modifiers = {_lemma(tokens[j]) for j in ids}
        key = ("deputy " if modifiers & RANK_MODIFIERS else "") + (ROLE_HEADS[lemma] or "*")
        if lemma == "secretary" and "press" in modifiers:
            key = key.replace("secretary", "spokesperson")
        near = closeness(tree, i, question, exclude=set(ids))
        for name in question.names:   # "What position does Pat Ryder hold?": the role next to his name
            name_ids = [k for k, tok in enumerate(tokens) if tok.ent == "PERSON" and same_name(tok.text, name)]
            if name_ids:
                dist = tree.distances(i)
                near += 2.0 / (1 + min(dist[k] for k in name_ids))
        if near < MIN_CLOSENESS:
            continue
        tie = 1.0 + near
        values.append(Value(shown, key, "role", tie, sentence_id))
    return values


def roles_compatible(a: str, b: str) -> bool:
    """A vague role ("senior member") fits any; a deputy is not the leader."""
    a_deputy, b_deputy = a.startswith("deputy "), b.startswith("deputy ")
    a_head, b_head = a.removeprefix("deputy "), b.removeprefix("deputy ")
    if "*" in (a_head, b_head):
        return True
    return a_deputy == b_deputy and a_head == b_head


# -- kinds -------------------------------------------------------------------------------------
def kind_values(tree: Tree, question: Question, text: str, analysis: Analysis, sentence_id: int) -> list[Value]:
    """ "What kind of strike?": the words that make the asked noun a kind of it ("drone strike",
    "airstrike"), or what it is said to be ("the blackened vehicle, a Jeep"). Where it stands in a
    country ("U.S.", "Iraqi") says whose, not which kind, and is left out."""
    tokens = tree.tokens
    alike = _focus_family(question)
    whose = {j for e in analysis.entities if e.label in {"GPE", "NORP"} for j in _entity_tokens(tree, e.start, e.end)}
    out = []
    for i, t in enumerate(tokens):
        lemma = _lemma(t)
        # "airstrike" is a strike of a kind; "strike" and "attack" alone are not
        compound_word = any(lemma != w and lemma.endswith(w) for w in alike)
        if t.pos not in {"NOUN", "PROPN"} or not (lemma in alike or compound_word):
            continue
        # "the blackened vehicle, a Jeep": an appositive right after the noun, naming a thing
        appos = [c for c in tree.children[i] if tokens[c].dep == "appos" and tokens[c].pos in {"NOUN", "PROPN"}
                 and 0 < c - i <= 4 and tokens[c].ent not in {"PERSON", "GPE", "NORP"}]   # a Jeep is an ORG
        if appos:
            ids = [j for j in tree.children[appos[0]] if tokens[j].dep in {"compound", "amod"}] + [appos[0]]
        else:
            # "a rare drone strike", "this unjustified attack": a noun says the kind, an adjective
            # mostly says what the writer thinks of it.
            ids = [j for j in tree.subtree(i) if j < i and j not in whose and tokens[j].pos in {"NOUN", "PROPN"}
                   and tokens[j].dep == "compound" and _in_compound_chain(tree, j, i)] + [i]
            if len(ids) == 1 and not compound_word:
                continue   # the bare noun ("strike", "attacks") says no kind; "airstrike" does
        ids = sorted(ids)
        # The asked noun itself ties the sentence to the question; other question words near it more so.
        near = closeness(tree, i, question, exclude=set(ids) - {i})
        if near < MIN_CLOSENESS:
            continue
        shown = _span_text(text, tree, ids)
        out.append(Value(shown, fold(shown), "kind", 1.0 + near, sentence_id))
    return out


def _in_compound_chain(tree: Tree, j: int, head: int) -> bool:
    """Whether j modifies `head` through compounds only ("U.S. Special Operations drone strike"),
    not through a clause or a preposition."""
    while j != head:
        if tree.tokens[j].dep != "compound":
            return False
        j = tree.tokens[j].head
    return True


# -- yes / no ----------------------------------------------------------------------------------
def yes_no_value(tree: Tree, question: Question, sentence_id: int, specific: list[str]) -> list[Value]:
    """ "no civilians were harmed" answers "were any civilians harmed?" with no: a negation whose
    phrase (its head and two levels below) holds one of the question's most specific words
    (`specific`, stemmed), so "no infrastructure was struck" does not answer "was it self-defense?"."""
    tokens = tree.tokens
    content = {j for j, t in enumerate(tokens) if _lemma(t) in question.content}
    if not content:
        return []
    negated = False
    for j, t in enumerate(tokens):
        if t.text.lower() in NEGATIONS or t.dep == "neg":
            head = t.head
            phrase = {head} | set(tree.children[head])
            phrase |= {g for c in tree.children[head] for g in tree.children[c]}
            if any(_stem(tokens[k].text) in specific for k in phrase) or not specific and phrase & content:
                negated = True
    answer = "no" if negated else "yes"
    return [Value(answer, answer, "yesno", 1.0 + 0.5 * len(content), sentence_id)]


def _stem(word: str) -> str:
    from .retrieval import stem

    return stem(word.lower())


def values_in(question: Question, analysis: Analysis, text: str, sentence_id: int,
              days: dict[str, str], specific: list[str] | None = None, tree: Tree | None = None) -> list[Value]:
    """Every value this sentence gives for the question, best tied first."""
    if not analysis.tokens:
        return []
    tree = tree or Tree(analysis)
    if question.kind == "count":
        found = count_values(tree, question, sentence_id, text, analysis.entities)
    elif question.kind in LABELS:
        found = entity_values(tree, question, text, analysis, sentence_id, days)
        if question.kind == "time" and not found:
            found = [replace(v, kind="time") for v in entity_values(
                tree, _as_kind(question, "date"), text, analysis, sentence_id, days, day_parts=True)
                if DAY_PARTS.search(v.text.lower())]
    elif question.kind == "role":
        found = role_values(tree, question, text, sentence_id)
    elif question.kind == "kind":
        found = kind_values(tree, question, text, analysis, sentence_id)
    elif question.kind == "yesno":
        found = yes_no_value(tree, question, sentence_id, specific or [])
    else:
        found = []
    return sorted(found, key=lambda v: -v.tie)


def _as_kind(question: Question, kind: str) -> Question:
    return replace(question, kind=kind)
