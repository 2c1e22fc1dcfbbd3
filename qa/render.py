"""What the reader sees: one short paragraph (Answer.summary) and a plain-text rendering."""
from __future__ import annotations

import re

from .answer import Answer
from .question import Question


def _cites(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def stated(values: list[str | None]) -> re.Pattern | None:
    """Where a sentence states one of these values word for word (any case, whole words), longest
    first: what the paragraph cites an answer by and what the page marks in a cited sentence."""
    words = [re.escape(v) for v in dict.fromkeys(values) if v]
    if not words:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(sorted(words, key=len, reverse=True))})(?!\w)", re.IGNORECASE)


def _cited_for(source, derived: bool = False) -> str:
    """A short answer is cited by the sentences that state it word for word; the source's other
    cited sentences follow as "see also". A derived answer (a yes or no) cites them all."""
    said = None if derived else stated([source.answer])
    stating = [c.n for c in source.citations if said and said.search(c.text)]
    rest = [c.n for c in source.citations if c.n not in stating]
    if not stating or not rest:
        return _cites([c.n for c in source.citations])
    return f"{_cites(stating)}; see also {_cites(rest)}"


def summarize(answer: Answer, question: Question | None = None) -> str:
    """Disagreement first, then each outlet's short answer with its citation numbers, then who is silent."""
    if not answer.sources:
        answer.summary = "No source addresses this question."
        return answer.summary
    parts = []
    if answer.disagreement.flag:
        parts.append(answer.disagreement.summary)
    for source in answer.sources:
        said = f": {source.answer}" if source.answer else ""
        when = f", {source.published}" if source.published else ""
        other_event = ""
        if source.event and answer.disagreement.values and not any(
                source.doc_id in v.doc_ids for v in answer.disagreement.values) and source.answer:
            other_event = f" (about the events of {source.event})"
        parts.append(f"{source.outlet} ({source.doc_id}{when}){said}{other_event} "
                     f"{_cited_for(source, derived=question is not None and question.form == 'polar')}.")
    if answer.not_mentioned:
        parts.append(f"Not mentioned by: {_join(answer.not_mentioned)}.")
    answer.summary = " ".join(parts)
    return answer.summary


def as_text(answer: Answer) -> str:
    """The answer for a terminal: the paragraph, then every numbered sentence as it stands."""
    lines = [f"Q: {answer.question}", ""]
    lines += [f"note: {notice}" for notice in answer.notices]
    if answer.notices:
        lines.append("")
    lines.append(answer.summary or summarize(answer))
    citations = [(c, s) for s in answer.sources for c in s.citations]
    if citations:
        lines.append("")
    for citation, source in citations:
        when = f", {source.published}" if source.published else ""
        # No quotation marks of ours: many sentences open or close a quotation of their own.
        lines.append(f"[{citation.n}] {source.outlet}{when}: {citation.text}")
    return "\n".join(lines)
