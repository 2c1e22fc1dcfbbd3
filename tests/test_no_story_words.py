"""No rule of the engine may name anything of one story: the string literals of `qa/` and `index/`
(docstrings and comments aside) hold no name of any story of the suite: its place, its people,
groups and places (the capitalised words of its gold answers), nor its outlets."""
from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path

import pytest

from qa import lexicon

ROOT = Path(__file__).resolve().parent.parent
SUITES = [ROOT / "eval" / "suite", ROOT / "eval" / "blind", ROOT.parent / "shared" / "stories"]
# Common words that names of the stories also use ("The National", "Middle East", "MBN News").
COMMON = {"news", "press", "post", "daily", "times", "world", "national", "popular", "middle", "east", "west",
          "north", "south", "central", "united", "state", "city", "county", "public", "health", "first", "new",
          "space", "access", "international", "today", "live", "events", "security", "collection",
          "stand"}
# "space": a spaCy part-of-speech tag (SPACE), and a word of a launch story's space authority; "access",
# "international", "today", "live": words of a web page's notices and tags, and of a campaign group's, an
# airport's and outlets' names; "events": the answer's "about the events of", and a trade title's name;
# "security": a news site's "national security" tag, and the word of a cyber-security firm's name;
# "collection": the index's collections of stories, and the word of a private museum's name; "stand": "what
# does X stand for", and a stadium's stand


def _general_words() -> set[str]:
    """General English the engine may use: the words of its one lexicon, and COMMON."""
    out: set[str] = set(COMMON)
    for name in dir(lexicon):
        value = getattr(lexicon, name)
        if name.isupper() and isinstance(value, (set, dict, list, tuple)):
            for item in value:
                if isinstance(item, str):
                    out.update(item.lower().split())
    return out


def story_names() -> set[str]:
    general = _general_words()
    names: set[str] = set()
    for suite in SUITES:
        if not suite.is_dir():
            continue
        for story in sorted(p for p in suite.iterdir() if (p / "gold.jsonl").is_file()):
            names.add(re.split(r"[-_]", story.name)[0].lower())   # the story's place or subject
            manifest = story / "sources.csv"
            if manifest.is_file():
                with open(manifest, encoding="utf-8") as handle:
                    for row in csv.DictReader(handle):
                        names.update(w.lower() for w in re.findall(r"[A-Za-z][\w'-]{3,}", row.get("outlet") or ""))
            for line in (story / "gold.jsonl").read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                for source in json.loads(line)["sources"].values():
                    for answer in source["answer"]:
                        names.update(w.lower() for w in re.findall(r"\b[A-Z][\w'-]{3,}", answer))
    return {n for n in names if n not in general and not n.isdigit()}


def literals() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(p for d in ("qa", "index") for p in (ROOT / d).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for n in ast.walk(tree):
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs:
                out.append((str(path.relative_to(ROOT)), n.lineno, n.value))
    return out


def test_the_scan_knows_the_stories_names():
    names = story_names()
    if not (ROOT.parent / "shared" / "stories").is_dir():
        pytest.skip("../shared/stories is not beside this checkout")
    # a test that cannot fail is a defect: the scan must hold names of several stories
    assert {"keston", "halverton", "quellbrook", "strachley", "northline"} <= names


def test_no_string_literal_of_the_engine_names_anything_of_one_story():
    names = story_names()
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b", re.I)
    hits = [f"{path}:{line}: {text[:60]!r}" for path, line, text in literals() if pattern.search(text)]
    assert not hits, "story names in the engine's code:\n" + "\n".join(hits)
