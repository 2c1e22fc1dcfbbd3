"""What a question asks for: its expected answer type, its focus noun, and the words it is about.

The answer type is read from the question's wh-phrase ("how many", "what time", "which company",
"who") and its focus noun, through the general English of `qa.lexicon`; what the question is
about is its content words and the names it gives (a name in the question is never the answer).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon as lx

# Kinds that take a short value.
PLACE_LABELS = {"GPE", "LOC"}   # the entity labels of a place, in a question and in a sentence alike
VALUE_KINDS = {"count", "money", "percent", "time", "date", "duration", "measure", "age", "person", "org", "name",
               "place", "role", "thing", "score"}


@dataclass(frozen=True)
class Question:
    text: str
    kind: str                          # one of VALUE_KINDS, or "open" (why, how, yes/no: no short value)
    focus: str | None                  # the noun asked about ("people" in "how many people", "sport")
    content: tuple[str, ...]           # content lemmas, lower case, question words left out
    names: tuple[str, ...]             # names the question gives (never its answer)
    name_words: frozenset[str]         # their folded words
    words: tuple[str, ...] = ()        # content words as written, lower case
    verbs: tuple[str, ...] = ()        # the lemmas of its main verbs ("kill" in "how many were killed")
    deeds: tuple[str, ...] = ()        # its verbs with their objects as written ("opened phishing email" of "the
                                       # employee who opened the phishing email"): a deed is compared whole
    verb_forms: tuple[str, ...] = ()   # the same verbs as written, lower case ("killed"): what meaning is
                                       # compared by ("founded" ~ "established" 0.77; "found" ~ "establish" 0.24)
    form: str = ""                     # of an open question: "polar" (yes/no), "quote" (what did X say or
                                       # call it), "cause" (why, what caused), "define" (who or what a
                                       # name is: "who is Ana Ruiz", "what does SFJ stand for"), "manner"
                                       # (how it was done: "how did the thieves get in"), "" (none)
    owners: frozenset[str] = frozenset()   # folded words of the names it puts in the possessive ("Quellbrook"
                                           # in "who is Quellbrook's top executive")
    places: frozenset[str] = frozenset()   # folded words of the places it names ("Iraq" in "how many troops are in Iraq")
    said_by: frozenset[str] = frozenset()  # folded words of whom it asks by ("police" in "the turnout according to the police")
    asks: tuple[str, str, str] = ()    # the role its "what" fills: (head lemma, "nsubj" | "dobj" | "pobj",
                                       # preposition), e.g. ("take", "pobj", "for") in "what did they take
                                       # responsibility for", ("hit", "dobj", "") in "what did the strike hit"
    direction: str = ""                # of a place question: "to" (where a ferry was heading), "from" (where
                                       # a flight took off from), "" (where something is or happened)
    length_too: bool = False           # a duration question a length may answer ("how long is the bridge")
    share_too: bool = False            # a money question a percentage may answer ("by how much did shares fall",
                                       # "what pay rise": `lexicon.CHANGE_NOUNS`)
    by_change: bool = False            # "by how much": the size of a change ("by 75 basis points"), not the
                                       # level it reached ("to 4%") or left ("from 3.25%")
    focus_mods: frozenset[str] = frozenset()   # lemmas of the words that narrow the focus noun ("pentagon" in
                                               # "the Pentagon spokesman", "night" in "the night guard")
    former: bool = False               # it asks for a figure as it was before a change ("the previous rate",
                                       # "before the rise": `lexicon.FORMER_WORDS`)
    subjects: frozenset[str] = frozenset()   # of a yes/no question, the lemmas of the nouns its clauses are said of
                                             # ("strike" in "was the strike legal")
    focus_of: tuple[str, ...] = ()     # the common nouns an "of" after its focus takes ("watch" of "the officer of the
                                       # watch", "agency" of "the head of the agency"): they narrow the asked role
    done_to: bool = False              # its focus is what its verb is done to: "the commander KILLED in the
                                       # strike", "the girl who was rescued" (not "the guard who raised it")
    of_name: bool = False              # its focus is said of a name: "the ARCHITECT of the Tessbury Library",
                                       # "the artist of the album "Salt"" (a maker or officer of a named thing,
                                       # stated by any wording: "an album by", "designed by")

    @property
    def wants_value(self) -> bool:
        return self.kind in VALUE_KINDS


def analyse_question(text: str, nlp) -> Question:
    doc = nlp(text)
    low = " ".join(text.lower().split())
    tokens = [t for t in doc]
    focus = _focus(tokens, low)
    how = HOW_MEASURE.search(low)
    if how and focus is None:   # "how fast": a speed, "how deep": a depth
        focus = lx.HOW_ADJECTIVES[how.group(1)]
    kind = _kind(low, focus, tokens)
    if kind == "name" and focus == "name":   # "the name of the ferry": what it names is the ferry
        focus = _name_of(tokens)[1]
    elif kind == "person" and focus == "name":   # "the name of the night GUARD": a guard is asked for
        focus = _name_of(tokens)[1] or focus
    elif kind == "person" and focus is None:   # "who is the HEADTEACHER of X", "who is X's AGENT"
        focus = _who_is(tokens)
    by_change = BY_HOW_MUCH.search(text) is not None   # "by how much": the size of a change is asked
    defined = _defined(low, doc)
    if defined:   # "who is Ana Ruiz": what she is, not another name
        kind, focus = "open", None
    names = tuple(n for n in dict.fromkeys(
        [e.text for e in doc.ents if e.label_ not in {"CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY", "TIME"}]
        + _proper_runs(tokens)) if n.lower() != focus)   # not a role in capitals: "the MP" (`_acronym_role`)
    from .values import fold_name
    name_words = frozenset(w for n in names for w in fold_name(n).split())
    content, words = [], []
    for t in tokens:
        lemma = t.lemma_.lower()
        if t.is_punct or t.is_space or t.is_stop and t.pos_ not in {"NOUN", "PROPN", "NUM"}:
            continue
        if lemma in lx.QUESTION_WORDS or t.text.lower() in lx.QUESTION_WORDS:
            continue
        if t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"} and len(lemma) > 1:
            content.append(lemma)
            words.append(t.text.lower())
    if focus and focus not in content:
        content.append(focus)
    main_verbs = [t for t in tokens
                  if t.pos_ == "VERB" and t.lemma_.lower() not in lx.QUESTION_WORDS and t.dep_ != "aux"]
    if not main_verbs:   # "when did the ferry capsize": the small model reads "ferry capsize" as one noun
        main_verbs = _do_support_verb(tokens)
    verbs = tuple(dict.fromkeys(t.lemma_.lower() for t in main_verbs))
    verb_forms = tuple(dict.fromkeys(t.text.lower() for t in main_verbs))
    form = "define" if defined else _form(tokens, low) if kind == "open" else ""
    return Question(text=text, kind=kind, focus=focus, content=tuple(dict.fromkeys(content)), names=names,
                    name_words=name_words, words=tuple(dict.fromkeys(words)), verbs=verbs, verb_forms=verb_forms,
                    deeds=tuple(dict.fromkeys(d for d in (deed_phrase(t) for t in main_verbs) if d)),
                    form=form, owners=frozenset(w for t in tokens if t.dep_ == "poss" and t.pos_ == "PROPN"
                                                for w in fold_name(t.text).split()),
                    places=frozenset(w for e in doc.ents if e.label_ in PLACE_LABELS for w in fold_name(e.text).split()),
                    said_by=_said_by(tokens),
                    asks=_asks(tokens) if kind in {"open", "thing"} else (),
                    direction=_direction(low, verbs) if kind == "place" else "",
                    length_too=kind == "duration" and HOW_LONG_IS.search(text) is not None,
                    share_too=kind == "money" and (by_change or focus in lx.CHANGE_NOUNS),
                    by_change=by_change,
                    former=any(t.lower_ in lx.FORMER_WORDS for t in tokens),
                    focus_mods=frozenset(c.lemma_.lower() for t in tokens if focus and t.lemma_.lower() == focus
                                         and t.pos_ == "NOUN" for c in t.children
                                         if c.dep_ in {"compound", "amod", "nmod"} and c.pos_ in {"NOUN", "PROPN", "ADJ"}
                                         and c.lower_ not in {"many", "much"} | lx.QUESTION_WORDS),
                    subjects=frozenset(t.lemma_.lower() for t in tokens if t.dep_ in {"nsubj", "nsubjpass"}
                                       and t.pos_ == "NOUN") if form == "polar" else frozenset(),
                    of_name=bool(focus) and _of_name(tokens, focus),
                    done_to=bool(focus) and _done_to(tokens, focus),
                    focus_of=_focus_of(tokens, focus) if kind == "person" and focus else ())


def deed_phrase(verb) -> str:
    """A question's verb (a spaCy token) with its object, as written, lower case, without determiners:
    "opened phishing email" of "opened the phishing email", "raised alarm"; "" where it has none."""
    objects = [c for c in verb.children if c.dep_ in {"dobj", "attr"} and c.pos_ in {"NOUN", "PROPN"}]
    if not objects:
        return ""
    obj = objects[0]
    mods = [c for c in obj.children if c.dep_ in {"compound", "amod"} and c.i < obj.i]
    return " ".join([verb.text.lower()] + [c.text.lower() for c in sorted(mods, key=lambda c: c.i)] + [obj.text.lower()])


def _focus_of(tokens, focus: str) -> tuple[str, ...]:
    """The common nouns (lemmas) an "of" right after the focus noun takes: "watch" of "the officer of
    the watch"; none of a name ("the mayor of Tarn") or of a pronoun."""
    return tuple(dict.fromkeys(
        k.lemma_.lower() for t in _focus_nouns(tokens, focus) for p in t.children if p.dep_ == "prep" and p.lower_ == "of"
        for k in p.children if k.dep_ == "pobj" and k.pos_ == "NOUN" and not k.ent_type_))


