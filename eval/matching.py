"""Text matching as the contract defines it: case-insensitive after folding quotes, dashes and spaces.

Answers compare as token sequences so that digits and number words are equal ("three" = "3",
"2,500" = "2500") and a number never matches part of another ("2" is not inside "2,500").
"""
from __future__ import annotations

import re

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-",
})

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS: dict[str, int] = {word: n for n, word in enumerate(_UNITS)}
NUMBER_WORDS.update({word: 10 * n for n, word in enumerate(_TENS) if word})
NUMBER_WORDS.update({"hundred": 100, "thousand": 1000, "dozen": 12})

# A number with optional thousands separators and decimals, a word, or any other single character.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+|\S")


def normalise(text: str) -> str:
    """Lower case, curly quotes -> straight, en/em dashes -> '-', white-space runs -> one space."""
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip().lower()


def tokens(text: str) -> list[str]:
    """Normalised tokens with every number, in digits or words, written as plain digits."""
    out: list[str] = []
    for token in _TOKEN.findall(normalise(text)):
        if token[0].isdigit():
            out.append(_canonical_number(token))
        elif "-" in token:
            out.append(token)
        else:
            out.append(str(NUMBER_WORDS[token]) if token in NUMBER_WORDS else token)
    return _join_compound_numbers(out)


def _canonical_number(token: str) -> str:
    value = float(token.replace(",", ""))
    return str(int(value)) if value.is_integer() else str(value)


def _join_compound_numbers(toks: list[str]) -> list[str]:
    """'twenty', '-', 'five' -> '25' (the hyphen splits into its own token)."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        if (i + 2 < len(toks) and toks[i + 1] == "-" and toks[i].isdigit() and toks[i + 2].isdigit()
                and int(toks[i]) in range(20, 100, 10) and int(toks[i + 2]) in range(1, 10)):
            out.append(str(int(toks[i]) + int(toks[i + 2])))
            i += 3
        else:
            out.append(toks[i])
            i += 1
    return out


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
