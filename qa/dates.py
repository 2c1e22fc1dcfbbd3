"""Dates in sentences, resolved against the article's publication date, to keep events apart.

News writes "on Wednesday", "Jan. 4", "last week": relative to the day it was published. A value
is only comparable with another outlet's when both are about the same event, i.e. the same day.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_MONTH_DAY = re.compile(
    r"\b(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<year>\d{4}))?\b", re.IGNORECASE)
_DAY_MONTH = re.compile(
    r"\b(?P<day>\d{1,2})\s+(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
    r"(?:,?\s+(?P<year>\d{4}))?\b", re.IGNORECASE)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
# "last week" names no one day, but surely not the day of publication: a week back stands for it.
_RELATIVE = {"today": 0, "yesterday": -1, "tonight": 0, "this morning": 0, "last night": -1, "last week": -7}


@dataclass(frozen=True)
class MonthDay:
    """A day named without a reliable year (a question's "January 4")."""

    month: int
    day: int
    year: int | None = None

    def matches(self, day: date) -> bool:
        return day.month == self.month and day.day == self.day and (self.year is None or self.year == day.year)


def parse_iso(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def month_days(text: str) -> list[MonthDay]:
    """Days named by month and day in free text ("Jan. 4", "4 January 2024", "2024-01-04")."""
    found: list[tuple[int, MonthDay]] = []
    for pattern in (_MONTH_DAY, _DAY_MONTH, _ISO):
        for m in pattern.finditer(text):
            month = m.group("month")
            month_no = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
            day_no = int(m.group("day"))
            if 1 <= month_no <= 12 and 1 <= day_no <= 31:
                year = int(m.group("year")) if m.group("year") else None
                found.append((m.start(), MonthDay(month_no, day_no, year)))
    return [md for _, md in sorted(found, key=lambda x: x[0])]


def resolve(text: str, published: date | None) -> date | None:
    """The calendar day an expression names, or None when it names no single day.

    Weekdays mean the most recent such day on or before publication (an article published on a
    Thursday says "on Thursday" of that day); a month and day without a year take the publication
    year unless that would put them more than a week after publication (then the year before).
    """
    lowered = text.lower()
    for md in month_days(text):
        if md.year is not None:
            return _safe_date(md.year, md.month, md.day)
        if published is None:
            return None
        day = _safe_date(published.year, md.month, md.day)
        if day is not None and day > published + timedelta(days=7):
            day = _safe_date(published.year - 1, md.month, md.day)
        return day
    if published is None or re.search(r"\bago\b", lowered):   # "four years ago Wednesday": not this week
        return None
    for phrase, offset in _RELATIVE.items():
        if phrase in lowered:
            return published + timedelta(days=offset)
    weekday = _WEEKDAY.search(lowered)
    if weekday and not re.search(r"\b(last|next|every|previous)\s+" + weekday.group(1), lowered):
        back = (published.weekday() - WEEKDAYS[weekday.group(1)]) % 7
        return published - timedelta(days=back)
    return None


def sentence_days(text: str, date_entities: list[str], published: date | None) -> list[date]:
    """Every day a sentence names: its DATE entities plus month-day patterns spaCy missed."""
    days: list[date] = []
    for expression in date_entities:
        day = resolve(expression, published)
        if day is not None and day not in days:
            days.append(day)
    for md in month_days(text):
        day = resolve(f"{_month_name(md.month)} {md.day}" + (f", {md.year}" if md.year else ""), published)
        if day is not None and day not in days:
            days.append(day)
    return days


def _month_name(month: int) -> str:
    return ("January February March April May June July August September October November December").split()[month - 1]
