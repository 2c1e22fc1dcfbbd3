"""Short answers to questions that ask for no typed value, read from one sentence's tree.

- yes/no ("were any civilians harmed"): "no" when a negation governs a word of the question
  ("no civilians were harmed"), else "yes";
- what someone said or called a thing: the words in quotation marks;
- a cause ("why", "what caused"): the phrase after a cause marker ("because of X", "caused by X"),
  the subject of a causing verb ("X sparked the blaze") or of "was the cause";
- how it was done ("how did the thieves get in"): what a verb near the question's words is done
  through, via, by or using ("through a skylight", "by forcing a door");
- the role the question's "what" fills ("what did they take responsibility FOR", "what did the
  strike HIT"): the same role of the same verb in the sentence.

These answers never take part in a disagreement (`qa.disagreement` compares typed values only).
"""
from __future__ import annotations

import re

from . import lexicon as lx
from .extract import Sentence, Tree, anchors, verb_noun_stems
from .question import Question
from .retrieval import stem
from .values import Value, fold_name, typed_values

# Dependents that end a short phrase: a clause or a list goes on past the answer.
PHRASE_STOPS = {"relcl", "acl", "advcl", "appos", "punct", "cc", "conj", "parataxis", "mark", "prep", "dep"}
QUOTE_RE = re.compile(r"[\u201c\"]([^\u201c\u201d\"]+)[\u201d\"]")
ARTICLES = {"the", "a", "an"}


def open_value(q: Question, sentence: Sentence, tree: Tree, max_words: int = 12) -> Value | None:
    """The sentence's short answer to an open question, or None when it gives none."""
    if q.wants_value:
        return None
    if q.form == "polar":
        return _polar(q, tree)
    found = None
    if q.form == "define":
        found = _definition(q, sentence, tree, max_words)
    if q.form == "quote":
        found = _quote(q, sentence, max_words)
    if found is None and q.form == "cause":
        found = _cause(sentence, tree, max_words)
        if found is not None and (restates(q, found, tree) or _figure(found.text)):
            # "evacuated after the fire started" for "what started the fire": the event, not its cause; "raised
            # by 0.75 percentage points to FOUR PERCENT": a figure, no cause
            found = None
    if q.form == "manner":
        found = _manner(q, sentence, tree, max_words)
    if found is None and q.asks:
        found = _role(q, sentence, tree, max_words)
        if found is not None and q.form == "cause" and _figure(found.text):
            found = None   # nor is a figure a cause where the question's "what" fills its role
    return found


def _verbs_only(tree: Tree, found: Value) -> bool:
    """Whether a phrase holds verbs and their particles but no noun, name, number or adjective."""
    ids = tree.tokens_in(found.start, found.end)
    return bool(ids) and not any(tree.tokens[i].pos in {"NOUN", "PROPN", "NUM", "ADJ", "PRON"} for i in ids)


def _figure(text: str) -> bool:
    """Whether a phrase is a figure and nothing else ("four percent", "4.00%", "$3m", "12 March")."""
    return any(v.start == 0 and v.end == len(text) for found in typed_values(text).values() for v in found)


def _manner(q: Question, sentence: Sentence, tree: Tree, max_words: int) -> Value | None:
    """How something was done: the means or way a verb is said to be done by ("entered through A
    SKYLIGHT", "got in by FORCING A REAR DOOR", "reached them via A BOREHOLE", "USING STOLEN KEYS"),
    of the verb nearest the question's words; not a passive verb's doer ("drilled by a contractor")."""
    kids = tree.children
    near = anchors(tree, q, names=False)
    dist = tree.distances(near) if near else [0] * len(tree.tokens)
    found = []
    for i, t in enumerate(tree.tokens):
        word = t.text.lower()
        if t.dep == "prep" and word in lx.MANNER_PREPOSITIONS and tree.tokens[t.head].pos in {"VERB", "AUX"}:
            target = next((k for k in kids[i] if tree.tokens[k].dep in {"pobj", "pcomp"}), None)
            verb = t.head
        elif t.lemma.lower() in lx.MEANS_VERBS and t.tag == "VBG" and t.dep in {"advcl", "xcomp", "acl"}:
            target, verb = next((k for k in kids[i] if tree.tokens[k].dep == "dobj"), None), t.head
        else:
            continue
        if target is None:
            continue
        phrase = _phrase(tree, sentence, target, max_words - 1, kids, articles=True)
        if phrase is not None and t.tag == "VBG":   # "USING stolen keys": the verb says the means too
            phrase = Value("phrase", sentence.text[t.start:phrase.end], t.start, phrase.end)
        if phrase is not None:
            found.append((dist[verb], i, phrase))
    if not found:
        return None
    return min(found, key=lambda f: (f[0], f[1]))[2]


