"""Text matching as the contract defines it: case-insensitive after folding quotes, dashes and spaces.

Answers compare as token sequences so that digits and number words are equal ("three" = "3",
"2,500" = "2500", "two thousand" = "2,000", "4.5 million" = "4,500,000") and a number never matches
part of another ("2" is not inside "2,500", "two" is not inside "two hundred").
"""
from __future__ import annotations

import re
from fractions import Fraction

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-",
})

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SMALL_NUMBERS: dict[str, int] = {word: n for n, word in enumerate(_UNITS)}
SMALL_NUMBERS.update({word: 10 * n for n, word in enumerate(_TENS) if word})
SCALES = {"hundred": 100, "thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}
NUMBER_WORDS: dict[str, int] = {**SMALL_NUMBERS, **SCALES, "dozen": 12}

# A number with optional thousands separators and decimals, a word, or any other single character.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+|\S")


def normalise(text: str) -> str:
    """Lower case, curly quotes -> straight, en/em dashes -> '-', white-space runs -> one space."""
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip().lower()


def tokens(text: str) -> list[str]:
    """Normalised tokens with every number, in digits or words, written as plain digits: a run of
    number words and scale words is one number ("two hundred and five" -> "205", "4.5 million" ->
    "4500000"), so that "two thousand" is 2000, not 2 beside 1000."""
    raw = _TOKEN.findall(normalise(text))
    out: list[str] = []
    i = 0
    while i < len(raw):
        number = _number_at(raw, i)
        if number is None:
            out.append(raw[i])
            i += 1
        else:
            value, i = number
            out.append(str(value.numerator) if value.denominator == 1 else str(float(value)))
    return out


def _number_at(raw: list[str], i: int) -> tuple[Fraction, int] | None:
    """The number that starts at raw[i] and the index after it, or None when raw[i] starts none.

    A figure in digits takes scale words after it ("2 million", "4.5 billion"). Number words combine
    as English writes them: a tens word and a unit ("twenty five", "twenty-five"), a hundred after a
    group below it, a thousand, million, ... after a group ("two hundred thousand"), each such scale
    smaller than the one before, and after a scale "and" or a smaller number ("one hundred and
    twenty"). Anything else ends the number: "1 2 3" stays three numbers, "nineteen ninety" two.
    """
    first = raw[i]
    if first == "dozen":
        return Fraction(12), i + 1
    if first[0].isdigit():
        figure = True   # a figure takes scale words only: "in 2019 three men" is two numbers
        group = below_hundred = Fraction(first.replace(",", ""))
        previous, j = "figure", i + 1
    elif first in SMALL_NUMBERS or first in SCALES:
        figure = False
        group = below_hundred = Fraction(0)
        previous, j = "start", i
    else:
        return None
    total = Fraction(0)
    last_big: int | None = None   # the last scale above a hundred: the next one must be smaller
    while j < len(raw):
        token = raw[j]
        following = raw[j + 1] if j + 1 < len(raw) else ""
        if token == "hundred":
            if previous == "start":
                below_hundred = Fraction(1)   # "hundred" alone, "a hundred"
            elif previous not in ("figure", "unit", "tens") or group != below_hundred or below_hundred <= 0:
                break
            group, below_hundred, previous = below_hundred * 100, Fraction(0), "hundred"
        elif token in SCALES:
            scale = SCALES[token]
            if previous == "big" or (last_big is not None and scale >= last_big) or (previous != "start" and group <= 0):
                break
            total += (group if previous != "start" else 1) * scale
            group, below_hundred, previous, last_big = Fraction(0), Fraction(0), "big", scale
        elif figure:
            break
        elif token == "and" and previous in ("hundred", "big") and SMALL_NUMBERS.get(following, 0) > 0:
            pass   # "one hundred and twenty": the next word is read on the next turn
        elif token == "-" and previous == "tens" and 0 < SMALL_NUMBERS.get(following, 0) < 10:
            pass   # "twenty-five"
        elif token in SMALL_NUMBERS:
            value = SMALL_NUMBERS[token]
            if not (previous == "start" or (previous == "tens" and 0 < value < 10)
                    or (previous in ("hundred", "big") and value > 0)):
                break
            group, below_hundred = group + value, below_hundred + value
            previous = "tens" if value >= 20 and previous != "tens" else "unit"
        else:
            break
        j += 1
    return total + group, j


def _contains(haystack: list[str], needle: list[str]) -> bool:
    if not needle:
        return False
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


SHORT_SLACK = 4   # a short value may be at most this many tokens longer than the gold answer it matches


def length(toks: list[str]) -> int:
    """Tokens that count for the length cap: words and numbers, not punctuation."""
    return sum(1 for t in toks if t[0].isalnum())


def answer_matches(value: str | None, gold_answers: list[str]) -> bool:
    """The short value contains a gold answer, or a gold answer contains it (as whole tokens), and
    the value is short: at most SHORT_SLACK tokens longer than that gold answer."""
    if value is None:
        return False
    got = tokens(value)
    if not got:
        return False
    for gold in gold_answers:
        want = tokens(gold)
        if (_contains(got, want) or _contains(want, got)) and length(got) <= length(want) + SHORT_SLACK:
            return True
    return False


def evidence_in(sentence: str, evidence: list[str]) -> bool:
    """One of the evidence strings occurs inside the sentence (after normalisation)."""
    text = normalise(sentence)
    return any(normalise(e) in text for e in evidence if normalise(e))
