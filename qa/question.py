"""What a question asks for: the kind of value, the predicate it is tied to, and the day it names."""
from __future__ import annotations

from dataclasses import dataclass

from .dates import WEEKDAYS, MonthDay, month_days

# Predicates that mean the same thing for counting: "killed" = "died" = "deaths".
PREDICATE_FAMILIES = [
    {"kill", "killing", "die", "death", "dead", "martyr", "slay", "fatality", "toll", "deadly"},
    {"injure", "injury", "wound", "hurt", "injured", "wounded"},
    {"attack", "strike", "hit", "target", "case", "incident", "time"},
    {"arrest", "detain", "capture"},
]
# Nouns a count can sit on when the question counts people.
PEOPLE_NOUNS = {"people", "person", "man", "men", "woman", "militant", "other", "operative", "member",
                "fighter", "civilian", "soldier", "troop", "personnel", "associate", "individual",
                "reservist", "american", "occupant", "leader", "commander"}
# Nouns a count of events can sit on ("more than 100 cases", "168 times").
EVENT_COUNTERS = {"case", "time", "incident", "attack", "strike"}

# Words a question and an article use for one thing: a question's "spokesman" is found beside
# "press secretary" and "spokeswoman"; "killed" beside "died" and "death".
SYNONYMS = [
    {"spokesman", "spokeswoman", "spokesperson", "secretary"},
    {"commander", "leader", "chief", "head"},
    {"group", "militia", "faction", "organization", "organisation"},
    {"troop", "force", "soldier", "personnel"},
    {"civilian", "casualty"},
    {"strike", "attack", "airstrike"},
    {"found", "establish", "form"},
]

ORG_NOUNS = {"group", "militia", "organization", "organisation", "force", "party", "faction", "brigade",
             "movement", "coalition", "agency", "ministry", "department", "company", "outlet", "network"}
PERSON_NOUNS = {"spokesman", "spokeswoman", "spokesperson", "general", "minister", "person", "man",
                "woman", "official", "commander", "leader", "president", "secretary", "officer", "journalist"}
PLACE_NOUNS = {"street", "city", "town", "neighborhood", "neighbourhood", "country", "place", "area",
               "district", "province", "region", "location", "site"}
ROLE_NOUNS = {"rank", "role", "position", "title", "job", "post"}
DATE_NOUNS = {"day", "date", "year", "month", "week"}
KIND_NOUNS = {"kind", "type", "sort"}
# "What is the population of Baghdad?" asks for a figure as surely as "how many" does.
MEASURE_NOUNS = {"population", "number", "cost", "price", "size", "toll", "total", "amount", "budget", "age"}
# Nouns naming events; "the earlier strikes" (plural) are a series, not the one strike of the day.
EVENT_NOUNS = {"strike", "attack", "airstrike", "raid", "bombing", "operation", "explosion"}
# Where a topic noun or adjective sits in a sound parse (a verb mis-tagged as a noun sits elsewhere).
ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "compound", "conj", "appos", "amod", "poss", "oprd"}
LOCATIVE_PREPS = {"in", "at", "on", "near", "inside", "outside", "to", "into", "from", "across", "around",
                  "toward", "towards", "along", "over", "within", "throughout"}
YES_NO_STARTS = {"is", "was", "were", "are", "did", "does", "do", "has", "have", "had", "can", "could",
                 "will", "would", "should"}


@dataclass(frozen=True)
class Question:
    text: str
    kind: str                        # count, person, org, place, date, time, role, kind, yesno, other
    predicate: frozenset[str]        # lemma family of what is asked about ({"kill", "die", ...})
    focus: str | None                # the noun a count or a "which" asks about ("people", "group")
    days: tuple[MonthDay, ...]       # days the question names ("the Jan. 4 strike")
    content: frozenset[str]          # content lemmas, to tie a value to what is asked
    names: tuple[str, ...]           # names the question itself gives (never an answer)
    focus_modifiers: frozenset[str] = frozenset()   # "Iraqi military" in "which Iraqi military spokesman"
    name_words: frozenset[str] = frozenset()        # lower-cased words of those names
    strict_focus: bool = True                        # the answer must stand beside the focus noun
    weekdays: frozenset[int] = frozenset()           # "the Friday night before the Feb. 7 strike"
    places: tuple[str, ...] = ()                     # places the question asks about ("troops in Syria")
    event_plural: bool = False                       # "the earlier strikes" (a series), not "the strike"
    event_singular: bool = False                     # "the strike" (one event), not "a series of strikes"
    topic_words: tuple[str, ...] = ()                # its common nouns/adjectives outside the wh phrase
    quotes: bool = False                             # "what did X call / say": the words X used
    words: frozenset[str] = frozenset()              # its content words as written ("avoided", "parties")

    @property
    def wants_value(self) -> bool:
        return self.kind != "other"


