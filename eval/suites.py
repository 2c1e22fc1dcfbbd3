"""Material for the runs over many stories: suite folders and RAMDocs, read into gold questions.

A suite folder holds one folder per story, each with its articles (optional `sources.csv`) and a
`gold.jsonl`. A RAMDocs file (JSON Lines) holds one question per line with its 3-7 documents;
each becomes a little story of its own, documents named `d0`, `d1`, ... in file order, mapped
onto the gold format as `../shared/benchmarks/ramdocs/README.md` says.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .gold import GoldError, GoldQuestion, GoldSource, json_line, load_gold, read_lines
from .matching import tokens

GOLD_NAME = "gold.jsonl"
ADDRESSING = ("correct", "misinfo")   # RAMDocs document types that answer the question
RAMDOCS_TYPES = ADDRESSING + ("noise",)


@dataclass
class Story:
    """One story to index alone: a folder of articles (or documents to write), and its gold."""

    name: str
    golds: list[GoldQuestion]
    folder: Path | None = None                             # articles on disk
    documents: dict[str, str] = field(default_factory=dict)  # doc_id -> text, written to a folder
    prefix_ids: bool = True   # ids in a pooled report are `story/id` (a RAMDocs question's id is its story's name)


def suite_stories(folders: list[str | Path], log: Callable[[str], None] | None = None) -> list[Story]:
    """Every story folder (one holding a gold.jsonl) of the suite folders, in name order; `log`
    is told of each other folder, left out."""
    stories: list[Story] = []
    seen: dict[str, Path] = {}
    for top in map(Path, folders):
        if not top.is_dir():
            raise GoldError(f"{top}: suite folder not found" if not top.exists()
                            else f"{top}: not a folder (--suite takes a folder of story folders)")
        found = sorted(p for p in top.iterdir() if p.is_dir() and (p / GOLD_NAME).is_file())
        if log is not None and found:
            for left in sorted(p for p in top.iterdir() if p.is_dir() and p not in found and not p.name.startswith(".")):
                log(f"{left}: no {GOLD_NAME} in it; left out of the suite")
        if not found:
            raise GoldError(f"{top}: no story folder with a {GOLD_NAME} in it")
        for folder in found:
            if folder.name in seen:
                raise GoldError(f"{folder}: a story named {folder.name!r} is in the suite already ({seen[folder.name]})")
            seen[folder.name] = folder
            stories.append(Story(folder.name, load_gold(folder / GOLD_NAME), folder=folder))
    return stories


def ramdocs_stories(path: str | Path, limit: int | None = None, prefix: str = "") -> list[Story]:
    """One story per RAMDocs question (the first `limit` when given), named and with the id `prefix`
    and its 1-based line number ("7", or "ramdocs/7" beside a suite's stories)."""
    path = Path(path)
    lines = read_lines(path, "RAMDocs file")
    stories: list[Story] = []
    for number, text in enumerate(lines, start=1):
        if limit is not None and len(stories) >= limit:
            break
        if text.strip():
            stories.append(_ramdocs_story(text, f"{path}:{number}", f"{prefix}{number}"))
    if not stories:
        raise GoldError(f"{path}: the RAMDocs file holds no questions")
    return stories


def _ramdocs_story(text: str, where: str, name: str) -> Story:
    row = json_line(text, where)
    if not isinstance(row, dict) or not isinstance(row.get("question"), str) or not row["question"].strip():
        raise GoldError(f"{where}: expected an object with a non-empty 'question'")
    documents = row.get("documents")
    if not isinstance(documents, list) or not documents:
        raise GoldError(f"{where}: field 'documents' must be a non-empty list")
    texts: dict[str, str] = {}
    sources: dict[str, GoldSource] = {}
    for i, document in enumerate(documents):
        doc_id = f"d{i}"
        if not isinstance(document, dict) or not isinstance(document.get("text"), str):
            raise GoldError(f"{where}: documents[{i}] must be an object with a 'text' string")
        kind, answer = document.get("type"), document.get("answer")
        if kind not in RAMDOCS_TYPES:
            raise GoldError(f"{where}: documents[{i}].type must be one of {', '.join(RAMDOCS_TYPES)}, got {kind!r}")
        texts[doc_id] = document["text"]
        if kind in ADDRESSING:
            if not isinstance(answer, str) or not answer.strip():
                raise GoldError(f"{where}: documents[{i}].answer must be a non-empty string for a {kind} document")
            sources[doc_id] = GoldSource(answer=[answer], evidence=[answer])
    distinct = {tuple(tokens(s.answer[0])) for s in sources.values()}   # as answers match: "three" = "3"
    gold = GoldQuestion(name, row["question"], len(distinct) > 1, sources, int(where.rsplit(":", 1)[1]))
    return Story(name, [gold], documents=texts, prefix_ids=False)


def write_documents(story: Story, folder: Path) -> Path:
    """Lay a story's documents out as a corpus folder: `d0.txt`, ... and a sources.csv naming each
    document's outlet after its id (web pages name no outlet we could trust)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "sources.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "outlet", "published", "title", "url"])
        for doc_id, text in story.documents.items():
            (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
            writer.writerow([f"{doc_id}.txt", doc_id, "", "", ""])
    return folder