def _focus_nouns(tokens, focus: str) -> list:
    """The question's uses of its focus as a noun, common or proper."""
    return [t for t in tokens if t.lemma_.lower() == focus and t.pos_ in {"NOUN", "PROPN"}]


def _done_to(tokens, focus: str) -> bool:
    """Whether the question's verb is done to its focus: a participle or a passive clause set on it
    ("the commander KILLED in the strike", "the girl who WAS RESCUED"), not an active one ("the
    guard who RAISED the alarm")."""
    return any(c.dep_ == "acl" and c.tag_ == "VBN"
               or c.dep_ == "relcl" and any(k.dep_ == "nsubjpass" for k in c.children)
               for t in _focus_nouns(tokens, focus) for c in t.children)


def _of_name(tokens, focus: str) -> bool:
    """Whether the question's focus is said of a name: "the architect OF the Tessbury Library", "the
    artist of the album "Salt"", or any title in quotes ("the author of "Salt and Smoke""); not "the
    officer of the watch on the Marra Dawn" (a watch), nor "the captain of the ferry"."""
    if any(t.text in {'"', "“", "”"} for t in tokens):
        return True
    for t in _focus_nouns(tokens, focus):
        for prep in t.children:
            if prep.dep_ == "prep" and prep.lower_ in {"of", "in"}:   # "the main character IN the film Tessa"
                for obj in prep.children:
                    if obj.dep_ == "pobj" and (obj.pos_ == "PROPN" or any(
                            c.pos_ == "PROPN" and c.dep_ in {"compound", "appos", "nmod"} for c in obj.children)):
                        return True
    return False


