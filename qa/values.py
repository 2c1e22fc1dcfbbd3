"""Typed values in sentence text, and when two of them can both be true.

A `Value` is what a source says in answer: its text as written, its kind, and a normalised form
to compare by: an interval of numbers in a base unit (counts, money, percentages, durations,
measures, ages, clock times) or fields (dates), or a folded name. Qualifiers make intervals
("about 9,400" and "some 9,400" are one figure; "more than 40" is compatible with 41), units
convert ("10,400 acres" = "4,200 hectares", "two years" = "24 months", "$2.3bn" = "2.3 billion
dollars"), and clock times read words ("twenty to seven" = 6:40 a.m.).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from difflib import SequenceMatcher

from . import lexicon as lx

NUMERIC = {"count", "money", "percent", "duration", "measure", "age", "time", "year"}
NAMES = {"person", "org", "place", "name"}


@dataclass
class Value:
    kind: str                 # count, money, percent, duration, measure, age, time, date, person, org, place, role, thing
    text: str                 # as written in the sentence
    start: int = 0            # character span in the sentence
    end: int = 0
    low: float | None = None  # numeric kinds: the interval the text allows, in the base unit
    high: float | None = None
    unit: str = ""            # currency code, measure dimension, "" for plain numbers
    fields: dict = field(default_factory=dict)   # dates: year, month, day, weekday; times: readings;
                                                 # extraction adds label_fit and the governing verb
    head: int | None = None   # token index of the value's root in the sentence (set by extraction)
    score: float = 0.0        # how well it answers the question (set by extraction)
    sentence_id: int = -1
    vector: object = field(default=None, compare=False, repr=False)   # a "what X" phrase's meaning (the answerer's
                                                                      # unit vector of its text), when it was embedded


# -- numbers ------------------------------------------------------------------------------------
_WORD_NUM = "|".join(sorted((re.escape(w) for w in lx.NUMBER_WORDS if w not in {"a", "an", "half", "both",
                                                                                  "single"}), key=len, reverse=True))
_TENS_UNITS = (r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|five|six|seven|"
               r"eight|nine)")
NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_TENS_UNITS}|(?:{_WORD_NUM}))"
SCALE = r"(?:thousand|million|billion|trillion|lakhs?|crores?|bn|mn|tn|m|k|b)"
_QUALS = sorted(lx.APPROXIMATE + lx.AT_LEAST + lx.AT_MOST, key=len, reverse=True)
QUAL = "(?:" + "|".join(re.escape(q) for q in _QUALS) + r")\s+"


def number(text: str) -> float | None:
    """'2,500' -> 2500, 'forty-one' -> 41, 'a dozen' -> 12, '2.3 billion' -> 2.3e9."""
    t = text.lower().strip().replace("\u2013", "-")
    m = re.fullmatch(rf"({NUM})(?:\s*-?\s*({SCALE}))?", t)
    if not m:
        return None
    base = m.group(1)
    if base[0].isdigit():
        value = float(base.replace(",", ""))
    elif "-" in base and base.split("-")[0] in lx.NUMBER_WORDS:
        tens, units = base.split("-")
        value = lx.NUMBER_WORDS[tens] + lx.NUMBER_WORDS.get(units, 0.0)
    else:
        value = lx.NUMBER_WORDS.get(base)
        if value is None:
            return None
    if m.group(2):
        value *= lx.SCALES[m.group(2)]
    return value


def _precision(text: str) -> float:
    """Half the last written digit's place: '612' -> 0.5, '612.3' -> 0.05; words are exact."""
    digits = re.search(r"\d[\d,]*(?:\.(\d+))?", text)
    if not digits:
        return 0.0
    decimals = len(digits.group(1) or "")
    if decimals == 0:
        whole = digits.group(0).replace(",", "")
        if len(whole) >= 4:   # '10,400' is rounded to the hundred; '112' is exact
            zeros = len(whole) - len(whole.rstrip("0"))
            return 0.5 * 10 ** min(zeros, len(whole) - 1)
    return 0.5 * 10 ** (-decimals)


