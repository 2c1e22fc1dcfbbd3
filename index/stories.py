"""Grouping articles into stories (one event, several outlets), one article at a time as they arrive.

An article joins the story it shares most with, or starts a new one. What two reports of one
event share: their meaning (the mean of their sentence vectors) and their names (the people,
places and organisations they name). Neither alone separates stories: two fires read alike, and
a name like a country's is everywhere; their mean does. Pure functions over `Profile`s: the store
keeps the profiles and the memberships, this module only decides.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

import numpy as np

from .analysis import Analysis

# Entity labels that name something particular to an event; DATE, CARDINAL etc. are not names.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
_NAME_WORD = re.compile(r"[^\W\d_]{3,}")
_NOT_NAME_WORDS = frozenset({"the", "and", "for", "of"})
_INITIAL = re.compile(r"\b([^\W\d_])\.")   # a letter and its dot, as in "U.S." or "J. Doe"


@dataclass(frozen=True)
class StorySettings:
    """Every knob of the grouping, in one place. None is fitted to one story; see README for the
    measure (B-cubed over the suite's stories) and the margins around `join_at`."""

    # An article joins a story when the mean of (cosine of the article's and the story's mean
    # vectors) and (share of the article's name mentions the story's articles also use) reaches
    # this. Over the 30 suite articles, two articles of one story score at least 0.46, of two
    # stories at most 0.35 (pairwise, the worst case: a story of one article).
    join_at: float = 0.40
    # Weight of the names against the meaning in that mean (0.5: equal).
    name_weight: float = 0.5
    # An article published this many days away from every dated article of a story is another
    # event, however alike (the same canyon burning again next year). None: dates never decide.
    max_gap_days: int | None = 120
    # Names are compared with this many stories, those closest in meaning: placing an article in a
    # large archive costs one matrix product, not a comparison with every story.
    shortlist: int = 32


DEFAULT_SETTINGS = StorySettings()


@dataclass
class Profile:
    """What one article brings to the grouping."""

    doc_id: str
    centroid: np.ndarray              # mean sentence vector, unit length
    names: Counter                    # name word -> mentions ("strachley": 6)
    day: date | None = None           # publication date

    def names_json(self) -> dict[str, int]:
        return dict(self.names)


def name_words(analyses: Iterable[Analysis]) -> Counter:
    """The words of the names an article uses, with their mentions: "Lt. Euan Strachley" gives
    "euan" and "strachley", so that "Strachley" alone later meets it."""
    out: Counter = Counter()
    for analysis in analyses:
        for entity in analysis.entities:
            if entity.label in NAME_LABELS:
                out.update(_words_of(entity.text))
    return out


def words_of_name(name: str) -> set[str]:
    """The words a name is looked up by, as `name_words` keeps them ("Lt. Euan Strachley")."""
    return set(_words_of(name))


def _words_of(name: str) -> list[str]:
    return [w for w in _NAME_WORD.findall(name.lower()) if w not in _NOT_NAME_WORDS]


def headline_text(text: str) -> str:
    """A headline (or a word looked up among headlines) as the headline index keeps it: initials
    closed up, so that "U.S." is the word "US" as another headline writes it, not "U" and "S"."""
    return _INITIAL.sub(r"\1", text)


def profile_of(doc_id: str, vectors: np.ndarray, analyses: Iterable[Analysis], published: str | None) -> Profile:
    centroid = np.asarray(vectors, dtype=np.float32).mean(axis=0) if len(vectors) else np.zeros(1, np.float32)
    norm = float(np.linalg.norm(centroid))
    return Profile(doc_id, centroid / norm if norm else centroid, name_words(analyses), day_of(published))


def day_of(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


@dataclass
class Group:
    """A story as the grouping sees it: its members' profiles, summed."""

    story_id: str
    open: bool = True                 # False: a collection; only its owner adds to it
    doc_ids: list[str] = field(default_factory=list)
    vector_sum: np.ndarray | None = None
    names_in: Counter = field(default_factory=Counter)   # name word -> articles using it
    days: list[date] = field(default_factory=list)

    def add(self, profile: Profile) -> None:
        self.doc_ids.append(profile.doc_id)
        self.vector_sum = profile.centroid.copy() if self.vector_sum is None else self.vector_sum + profile.centroid
        self.names_in.update(set(profile.names))
        if profile.day is not None:
            self.days.append(profile.day)

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm else self.vector_sum


def similarity(profile: Profile, group: Group, settings: StorySettings = DEFAULT_SETTINGS) -> float:
    """How much an article shares with a story, in [0, 1] (about; a cosine can be below 0).

    Names count by the share of the story's articles that use them: in a story of many articles a
    name one of them mentions in passing says little about the story.
    """
    if group.vector_sum is None or profile.centroid.shape != group.vector_sum.shape:
        return 0.0
    meaning = float(profile.centroid @ group.centroid)
    mentions = sum(profile.names.values())
    members = len(group.doc_ids)
    names = (sum(n * group.names_in.get(w, 0) / members for w, n in profile.names.items()) / mentions
             if mentions else 0.0)
    return (1 - settings.name_weight) * meaning + settings.name_weight * names


def near_in_time(profile: Profile, group: Group, settings: StorySettings = DEFAULT_SETTINGS) -> bool:
    if settings.max_gap_days is None or profile.day is None or not group.days:
        return True
    return any(abs((profile.day - d).days) <= settings.max_gap_days for d in group.days)


def best_group(profile: Profile, groups: Iterable[Group], settings: StorySettings = DEFAULT_SETTINGS
               ) -> tuple[Group | None, float]:
    """The open story the article fits best, if it fits one (None otherwise), and the score."""
    best, best_score = None, -1.0
    for group in groups:
        if not group.open or not near_in_time(profile, group, settings):
            continue
        score = similarity(profile, group, settings)
        if score > best_score:
            best, best_score = group, score
    return (best, best_score) if best_score >= settings.join_at else (None, best_score)


def arrival_order(profiles: Iterable[Profile]) -> list[Profile]:
    """Articles ingested together arrive in publication order (undated last), then by id."""
    return sorted(profiles, key=lambda p: (p.day is None, p.day or date.min, p.doc_id))


BLOCK = 256   # articles whose meaning is compared with every story in one matrix product


def assign(profiles: Iterable[Profile], groups: list[Group], new_id, settings: StorySettings = DEFAULT_SETTINGS
           ) -> dict[str, str]:
    """Place each article, in arrival order, into the best open story or a new one (`new_id()`
    names it). `groups` grows in place; returns doc_id -> story_id for the articles placed."""
    placed = {}
    table = _Meanings(groups)
    ordered = arrival_order(profiles)
    for start in range(0, len(ordered), BLOCK):
        block = ordered[start:start + BLOCK]
        table.begin(block)
        for at, profile in enumerate(block):
            shortlist = [groups[i] for i in table.closest(at, profile.centroid, settings.shortlist)]
            group, _ = best_group(profile, shortlist, settings)
            if group is None:
                group = Group(new_id())
                groups.append(group)
            group.add(profile)
            table.update(group)
            placed[profile.doc_id] = group.story_id
    return placed


class _Meanings:
    """The stories' mean vectors (unit length) as one matrix, rows in the order of `groups`.

    A block of articles is compared with every story in one product; the few stories that change
    within the block are compared again, one by one.
    """

    def __init__(self, groups: list[Group]):
        self.groups = groups
        dims = {g.vector_sum.shape[0] for g in groups if g.vector_sum is not None}
        self.dim = max(dims) if dims else None
        self.rows = np.zeros((max(len(groups), 16), self.dim or 1), dtype=np.float32)
        self.row = {}
        for g in groups:
            self._put(g)

    def _put(self, group: Group) -> None:
        at = self.row.setdefault(id(group), len(self.row))
        if at >= len(self.rows):
            self.rows = np.vstack([self.rows, np.zeros_like(self.rows)])
        if group.vector_sum is not None and self.dim is not None and group.vector_sum.shape[0] == self.dim:
            self.rows[at] = group.centroid

    def begin(self, block: list[Profile]) -> None:
        if self.dim is None:
            dims = [p.centroid.shape[0] for p in block if p.centroid.shape[0] > 1]
            if dims:
                self.dim = dims[0]
                self.rows = np.zeros((len(self.rows), self.dim), dtype=np.float32)
                for g in self.groups:
                    self._put(g)
        self.known = len(self.row)
        self.changed: set[int] = set()
        queries = np.zeros((len(block), self.dim or 1), dtype=np.float32)
        for i, p in enumerate(block):
            if p.centroid.shape[0] == queries.shape[1]:
                queries[i] = p.centroid
        self.block_cosines = queries @ self.rows[:self.known].T   # (block, stories at its start)

    def closest(self, at: int, centroid: np.ndarray, k: int) -> list[int]:
        n = len(self.row)
        if n <= k or self.dim is None or centroid.shape[0] != self.dim:
            return list(range(n))
        cosines = np.full(n, -2.0, dtype=np.float32)
        cosines[:self.known] = self.block_cosines[at]
        fresh = sorted(self.changed | set(range(self.known, n)))
        if fresh:
            cosines[fresh] = self.rows[fresh] @ centroid
        return np.argpartition(-cosines, k)[:k].tolist()

    def update(self, group: Group) -> None:
        self._put(group)
        self.changed.add(self.row[id(group)])


# Cosines this close are one: two articles are always equally near their mean, and the float noise
# between them differs from machine to machine (the CPU's instructions, the runtime's kernels)
REPRESENTATIVE_TIE = 1e-6


def representative(group_profiles: list[Profile]) -> str | None:
    """The doc_id of the article closest to its story's mean: the one whose title names the story.
    Articles as close as `REPRESENTATIVE_TIE` are tied, and the last doc_id of them is taken, so a
    story is titled alike on every machine."""
    if not group_profiles:
        return None
    group = Group("")
    for p in group_profiles:
        group.add(p)
    centroid = group.centroid
    near = [(float(p.centroid @ centroid) if p.centroid.shape == centroid.shape else -1.0, p.doc_id)
            for p in group_profiles]
    best = max(cosine for cosine, _ in near)
    return max(doc_id for cosine, doc_id in near if cosine >= best - REPRESENTATIVE_TIE)
