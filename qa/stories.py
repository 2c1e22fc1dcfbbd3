"""Answering within one story: the question's closest sentences across the archive choose the story.

An archive holds many events; a question is about one ("How many were killed in the derailment?").
Its best dense hits over the whole index (the archive's top k, index.vectors) vote for the stories
they belong to; the question is then answered by an `Answerer` over that story's articles alone,
read into memory when first asked about (`Archive.snapshot`) and kept among the recently used, so
that its sources, its `not_mentioned` and what counts as a rare name are the story's, not the
archive's, and the cost of a question follows its story, not the archive. Stories the hits also
touched are named in the answer (`other_stories`), for the reader to switch to.

Closeness alone cannot tell stories apart when a question says only "the attack" and two stories
report attacks: stories whose closeness ties with the closest (`ChoiceSettings.tie`) are judged by
how well each answers (at most `judged` of them, so the cost follows the question, never the
archive); so are, when the closest story's headlines use none of the question's words, stories
whose headlines do ("the attack" of a story headlined "Ransomware attack shuts ..."): those of the
closest few, then those the archive's headline index finds (`Archive.headlined`: a lookup of the
question's words, however far the story's sentences are from the question's closest), and then one
of those answers when any can. A story whose articles use none of the words of
the names a question gives ("Who won the Super Bowl?") is not what it is about; when no story is
left, no story answers.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index import default_index_dir
from index.store import Archive, Story
from index.stories import words_of_name

from .answer import Answer
from .answering import Answerer, Caches, Decision, clean_question
from .lexicon import MONTHS, WEEKDAYS
from .render import summarize
from .values import date_values, fold_name
from . import settings as settings_module
from .settings import Settings
from .shared_words import SharedWords


JUDGED_KEPT = 64   # judged stories whose decisions are kept for the answer (questions in flight: a few each)


class NoSuchStory(ValueError):
    """The story or collection a question was asked within is not in the index."""


@dataclass(frozen=True)
class ChoiceSettings:
    """How the hits choose a story."""

    # The question's closest sentences over the whole archive: the pool the stories are judged by,
    # each text once (the `pool` closest are read to find them: a wire sentence reprinted by many
    # outlets would otherwise fill the pool with one story's copies).
    hits: int = 50
    pool: int = 200
    # A story's score: the mean of its best this-many sentences in the pool (fewer count as 0).
    # A mean, not a sum, so that a story's size does not outvote a closer, smaller story.
    per_story: int = 3
    # Another story counts as touched when one of its sentences is this close to the best hit's
    # cosine: near enough that the question might be about it.
    touch_margin: float = 0.08
    # Stories whose score is within this of the best story's are tied by meaning (0.03 of cosine:
    # "the attack" of two stories that both report attacks): each answers, and the one that answers
    # best is chosen (`answer_strength`). The suite is routed alike for any tie up to 0.045 (0.015
    # to 0.045 without the headlines); 0.05 sends a question to a story that answers it falsely.
    tie: float = 0.03
    # At most this many stories are judged, tied or headlined (the closest first): the cost of a question.
    judged: int = 3
    # ... and however many the tie takes, this many headlined ones besides (copies of one story, or
    # near copies, can tie with each other and fill `judged`).
    headlined: int = 1
    # A story answers as well as the mean address probability of its best this-many documents: a
    # story several outlets answer beats one whose single source happens to score high.
    corroboration: int = 2
    # When the chosen story has no source for the question, answer within the first touched
    # story that has one (the reader asked about "the strike" of another story, say).
    fall_back: bool = False
    # Stories kept in memory, ready to answer (the most recently asked about).
    kept: int = 32
    # Named stories the hits do not reach are judged one by one, when there are at most this many.
    named: int = 8
    # When the closest story's headlines use none of the question's words, the headline index is
    # searched for stories whose headlines name what it is about: its best this-many matches are
    # read, and the closest in meaning of them judged (a word like "attack" may head thousands).
    headline_pool: int = 32


@dataclass
class StoryChoice:
    story_id: str | None                                # the story the hits point to (None: empty index)
    touched: list[str] = field(default_factory=list)    # other stories the best hits reach, best first
    scores: dict[str, float] = field(default_factory=dict)
    tied: list[str] = field(default_factory=list)       # the closest and the stories tied with it, closest first
    # When the closest story's headlines use none of the question's words: stories whose headlines do
    # ("the attack" of a story headlined "Ransomware attack shuts ..."), found as `_headlined` says.
    headlined: list[str] = field(default_factory=list)
    strengths: dict[str, float] = field(default_factory=dict)   # how well each judged story answers
    unnamed: str | None = None    # the nearest story, when none of the closest names what the question names


def choose(archive: Archive, query: np.ndarray, settings: ChoiceSettings = ChoiceSettings(),
           eligible: set[str] | None = None, hits=None) -> StoryChoice:
    """The story whose best sentences among the question's `hits` closest come closest to it.
    With `eligible`, only those stories can be chosen (any story may still be touched)."""
    if hits is None:
        hits = archive.hits(query, settings.hits, settings.pool)
    tops: dict[str, list[float]] = {}
    for hit in hits:
        if hit.story_id is not None:
            tops.setdefault(hit.story_id, []).append(hit.score)
    ranked = {s: sum(t[:settings.per_story]) / settings.per_story for s, t in tops.items()
              if eligible is None or s in eligible}
    if not ranked and eligible:   # the named stories are not among the hits: judge them on their own
        for story_id in sorted(eligible):
            closeness = archive.snapshot(archive.story(story_id).doc_ids).vectors @ query
            best = np.sort(closeness)[::-1][:settings.per_story]
            ranked[story_id] = float(best.sum()) / settings.per_story
    if not ranked:
        return StoryChoice(None)
    chosen = max(sorted(ranked), key=lambda s: ranked[s])
    top = max((t[0] for t in tops.values()), default=0.0)
    touched = [s for s in sorted(tops, key=lambda s: -tops[s][0])
               if s != chosen and tops[s][0] >= top - settings.touch_margin]
    return StoryChoice(chosen, touched, ranked, tied_with(ranked, sorted(ranked, key=lambda s: (-ranked[s], s)), settings))


def tied_with(scores: dict[str, float], order: list[str], settings: ChoiceSettings, keep=None) -> list[str]:
    """The first story of `order` (`keep` says which may be kept) and those after it whose score is
    within `settings.tie` of its score, at most `settings.judged` stories looked at in all."""
    out: list[str] = []
    for story_id in order[:max(1, settings.judged)]:
        if out and scores[story_id] < scores[out[0]] - settings.tie:
            break
        if keep is None or keep(story_id):
            out.append(story_id)
    return out


def answer_strength(decisions: list[Decision], corroboration: int) -> float:
    """How well one story answers: the mean address probability of its best `corroboration`
    documents (all of them when it has fewer); 0.0 when none of them addresses the question."""
    if not any(d.addresses for d in decisions):
        return 0.0
    best = sorted((d.score for d in decisions), reverse=True)[:max(1, corroboration)]
    return sum(best) / len(best)


class StoryAnswerer:
    """Answers each question within one story of the archive, with an Answerer over that story."""

    def __init__(self, archive: Archive, embedder, nlp, settings: Settings | None = None,
                 choice: ChoiceSettings = ChoiceSettings()):
        self.store = archive
        self.embedder, self.nlp = embedder, nlp
        self.answer_settings = settings
        self.settings = choice
        # The question is encoded and parsed once, for every story; the words its fits compare are
        # shared with the other processes answering from this index folder (the app's workers).
        shared = SharedWords.open(archive.index_dir, embedder, (settings or Settings()).shared_words)
        self.caches = Caches(embedder, nlp, shared)
        self._encode = self.caches.encode
        self._answerers: OrderedDict[str, Answerer] = OrderedDict()
        # (story, question, mode) -> the answerer that judged the story and its decisions, for
        # `_within` to answer with rather than decide again (the most recent JUDGED_KEPT)
        self._judged: OrderedDict[tuple[str, str, str], tuple] = OrderedDict()
        # story -> the words its articles use
        self._words: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str | None, threading.Lock] = {}   # story -> held while its answerer is built

    @classmethod
    def open(cls, index_dir: str | os.PathLike | None = None, settings: Settings | None = None,
             choice: ChoiceSettings = ChoiceSettings()) -> "StoryAnswerer":
        from index import Embedder, load_nlp

        archive = Archive.open(index_dir)   # raises IndexNotFound, saying how to ingest
        return cls(archive, Embedder(archive.model, threads=1, runtime="onnx"), load_nlp(), settings, choice)

    def is_current(self) -> bool:
        return self.store.is_current()

    def answerer(self, story_id: str | None = None) -> Answerer:
        """The Answerer over one story's articles (None: the whole index, for an index of one story)."""
        with self._lock:
            found = self._answerers.get(story_id)
            if found is not None:
                self._answerers.move_to_end(story_id)
                return found
            building = self._building.setdefault(story_id, threading.Lock())
        with building:   # questions arriving at once for one story build its answerer once, not each
            with self._lock:
                found = self._answerers.get(story_id)
            if found is None:
                doc_ids = None if story_id is None else self.store.story(story_id).doc_ids
                found = Answerer(self.store.snapshot(doc_ids), self.embedder, self.nlp, self.answer_settings,
                                 self.caches)
            with self._lock:
                self._answerers[story_id] = found
                self._answerers.move_to_end(story_id)
                while len(self._answerers) > self.settings.kept:
                    self._answerers.popitem(last=False)
                if self._building.get(story_id) is building:
                    del self._building[story_id]
        return found

    def ask(self, question: str, mode: str = "hybrid", story: str | None = None,
            collection: str | None = None) -> Answer:
        """The answer within the story the question is about, or within `story` (an id) or
        `collection` (a name) when given; ValueError naming what is unknown."""
        text, _ = clean_question(question)
        fixed = self._fixed(story, collection)
        if fixed is None and self.store.story_count() <= 1:   # one story: the whole index, exactly as before
            answer = self.answerer().ask(question, mode=mode)
            stories = self.store.stories
            answer.story_id = stories[0].story_id if stories and answer.sources else None
            return answer
        # The question encoded beside its parse, and the words its answer will need, once for every story.
        self.caches.begin(text, settings_module.for_mode(mode, self.answer_settings))
        choice = self.choice(text, mode) if fixed is None else self.choice(text, mode, judge=False)
        if fixed is None and choice.unnamed is not None:   # no story names what the question names
            return self._unanswered(question, choice)
        chosen = fixed or choice.story_id
        others = [s for s in [choice.story_id] + choice.tied + choice.headlined + choice.touched
                  if s is not None and s != chosen]
        others = list(dict.fromkeys(others))
        answer = self._within(chosen, question, mode)
        if not answer.sources and fixed is None and self.settings.fall_back:
            for other in others:
                tried = self._within(other, question, mode)
                if tried.sources:
                    answer, chosen = tried, other
                    others = [s for s in [choice.story_id] + choice.touched if s != chosen]
                    break
        story = self.store.story(chosen)
        answer.story_id = chosen if answer.sources else None
        answer.other_stories = others
        answer.notices.append(story_notice(story, [self.store.story(s) for s in others], bool(answer.sources)))
        return answer

    def choice(self, question: str, mode: str = "hybrid", judge: bool = True) -> StoryChoice:
        """Which story the question is about, and which others it touches: its best hits choose
        (`choose`), among the stories that use a word of the names it gives; stories tied with
        the closest, and when the closest's headlines use none of the question's words stories
        whose headlines do (`_headlined`), are judged by how well each answers (`judge`; at most
        `ChoiceSettings.judged` stories in all). `unnamed` is set when none of the closest few
        stories uses a word of the question's names."""
        text, _ = clean_question(question)
        query = self._encode(text)
        hits = self.store.hits(query, self.settings.hits, self.settings.pool)
        choice = choose(self.store, query, self.settings,
                        self.naming(text, {h.story_id for h in hits if h.story_id is not None}), hits)
        if choice.story_id is None or not judge:
            return choice
        order = sorted(choice.scores, key=lambda s: (-choice.scores[s], s))
        names = self._asked_name_words(text)
        # A story none of whose articles uses a word of the question's names is not what it is about.
        # Read closest first, and only as far as the tie reaches (at most `judged`): the cost of a
        # question, not of the archive.
        choice.tied = tied_with(choice.scores, order, self.settings,
                                (lambda s: self._uses_any(s, names)) if names else None)
        if not choice.tied:
            choice.unnamed, choice.story_id = choice.story_id, None
            return choice
        choice.story_id = choice.tied[0]
        # A question's topic ("the attack") is the event its story's headlines name: when the closest
        # story's headlines use none of its words, stories whose headlines do are judged too.
        topic = self._topic_words(text)
        if topic and not self.store.headlined(topic, among=[choice.story_id]):
            choice.headlined = self._headlined(text, query, order, choice.tied, names)
        judged = choice.tied + choice.headlined
        if len(judged) > 1:
            for story_id in judged:
                choice.strengths[story_id] = self.strength(story_id, text, mode)
            # The headlines name the event a question is about: when the closest story's do not and
            # others' do, one of those answers it if any can; the strongest answerer otherwise.
            named = [s for s in choice.headlined if choice.strengths[s] > 0.0]
            best = max(named or judged, key=lambda s: choice.strengths[s])   # an equal strength keeps the closer
            if choice.strengths[best] > 0.0:   # none answers: the closest, which then cites nothing
                choice.story_id = best
        choice.touched = [s for s in choice.touched if s != choice.story_id]
        return choice

    def _headlined(self, text: str, query: np.ndarray, order: list[str], tied: list[str],
                   names: set[str]) -> list[str]:
        """The stories to judge beside the `tied` ones because their headlines use the question's
        words, at most `judged` stories in all (`headlined` at least): first those of the closest
        few whose headlines use any of its words, then, found in the headline index over the whole
        archive (at most `headline_pool` of them read), those whose
        headlines use a word of what it is about (its words but its verbs: "the attack", not
        "claimed"), the closest in meaning first. When the question gives names, a story whose
        articles leave out a word of them that the closest story's use is none of them (a
        headline that shares "Valley" with "Harrowgate Valley Rail" does not make its story the
        one about Harrowgate Valley Rail)."""
        room = max(max(1, self.settings.judged) - len(tied), self.settings.headlined)
        if room <= 0:
            return []
        closest = [s for s in order[:max(1, self.settings.judged)] if s not in tied]
        found = self.store.headlined(self._topic_words(text), among=closest)
        about = self._about_words(text)
        pool = [s for s in self.store.headlined(about, limit=self.settings.headline_pool)
                if s not in tied and s not in found] if about else []
        if pool:
            vectors = self.store.story_vectors(pool)
            closeness = {s: float(v @ query) if v.shape == query.shape else -1.0 for s, v in vectors.items()}
            found += sorted(pool, key=lambda s: (-closeness.get(s, -1.0), s))
        named = names & self._story_words(tied[0]) if names else set()
        out = []
        for story_id in found:   # read one by one, and only as far as the room reaches: the cost of a question
            if len(out) == room:
                break
            if not names or (named <= self._story_words(story_id) if named else self._uses_any(story_id, names)):
                out.append(story_id)
        return out

    def strength(self, story_id: str, text: str, mode: str = "hybrid") -> float:
        """How well a story answers the question (`answer_strength` of its answerer's decisions)."""
        answerer = self.answerer(story_id)
        decided = answerer.decisions(text, mode)
        with self._lock:
            self._judged[(story_id, text, mode)] = (answerer, decided)
            while len(self._judged) > JUDGED_KEPT:
                self._judged.popitem(last=False)
        return answer_strength(decided[2], self.settings.corroboration)

    def _asked_name_words(self, text: str) -> set[str]:
        """The words of the names the question gives, dates, months and weekdays aside ("Super
        Bowl" -> super, bowl; "the February 7 strike" names no word: a report of it may say "Wednesday")."""
        names = [n for n in self.caches.question(text).names if not date_values(n)]
        words = {fold_name(w) for n in names for w in words_of_name(n)}   # "José" meets "Jose"
        return {w for w in words if w and w not in MONTHS and w not in WEEKDAYS}

    def _topic_words(self, text: str) -> list[str]:
        """The question's content words ("attack", "detect" of "When was the attack first detected?"),
        as the headline index looks them up (in any form: "attacks" meets "attack")."""
        return list(self.caches.question(text).content)

    def _about_words(self, text: str) -> list[str]:
        """What the question is about, as a headline would name it: its content words but its verbs
        ("group", "responsibility", "attack" of "Which group claimed responsibility for the attack?")."""
        q = self.caches.question(text)
        return [w for w in q.content if w not in q.verbs]

    def _uses_any(self, story_id: str, words: set[str]) -> bool:
        """Whether any article of the story uses any of these words (as a word, in any case)."""
        return not self._story_words(story_id).isdisjoint(words)

    def _story_words(self, story_id: str) -> frozenset[str]:
        """The words a story's articles use."""
        with self._lock:
            found = self._words.get(story_id)
        if found is None:   # read from the archive by id: no answerer is built for a story only looked at
            found = frozenset(w for doc_id in self.store.story(story_id).doc_ids
                              for w in fold_name(self.store.text(doc_id)).split())
            with self._lock:
                self._words[story_id] = found
                while len(self._words) > self.settings.kept:
                    self._words.popitem(last=False)
        return found

    def _unanswered(self, question: str, choice: StoryChoice) -> Answer:
        """No story addresses the question: no sources, no story, the nearest stories to switch to."""
        text, notices = clean_question(question)
        answer = Answer(question=text, notices=notices)
        summarize(answer)
        answer.other_stories = list(dict.fromkeys(s for s in [choice.unnamed] + choice.touched if s is not None))
        given = [n for n in self.caches.question(text).names
                 if not date_values(n) and words_of_name(n) - MONTHS.keys() - WEEKDAYS.keys()]
        # "the Super Bowl" and "Super Bowl" are one name: the shortest spelling is shown
        names = ", ".join(f"\u201c{n}\u201d" for n in dict.fromkeys(given) if not any(m != n and m in n for m in given))
        nearest = self.store.story(choice.unnamed)
        answer.notices.append(f"None of the stories closest to the question names {names}; the nearest is story "
                              f"{nearest.story_id} \u201c{nearest.title or nearest.story_id}\u201d.")
        return answer

    def _within(self, story_id: str, question: str, mode: str) -> Answer:
        """The answer within one story; from the decisions `strength` made when it judged the story."""
        text, notices = clean_question(question)
        with self._lock:
            judged = self._judged.pop((story_id, text, mode), None)
            for other in [k for k in self._judged if k[1:] == (text, mode)]:   # the stories not chosen
                del self._judged[other]
        if judged is None:
            return self.answerer(story_id).ask(question, mode=mode)
        answerer, decided = judged
        return answerer.answer(text, notices, *decided)

    def naming(self, text: str, among: set[str]) -> set[str] | None:
        """The stories a question naming something ("Keston", "Ilse Brandvold") can be about:
        those whose articles name the most of its names' words (index.store `name_words`), and
        of those, the ones among `among` (the stories its hits reach) when there are any. None when
        no name narrows it: no story names them, every story does, or so many do that judging
        them one by one would cost more than `ChoiceSettings.named`."""
        names = self.caches.question(text).names   # the answerers' parse, cached: parsed once
        words = set().union(*(words_of_name(name) for name in names)) if names else set()
        if not words:
            return None
        uses = self.store.naming(words)
        if not uses:
            return None
        most = max(uses.values())
        eligible = {story_id for story_id, n in uses.items() if n == most}
        if len(eligible) >= self.store.story_count():
            return None
        reached = eligible & among
        if reached:
            return reached
        return eligible if len(eligible) <= self.settings.named else None

    def _fixed(self, story: str | None, collection: str | None) -> str | None:
        if story is not None and collection is not None:
            raise ValueError("give a story or a collection, not both")
        wanted = story if story is not None else collection
        if wanted is None:
            return None
        try:
            found = self.store.story(wanted)
        except KeyError:
            what = "story" if story is not None else "collection"
            shown = wanted if wanted.strip() else repr(wanted)   # "'': no such story", not ": no such story"
            raise NoSuchStory(f"{shown}: no such {what} in {self.store.index_dir} (see `claimqa stories`)") from None
        if collection is not None and not found.collection:
            raise ValueError(f"{wanted}: a story the index grouped, not a collection; use --story {wanted}")
        return wanted


def story_notice(chosen: Story, others: list[Story], answered: bool) -> str:
    """One line for the reader: which story the answer is from, which others the question touches."""
    def named(story: Story) -> str:
        return f"{story.story_id} \u201c{story.title or story.story_id}\u201d"

    where = f"Answered within story {named(chosen)}" if answered else f"Searched story {named(chosen)}"
    where += f" ({len(chosen.doc_ids)} article{'s' if len(chosen.doc_ids) != 1 else ''})"
    if others:
        where += "; the question also touches " + ", ".join(named(s) for s in others)
    return where + "."


_answerers: dict[str, StoryAnswerer] = {}
_answerers_lock = threading.Lock()


def ask(question: str, index_dir: str | os.PathLike | None = None, mode: str = "hybrid",
        story: str | None = None, collection: str | None = None) -> Answer:
    """`answering.ask` within one story: opened once per index folder, reopened after an ingest."""
    clean_question(question)
    key = str(Path(index_dir if index_dir is not None else default_index_dir()).resolve())
    with _answerers_lock:
        answerer = _answerers.get(key)
        if answerer is None or not answerer.is_current():
            answerer = _answerers[key] = StoryAnswerer.open(index_dir)
    return answerer.ask(question, mode=mode, story=story, collection=collection)
