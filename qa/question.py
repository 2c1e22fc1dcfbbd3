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
YES_NO_STARTS = {"is", "was", "were", "are", "did", "does", "do", "has", "have", "had", "can", "could",
                 "will", "would", "should"}


@dataclass(frozen=True)
class Question:
    text: str
    kind: str                        # count, person, org, place, date, time, role, yesno, other
    predicate: frozenset[str]        # lemma family of what is asked about ({"kill", "die", ...})
    focus: str | None                # the noun a count or a "which" asks about ("people", "group")
    days: tuple[MonthDay, ...]       # days the question names ("the Jan. 4 strike")
    content: frozenset[str]          # content lemmas, to tie a value to what is asked
    names: tuple[str, ...]           # names the question itself gives (never an answer)
    focus_modifiers: frozenset[str] = frozenset()   # "Iraqi military" in "which Iraqi military spokesman"
    name_words: frozenset[str] = frozenset()        # lower-cased words of those names
    strict_focus: bool = True                        # the answer must stand beside the focus noun
    weekdays: frozenset[int] = frozenset()           # "the Friday night before the Feb. 7 strike"

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
    for t in doc[wh_at + 1:]:
        if t.pos_ == "NOUN":
            return t.lemma_.lower()
        if t.pos_ == "VERB":
            break
    return None


def _kind(doc, question_who_is_name: bool) -> tuple[str, str | None]:
    words = [t.lower_ for t in doc]
    wh_at = next((i for i, w in enumerate(words) if w in {"how", "what", "which", "who", "whom", "whose",
                                                          "when", "where", "why"}), None)
    if wh_at is None:
        return ("yesno", None) if words and words[0] in YES_NO_STARTS else ("other", None)
    wh = words[wh_at]
    nxt = words[wh_at + 1] if wh_at + 1 < len(words) else ""
    if wh == "how" and nxt in {"many", "much", "old", "long"}:
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
    if noun in {"time", "hour"}:
        return "time", noun
    if noun in DATE_NOUNS:
        return "date", noun
    if noun in PLACE_NOUNS:
        return "place", noun
    if noun in ROLE_NOUNS:
        return "role", noun
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
    predicate = family(verbs[0].lemma_) if verbs else frozenset()
    if kind == "count" and focus:
        predicate = predicate or family(focus)
    skip = {"how", "many", "much", "what", "which", "who", "when", "where", "why", "whom", "whose"}
    content = frozenset(
        t.lemma_.lower() for t in doc
        if not t.is_stop and not t.is_punct and t.lower_ not in skip and t.ent_type_ not in {"DATE", "TIME"}
    )
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
    for words in SYNONYMS + PREDICATE_FAMILIES[:2]:
        if content & words:
            content = content | words
    return Question(text=text, kind=kind, predicate=predicate, focus=focus,
                    days=tuple(month_days(text)), content=content, names=names,
                    focus_modifiers=frozenset(modifiers), name_words=name_words,
                    strict_focus=not any(t.lemma_.lower() == "name" for t in doc),
                    weekdays=frozenset(WEEKDAYS[t.lower_] for t in doc if t.lower_ in WEEKDAYS))