DEFINING = re.compile(r"^(?:who|what) (?:is|was|are|were) (?P<a>.+?)(?: (?:best |mainly )?known for)?\??$|"
                      r"^what (?:does|did|do) (?:the (?:term|abbreviation|acronym|name|word) )?(?P<b>.+?) "
                      r"(?:refer to|stand for|mean)\??$")


def _defined(low: str, doc) -> str | None:
    """The name a question asks to define, if it asks only that: "who is Ana Ruiz" (a person's
    name, all of what follows "who is"), "what is 'Blue Hour' (known for)", "what does SFJ refer to"
    (a name or a quoted title). "Who is the city's mayor" asks for a name, not a definition."""
    m = DEFINING.match(low)
    if not m:
        return None
    raw = m.group("a") or m.group("b")
    asked = re.sub(r"^the ", "", raw.strip(" \"'\u201c\u201d"))
    people = {e.text.lower() for e in doc.ents if e.label_ == "PERSON"}
    names = {e.text.lower() for e in doc.ents} | {t.text.lower() for t in doc if t.pos_ == "PROPN"}
    if low.startswith("who"):   # a person's name: all of it proper nouns, or so the parse marks it
        rest = [t for t in doc[2:] if not t.is_punct]
        return asked if asked in people or rest and all(t.pos_ == "PROPN" for t in rest) else None
    quoted = re.fullmatch(r"(?:the )?[\"\u201c][^\"\u201c\u201d]+[\"\u201d]", raw) is not None   # a title, all of it
    return asked if quoted or asked in names else None


