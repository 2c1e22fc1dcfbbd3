"""The answer object: plain dataclasses that serialise to the contract's answer JSON."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Citation:
    n: int                 # the number the reader sees, [n]; unique within one Answer
    sentence_id: int       # the sentence's id in the index
    text: str              # the sentence exactly as it stands in its article
    score: float           # fused relevance, higher is better
    start: int = 0         # character span of the sentence in its article's text
    end: int = 0


@dataclass
class SourceAnswer:
    doc_id: str
    outlet: str
    published: str | None
    answer: str | None                  # the short value this source gives; None if the question asks for none
    citations: list[Citation] = field(default_factory=list)
    values: list[str] = field(default_factory=list)   # every value the source gives (The National: "3", "2")
    event: str | None = None            # ISO date of the event its values are about, when known


@dataclass
class DisagreementValue:
    value: str
    doc_ids: list[str]


@dataclass
class Disagreement:
    flag: bool = False
    summary: str = ""
    values: list[DisagreementValue] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    sources: list[SourceAnswer] = field(default_factory=list)      # only sources that address it, best first
    not_mentioned: list[str] = field(default_factory=list)         # doc_ids of sources that do not
    disagreement: Disagreement = field(default_factory=Disagreement)
    summary: str = ""                   # the short paragraph a reader sees first
    notices: list[str] = field(default_factory=list)  # e.g. "question cut to 1,000 characters"
    story_id: str | None = None         # the story the answer is given within (None: none addresses it)
    other_stories: list[str] = field(default_factory=list)   # other stories the question's best hits touched

    def to_dict(self) -> dict:
        return asdict(self)