def restates(q: Question, found: Value, tree: Tree) -> bool:
    """Whether a short answer's verb or head is a word of the question's own (by stem): a cause
    that names the asked event ("three dead after the train DERAILS" for "what caused the
    derailment", "after the fire STARTED" for "what started the fire"). The things the question
    names may take part in a cause ("an overloaded ferry" for "why did the ferry capsize")."""
    asked = {stem(w) for w in q.content}
    ids = tree.tokens_in(found.start, found.end)
    head = tree.root_of(ids) if ids else None
    return any((tree.tokens[i].pos == "VERB" or i == head) and stem(tree.tokens[i].text.lower()) in asked
               for i in ids)


def _subtree(kids: list[list[int]], at: int) -> set[int]:
    out, stack = set(), [at]
    while stack:
        i = stack.pop()
        if i not in out:
            out.add(i)
            stack.extend(kids[i])
    return out


CLAUSES = {"ccomp", "conj", "advcl", "parataxis", "relcl", "xcomp"}


def _clause(tree: Tree, kids: list[list[int]], at: int) -> set[int]:
    """The tokens under `at` within its own clause (not the clauses hanging from it), but with
    "when ..." and the like: those say when, not what."""
    out, stack = set(), [at]
    while stack:
        i = stack.pop()
        if i in out:
            continue
        out.add(i)
        stack.extend(k for k in kids[i] if tree.tokens[k].dep not in CLAUSES - {"advcl"})
    return out


def _polar(q: Question, tree: Tree) -> Value:
    """'no' when a negation's head has one of the question's words (names aside) in its subtree,
    but not a verb that only spells a noun the question's clause is said of: "no workers STRUCK at
    the other plant" denies nothing of "did the union say the STRIKE was legal"."""
    subjects = {stem(s) for s in q.subjects}
    near = {i for i in anchors(tree, q, names=False)
            if tree.tokens[i].pos != "VERB" or stem(tree.tokens[i].lemma.lower()) not in subjects}
    near |= tree.uses(verb_noun_stems(q.verbs))   # "no DEATHS were reported" for "did anyone die"
    kids = tree.children
    for i, t in enumerate(tree.tokens):
        if _denies(tree, i) and t.lemma.lower() not in q.verbs:   # "ruling out a cyber attack": its object denied
            if _clause(tree, kids, i) & near:
                return Value("yesno", "no", t.start, t.start + len(t.text))
            continue
        # ("nummod": "absolutely no indication" in quotes, as the small model parses it)
        if t.dep == "neg" or t.lemma.lower() in lx.NEGATIONS and t.dep in {"det", "neg", "advmod", "nsubj", "dobj",
                                                                            "nsubjpass", "prep", "preconj", "nummod"}:
            head = t.head if t.dep != "prep" else i
            if tree.tokens[head].dep in {"nsubj", "nsubjpass"} and head != i:
                head = tree.tokens[head].head   # "no passengers were hurt": the whole clause is denied
            if _clause(tree, kids, head) & near:
                return Value("yesno", "no", t.start, t.start + len(t.text))
    return Value("yesno", "yes")


def _denies(tree: Tree, i: int) -> bool:
    """Whether token i is a verb that denies what it governs: "denied", "dismissed", "ruled out",
    "stopped short of"."""
    t = tree.tokens[i]
    if t.pos != "VERB":
        return False
    lemma = t.lemma.lower()
    return lemma in lx.DENIAL_VERBS or any(
        (lemma, tree.tokens[k].text.lower()) in lx.DENIAL_PHRASES for k in tree.children[i]
        if tree.tokens[k].dep in {"prt", "advmod", "acomp"})


def _quote(q: Question, sentence: Sentence, max_words: int) -> Value | None:
    """The first quoted span of two words or more that is not the question's own words."""
    asked = {w.lower() for w in q.words} | {w.lower() for w in q.content}
    for m in QUOTE_RE.finditer(sentence.text):
        text = m.group(1).strip(" ,.;:")
        words = text.split()
        if len(words) < 2 or len(words) > max_words:
            continue
        if all(re.sub(r"\W", "", w.lower()) in asked for w in words):
            continue
        start = sentence.text.index(text, m.start())
        return Value("quote", text, start, start + len(text))
    return None


