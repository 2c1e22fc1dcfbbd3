"""Tell story text from page junk in a scraped article, line by line, without rewriting the text.

Scrapes of news pages carry the page around the story: ad markers, share buttons, comment forms,
reading times, tag words, timestamps, bylines, photo credits. `clean` gives every line a verdict
and returns the story as character spans into the text, so every sentence cut from those spans is
exactly `text[start:end]`. Timestamps, bylines and credits are kept (as their own kinds of line)
for `reading` to take metadata from; they never become sentences.

The rules describe kinds of junk, not particular files, so they hold for other scrapes of the same
kind. A line is story text unless a rule claims it.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

STORY = "story"          # story text, headlines included
JUNK = "junk"            # page furniture: ads, share buttons, comment forms, reading times, tags
TIMESTAMP = "timestamp"  # a date (and time) line: metadata
BYLINE = "byline"        # who wrote or reported it: metadata
CREDIT = "credit"        # copyright and photo credits: metadata (they name the outlet)
SUBHEAD = "subhead"      # a short section label inside the story ("regional tensions")
DUPLICATE = "duplicate"  # a line printed again (a headline repeated as a caption)
NOTICE = "notice"        # the site speaking instead of a story: an error page, a paywall, a cookie
                         # banner, a robot check ("404 - Page not found", "Subscribe to continue reading")


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str   # text[start:end], stripped
    kind: str


@dataclass
class Cleaned:
    text: str
    lines: list[Line] = field(default_factory=list)   # every non-blank line (or part of one) with its verdict

    @property
    def blocks(self) -> list[tuple[int, int]]:
        """Story spans for the sentence splitter; no sentence crosses from one block into another."""
        return _join_wrapped(self.text, [line for line in self.lines if line.kind == STORY])

    def texts(self, kind: str) -> list[str]:
        return [line.text for line in self.lines if line.kind == kind]


# -- Patterns: one per kind of junk ------------------------------------------------------------

_I = re.IGNORECASE
_TERMINAL = ".?!\"”’')]"

_AD_MARKER = re.compile(r"\[\s*ad[_ -]?\d*\s*\]", _I)
_SYMBOLS_ONLY = re.compile(r"[\W_]+")
_FURNITURE = re.compile(
    r"(?:source link|original (?:article|source)|share (?:this|the) (?:article|story|page)|share"
    r"|share (?:on|via) \w+|tweet|print|e-?mail|copy link|save|listen to (?:this|the) article"
    r"|powered by (?:automated|machine|google) translation|translated (?:automatically|by machine)"
    r"|advertisement|advertisements|sponsored(?: content)?|scroll to continue(?: with content)?"
    r"|continue reading|read more|show more|load more|click here.*|subscribe(?: now)?"
    r"|sign up (?:for|to) .*newsletter.*|follow us on .*|comments?|\d+ comments?|cancel reply"
    r"|skip to (?:main )?content|back to top|(?:return|go|back) to (?:the )?(?:home ?page|home))[.!:]?", _I)
_LINK_LINE = re.compile(
    r"(?:related(?: articles| stories| content| coverage)?|read (?:more|also|next)|also read|see also"
    r"|more on this(?: story)?|recommended|watch|listen|tags?|topics?|filed under|categor(?:y|ies))"
    r"\s*[:|>»].*", _I)
# Labels with nothing after them, two or more in a row: left over from a page's form widgets.
_EMPTY_LABELS = re.compile(r"(?:[A-Za-z][\w' ]{0,30}:\s*){2,}")
_READING_TIME = re.compile(
    r"(?:(?:estimated )?reading time:?\s*)?(?:about )?\d+\s*(?:minutes?|mins?|min)\.?(?:\s+(?:read|reading|listen))?", _I)
_COMMENT_FORM = re.compile(r"leave a (?:reply|comment)|post a comment|join the (?:conversation|discussion)", _I)
_COMMENT_FIELD = re.compile(
    r".*(?:your email address will not be published|required fields are marked"
    r"|save my name, email|you must be logged in to post a comment|post comment).*", _I)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright(?=\s*(?:©|\(c\)|\d{4})))\s*(?:©|\(c\))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?"
                        r"(?P<owner>.*?)[.,]?\s*(?:all rights reserved\.?)?", _I)
# What a site says in place of a story, in any site's words: the page is missing or refused, the
# story is behind a paywall or a consent banner, or the visitor must prove to be a browser. A line
# saying one of these (and neither quoting nor reporting anyone: a story may tell of such a page) is
# no story text.
_NOTICE = re.compile(
    r"\b(?:(?:error|http)\s*)?(?:400|401|403|404|410|451|500|502|503)\b\W{0,3}(?:error|not found|forbidden|gone"
    r"|unavailable|page not found|bad request|unauthori[sz]ed)\b"
    r"|\bpage (?:was )?not found\b|\bpage (?:cannot|can'?t|could ?n[o'’]t) be (?:found|displayed)\b"
    r"|\b(?:the|this) page (?:you (?:are|were|'re|’re) (?:looking for|trying to reach)|you requested|does ?n[o'’]t exist"
    r"|does not exist|(?:is|was) no longer available|has been (?:moved|removed|deleted))"
    r"|\b(?:can'?t|cannot|could ?n[o'’]t|could not|were unable to) (?:find|locate) (?:the|this|that) page\b"
    r"|\brequested (?:url|page|resource) (?:was )?not (?:found|available)\b|\baccess (?:denied|forbidden)\b"
    r"|\b(?:service|site|website) (?:is )?(?:temporarily )?unavailable\b"
    r"|\bsubscribe (?:now |today )?(?:to|and) (?:continue|keep) reading\b|\b(?:continue|keep) reading with (?:a|your) subscription\b"
    r"|\balready (?:a subscriber|a member|have an account)\b|\bsubscribers? only\b"
    r"|\bthis (?:article|content|story) is (?:only )?(?:available|reserved|exclusive) (?:to|for) (?:our )?(?:paying |premium )?(?:subscribers|members)\b"
    r"|\byou(?:'ve|’ve| have) (?:reached|used|read) (?:your|all (?:of )?your) (?:\w+ )?(?:limit|free articles?)\b"
    r"|\bfree articles? (?:left|remaining)\b|\b(?:log|sign) in to (?:continue|read|keep reading)\b"
    r"|\b(?:get|unlock|for) unlimited (?:digital )?access\b"
    r"|\b(?:we|this (?:web)?site)(?: and our (?:\w+ )?partners)? uses? cookies\b|\bby clicking \W?(?:accept|agree|i agree|ok)\b"
    r"|^(?:accept|reject|allow|decline) (?:all|all cookies|cookies|necessary)\W*$|\bmanage (?:your )?(?:cookie |privacy )?(?:preferences|settings|choices|consent)\b"
    r"|\bwe value your privacy\b|\bcookie (?:policy|settings|preferences|consent|notice)\b"
    r"|\b(?:enable|turn on|allow) javascript\b|\bjavascript is (?:disabled|required|turned off)\b"
    r"|\b(?:verify|prove|confirm) (?:that )?you(?:'re|’re| are) (?:a )?human\b|\bare you a robot\b"
    r"|\bchecking (?:if the site connection is secure|your browser)\b"
    r"|^\W*(?:(?:error|http)\s*)?(?:400|401|403|404|410|451|500|502|503)\W*(?:error)?\W*$", _I)
# A line that quotes or reports someone is a story telling of such a page, not the page itself.
_REPORTED = re.compile(r"[\"“”]|\b(?:said|says|told|tells|according to|reported|announced|wrote)\b", _I)
_PHOTO = r"(?:(?:file|afp|ap|reuters|epa|upi|getty)\s+)?(?:photo|image|picture|video)s?"
_PHOTO_CREDIT_LINE = re.compile(rf"\(?{_PHOTO}\s*(?:(?:by|credit|courtesy(?: of)?)\s*:?|:)\s*[A-Z][^.!?]{{0,80}}\)?", _I)
# A credit after a caption's last sentence: "... an associated. File Photo by Bonnie Cash/UPI".
_TRAILING_PHOTO_CREDIT = re.compile(
    rf"(?<=[.!?”\"’])\s+\(?{_PHOTO}\s*(?:(?:by|credit|courtesy of)\s*:?|:)\s*[A-Z][^.!?]{{0,80}}\)?$", _I)

_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
DATE = re.compile(
    rf"\b(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})\b"
    rf"|\b(?P<mon>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"
    rf"|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_MONTHS})\.?,?\s+(?P<year2>\d{{4}})\b", _I)
_SHORT_DATE = re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b", _I)
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|[ECMP][SD]?T|BST|CET|AST)\b)?|\b\d{1,2}\s*[ap]\.?m\.?", _I)
_DATE_WORDS = re.compile(r"\b(?:last |first )?(?:updated|published|posted|modified|date|on|at)\b:?"
                         r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", _I)
# Section and tag words news sites print around a story; whole lines of them are furniture.
_TAG_WORDS = re.compile(
    r"\b(?:trending(?: now)?|(?:top|breaking|latest|world|u\.?s\.?|international|local) news|news|world"
    r"|top stories|breaking|latest|middle east|politics|opinion|analysis|live|exclusive|featured"
    r"|business|home|defense|national security|most (?:read|popular))\b", _I)
_BYLINE = re.compile(r"By\s+(?:[A-Z][\w'’.-]*|al-\w+|bin|de|van|von)(?:(?:\s+|,\s*|\s+and\s+|\s*[/|]\s*)"
                     r"(?:[A-Z][\w'’.-]*|al-\w+|bin|de|van|von|and))*\.?")
_NAMES = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|and|in|de|al-\w+)|,\s*[A-Z][\w'’.-]*)*"
_CONTRIBUTED = re.compile(
    r"[A-Z][^.!?]{0,150}\b(?i:contributed (?:reporting|to this report(?:ing)?))\b[^.!?]{0,80}\.?"
    # Wire credits: "Reporting by Omar Saleh; editing by Mark Potter" -- names only after each "by".
    rf"|\(?(?i:additional reporting|reporting|writing|editing) by {_NAMES}"
    rf"(?:\s*[;,]\s*(?i:additional reporting|reporting|writing|editing) by {_NAMES})*\)?\.?")
# "Lamothe and Horton reported from Washington." -- only where nothing of the story follows it.
_REPORTED_FROM = re.compile(r"(?:[A-Z][\w'’-]+(?:\s+|,\s*|\s+and\s+))+reported from\s+[A-Z][\w .,'’-]{0,60}\.")
_ORPHAN = re.compile(r"[a-z]+[.!?][\"”’]?")


def clean(text: str) -> Cleaned:
    """Give every non-blank line of `text` a verdict: story, or one of the kinds of junk/metadata."""
    cleaned = Cleaned(text)
    seen_story: set[str] = set()
    story_started = False   # a full sentence has been seen: later short lines are subheads
    in_comments = False     # a comment form ends the story: nothing after it is the article
    for start, end in _line_spans(text):
        line = text[start:end]
        in_comments = in_comments or bool(_COMMENT_FORM.fullmatch(line))
        kind = JUNK if in_comments else _verdict(line, story_started)
        if kind == STORY:
            key = " ".join(line.split()).casefold()
            kind = DUPLICATE if key in seen_story else STORY
            seen_story.add(key)
        if kind != STORY:
            cleaned.lines.append(Line(start, end, line, kind))
            continue
        credit = _TRAILING_PHOTO_CREDIT.search(line)
        if credit:   # keep the caption, take the credit out as metadata
            cut = start + credit.start()
            credit_start = cut + len(credit.group()) - len(credit.group().lstrip())
            cleaned.lines.append(Line(start, cut, text[start:cut], STORY))
            cleaned.lines.append(Line(credit_start, end, text[credit_start:end], CREDIT))
            line = text[start:cut]
        else:
            cleaned.lines.append(Line(start, end, line, STORY))
        story_started = story_started or line.endswith(tuple(_TERMINAL))
    _settle_tail_bylines(cleaned.lines)
    return cleaned


def is_debris(sentence: str) -> bool:
    """A lone lowercase word ending a 'sentence' ("said.", "insisted.") is left over from
    translation or editing, never a sentence of the story."""
    return bool(_ORPHAN.fullmatch(sentence))


def copyright_owner(line: str) -> str | None:
    """'© 2024 AFP' -> 'AFP'."""
    match = _COPYRIGHT.fullmatch(line)
    owner = match.group("owner").strip(" .,") if match else ""
    return owner or None


def looks_like_headline(line: str) -> bool:
    """A headline: a few capitalised words without a full stop or a colon at the end."""
    words = line.split()
    return 3 <= len(words) <= 25 and line[0].isupper() and not line.endswith((".", ":", ",", ";"))


def find_dates(line: str) -> list[str]:
    """ISO dates written in `line`, in order ("Jan. 4, 2024" -> "2024-01-04")."""
    found = []
    for m in DATE.finditer(line):
        iso = m.group("iso") or _iso(m.group("year") or m.group("year2"), m.group("mon") or m.group("mon2"),
                                     m.group("day") or m.group("day2"))
        if iso and is_iso_date(iso):
            found.append(iso)
    return found


# -- Verdicts ----------------------------------------------------------------------------------

def _verdict(line: str, story_started: bool) -> str:
    if _AD_MARKER.fullmatch(line) or _SYMBOLS_ONLY.fullmatch(line) or _FURNITURE.fullmatch(line):
        return JUNK
    if _LINK_LINE.fullmatch(line) or _EMPTY_LABELS.fullmatch(line) or _READING_TIME.fullmatch(line):
        return JUNK
    if _COMMENT_FIELD.fullmatch(line):
        return JUNK
    if len(line.split()) <= 60 and _NOTICE.search(line) and not _REPORTED.search(line):
        return NOTICE
    if _COPYRIGHT.fullmatch(line) and line[:1] in "©(Cc" and len(line.split()) <= 12:
        return CREDIT
    if _PHOTO_CREDIT_LINE.fullmatch(line) and len(line.split()) <= 12:
        return CREDIT
    dated = _dates_and_tags_only(line)
    if dated is not None:
        return TIMESTAMP if dated else JUNK
    if (_BYLINE.fullmatch(line) and len(line.split()) <= 12) or (_CONTRIBUTED.fullmatch(line) and len(line) <= 240):
        return BYLINE
    if _REPORTED_FROM.fullmatch(line) and len(line.split()) <= 12:
        return BYLINE   # provisional: _settle_tail_bylines turns it back into story unless it ends the story
    if _is_subhead(line, story_started):
        return SUBHEAD
    return STORY


def _dates_and_tags_only(line: str) -> bool | None:
    """True if the line is only a date/time (with labels and tag words), False if only tag words,
    None if it says anything else."""
    if len(line) > 100:   # timestamp and tag lines are short; spare long story lines the regexes
        return None
    rest = DATE.sub(" ", line)
    had_date = rest != line or bool(_SHORT_DATE.search(line))
    rest = _SHORT_DATE.sub(" ", rest)
    rest = _TIME.sub(" ", rest)
    rest = _DATE_WORDS.sub(" ", rest)
    rest = _TAG_WORDS.sub(" ", rest)
    if re.sub(r"[\s/|,·•–—:-]+", "", rest):
        return None
    return had_date or bool(_TIME.search(line))


def _is_subhead(line: str, story_started: bool) -> bool:
    """A short label without punctuation: lowercase anywhere, or any case once the story is under way."""
    words = line.split()
    if len(words) > 4 or line.endswith(tuple(_TERMINAL + ":;,")) or not line[0].isalpha():
        return False
    return line[0].islower() or story_started


def _settle_tail_bylines(lines: list[Line]) -> None:
    """'X reported from Y.' is a byline only when no story text follows it."""
    story_after = False
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if line.kind == STORY:
            story_after = True
        elif line.kind == BYLINE and story_after and _REPORTED_FROM.fullmatch(line.text):
            lines[i] = Line(line.start, line.end, line.text, STORY)


def _line_spans(text: str):
    """(start, end) of each non-blank line, with surrounding white space left out."""
    for m in re.finditer(r"[^\r\n]+", text):
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            start = m.start() + len(raw) - len(raw.lstrip())
            yield start, start + len(stripped)


def _join_wrapped(text: str, lines: list[Line]) -> list[tuple[int, int]]:
    """Merge a hard-wrapped paragraph: a line that stops mid-sentence, followed on the very next
    line by one that starts in lowercase, continues that sentence."""
    blocks: list[tuple[int, int]] = []
    previous: Line | None = None
    for line in lines:
        if (previous is not None and not previous.text.endswith(tuple(_TERMINAL + ":;"))
                and line.text[:1].islower() and len(_LINE_BREAK.findall(text, previous.end, line.start)) == 1):
            blocks[-1] = (blocks[-1][0], line.end)
        else:
            blocks.append((line.start, line.end))
        previous = line
    return blocks


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _iso(year: str | None, month: str | None, day: str | None) -> str | None:
    if not (year and month and day):
        return None
    number = _MONTH_NUMBER.get(month.lower().rstrip(".")[:3])
    return f"{int(year):04d}-{number:02d}-{int(day):02d}" if number else None


def is_iso_date(iso: str) -> bool:
    """True for a real calendar day written YYYY-MM-DD (2024-02-30 is not one)."""
    try:
        datetime.date.fromisoformat(iso)
    except ValueError:
        return False
    return True


_MONTH_NUMBER = {name: i for i, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
