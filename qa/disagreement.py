"""Group the sources by the value they give and flag only values that cannot both be true.

Not disagreements: two spellings of one name, "about 2,500" against "2,500" (a qualifier says how
exact a figure is, not which figure), one figure in two units ("10,400 acres" and "4,200
hectares"), one clock time in words and digits, two kinds or causes near in meaning ("football"
and "soccer", "hockey" and "ice hockey", "a downed power line" and "a fallen power line";
"snooker" and "badminton", "sparks from a mower" and "a power line" are disagreements), values
extracted without confidence (a flag made
of an extraction error is worse for a reader than a missed one; a value fitting the question that
another source gives too is confident, however far down its article it sits), and two values
each source states both of: an outlet that gives "900" as its answer but also says "2,500" near
the question is not in dispute with one that says "2,500" (most often the question picked one of
two figures the outlet gives, "900 troops in Syria and 2,500 in Iraq").
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .answer import Disagreement, DisagreementValue
from .values import NAMES, Value, compatible, name_words, same_value

MEANT = {"thing", "cause"}   # kinds compared by meaning: "what sport", "what caused it" (`_clash`)
UNFLAGGED_KINDS = {"name"}   # "the name of the ferry": the small model's labels make a ship's operator or a place
                            # look like one more name for it (each source's name is still listed, unflagged)


@dataclass
class SourceValue:
    """One source's main value for the question, with what the summary names it by."""

    doc_id: str
    outlet: str
    value: Value
    comparable: bool = True     # False: extracted without the confidence a flag needs
    fits: bool = False          # its value fits the question as a flag needs, whatever its sentence's score
                                # (`fits`): then another source's same value makes it confident (`compare`)
    stated: tuple[Value, ...] = ()   # the values the source surely states near the question (`surely_stated`)


def group(values: list[SourceValue], kinds_apart: float = 0.0) -> list[list[SourceValue]]:
    """Sources whose values say one thing (`same_value`; kinds and causes also when their meanings
    are at least `kinds_apart` alike, "a downed power line" and "a fallen power line"), largest
    group first: "$2.3 billion" and "$34.50 a share" can both be true, but they are two answers to
    show, not one."""
    groups: list[list[SourceValue]] = []
    for sv in values:
        home = next((g for g in groups if all(_alike(sv.value, other.value, kinds_apart) for other in g)), None)
        if home is None:
            groups.append([sv])
        else:
            home.append(sv)
    return sorted(groups, key=lambda g: -len(g))


def _alike(a: Value, b: Value, kinds_apart: float) -> bool:
    if same_value(a, b):
        return True
    likeness = _likeness(a, b, kinds_apart)
    return likeness is not None and likeness >= kinds_apart


def _likeness(a: Value, b: Value, kinds_apart: float) -> float | None:
    """How alike in meaning two kinds or two causes are, where a flag weighs them so (`kinds_apart`
    above 0, both embedded, neither the asked noun with a modifier); None elsewhere."""
    if a.kind not in MEANT or a.kind != b.kind or kinds_apart <= 0 or a.vector is None or b.vector is None \
            or a.fields.get("focus_phrase") or b.fields.get("focus_phrase"):
        return None
    return float(a.vector @ b.vector)


def surely_stated(stated: Iterable[Value], fit_min: float) -> tuple[Value, ...]:
    """The values a source states near the question that fit it at least `fit_min`, the bar a value
    must reach to be weighed at all (`comparable`): a figure too unsure to be weighed against
    another source's is too unsure to excuse a dispute ("children aged five to 17 months" does not
    state "five" countries; "the three lines it runs" does not state three dead)."""
    return tuple(v for v in stated if v.score >= fit_min)


def states(sv: SourceValue, value: Value) -> bool:
    """Whether the source states this value too, among the values near the question: the same
    figure, name, day or time, not merely one that cannot be compared with it. One word of a longer
    name that is itself the name of another kind of thing does not state it: a town's name
    ("Tarnley's race") states no "Tarnley County Board of Elections"; nor does a decade a year."""
    return any(same_value(v, value) and not _part_of(v, value) and not _vaguer(v, value) for v in sv.stated)


def _part_of(v: Value, whole: Value) -> bool:
    return v.fields.get("label_fit", 0.0) < 0 and len(name_words(v.text)) == 1 < len(name_words(whole.text))


def _vaguer(v: Value, other: Value) -> bool:
    """A decade does not state a year in it: "the early 1920s" near the question is no "1926"."""
    return "decade" in v.fields and "decade" not in other.fields