def _phrase(tree: Tree, sentence: Sentence, head: int, max_words: int, kids: list[list[int]],
            preps: bool = False, articles: bool = False) -> Value | None:
    """The compact phrase headed by `head` (its modifiers and 'of' phrases, with `preps` those that
    say where it came from: "sparks FROM A MOWER"; not its clauses), leading articles left out."""
    keep, stack = set(), [head]
    while stack:
        i = stack.pop()
        keep.add(i)
        for k in kids[i]:
            t = tree.tokens[k]
            kept_prep = t.lemma.lower() == "of" or preps and t.lemma.lower() in lx.SOURCE_PREPOSITIONS
            if t.dep in PHRASE_STOPS and not (t.dep == "prep" and kept_prep):
                continue
            stack.append(k)
    # the unbroken run of the phrase around its head ("excessive speed, not the ..." stops at ","), but for
    # a comma between two of its adjectives ("a second, smaller tremor"), and a hyphened word whole
    # ("a group of OFF-PISTE skiers", whatever the parse made of "off")
    for i in range(1, len(tree.tokens) - 1):
        if tree.tokens[i].text == "," and i - 1 in keep and i + 1 in keep and tree.tokens[i - 1].pos == "ADJ" \
                and tree.tokens[i + 1].pos == "ADJ" and tree.tokens[i - 1].head == tree.tokens[i + 1].head:
            keep.add(i)
    for i in range(len(tree.tokens) - 2, 0, -1):
        if tree.tokens[i].text == "-" and i + 1 in keep and tree.joined(i - 1, i) and tree.joined(i, i + 1):
            keep.update((i - 1, i))
    ids = [head]
    while ids[0] - 1 in keep:
        ids.insert(0, ids[0] - 1)
    while ids[-1] + 1 in keep:
        ids.append(ids[-1] + 1)
    while ids and not articles and tree.tokens[ids[0]].text.lower() in ARTICLES | {"its", "their", "his", "her"}:
        ids = ids[1:]
    while ids and tree.tokens[ids[-1]].pos in {"PUNCT", "ADP", "CCONJ"}:
        ids = ids[:-1]
    if not ids or len(ids) > max_words:
        return None
    return _written(tree, sentence, ids)


def _written(tree: Tree, sentence: Sentence, ids: list[int]) -> Value:
    """The phrase from token ids[0] to token ids[-1], as the sentence writes it."""
    first, last = tree.tokens[ids[0]], tree.tokens[ids[-1]]
    start, end = first.start, last.start + len(last.text)
    return Value("phrase", sentence.text[start:end], start, end)


def _cause(sentence: Sentence, tree: Tree, max_words: int) -> Value | None:
    """The cause a sentence states, or None; a cause noun set before a colon is said by what follows
    it ("pointed to the same CULPRIT: services inflation")."""
    found = _stated_cause(sentence, tree, max_words)
    if found is None:
        return None
    ids = tree.tokens_in(found.start, found.end)
    if ids and tree.tokens[tree.root_of(ids)].lemma.lower() in lx.CAUSE_NOUNS:
        return _set_off(tree, sentence, ids[-1], max_words) or found
    return found


def _set_off(tree: Tree, sentence: Sentence, at: int, max_words: int, preps: bool = False) -> Value | None:
    """What the noun ending at token `at` names after a colon or a dash, up to the mark that closes it
    ("the same CULPRIT: services inflation", "the stated REASON - falling demand for parts - is true");
    None where no such mark follows it."""
    first = at + 2
    if first >= len(tree.tokens) or tree.tokens[at + 1].text not in SETTERS:
        return None
    end = next((j for j in range(first, len(tree.tokens)) if tree.tokens[j].text in SETTERS), None)
    return _introduced(tree, sentence, first, max_words, preps=preps, end=end)


def _introduced(tree: Tree, sentence: Sentence, first: int, max_words: int, preps: bool = False,
                end: int | None = None) -> Value | None:
    """The phrase that starts at token `first` (and ends before token `end`): the highest token from
    it on whose head lies before it or is itself ("because OF the city's density", "the culprit:
    SERVICES inflation")."""
    end = len(tree.tokens) if end is None else end
    head = first
    while tree.tokens[head].head != head and first <= tree.tokens[head].head < end:
        head = tree.tokens[head].head
    return _phrase(tree, sentence, head, max_words, tree.children, preps=preps, articles=True)