def _form(tokens, low: str) -> str:
    """What kind of short answer an open question takes, read from its first words and its verbs."""
    if tokens and tokens[0].lower_ in lx.POLAR_OPENERS:
        return "polar"
    lemmas = {t.lemma_.lower() for t in tokens}
    if low.startswith("why") or lemmas & lx.CAUSE_VERBS and tokens and tokens[0].lower_ in {"what", "how"} or \
            lemmas & lx.CAUSE_NOUNS and tokens and tokens[0].lower_ == "what":
        return "cause"   # "why", "what caused it", "how did the fire start"
    if tokens and tokens[0].lower_ in {"what", "how"} and any(
            t.lemma_.lower() in lx.SPEECH_VERBS and not any(c.dep_ == "prep" and c.i == len(tokens) - 2 or
                                                            c.dep_ == "prep" and not list(c.children)
                                                            for c in t.children)
            for t in tokens if t.pos_ == "VERB"):
        return "quote"
    if len(tokens) > 1 and tokens[0].lower_ == "how" and tokens[1].lower_ in lx.POLAR_OPENERS:
        return "manner"   # "how did the thieves get in": by what means or way
    return ""


def _said_by(tokens) -> frozenset[str]:
    """The words of whom "according to" names ("according to the police", "according to Ana Ruiz"),
    folded as names are, articles aside."""
    from .values import fold_name
    out: set[str] = set()
    for t in tokens:
        if t.lower_ == "to" and t.i > 0 and t.nbor(-1).lower_ == "according":
            for k in t.children:
                if k.dep_ == "pobj":
                    out.update(w for s in k.subtree if s.pos_ in {"NOUN", "PROPN"} for w in fold_name(s.text).split())
    return frozenset(out)


def _direction(low: str, verbs: tuple[str, ...]) -> str:
    """Whether a place question asks where from ("where did the flight take off from"), where to
    ("where was the ferry heading", "which island was it sailing to") or neither."""
    if re.search(r"\bfrom\b", low):
        return "from"
    if set(verbs) & lx.MOTION_VERBS or re.search(r"\b(?:to|towards?|bound for)\W*$", low):
        return "to"
    return ""


def _do_support_verb(tokens) -> list:
    """The main verb of a question with "did / does / do" that the parse left without one: the word
    the "do" helps, when the parse calls it an adjective or a noun ("when did the bridge OPEN to
    traffic", "when did the skies CLEAR": the base form "do" calls for is a verb); else its last word,
    when it is a singular noun by the tags and follows a noun after the "do" ("when did the ferry
    CAPSIZE", "what time did the train DERAIL")."""
    aux = next((t for t in tokens if t.dep_ == "aux" and t.lower_ in {"did", "does", "do"}), None)
    helped = aux.head if aux is not None else None
    if helped is not None and helped.i > aux.i and helped.pos_ in {"ADJ", "NOUN"} and helped.tag_ in {"JJ", "NN"} \
            and helped.text.islower() and any(t.pos_ in {"NOUN", "PROPN", "PRON"} for t in aux.doc[aux.i + 1:helped.i]):
        return [helped]
    words = [t for t in tokens if not t.is_punct]
    do = next((i for i, t in enumerate(words) if t.lower_ in {"did", "does", "do"}), None)
    if do is None or len(words) < do + 3:
        return []
    last = words[-1]
    before = words[-2]
    if last.tag_ == "NN" and before.pos_ in {"NOUN", "PROPN"} and before.i > words[do].i:
        return [last]
    return []