def interval(value: float, qualifier: str | None, written: str, scale: float = 1.0,
             reach: float = 1.25) -> tuple[float, float]:
    """The figures a qualified, rounded number allows: "more than 40" is 40 to 51 (a writer who
    knew of 54 would say "more than 50"), `reach` widens that for looser measures."""
    q = (qualifier or "").lower().strip()
    strict = 0.0 if q in lx.INCLUSIVE else 1e-9 * (abs(value) + 1)   # "more than four" leaves four out
    if q in lx.AT_LEAST:
        return value + strict, value * reach + 1
    if q in lx.AT_MOST:
        return max(0.0, value * 0.5), value - strict
    if q in lx.APPROXIMATE:
        return value * 0.94, value * 1.06
    slack = _precision(written) * scale
    return value - slack, value + slack


def _qualifier_before(text: str, start: int) -> tuple[str | None, int]:
    """The qualifier written just before `start` ('more than 40'), and where it begins."""
    before = text[:start].lower()
    for q in _QUALS:
        m = re.search(rf"(?:^|(?<=[^\w])){re.escape(q)}\s+$", before)
        if m:
            return q, m.start()
    return None, start


# -- patterns per kind ----------------------------------------------------------------------------
_CUR_SYM = "|".join(re.escape(s) for s in sorted(lx.CURRENCY_SYMBOLS, key=len, reverse=True))
_CUR_WORD = "|".join(re.escape(w) for w in sorted(lx.CURRENCY_WORDS, key=len, reverse=True))
MONEY_RE = re.compile(rf"(?i)(?<![\w$])(?P<sym>{_CUR_SYM})\s?(?P<num>{NUM})(?:\s*-?\s*(?P<scale>{SCALE})\b)?"
                      rf"|(?<![\w.])(?P<num2>{NUM})(?:\s*-?\s*(?P<scale2>{SCALE}))?\s+(?P<word>{_CUR_WORD})\b")
PERCENT_RE = re.compile(rf"(?i)(?<![\w.])(?P<num>{NUM})(?P<half>\s+and\s+a\s+half)?\s*(?:%|per\s?cent\b|percent\b"
                        r"|percentage points?\b|pc\b|(?P<bp>basis[ -]points?\b|(?-i:bps?)\b))")
_MEASURE = "|".join(re.escape(u) for u in sorted(lx.MEASURES, key=len, reverse=True))
MEASURE_RE = re.compile(rf"(?i)(?<![\w.])(?P<num>{NUM})(?:\s*(?P<scale>thousand|million|billion))?(?:\s*|-)(?P<unit>{_MEASURE})(?![\w/])")
_DUR = "|".join(sorted(lx.DURATIONS, key=len, reverse=True))
DURATION_RE = re.compile(rf"(?i)(?<![\w.])(?P<num>{NUM}|a|an|half an?|a few|several)(?P<half>\s+and\s+a\s+half)?"
                         rf"\s*-?\s*(?P<unit>{_DUR})\b(?P<after>\s+and\s+a\s+half\b)?(?!\s*-?\s*old)")
_AGE_NUM = rf"(?:\d{{1,3}}|{_TENS_UNITS}|{_WORD_NUM})"   # "61", "sixty-one", "seven"
AGE_RE = re.compile(rf"(?i)(?<![\w.])(?P<num>{_AGE_NUM})\s*-?\s*years?\s*-?\s*old|\baged\s+(?P<num2>{_AGE_NUM})\b"
                    rf"|\bage\s+(?P<num3>\d{{1,3}})\b|\bage\s+of\s+(?P<num4>{_AGE_NUM})\b")   # "at the age of eight"
_AMPM = r"(?:a\.m\.|p\.m\.|am\b|pm\b|a\.m\b|p\.m\b)"
CLOCK_RE = re.compile(
    rf"(?i)(?<![\w.:])(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}}))?\s*(?P<ampm>{_AMPM})"
    rf"|(?<![\w.:])(?P<h2>\d{{1,2}}):(?P<m2>\d{{2}})(?!\d)(?:\s*(?P<ampm2>{_AMPM}))?"
    rf"|\b(?P<wm>{_WORD_NUM}|quarter|half|twenty-five)\s+(?P<rel>past|to|after)\s+(?P<wh>{_WORD_NUM}|\d{{1,2}})\b"
    rf"|\b(?P<oc>{_WORD_NUM}|\d{{1,2}})\s+o'?clock\b"
    rf"|\b(?P<word>noon|midday|midnight)\b"
    rf"|(?<![\w.:])(?P<h3>[01]\d|2[0-3])(?P<m3>[0-5]\d)\s*(?:GMT|UTC|local time)\b")   # "0600 GMT"
