"""Read and check a gold QA file (JSON Lines, the contract's gold format)."""
from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable


class GoldError(ValueError):
    """A gold file that cannot be used; str() is one line naming the file and line."""


@dataclass(frozen=True)
class GoldSource:
    answer: list[str]      # acceptable short answers, any one counts
    evidence: list[str]    # any one must occur inside a cited sentence of the document


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    disagree: bool
    sources: dict[str, GoldSource] = field(default_factory=dict)   # empty: no article answers it
    line: int = 0


def load_gold(path: str | Path, doc_ids: Iterable[str] | None = None) -> list[GoldQuestion]:
    """Every question in the file; with `doc_ids`, every source must be one of them."""
    path = Path(path)
    known = set(doc_ids) if doc_ids is not None else None
    lines = read_lines(path, "gold file")
    questions: list[GoldQuestion] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue   # blank lines carry nothing; tolerating them costs nothing
        where = f"{path}:{number}"
        question = parse_line(text, where, known)
        if question.id in seen:
            raise GoldError(f"{where}: duplicate id {question.id!r} (first on line {seen[question.id]})")
        seen[question.id] = number
        questions.append(question)
    if not questions:
        raise GoldError(f"{path}: the gold file holds no questions")
    return questions


def read_lines(path: Path, what: str) -> list[str]:
    """The lines of a JSON Lines file, or GoldError naming the file and why it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GoldError(f"{path}: no such {what}") from None
    except OSError as error:
        raise GoldError(f"{path}: cannot read {what} ({error.strerror or error})") from None
    data = data.removeprefix(codecs.BOM_UTF8)   # a byte-order mark (Windows editors) is no JSON
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:   # a line number finds the byte; an offset into the file does not
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise GoldError(f"{path}:{line}: cannot read {what}: byte 0x{data[error.start]:02x} at column {column} "
                        "is not UTF-8 (save the file as UTF-8)") from None
    # Lines end at \n only: str.splitlines() also splits at U+2028, U+0085, \x0c, ... which JSON
    # allows raw inside a string (a line of a web page quoted in full).
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def json_line(text: str, where: str) -> object:
    """One line of JSON, or GoldError naming `where` and the column where it stops being JSON, or
    the key an object gives twice (json.loads keeps the last silently: a source written twice
    would lose its first answers unseen)."""
    def unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
        row: dict[str, object] = {}
        for key, value in pairs:
            if key in row:
                raise GoldError(f"{where}: an object gives the key {key!r} twice")
            row[key] = value
        return row

    try:
        return json.loads(text, object_pairs_hook=unique)
    except json.JSONDecodeError as error:
        at = "" if error.msg.endswith(" at") else " at"   # "Unterminated string starting at", column 71
        raise GoldError(f"{where}: not valid JSON ({error.msg}{at} column {error.colno})") from None


def check_sources(questions: list[GoldQuestion], path: str | Path, doc_ids: Iterable[str]) -> None:
    """Every gold source must be a document of the corpus evaluated; GoldError names the first line that is not."""
    known = set(doc_ids)
    for question in questions:
        for doc_id in question.sources:
            if doc_id not in known:
                raise GoldError(_unknown_source(f"{path}:{question.line}", doc_id, known))


def parse_line(text: str, where: str, known: set[str] | None = None) -> GoldQuestion:
    """One gold line -> GoldQuestion, or GoldError naming `where` and what is wrong."""
    row = json_line(text, where)
    if not isinstance(row, dict):
        raise GoldError(f"{where}: expected a JSON object, got {type(row).__name__}")
    for key, kind in (("id", str), ("question", str), ("disagree", bool), ("sources", dict)):
        if key not in row:
            raise GoldError(f"{where}: missing field {key!r}")
        if not isinstance(row[key], kind):
            raise GoldError(f"{where}: field {key!r} must be {_KIND_NAMES[kind]}, got {_json_type(row[key])}")
    if not row["id"].strip():
        raise GoldError(f"{where}: field 'id' is empty")
    if not row["question"].strip():
        raise GoldError(f"{where}: field 'question' is empty")
    sources = {doc_id: _parse_source(doc_id, value, where, known) for doc_id, value in row["sources"].items()}
    return GoldQuestion(row["id"], row["question"], row["disagree"], sources, int(where.rsplit(":", 1)[1]))


def _parse_source(doc_id: str, value: object, where: str, known: set[str] | None) -> GoldSource:
    if known is not None and doc_id not in known:
        raise GoldError(_unknown_source(where, doc_id, known))
    if not isinstance(value, dict):
        raise GoldError(f"{where}: sources.{doc_id} must be an object, got {_json_type(value)}")
    lists = []
    for key in ("answer", "evidence"):
        if key not in value:
            raise GoldError(f"{where}: sources.{doc_id} is missing field {key!r}")
        items = value[key]
        if not isinstance(items, list):
            raise GoldError(f"{where}: sources.{doc_id}.{key} must be a list of strings, got {_json_type(items)}")
        for n, item in enumerate(items):
            if not isinstance(item, str):
                raise GoldError(f"{where}: sources.{doc_id}.{key}[{n}] must be a string, got {_json_type(item)}")
        if not any(item.strip() for item in items):
            raise GoldError(f"{where}: sources.{doc_id}.{key} must hold at least one non-empty string")
        lists.append([item for item in items if item.strip()])
    return GoldSource(answer=lists[0], evidence=lists[1])


def _unknown_source(where: str, doc_id: str, known: set[str]) -> str:
    return f"{where}: source {doc_id!r} is not a document of the corpus (documents: {', '.join(sorted(known)) or 'none'})"


_KIND_NAMES = {str: "a string", bool: "true or false", dict: "an object"}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)