def _asks(tokens) -> tuple[str, str, str]:
    """The role the question's "what" fills in its clause (see Question.asks)."""
    if not tokens or tokens[0].lower_ != "what":
        return ()
    # "What did they take responsibility FOR?": the preposition is stranded at the end.
    for t in tokens:
        if t.dep_ == "prep" and not any(c.dep_ == "pobj" for c in t.children) and t.head.pos_ in {"VERB", "NOUN"}:
            return (t.head.lemma_.lower(), "pobj", t.lower_)
    what = tokens[0]
    if what.dep_ == "pobj" and what.head.dep_ == "prep":   # "what ... ask for", parsed with "what" as its object
        return (what.head.head.lemma_.lower(), "pobj", what.head.lower_)
    if what.dep_ in {"nsubj", "nsubjpass", "dobj"} and what.head.pos_ != "AUX" and what.head.lemma_ not in {"do", "be"}:
        return (what.head.lemma_.lower(), "nsubj" if what.dep_ == "nsubj" else "dobj", "")
    if what.dep_ == "attr":   # "What was the ship CARRYING?": the small parser takes "what" for the copula's complement
        verb = next((t for t in tokens[2:] if t.pos_ == "VERB" and t.tag_ == "VBG"
                     and t.lower_ not in lx.PREPOSITIONAL_PARTICIPLES), None)
        if verb is not None and not any(c.dep_ == "dobj" for c in verb.children):
            return (verb.lemma_.lower(), "dobj", "")
    return ()


def _proper_runs(tokens) -> list[str]:
    runs, current = [], []
    for t in tokens:
        if t.pos_ == "PROPN" and t.i > 0:
            current.append(t.text)
        else:
            if current:
                runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


def _focus(tokens, low: str) -> str | None:
    """The noun the wh-phrase asks about: 'how many PEOPLE', 'which law enforcement AGENCY', 'what kind
    of VEHICLE', 'what is the POPULATION of', 'what is X's JOB'."""
    for i, t in enumerate(tokens):
        if t.lower_ not in {"what", "which", "whose", "many", "much"}:
            continue
        noun = _run_head(tokens, i + 1)
        if noun is None and t.lower_ in {"many", "much"} and i + 1 < len(tokens) and tokens[i + 1].lower_ == "of":
            noun = _run_head(tokens, i + 2, copula=True)   # "how many OF the bridge's BEAMS"
        if noun is not None:
            return noun
        if t.lower_ in {"what", "which"} and i + 1 < len(tokens) and tokens[i + 1].lemma_.lower() == "be":
            return _run_head(tokens, i + 2, copula=True)
    return None


def _run_head(tokens, j: int, copula: bool = False) -> str | None:
    """The last noun of the noun run starting at j (skipping 'the', adjectives, 'X's', 'kind of')."""
    nouns = []
    while j < len(tokens):
        t = tokens[j]
        end = _hyphened(tokens, j)
        if end > j and end + 1 < len(tokens) and tokens[end + 1].pos_ in {"NOUN", "PROPN"}:
            j = end + 1   # "what SELL-ON percentage", "how many FOLLOW-UP tests": a modifier, whatever its parts
            continue
        if end > j and t.pos_ == "PROPN" and tokens[end].pos_ == "PROPN":
            j, t = end, tokens[end]   # a hyphened name, read as its last part: "what is Ana Ruiz-LOPEZ's job"
        if copula and nouns and t.lower_ not in lx.PREPOSITIONAL_PARTICIPLES and (
                t.pos_ == "VERB" and t.tag_ == "VBG" or t.pos_ in {"VERB", "ADJ"} and _stranded(tokens)):
            # not "what is the X" but the object of the X's verb: "what was the ship CARRYING", "what
            # was the suspect CHARGED with" (still "what was the amount PAID": the amount is asked)
            return None
        if t.pos_ in {"NOUN"}:
            nouns.append(t)
        elif t.lower_ == "of" and nouns and nouns[-1].lemma_.lower() in lx.KIND_NOUNS:
            pass
        elif copula and t.tag_ == "POS":   # "what is the company's market VALUE": the possessor is not asked
            nouns = []
        elif t.pos_ in {"ADJ", "DET", "NUM", "ADV"} or t.tag_ == "POS" or (copula and t.pos_ == "PROPN") or (
                t.pos_ == "PROPN" and t.dep_ == "compound" and not nouns) or (
                t.pos_ == "VERB" and t.tag_ == "VBG" and t.dep_ == "amod" and not nouns) or (
                t.pos_ == "VERB" and t.tag_ == "VBN" and not nouns):
            if nouns and t.pos_ != "ADJ":
                break
        else:
            break
        j += 1
    if not nouns:
        return None
    heads = [n for n in nouns if n.lemma_.lower() not in lx.KIND_NOUNS]
    return (heads or nouns)[-1].lemma_.lower()