def family(lemma: str) -> frozenset[str]:
    lemma = lemma.lower()
    for members in PREDICATE_FAMILIES:
        if lemma in members:
            return frozenset(members)
    return frozenset({lemma}) if lemma else frozenset()


def _wh_noun(doc, wh_at: int) -> str | None:
    """The noun a "which"/"what"/"how many" asks about: "which militia group" -> "group"."""
    token = doc[wh_at]
    if token.dep_ == "det" and token.head.pos_ in {"NOUN", "PROPN"} and token.head.i > wh_at:
        return token.head.lemma_.lower()
    if token.lower_ in {"what", "which"} and token.dep_ in {"attr", "nsubj"} and token.head.lemma_ == "be":
        # "What was the name of the commander?", "What is the population of Baghdad?"
        other = next((c for c in token.head.children if c.dep_ in {"nsubj", "attr"} and c.i != wh_at
                      and c.pos_ == "NOUN"), None)
        if other is not None:
            return other.lemma_.lower()
    for t in doc[wh_at + 1:]:
        if t.pos_ == "NOUN":
            return t.lemma_.lower()
        if t.pos_ == "VERB" or t.pos_ == "AUX" and doc[wh_at].lower_ in {"what", "which"}:
            break   # "What did the group take responsibility for": "what" is the object, not "group"'s
    return None


def _kind(doc, question_who_is_name: bool) -> tuple[str, str | None]:
    words = [t.lower_ for t in doc]
    wh_at = next((i for i, w in enumerate(words) if w in {"how", "what", "which", "who", "whom", "whose",
                                                          "when", "where", "why"}), None)
    if wh_at is None:
        return ("yesno", None) if words and words[0] in YES_NO_STARTS else ("other", None)
    wh = words[wh_at]
    nxt = words[wh_at + 1] if wh_at + 1 < len(words) else ""
    if wh == "how" and nxt == "old":
        return "count", "age"
    if wh == "how" and nxt == "much":
        return "count", "amount"   # "How much did the drone cost?", "how much wheat": a sum, not a head count
    if wh == "how" and nxt in {"many", "long"}:
        return "count", _wh_noun(doc, wh_at + 1)
    if wh in {"who", "whom", "whose"}:
        if question_who_is_name:
            return "role", None
        # "Who is the Pentagon spokesman?": the answer is the person beside "spokesman".
        attr = next((t for t in doc if t.dep_ in {"attr", "nsubj"} and t.pos_ in {"NOUN", "PROPN"}
                     and t.i > wh_at and t.ent_type_ not in {"GPE", "NORP"}), None)
        if attr is not None and doc[wh_at].dep_ in {"attr", "nsubj"} and doc[wh_at].head.lemma_ == "be":
            return "person", attr.lemma_.lower()
        return "person", None
    if wh == "when":
        return "date", None
    if wh == "where":
        return "place", None
    if wh not in {"what", "which"}:
        return "other", None
    noun = _wh_noun(doc, wh_at)
    if noun in KIND_NOUNS:
        # "What kind of strike ...": the answer says which kind ("drone strike", "a Jeep").
        of = next((t for t in doc if t.lower_ == "of" and t.head.lemma_.lower() == noun), None)
        what = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        return ("kind", what.lemma_.lower()) if what is not None else ("other", noun)
    if noun in {"time", "hour"}:
        return "time", noun
    if noun in DATE_NOUNS:
        return "date", noun
    if noun in PLACE_NOUNS:
        return "place", noun
    if noun in ROLE_NOUNS:
        return "role", noun
    if noun in MEASURE_NOUNS:
        return "count", noun
    if noun == "name":
        # "the name of the commander": the commander is what the name must sit beside.
        of = next((t for t in doc if t.lower_ == "of" and t.head.lemma_.lower() == "name"), None)
        named = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        return "person", named.lemma_.lower() if named is not None else noun
    if noun in ORG_NOUNS:
        return "org", noun
    if noun in PERSON_NOUNS:
        return "person", noun
    return "other", noun