def fits(value: Value, fit_min: float, measure_min: float = 0.0, thing_min: float = 0.0) -> bool:
    """Whether a source's value fits the question enough to be weighed against another's: at least
    `fit_min` (a measure at least `measure_min` too: "50 knots" of the wind, fitting "how fast was
    the ferry" little, is no second answer to it; a "what X" kind at least `thing_min`), and its
    sentence is not about another place than the question's (a value about another place is not
    weighed against this one)."""
    least = max(fit_min, {"measure": measure_min, "thing": thing_min}.get(value.kind, fit_min))
    return value.score >= least and not value.fields.get("elsewhere")


def comparable(value: Value, fused: float, fit_min: float, fused_min: float, measure_min: float = 0.0,
               thing_min: float = 0.0) -> bool:
    """Whether a source's value is sure enough to be weighed against another's on its own: it
    `fits`, and its sentence's fused score reaches `fused_min`."""
    return fits(value, fit_min, measure_min, thing_min) and fused >= fused_min


def weighed(doc_id: str, outlet: str, value: Value, fused: float, stated: Iterable[Value], fit_min: float,
            fused_min: float, measure_min: float = 0.0, thing_min: float = 0.0) -> SourceValue:
    """A source's value with what a flag weighs of it, by the flag's cut-offs: whether it is sure
    on its own (`comparable`; `fused`: its sentence's score), whether it `fits`, and the values the
    source surely states near the question (`stated`, those `surely_stated`)."""
    return SourceValue(doc_id, outlet, value, comparable=comparable(value, fused, fit_min, fused_min, measure_min,
                                                                    thing_min),
                       fits=fits(value, fit_min, measure_min, thing_min), stated=surely_stated(stated, fit_min))


def disputed(a: SourceValue, b: SourceValue, kinds_apart: float = 0.0) -> bool:
    """Two sources are in dispute when their values cannot both be true and neither states the other's."""
    return _clash(a.value, b.value, kinds_apart) and not states(a, b.value) and not states(b, a.value)


def _clash(a: Value, b: Value, kinds_apart: float) -> bool:
    """Whether two values cannot both be true. Two kinds ("what sport", "what genre") can, as a
    kind and its sub-kind ("football", "American football"), two words for one ("football",
    "soccer") or two facets ("a drone strike", "a US strike"): they clash only as whole phrases
    whose meanings are less alike than `kinds_apart` ("snooker" and "badminton", "a novel" and
    "a film"); never where `kinds_apart` is 0."""
    if a.kind not in MEANT or a.kind != b.kind:
        return not compatible(a, b)
    likeness = _likeness(a, b, kinds_apart)
    return likeness is not None and likeness < kinds_apart and not compatible(a, b)


def shown(g: list[SourceValue]) -> str:
    """How a group's value is written: the fullest spelling of a name, else the first source's words."""
    texts = [sv.value.text for sv in g]
    if g[0].value.kind in NAMES:
        return max(texts, key=lambda t: (len(t.split()), len(t)))
    return texts[0]


def _names(g: list[SourceValue]) -> str:
    outlets = [sv.outlet for sv in g]
    return outlets[0] if len(outlets) == 1 else ", ".join(outlets[:-1]) + " and " + outlets[-1]


def _at_odds(sure: list[SourceValue], kinds_apart: float) -> list[list[SourceValue]]:
    """The groups of these values that some other of them disputes."""
    at_odds = {id(a) for a in sure for b in sure if disputed(a, b, kinds_apart)}
    return group([sv for sv in sure if id(sv) in at_odds], kinds_apart)


def compare(values: list[SourceValue], topic: str, kinds_apart: float = 0.0) -> Disagreement:
    """The Disagreement over all sources' values; flagged only between confident, incompatible ones
    (two kinds, "what sport", only when their meanings are less alike than `kinds_apart`, the
    answerer's `Settings.flag_kinds_apart`; 0: never)."""
    groups = group(values, kinds_apart)
    entries = [DisagreementValue(value=shown(g), doc_ids=[sv.doc_id for sv in g]) for g in groups]
    confident = _at_odds([sv for sv in values if sv.comparable], kinds_apart)
    if len(confident) < 2:
        # No dispute among the values sure on their own: a value that fits but whose sentence the
        # question's words reach little counts when another source gives it too (two outlets'
        # "five hospitals" far down their reports against a third's "six"). Where the sure ones
        # are in dispute already, the banner names only them.
        fitting = [sv for sv in values if sv.fits or sv.comparable]
        confident = _at_odds([sv for sv in values if sv.comparable or sv.fits and any(
            other is not sv and same_value(other.value, sv.value) for other in fitting)], kinds_apart)
    if len(confident) < 2 or confident[0][0].value.kind in UNFLAGGED_KINDS:
        return Disagreement(flag=False, summary="", values=entries)
    parts = [f"{_names(g)} {'say' if len(g) > 1 else 'says'} {shown(g)}" for g in confident]
    summary = f"{topic}: the sources disagree. " + "; ".join(parts) + "."
    return Disagreement(flag=True, summary=summary, values=entries)

