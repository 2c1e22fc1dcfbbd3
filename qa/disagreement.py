"""Group the sources by the value they give and flag only values that cannot both be true.

Not disagreements: two spellings of one name, "about 2,500" against "2,500" (the qualifier says
how exact a figure is, not which figure), and values about another event than the one compared.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .answer import Disagreement, DisagreementValue
from .extract import Value, roles_compatible
from .names import fullest, same_name

# Groups and places are named differently by outlets that agree (Hashd al-Shaabi is the PMF; a
# street, a district and a city can all be right), and so are kinds (a drone strike is an
# airstrike): their groups are shown, never flagged.
UNFLAGGED_KINDS = {"org", "place", "kind"}
_CLOCK = re.compile(r"\d{2}:\d{2}")


@dataclass
class SourceValue:
    """One source's main value for the question, with what the summary names it by."""

    doc_id: str
    outlet: str
    value: Value
    comparable: bool = True     # False: about another event than the others'


def compatible(a: Value, b: Value) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == "count":
        # "all of its occupants" has no figure to weigh against "three"
        return a.number is None or b.number is None or a.number == b.number
    if a.kind in {"person", "org", "place"}:
        return a.key == b.key or same_name(a.text, b.text)
    if a.kind == "role":
        return roles_compatible(a.key, b.key)
    if a.kind == "time" and not (_CLOCK.fullmatch(a.key) and _CLOCK.fullmatch(b.key)):
        return True   # "during the day" and "noon" can both be true; only two clock times can clash
    return a.key == b.key


def group(values: list[SourceValue]) -> list[list[SourceValue]]:
    """Sources whose values are compatible, largest group first (first-seen order within)."""
    groups: list[list[SourceValue]] = []
    for sv in values:
        home = next((g for g in groups if all(compatible(sv.value, other.value) for other in g)), None)
        if home is None:
            groups.append([sv])
        else:
            home.append(sv)
    return sorted(groups, key=lambda g: -len(g))


def _shown(g: list[SourceValue]) -> str:
    texts = [sv.value.text for sv in g]
    if g[0].value.kind in {"person", "org", "place"}:
        return fullest(texts)
    if g[0].value.kind == "count":
        return g[0].value.key   # the figure itself; qualifiers differ between outlets
    if g[0].value.kind == "role":
        return min(texts, key=len)
    return texts[0]


def _names(g: list[SourceValue]) -> str:
    outlets = [sv.outlet for sv in g]
    return outlets[0] if len(outlets) == 1 else ", ".join(outlets[:-1]) + " and " + outlets[-1]


def compare(values: list[SourceValue], topic: str) -> Disagreement:
    """The Disagreement over the comparable values; `topic` names what is compared ("Killed")."""
    comparable = [sv for sv in values if sv.comparable]
    groups = group(comparable)
    entries = [DisagreementValue(value=_shown(g), doc_ids=[sv.doc_id for sv in g]) for g in groups]
    if len(groups) < 2 or comparable[0].value.kind in UNFLAGGED_KINDS:
        return Disagreement(flag=False, summary="", values=entries)
    parts = [f"{_names(g)} {'say' if len(g) > 1 else 'says'} {_shown(g)}" for g in groups]
    summary = f"{topic}: the sources disagree. " + "; ".join(parts) + "."
    return Disagreement(flag=True, summary=summary, values=entries)


def grouped_line(disagreement: Disagreement, topic: str, outlets: dict[str, str]) -> str:
    """ "Killed: 3 - The New York Times, The National; 2 - UPI, AFP" """
    parts = [f"{v.value} - {', '.join(outlets.get(d, d) for d in v.doc_ids)}" for v in disagreement.values]
    return f"{topic}: " + "; ".join(parts)