def analyse_question(text: str, nlp) -> Question:
    doc = nlp(text)
    words = [t.lower_ for t in doc]
    names = tuple(e.text for e in doc.ents if e.label_ in {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}
                  and not any(c.isdigit() for c in e.text) and not month_days(e.text + " 1"))
    person_names = [e for e in doc.ents if e.label_ == "PERSON"]
    who_is_name = (len(words) > 2 and words[0] == "who" and words[1] in {"is", "was", "are", "were"}
                   and bool(person_names) and person_names[0].start == 2)
    kind, focus = _kind(doc, who_is_name)
    verbs = [t for t in doc if t.pos_ == "VERB" and t.lemma_.lower() not in {"say", "tell", "report", "have", "do", "accord", "base"}]
    if any(t.lemma_.lower() == "do" and t.pos_ == "AUX" for t in doc):
        # After "did" the verb is in its base form: a finite one ("did the U.S. airstrikes ... hit")
        # is a noun the tagger took for a verb.
        verbs = [t for t in verbs if t.tag_ not in {"VBZ", "VBD"}] or verbs
    predicate = family(verbs[0].lemma_) if verbs else frozenset()
    if kind == "count" and focus:
        predicate = predicate or family(focus)
    skip = {"how", "many", "much", "what", "which", "who", "when", "where", "why", "whom", "whose"}
    content_tokens = [t for t in doc if not t.is_stop and not t.is_punct and t.lower_ not in skip
                      and t.ent_type_ not in {"DATE", "TIME"}]
    content = frozenset(t.lemma_.lower() for t in content_tokens)
    modifiers: set[str] = set()
    if focus:
        head = next((t for t in doc if t.lemma_.lower() == focus and t.pos_ in {"NOUN", "PROPN"}), None)
        if head is not None:
            words = [c for c in head.children if c.dep_ in {"amod", "compound", "nmod"} and c.lower_ not in skip]
            words += [g for c in head.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
            # A country is often implied ("the Pentagon spokesman" is a U.S. one); other words are not.
            telling = [w for w in words if w.ent_type_ not in {"GPE", "NORP"}] or words
            modifiers = {w.lemma_.lower() for w in telling}
    name_words = frozenset(w for n in names for w in n.lower().split())
    wh_phrase = _wh_phrase(doc)
    topic_words = tuple(dict.fromkeys(
        t.lower_ for t in doc if t.pos_ in {"NOUN", "ADJ", "PROPN"} and t.dep_ in ARGUMENT_DEPS
        and not t.is_stop and not t.ent_type_
        and t.i not in wh_phrase and t.lemma_.lower() != focus and t.lower_ not in skip and t.is_alpha))
    events = [t for t in doc if t.lemma_.lower() in EVENT_NOUNS and t.lemma_.lower() != focus]
    event_plural = any(t.tag_ == "NNS" for t in events)
    event_singular = bool(events) and not event_plural
    for words in SYNONYMS + PREDICATE_FAMILIES[:2]:
        if content & words:
            content = content | words
    return Question(text=text, kind=kind, predicate=predicate, focus=focus,
                    days=tuple(month_days(text)), content=content, names=names,
                    focus_modifiers=frozenset(modifiers), name_words=name_words,
                    strict_focus=not any(t.lemma_.lower() == "name" for t in doc),
                    weekdays=frozenset(WEEKDAYS[t.lower_] for t in doc if t.lower_ in WEEKDAYS),
                    places=_asked_places(doc), event_plural=event_plural, event_singular=event_singular,
                    topic_words=topic_words, words=frozenset(t.lower_ for t in content_tokens),
                    quotes=kind == "other" and _asks_words(doc))


# Verbs whose object is someone's words: "What did the PMF call the strike?"
WORDING_VERBS = {"say", "call", "describe", "term", "label", "dub", "characterize", "characterise"}


def _asks_words(doc) -> bool:
    """ "What did X call/say ...", "How did X describe ...": the answer is X's own words; not "call for"."""
    if not doc or doc[0].lower_ not in {"what", "how"}:
        return False
    for t in doc:
        if t.lemma_.lower() in WORDING_VERBS and t.pos_ == "VERB":
            return not any(c.dep_ == "prep" and c.lower_ == "for" for c in t.children) and not (
                t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "for")
    return False


def _wh_phrase(doc) -> set[int]:
    """Token indices of the wh phrase ("what rank or role", "what time of day"): its words frame the
    question rather than name its topic."""
    wh = next((t for t in doc if t.lower_ in {"how", "what", "which", "who", "whom", "whose", "when", "where",
                                               "why"}), None)
    if wh is None:
        return set()
    out = {wh.i}
    head = wh.head if wh.dep_ == "det" else None
    if head is None and wh.i + 1 < len(doc) and doc[wh.i + 1].pos_ == "NOUN":
        head = doc[wh.i + 1]
    if head is not None:
        stack = [head]
        while stack:
            t = stack.pop()
            out.add(t.i)
            stack.extend(c for c in t.children if c.dep_ in {"prep", "pobj", "conj", "cc", "compound", "amod"})
    return out


def is_locative(token) -> bool:
    """ "in Syria", "to Iraq and Syria": a place where (a spaCy token of the question)."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ in LOCATIVE_PREPS


def _asked_places(doc) -> tuple[str, ...]:
    """Places the question puts its subject in ("How many troops are in Syria?" -> Syria); "U.S." in
    "U.S. troops" says whose troops, not where."""
    return tuple(e.text for e in doc.ents if e.label_ in {"GPE", "LOC", "FAC"} and is_locative(e.root))