_MONTH = "|".join(sorted(lx.MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(lx.WEEKDAYS, key=len, reverse=True))
DATE_RE = re.compile(
    rf"(?i)\b(?:(?P<wd>{_WEEKDAY})\.?,?\s+)?(?:(?P<mon>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s?,?\s+(?P<yr>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>{_MONTH})\.?(?:,?\s+(?P<yr2>\d{{4}}))?"
    rf"|(?P<mon3>{_MONTH})\.?\s+(?P<yr3>\d{{4}}))\b"
    rf"|\b(?P<wd2>{_WEEKDAY})\b"
    rf"|(?<![\w.,$])(?P<yr5>\d{{1,4}})\s+(?-i:(?P<bc>BCE?|B\.C\.(?:E\.)?|AD|A\.D\.|CE|C\.E\.))(?![\w])"   # era in capitals:
    rf"|(?<![\w.,$])(?-i:AD|A\.D\.)\s+(?P<yr6>\d{{1,4}})(?![\w%])"                                  # "5 ad slots" is none
    rf"|(?<=\bin )(?P<yr7>1[0-4]\d\d)(?![\w%,.]\d)"
    rf"|(?-i:\b(?:mid-|(?:early|late|in|since|until|by|last|next|from|during|before|after)\s+)(?P<mon4>"   # a month
    rf"January|February|March|April|June|July|August|September|October|November|December)\b(?!\.?,?\s+\d))"   # alone
    rf"|(?<![\w.,$'-])(?:(?:early|mid|late)[- ]|mid)?(?P<dec>1[0-9]\d0|20[0-9]0)'?s\b"   # "the early 1920s"
    rf"|(?<![\w.,$])(?P<yr4>1[5-9]\d\d|20\d\d)(?![\w%])"
    rf"|(?<![\w.,])\d{{1,2}}\.\d{{1,2}}\.(?P<yr8>1[5-9]\d\d|20\d\d)(?![\w%]|[.,]\d)")   # "1.8.1866": its year (day or month first?)


# "$35.40 a share", "£9 per hour", "$5 each": a sum per unit, not a total
RATE_RE = re.compile(r"(?i)\s*(?:(?:a|an|per|for each|for every|each|every)\s+(?P<per>[a-z]+)\b|(?P<each>apiece|each)\b)")


def money_values(text: str) -> list[Value]:
    out = []
    for m in MONEY_RE.finditer(text):
        raw = m.group("num") or m.group("num2")
        scale_word = (m.group("scale") or m.group("scale2") or "").lower()
        amount = number(raw)
        if amount is None or (m.group("sym") or "$")[0].isalpha() and not raw[0].isdigit():
            continue   # a code takes figures in digits ("CHF 20 million"; not "in USD a year")
        scale = lx.SCALES.get(scale_word, 1.0)
        code = lx.CURRENCY_SYMBOLS.get((m.group("sym") or "").lower()) or lx.CURRENCY_WORDS.get((m.group("word") or "").lower(), "")
        start = m.start()
        qualifier, qstart = _qualifier_before(text, start)
        low, high = interval(amount * scale, qualifier, raw, scale)
        value = Value("money", text[qstart if qualifier else start:m.end()], qstart if qualifier else start, m.end(),
                      low, high, unit=code)
        rate = RATE_RE.match(text, m.end())
        if rate:
            value.fields["per"] = (rate.group("per") or "each").lower()
        out.append(value)
    return out


# a fraction of a percentage point in words: "three-quarters of a percentage point", "half a point"
POINT_FRACTION_RE = re.compile(r"(?i)(?<![\w-])(?P<frac>three[ -]quarters|a[ -]quarter|one[ -]quarter|a half|half)"
                               r"(?:\s+of)?\s+an?\s+(?:percentage[ -])?point\b")
POINT_FRACTIONS = {"three quarters": 0.75, "a quarter": 0.25, "one quarter": 0.25, "a half": 0.5, "half": 0.5}


def percent_values(text: str) -> list[Value]:
    """Shares and points: "7.4%", "two and a half percent", "75 basis points" (0.75 of a point),
    "three-quarters of a percentage point"."""
    out = []
    for m in POINT_FRACTION_RE.finditer(text):
        amount = POINT_FRACTIONS[m.group("frac").lower().replace("-", " ")]
        out.append(Value("percent", m.group(0), m.start(), m.end(), amount, amount, unit="%"))
    for m in PERCENT_RE.finditer(text):
        if number(m.group("num")) is None:
            continue
        if any(v.start < m.end() and m.start() < v.end for v in out):
            continue
        v = _number_value("percent", text, m, "%")
        if m.group("half"):
            v.low, v.high = v.low + 0.5, v.high + 0.5
        if m.group("bp"):
            v.low, v.high = v.low / 100, v.high / 100
        out.append(v)
    return out


# the measure's name before its figure: "magnitude 6.4", "a magnitude of 7.1" (after it: lexicon.MEASURES)
MAGNITUDE_RE = re.compile(r"(?i)\bmagnitude(?:\s+of)?\s+(?P<num>\d{1,2}(?:\.\d{1,2})?)(?![\d.,]*\d)")


def measure_values(text: str) -> list[Value]:
    out = []
    for m in MAGNITUDE_RE.finditer(text):
        amount = float(m.group("num"))
        low, high = interval(amount, "", m.group("num"), 1.0)
        out.append(Value("measure", m.group("num"), m.start("num"), m.end("num"), low, high, unit="magnitude"))
    for m in MEASURE_RE.finditer(text):
        if any(v.start < m.end() and m.start() < v.end for v in out):
            continue
        amount = number(m.group("num"))
        if amount is None:
            continue
        dim, factor = lx.MEASURES[m.group("unit").lower()]
        scale = lx.SCALES.get((m.group("scale") or "").lower(), 1.0)
        qualifier, qstart = _qualifier_before(text, m.start())
        low, high = interval(amount * scale * factor, qualifier, m.group("num"), scale * factor)
        start = qstart if qualifier else m.start()
        out.append(Value("measure", text[start:m.end()], start, m.end(), low, high, unit=dim))
    return out


ORDINAL_SECOND = re.compile(r"\s+(?!(?:later|earlier|ago|before|after|and|or|of|to|in|for|longer|more|less|"
                            r"late|early|or so)\b)[a-z]")


def duration_values(text: str) -> list[Value]:
    out = []
    for m in DURATION_RE.finditer(text):
        raw = m.group("num").lower()
        amount = {"a": 1.0, "an": 1.0, "half a": 0.5, "half an": 0.5, "a few": 3.0, "several": 4.0}.get(raw)
        amount = amount if amount is not None else number(raw)
        if amount is None or raw in {"a", "an"} and m.group("unit").lower() == "second" and ORDINAL_SECOND.match(
                text, m.end()):   # "a second day of queues", "a second bridge": the ordinal, no span of time
            continue
        if m.group("half") or m.group("after"):   # "two and a half hours", "an hour and a half"
            amount += 0.5
        days = lx.DURATIONS[m.group("unit").lower()]
        qualifier, qstart = _qualifier_before(text, m.start())
        vague = raw in {"a few", "several"}
        low, high = interval(amount * days, "about" if vague else qualifier, m.group("num"), days, reach=1.5)
        start = qstart if qualifier else m.start()
        out.append(Value("duration", text[start:m.end()], start, m.end(), low, high, unit="days"))
    return out


def age_values(text: str) -> list[Value]:
    out = []
    for m in AGE_RE.finditer(text):
        raw = m.group("num") or m.group("num2") or m.group("num3") or m.group("num4")
        n = number(raw)
        if n is None or n != int(n) or n > 130:   # "a dozen years old", "aged 2.5" are no age
            continue
        start, end = m.span("num4") if m.group("num4") else m.span()   # "at the age of EIGHT"
        out.append(Value("age", text[start:end], start, end, n, n,
                         fields={"when": True} if m.group("num4") else {}))   # how old at some event
    return out


def clock_values(text: str) -> list[Value]:
    out = []
    for m in CLOCK_RE.finditer(text):
        minutes = _minutes(m)
        if minutes is None:
            continue
        lows = minutes
        start = m.start()
        before = text[:start].lower()
        shift = (-5, 5)
        for q, span in sorted(lx.TIME_QUALIFIERS.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"(?:^|\W){re.escape(q)}\s+$", before):
                shift = (span[0] - 5, span[1] + 5)
                start = len(before.rstrip()) - len(q)
                break
        # Each reading of the clock (a.m. or p.m. when the text does not say) is one interval.
        readings = [(t + shift[0], t + shift[1]) for t in lows]
        v = Value("time", text[start:m.end()], start, m.end(), readings[0][0], readings[0][1], unit="min")
        v.fields = {"readings": readings}
        out.append(v)
    return out


def _minutes(m: re.Match) -> list[int] | None:
    """Minutes after midnight of every reading of a clock time."""
    if m.group("word"):
        return [lx.CLOCK_WORDS[m.group("word").lower()]]
    if m.group("h3") is not None:   # a 24-hour clock: one reading
        return [int(m.group("h3")) * 60 + int(m.group("m3"))]
    if m.group("h") is not None:
        h, mins, ampm = int(m.group("h")), int(m.group("m") or 0), m.group("ampm").lower()
    elif m.group("h2") is not None:
        h, mins, ampm = int(m.group("h2")), int(m.group("m2")), (m.group("ampm2") or "").lower()
    elif m.group("oc") is not None:
        h = int(number(m.group("oc")) or 0)
        mins, ampm = 0, ""
    else:
        hour = number(m.group("wh"))
        part = {"quarter": 15, "half": 30, "twenty-five": 25}.get(m.group("wm").lower())
        part = part if part is not None else number(m.group("wm"))
        if hour is None or part is None or not 1 <= hour <= 12 or not 0 < part < 60:
            return None
        h, mins, ampm = int(hour), int(part), ""
        if m.group("rel").lower() == "to":
            h, mins = (h - 1) % 12 or 12, 60 - mins
    if h > 24 or mins > 59:
        return None
    if ampm.startswith("p") and h < 12:
        h += 12
    if ampm.startswith("a") and h == 12:
        h = 0
    if ampm or h > 12 or h == 0:
        return [h * 60 + mins]
    return [h * 60 + mins, ((h + 12) % 24) * 60 + mins]


def date_values(text: str) -> list[Value]:
    out = []
    for m in DATE_RE.finditer(text):
        f: dict = {}
        mon = m.group("mon") or m.group("mon2") or m.group("mon3") or m.group("mon4")
        if mon:
            f["month"] = lx.MONTHS[mon.lower()]
        if m.group("mon4"):   # "in mid-March": the month's name alone
            out.append(Value("date", mon, m.start("mon4"), m.end("mon4"), fields=f))
            continue
        if m.group("dec"):   # a decade: the years it spans ("in the 1790s", "the mid-1960s")
            out.append(Value("date", m.group(0), m.start(), m.end(), fields={"decade": int(m.group("dec"))}))
            continue
        if m.group("yr8"):
            out.append(Value("date", m.group("yr8"), m.start("yr8"), m.end("yr8"), fields={"year": int(m.group("yr8"))}))
            continue
        day = m.group("day") or m.group("day2")
        if day:
            if not 1 <= int(day) <= 31:
                continue
            f["day"] = int(day)
        yr = m.group("yr") or m.group("yr2") or m.group("yr3") or m.group("yr4") or m.group("yr5") or m.group("yr6") \
            or m.group("yr7")
        if yr:
            f["year"] = -int(yr) if (m.group("bc") or "").upper().startswith("B") else int(yr)
        wd = m.group("wd") or m.group("wd2")
        if wd:
            f["weekday"] = lx.WEEKDAYS[wd.lower()]
        if mon and mon.lower() in {"may", "mar", "sat", "sun", "wed"} and not day and not yr:
            continue
        if wd and wd.lower() in {"sat", "sun", "wed", "mon", "tue", "thu", "fri"} and not mon:
            continue   # "sun", "wed" alone are words
        out.append(Value("date", m.group(0).strip(), m.start(), m.end(), fields=f))
    return out


# a game's result: "won 3-1", "a 24–17 defeat", "drew 2 - 2" (not a date, a range of a count or a time)
SCORE_RE = re.compile(r"(?<![\w.,:/-])(?P<a>\d{1,3})\s?[-–]\s?(?P<b>\d{1,3})(?![\w:/%-]|[.,]\d|\s?[-–]\s?\d)"
                      r"(?!\s+(?:people|years?|months?|weeks?|days?|hours?|minutes?|per|percent|p\.?m|a\.?m)\b)")


def score_values(text: str) -> list[Value]:
    """A game's score as written ("3-1"); the same score read either way round ("lost 1-3")."""
    out = []
    for m in SCORE_RE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        out.append(Value("score", m.group(), m.start(), m.end(), fields={"points": tuple(sorted((a, b), reverse=True))}))
    return out


# Not "3:45", nor the "3" of "3,998:"; nor a degree, minute or second of an angle or a coordinate
# ("30°20′14″N", "a 45° slope"), which count nothing.
COUNT_RE = re.compile(rf"(?i)(?<![\w.$£€%:/°º′″-])(?P<num>{NUM})(?:\s+(?P<scale>thousand|million|billion))?"
                      r"(?![\w%/°º′″]|:\d|\.\d|,\d{3}(?!\d))")


def count_values(text: str, taken: list[tuple[int, int]]) -> list[Value]:
    """Plain numbers (digits or words) outside the spans of the other kinds."""
    out = []
    for m in COUNT_RE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        raw = m.group("num")
        if raw[0] == "0" and raw[1:2].isdigit():
            continue   # "03233", "007": a code (a postcode, a number on a list), no count
        amount = number(raw)
        if amount is None:
            continue
        prev = text[:m.start()].lower().split()[-1:] if text[:m.start()].strip() else []
        if prev and prev[0].strip(".,:#(") in lx.NUMBER_LABELS:
            continue
        if raw.lower() == "one" and not m.group("scale") and not _counting_one(text, m):
            continue   # "one" is mostly a pronoun ("one million" counts)
        if text[:m.start()].rstrip().endswith("[") and text[m.end():].lstrip().startswith("]"):
            continue   # a reference mark, "[ 4 ]", counts nothing
        if RATIO_AFTER.match(text, m.end()) or RATIO_BEFORE.search(text[:m.start()]):
            continue   # "one in ten", "1 in 4 adults": a share, not a count
        scale = lx.SCALES.get((m.group("scale") or "").lower(), 1.0)
        qualifier, qstart = _qualifier_before(text, m.start())
        low, high = interval(amount * scale, qualifier, raw, scale)
        start = qstart if qualifier else m.start()
        out.append(Value("count", text[start:m.end()], start, m.end(), low, high))
    for m in NONE_RE.finditer(text):   # "Nobody was killed": a count of none
        if not any(s < m.end() and m.start() < e for s, e in taken):
            out.append(Value("count", m.group(), m.start(), m.end(), 0.0, 0.0, fields={"none": True}))
    return out


RATIO_AFTER = re.compile(rf"(?i)\s+(?:in|out of)\s+(?:every\s+)?(?!(?:1[5-9]|20)\d\d\b){NUM}\b")   # not "12 in 2021"
RATIO_BEFORE = re.compile(rf"(?i)\b{NUM}\s+(?:in|out of)\s+(?:every\s+)?$")
# None of anyone: "nobody", "no one". Not "no civilians were harmed" (none of some of them, while
# others were) nor "none of the crew" (of whom?): those say less than a count of all.
NONE_RE = re.compile(r"(?i)(?<![\w-])(?:nobody|no[- ]one)(?![\w-]|\s+else\b)")


def _counting_one(text: str, m: re.Match) -> bool:
    """Whether "one" counts: "one passenger", "one of the victims"; not "no one", "the one who",
    "at one point", "one said" (`lexicon.NOT_COUNTING_ONE`)."""
    before = text[:m.start()].lower().split()[-1:]
    after = re.match(r"\s+([a-z]+)\b", text[m.end():])
    if before and before[0] in lx.NOT_COUNTING_ONE["before"] or after is None:
        return False
    return after.group(1) not in lx.NOT_COUNTING_ONE["after"]


def _number_value(kind: str, text: str, m: re.Match, unit: str) -> Value:
    raw = m.group("num")
    qualifier, qstart = _qualifier_before(text, m.start())
    low, high = interval(number(raw), qualifier, raw)
    start = qstart if qualifier else m.start()
    return Value(kind, text[start:m.end()], start, m.end(), low, high, unit=unit)


def typed_values(text: str) -> dict[str, list[Value]]:
    """Every numeric and calendar value of a sentence, by kind; a span belongs to one kind.
    Fresh objects each call (extraction scores them), read from a bounded cache of the parse."""
    return {kind: [replace(v, fields=dict(v.fields)) for v in found] for kind, found in _typed_values(text).items()}


@lru_cache(maxsize=20_000)
def _typed_values(text: str) -> dict[str, list[Value]]:
    out: dict[str, list[Value]] = {}
    taken: list[tuple[int, int]] = []
    for kind, find in (("money", money_values), ("percent", percent_values), ("age", age_values),
                       ("time", clock_values), ("measure", measure_values), ("duration", duration_values),
                       ("date", date_values)):
        found = [v for v in find(text) if not any(s < v.end and v.start < e for s, e in taken)]
        out[kind] = found
        taken += [(v.start, v.end) for v in found]
    # the numbers of a score or a vote's tally ("voted 8-5") count nothing on their own
    out["count"] = count_values(text, taken + [(v.start, v.end) for v in score_values(text)])
    return out


# -- names -------------------------------------------------------------------------------------------
@lru_cache(maxsize=50_000)
def fold_name(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['\u2019]s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def name_words(text: str) -> list[str]:
    return list(_name_words(text))


@lru_cache(maxsize=50_000)
def _name_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in fold_name(text).split()
                 if w not in lx.NAME_TITLES and w not in {"of", "and", "in", "at", "for"})


@lru_cache(maxsize=100_000)
def word_alike(a: str, b: str) -> bool:
    """Spellings of one word of a name: "Tolnai" and "Tolnay", "Marić" and "Marich" folded."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    # The two cheap upper bounds of the ratio first (lengths, then letters): most pairs of words
    # fail them, and the answer is the ratio's either way.
    match = SequenceMatcher(None, a, b)
    return match.real_quick_ratio() >= 0.8 and match.quick_ratio() >= 0.8 and match.ratio() >= 0.8


@lru_cache(maxsize=50_000)
def same_name(a: str, b: str) -> bool:
    """Spellings of one name: 'Euan Strachley' = 'Ewan Strachley', 'Dr Henrike Vossberg' = 'Henrike
    Vossberg', 'Ashby Memorial in Tresham' = 'Ashby Memorial Hospital in Tresham'."""
    wa, wb = name_words(a), name_words(b)
    if not wa or not wb:
        return fold_name(a) == fold_name(b)
    if _initials_of(a, b) or _initials_of(b, a):
        return True
    short, long_ = sorted((wa, wb), key=len)
    matched = sum(any(word_alike(w, x) for x in long_) for w in short)
    if matched == len(short):
        return True
    # One word apart, the last alike: a spelling of the other word ("Jon" and "John", "Ed" and
    # "Edward"), not another word ("Jane Smith" and "John Smith", a "bronze medal" and a "silver medal").
    return len(short) >= 2 and matched >= len(short) - 1 and word_alike(short[-1], long_[-1]) and \
        len(short) == len(long_) and all(_spelt_alike(w, x) for w, x in zip(short, long_))


def _spelt_alike(a: str, b: str) -> bool:
    """Two words that may spell one: alike, one the start of the other ("ed", "edward"), or
    mostly the same letters ("steven", "stephen")."""
    return word_alike(a, b) or a.startswith(b) or b.startswith(a) or SequenceMatcher(None, a, b).ratio() >= 0.6


INITIALS_SKIP = {"of", "the", "and", "for", "&", "in", "on", "de"}


def _initials_of(short: str, long_: str) -> bool:
    """Whether `short` is written in capitals that are the initials of `long_`'s words: "TWU" =
    "Tarn Workers' Union", "O.R.C." = "Office of Rail Conduct" ("of", "the", "and" aside)."""
    letters = short.replace(".", "").strip()
    if not (2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()):
        return False
    words = [w for w in re.findall(r"[\w']+", long_) if w.lower() not in INITIALS_SKIP]
    return len(words) == len(letters) and all(w[:1].upper() == c for w, c in zip(words, letters))


def same_role(a: str, b: str) -> bool:
    return " ".join(name_words_role(a)) == " ".join(name_words_role(b))


def name_words_role(text: str) -> list[str]:
    return [w for w in fold_name(text).split() if w not in {"the", "a", "an", "its", "his", "her", "their"}]


# -- compatibility ------------------------------------------------------------------------------------
def comparable_figures(a: Value, b: Value) -> bool:
    """Whether two values of one numeric kind measure one thing: the same unit, the same "per"
    ("$35.40 a share" and "$2.3 billion" are not), and both parsed to a figure."""
    return (a.kind == b.kind and a.unit == b.unit and a.low is not None and b.low is not None
            and a.fields.get("per") == b.fields.get("per"))


def same_value(a: Value, b: Value) -> bool:
    """Whether two values say one thing: of one kind, comparable, and compatible. Not the same as
    `compatible`, which also holds for values that cannot be compared at all ("$2.3 billion" does
    not state "$34.50 a share", though the two can both be true)."""
    if a.kind in NAMES and b.kind in NAMES:
        return same_name(a.text, b.text)
    if a.kind != b.kind or (a.kind in NUMERIC and not comparable_figures(a, b)):
        return False
    return compatible(a, b)


def _years(v: Value) -> tuple[int, int] | None:
    """The years a date spans: its year, or its decade's ten ("the 1790s"); "the 1500s" may be a
    century, so it spans a hundred."""
    if "decade" in v.fields:
        d = v.fields["decade"]
        return d, d + (99 if d % 100 == 0 else 9)
    return (v.fields["year"], v.fields["year"]) if "year" in v.fields else None


def compatible(a: Value, b: Value) -> bool:
    """Whether both values can be true at once (the same figure, name, day or time)."""
    if a.kind in NAMES and b.kind in NAMES:
        return same_name(a.text, b.text)
    if a.kind != b.kind:
        return True   # not comparable: no clash can be shown
    if a.kind == "role":
        return same_role(a.text, b.text)
    if a.kind == "score":
        return a.fields.get("points") == b.fields.get("points")
    if a.kind == "time":
        ra, rb = a.fields.get("readings") or [(a.low, a.high)], b.fields.get("readings") or [(b.low, b.high)]
        return any(x[0] <= y[1] and y[0] <= x[1] for x in ra for y in rb)
    if a.kind in NUMERIC:
        if not comparable_figures(a, b):
            return True   # "$35.40 a share" and "$2.3 billion" are not two answers to one question
        if a.low == a.high and b.low == b.high:
            return a.low == b.low
        if a.low == a.high or b.low == b.high:   # one exact figure ("four"): inside the other's span, ends included
            point, span = (a, b) if a.low == a.high else (b, a)
            return span.low <= point.low <= span.high
        # Rounding intervals are half-open ('5' is [4.5, 5.5), '6' is [5.5, 6.5)); figures in
        # converted units round, so they get 1% of slack.
        tolerance = 0.01 * max(abs(a.high), abs(b.high)) if a.kind == "measure" else -1e-9
        return a.low < b.high + tolerance and b.low < a.high + tolerance
    if a.kind == "date":
        if "decade" in a.fields or "decade" in b.fields:   # "1795" falls in "the 1790s"
            spans = [_years(v) for v in (a, b)]
            return None in spans or spans[0][0] <= spans[1][1] and spans[1][0] <= spans[0][1]
        return all(a.fields[k] == b.fields[k] for k in ("year", "month", "day", "weekday")
                   if k in a.fields and k in b.fields)
    return fold_name(a.text) == fold_name(b.text) or same_name(a.text, b.text)