def _hyphened(tokens, j: int) -> int:
    """The last token of the hyphened word starting at j ("sell-on", "year-on-year"), or j."""
    end = j
    while end + 2 < len(tokens) and not tokens[end].whitespace_ and tokens[end + 1].text == "-" \
            and not tokens[end + 1].whitespace_:
        end += 2
    return end


def _stranded(tokens) -> bool:
    """Whether the question ends in a preposition that governs nothing ("charged WITH?")."""
    words = [t for t in tokens if not t.is_punct]
    return bool(words) and words[-1].pos_ == "ADP" and not any(c.dep_ == "pobj" for c in words[-1].children)


# "how long is the bridge" (not "how long will the road be closed", "how long did it last", "how long were
# the miners trapped", "how long were the hospitals without their records": a state that lasts)
HOW_LONG_IS = re.compile(r"(?i)\bhow long (?:is|was|are|were|will|an?)\b(?!.*\b(?:(?:last|take|run|stay|wait|spend|serve|"
                         r"go on|continue|remain)(?:s|es|d|ed|n|en|ing|ning)?|(?:be )?(?:closed|shut|open|delayed|held|"
                         r"jailed|detained|away|trapped|missing|stranded|grounded|suspended|barred|banned|buried|offline|"
                         r"without|out of (?:service|action|use)))\b)")
BY_HOW_MUCH = re.compile(r"(?i)\bby how much\b")
HOW_MEASURE = re.compile(rf"\bhow ({'|'.join(lx.HOW_ADJECTIVES)})\b")


# The kind a focus noun asks for, first match first ("what is the TURNOUT": a count)
NOUN_KINDS = ((lx.ROLE_NOUNS, "role"), (lx.PERCENT_NOUNS, "percent"), (lx.MONEY_NOUNS, "money"),
              (lx.COUNT_NOUNS, "count"), (lx.DURATION_NOUNS, "duration"), (lx.MEASURE_NOUNS, "measure"),
              (lx.DATE_NOUNS, "date"), (lx.AGE_NOUNS, "age"), (lx.ORG_NOUNS, "org"), (lx.PLACE_NOUNS, "place"),
              (lx.NAMED_THINGS, "name"), (lx.PERSON_NOUNS, "person"))
# ... and the figures a noun before the focus may name instead ("the SPEED limit", "the RANSOM demand")
MODIFIER_KINDS = {"money", "percent", "measure", "age", "duration"}


# "what" or "which" opening a question, or after its first word, a preposition ("on which rocks")
WHICH_FIRST = re.compile(rf"^(?:(?:{'|'.join(sorted(lx.PREPOSITIONS))})\s+)?(?:what|which)\b")