SETTERS = {":", "-", "\u2013", "\u2014"}   # marks that set off what a noun before them names
NOT_PARTS = CLAUSES - {"conj"} | {"appos", "acl", "punct"}   # dependents that are no part of a noun phrase's whole
# what a dispute is about is no place, time or figure: "a strike OVER the city", "a row OVER two days"
NOT_ABOUT = {"GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "QUANTITY", "PERCENT", "MONEY"}


def _on_phrase(tree: Tree, verb: int) -> list[int]:
    """The object of a verb's "on" ("blamed the closure ON falling orders"), or of the "on" the parse
    hangs from the verb's object ("pinned the decision ON inflation")."""
    kids = tree.children

    def on_of(at: int) -> list[int]:
        return [j for k in kids[at] if tree.tokens[k].dep == "prep" and tree.tokens[k].text.lower() == "on"
                for j in kids[k] if tree.tokens[j].dep == "pobj"]

    return on_of(verb) or [j for k in kids[verb] if tree.tokens[k].dep == "dobj" for j in on_of(k)]


def _stated_cause(sentence: Sentence, tree: Tree, max_words: int) -> Value | None:
    kids = tree.children
    low = sentence.text.lower()
    for i, t in enumerate(tree.tokens):   # "convicted FOR POLITICAL REASONS": a reason said with what kind it is
        if t.dep == "pobj" and t.lemma.lower() == "reason" and tree.tokens[t.head].text.lower() == "for" \
                and any(tree.tokens[k].dep in {"amod", "compound"} for k in kids[i]):
            found = _phrase(tree, sentence, i, max_words, kids)
            if found is not None:
                return found
    for marker in lx.CAUSE_MARKERS:   # "because of the city's high population density"
        m = re.search(rf"\b{re.escape(marker)}\b\s+", low)
        if not m:
            continue
        after = [i for i, t in enumerate(tree.tokens) if t.start >= m.end()]
        if not after:
            continue
        found = _introduced(tree, sentence, after[0], max_words)   # the phrase the marker introduces
        if found is not None and marker in lx.TEMPORAL_CAUSE_MARKERS and _verbs_only(tree, found):
            continue   # "failed after LIFTING off", "after BEING buried": what came before, said by a verb alone
        if found is not None:
            found.fields = {**found.fields, "marker": marker}
            return found
    for i, t in enumerate(tree.tokens):   # "the main reason for the move WAS persistent services inflation"
        if t.lemma.lower() == "be" and any(tree.tokens[k].dep == "nsubj" and tree.tokens[k].lemma.lower() in lx.CAUSE_NOUNS
                                           for k in kids[i]):
            said = [k for k in kids[i] if tree.tokens[k].dep == "attr"]
            if said:
                found = _phrase(tree, sentence, said[0], max_words, kids, articles=True)
                if found is not None:
                    return found
    for i, t in enumerate(tree.tokens):   # "the owners BLAMED rising costs", "ATTRIBUTED the crash TO a worn"
        lemma = t.lemma.lower()          # brake cable", "the official REASON, a shortage of staff,"
        on = _on_phrase(tree, i) if t.pos == "VERB" and lemma in lx.BLAME_ON_VERBS else []
        if on:
            said = on
        elif t.pos == "VERB" and lemma in lx.BLAME_VERBS:
            said = [k for k in kids[i] if tree.tokens[k].dep == "dobj" and tree.tokens[k].pos not in {"PRON", "PROPN"}]
        elif t.pos == "VERB" and lemma in lx.ASCRIBE_VERBS:
            said = [j for k in kids[i] if tree.tokens[k].dep == "prep" and tree.tokens[k].text.lower() == "to"
                    for j in kids[k] if tree.tokens[j].dep == "pobj"]
        elif t.pos == "NOUN" and lemma in lx.CAUSE_NOUNS:
            said = [k for k in kids[i] if tree.tokens[k].dep == "appos" and tree.tokens[k].pos == "NOUN"]
            found = None if said else _set_off(tree, sentence, i, max_words, preps=True)
            if found is not None:   # "the stated REASON - falling demand for parts - is true"
                return found
        else:
            continue
        found = _phrase(tree, sentence, said[0], max_words, kids, preps=True, articles=True) if said else None
        if found is not None:
            return found
    for i, t in enumerate(tree.tokens):   # "a downed power line sparked the blaze", "speed was the cause"
        lemma = t.lemma.lower()
        causing = t.pos == "VERB" and lemma in lx.CAUSE_VERBS
        # "speed was the CAUSE", "a botched update was BEHIND the failure", "a faulty valve could be TO BLAME"
        copula = lemma == "be" and any(tree.tokens[k].dep == "attr" and tree.tokens[k].lemma.lower() in lx.CAUSE_NOUNS
                                       or tree.tokens[k].dep == "prep" and tree.tokens[k].text.lower() == "behind"
                                       or tree.tokens[k].dep == "xcomp" and tree.tokens[k].lemma.lower() == "blame"
                                       for k in kids[i])
        # A causing verb causes something: "sparks ignited the grass", not "the fire that started on Monday".
        causing = causing and any(tree.tokens[k].dep in {"dobj", "ccomp", "xcomp"} for k in kids[i])
        if causing or copula:
            subjects = [k for k in kids[i] if tree.tokens[k].dep == "nsubj" and tree.tokens[k].tag not in {"WDT", "WP"}]
            if subjects:
                found = _phrase(tree, sentence, subjects[0], max_words, kids, preps=True, articles=True)
                if found is not None:
                    return found
    for i, t in enumerate(tree.tokens):   # "a strike OVER pay and class sizes", "resigned OVER the report"
        if t.dep == "prep" and t.text.lower() == "over" and tree.tokens[t.head].lemma.lower() in lx.DISPUTE_WORDS:
            about = [k for k in kids[i] if tree.tokens[k].dep == "pobj" and tree.tokens[k].ent not in NOT_ABOUT]
            if not about:
                continue
            # the whole of what it is about, with its other parts ("over PAY AND CLASS SIZES"), but no clause
            parts = [[k for k in ks if tree.tokens[k].dep not in NOT_PARTS] for ks in kids]
            ids = sorted(_subtree(parts, about[0]))
            while ids and tree.tokens[ids[-1]].pos in {"PUNCT", "ADP", "CCONJ"}:
                ids = ids[:-1]
            if ids and len(ids) <= max_words and ids == list(range(ids[0], ids[-1] + 1)):
                return _written(tree, sentence, ids)
    return None


def _definition(q: Question, sentence: Sentence, tree: Tree, max_words: int) -> Value | None:
    """What the asked name is, where the sentence says it: the noun set beside the name ("Ana
    Ruiz, a club SPOKESWOMAN,") or after "is" ("Blue Hour is a 1974 comedy FILM"), with the proper
    nouns before it and the nouns joined to it ("an actress and director"); its other modifiers are
    left out, so the answer is what the name is, not how the outlet describes it."""
    kids = tree.children
    named = {i for i, t in enumerate(tree.tokens) if t.pos == "PROPN" and fold_name(t.text) in q.name_words}
    for i in sorted(named):
        t = tree.tokens[i]
        heads = [k for k in kids[i] if tree.tokens[k].dep == "appos" and tree.tokens[k].pos in {"NOUN", "PROPN"}]
        if t.dep in {"nsubj", "nsubjpass"} and tree.tokens[t.head].lemma.lower() == "be":
            heads += [k for k in kids[t.head] if tree.tokens[k].dep == "attr" and tree.tokens[k].pos == "NOUN"]
        for head in heads:
            if head in named:
                continue
            ids = [head]
            while ids[0] - 1 >= 0 and tree.tokens[ids[0] - 1].head in ids and tree.tokens[ids[0] - 1].dep == "compound" \
                    and tree.tokens[ids[0] - 1].pos == "PROPN":
                ids.insert(0, ids[0] - 1)
            for k in kids[head]:
                if tree.tokens[k].dep == "conj" and tree.tokens[k].pos == "NOUN":
                    ids = list(range(ids[0], k + 1))
                    break
            if len(ids) <= max_words:
                return _written(tree, sentence, ids)
    return None


def _role(q: Question, sentence: Sentence, tree: Tree, max_words: int) -> Value | None:
    """The phrase in the role the question's "what" fills, under a word of the same lemma."""
    lemma, role, prep = q.asks
    kids = tree.children
    for i, t in enumerate(tree.tokens):
        if t.lemma.lower() != lemma:
            continue
        passive = any(tree.tokens[k].dep in {"nsubjpass", "auxpass"} for k in kids[i])
        # "taking responsibility FOR x": the preposition may hang from the verb's object
        heads = kids[i] + ([j for k in kids[i] if tree.tokens[k].dep == "dobj" for j in kids[k]] if role == "pobj" else [])
        for k in heads:
            dep = tree.tokens[k].dep
            target = None
            if role == "pobj" and dep == "prep" and tree.tokens[k].text.lower() == prep:
                target = next((j for j in kids[k] if tree.tokens[j].dep == "pobj"), None)
            elif role == "dobj" and (dep == "dobj" and not passive or dep == "nsubjpass"):
                target = k
            elif role == "nsubj" and dep == "nsubj" and not passive:
                target = k
            elif role == "nsubj" and dep == "agent":
                target = next((j for j in kids[k] if tree.tokens[j].dep == "pobj"), None)
            if target is not None and tree.tokens[target].pos not in {"PRON"}:
                found = _phrase(tree, sentence, target, max_words, kids)
                if found is not None:
                    return found
    return None