def _kind(low: str, focus: str | None, tokens) -> str:
    def has(pattern: str) -> bool:
        return re.search(pattern, low) is not None

    if has(r"\bhow many\b|\bwhat number of\b"):
        # "how many years was he sentenced to": a span of time, written "12 years"
        return "duration" if focus in lx.DURATIONS else "count"
    if has(r"\bhow much\b"):
        if focus and focus in lx.MONEY_NOUNS or has(r"\bhow much (?:money|did|does|do|is|was|were|are|will|would|has|have|had)\b"
                                                     r"|\bin (?:money|cash|dollars|euros|pounds)\b"):   # "..., in money?"
            return "money"
        return "measure" if focus else "money"
    if has(r"\b(?:what|which) (?:percentage|percent|proportion|share)\b|\bby what (?:percentage|percent|margin)\b|\bhow effective\b"):
        return "percent"
    if has(r"\b(?:what|which) (?:time|hour)\b|\bat what time\b"):
        return "time"
    if HOW_MEASURE.search(low):
        return "measure"
    if has(r"\bhow long\b|\bfor how long\b"):
        return "duration"
    if has(r"\bhow old\b|\b(?:what|which) age\b|\bat what age\b"):
        return "age"
    if has(r"^(?:when|since when)\b|\bwhen (?:was|were|is|did|does|do|will|has|had)\b|\b(?:what|which) (?:date|day|year|month)\b|"
           r"\bin what year\b|\bon what date\b"):
        return "date"
    if focus in lx.SCORE_NOUNS and has(r"\b(?:what|which|by what)\b"):
        return "score"
    if focus in lx.KIND_NOUNS or has(r"\b(?:what|which) (?:kind|type|sort) of\b"):
        return "thing"
    if focus:
        for nouns, kind in NOUN_KINDS:
            if focus in nouns and has(r"\b(?:what|which|whose)\b"):
                if kind == "person" and focus == "name":
                    return _name_of(tokens)[0]
                return kind
    if focus and has(r"\b(?:what|which)\b"):
        # a figure named by the noun before the asked one: "the SPEED limit", "the RANSOM demand", "the AGE limit"
        for t in tokens:
            if t.lemma_.lower() == focus and t.pos_ == "NOUN":
                for m in (c.lemma_.lower() for c in t.children if c.dep_ == "compound" and c.pos_ == "NOUN"):
                    for nouns, kind in NOUN_KINDS:
                        if kind in MODIFIER_KINDS and m in nouns:
                            return kind
                break
    if has(r"^(?:who|whom|whose)\b|\bwho (?:is|was|were|are|will|has|had|did|does|heads|leads|runs|owns)\b|\bby whom\b"):
        return "person"
    if has(r"^where\b|\bwhere (?:is|was|were|are|did|does|do|will|has|had)\b|\bfrom where\b"):
        return "place"
    if has(r"^(?:why|how)\b") or (tokens and tokens[0].lower_ in {"is", "was", "were", "are", "did", "does", "do",
                                                                  "has", "have", "had", "can", "could", "will", "would",
                                                                  "should"}):
        return "open"
    if focus and WHICH_FIRST.search(low) and focus not in lx.CAUSE_WORDS:
        # "which rocks did it hit", "ON which rocks did it run aground"
        return "thing"
    return "open"


def _who_is(tokens) -> str | None:
    """The noun "who is" asks for: "who is the HEADTEACHER of Larchfield School", "who was the
    ship's MASTER" (not "who is leading the inquiry": a verb, not a noun, is asked by)."""
    for i, t in enumerate(tokens[:-1]):
        if t.lower_ == "who" and tokens[i + 1].lemma_ == "be" and tokens[i + 1].dep_ != "aux":
            return _run_head(tokens, i + 2, copula=True) or _acronym_role(tokens, i + 2)
    return None


def _acronym_role(tokens, j: int) -> str | None:
    """A role written as capitals, which the tagger takes for a name: "who is the MP for Tarnley",
    "Varnel's CEO" (after "the" or a possessive, heading its phrase: not "the BBC reporter")."""
    for k in range(j + 1, len(tokens)):
        t, before = tokens[k], tokens[k - 1]
        if before.pos_ != "DET" and before.tag_ != "POS":
            continue
        if t.pos_ == "PROPN" and t.text.isupper() and 2 <= len(t.text) <= 4 and t.dep_ != "compound" \
                and (k + 1 == len(tokens) or tokens[k + 1].pos_ in {"ADP", "PUNCT"}):
            return t.text.lower()
    return None


def _name_of(tokens) -> tuple[str, str]:
    """What "the name of the X" asks for, and X, the noun "of" governs: a "which X" kind, "name" for a
    thing news names (a ship, a storm), else a person. Not a word of a name before it, nor its
    possessor: "the name of Orla Bay Hospital's spokesman" asks for a person."""
    for t in tokens:
        if t.lower_ == "name" and t.i + 1 < len(tokens) and tokens[t.i + 1].lower_ == "of":
            noun = next((c.lemma_.lower() for c in tokens[t.i + 1].children if c.dep_ == "pobj"), "")
            if noun in lx.ORG_NOUNS:
                return "org", noun
            if noun in lx.PLACE_NOUNS:
                return "place", noun
            if noun in lx.NAMED_THINGS:
                return "name", noun
            return "person", noun
    return "person", ""
