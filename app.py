"""ClaimQA web chat: a thin Gradio layer over `qa` (answers) and `index` (ingest, sources).

    python app.py [--host 127.0.0.1] [--port 7860] [--index DIR] [--uploads DIR] [--workers 2]

The first start builds the index of the bundled articles (data/articles) when it is missing.
The answer is also served as JSON on the API endpoint `/ask` (the contract's answer object) and on
the plain route `POST /api/ask`; both are answered in worker processes (qa/workers.py).
"""
from __future__ import annotations

import os

# Before gradio is imported: no calls home, no model downloads.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Gradio's queue rebuilds its monitoring summary (a pandas table of the last 10,000 events) after
# every event that follows a new one, i.e. per request when requests come one at a time (a burst
# pays it about once): 3.4 ms of CPU at 600 events kept, 8.8 ms at 10,000, as much as an answer.
# Nothing here reads that summary: rebuild it every MONITOR_EVERY events, over as many.
MONITOR_EVERY = 1000
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(MONITOR_EVERY))
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", str(MONITOR_EVERY))

import atexit
import csv
import functools
import html
import json
import logging
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
import gradio as gr

import index
from index.reading import MANIFEST_COLUMNS, MAX_FILE_BYTES
from index.reading import first_surrogate, read_manifest   # read_manifest: the rows `ingest` would use
from index.store import DB_NAME, committed_generation
from qa import served
from qa.answer import Answer, Citation, SourceAnswer
from qa.render import stated
from qa.workers import IndexChanged, open_answerer  # noqa: F401  (app.IndexChanged, app.open_answerer as before)
from qa.workers import WORKER_PROCESSES, AnswerFailed, AnswerWorkers, Following, keep_start_up_objects, stated_reason

ROOT = Path(__file__).resolve().parent
BUNDLED_CORPUS = ROOT / "data" / "articles"
ARTICLE_TYPES = {".txt", ".md", ".html", ".htm"}
MANIFEST = "sources.csv"
MAX_UPLOAD_BYTES = MAX_FILE_BYTES          # per file, as `claimqa ingest`: 2 MB (index/reading.py says why)
GRADIO_MAX_FILE_SIZE = "20mb"            # Gradio's own hard cap, above ours so that we can say why
SAFE_NAME = re.compile(r"[^\W_][\w ._()-]{0,119}")   # letters and digits of any script ("café news.txt")
# Gradio keeps a copy of the page's state per session, and every API call without a session is a
# new one: about 30 KB each here, 10,000 sessions by default (300 MB). The oldest go beyond this.
SESSIONS_KEPT = 500
UPLOAD_CACHE_SWEEP = 3600               # seconds an upload may wait in Gradio's cache unsubmitted
# Answers in flight at once. Many, though there are 2 cores: questions in flight together are
# parsed and encoded in one call each (index/gather.py), two thirds of a fresh question's CPU.
ASK_CONCURRENCY = 16
MAX_THREADS = 64                         # Gradio's worker threads: the answers, uploads and page events
# API questions handed to the worker processes at once (a coroutine waiting on a worker holds no
# thread; the workers answer WORKER_THREADS each at a time). Gradio's queue runs at most MAX_THREADS
# events of every kind at once, so more would change nothing.
API_IN_WORKERS = MAX_THREADS
QUEUE_STATUS_EVERY = 1.0                 # seconds between queue-position messages to waiting clients

# -- the library behind the page ------------------------------------------------------------

class Library(Following):
    """The current answerer (one index snapshot, following the committed generation: see
    qa.workers.Following) and the uploads folder that feeds the index.

    An upload builds the next snapshot on the side and swaps it in under a lock, so nobody sees a
    half-built index; an ingest or removal by `claimqa` in another process is followed too.
    """

    def __init__(self, index_dir: Path, uploads_dir: Path):
        super().__init__(index_dir)
        self.uploads_dir = uploads_dir
        self._ingest = threading.Lock()   # one upload at a time (ingest also holds a file lock)
        self._picks: StoryPicks | None = None

    def add(self, paths: list[str], progress=None) -> list[str]:
        """Check, save and ingest uploaded files; returns one line per file saying what happened."""
        try:
            with self._ingest:
                self.current()   # a CLI ingest may have changed what is indexed from the uploads folder
                return add_uploads(self, [Path(p) for p in paths], progress)
        finally:
            forget_gradio_copies(paths)

    def remove(self, doc_id: str) -> str:
        """Take an uploaded article out of the index and the uploads folder; one line saying so."""
        with self._ingest:
            self.current()   # a CLI ingest or removal may have changed the index since the page loaded
            return remove_upload(self, doc_id)

    def story_picks(self) -> StoryPicks:
        """The Story picker's choices for the committed index: built from `store.stories` (what
        `claimqa stories` lists) once per generation, never per question or per page load."""
        store = self.current().store   # raises when the index is gone
        picks = self._picks
        if picks is None or picks.generation != store.generation:
            picks = self._picks = story_picks(store, before=picks)
        return picks

    def listed_title(self, story_id: str) -> str | None:
        """The title the picker last offered for this story (or the list before), None if never offered."""
        return self._picks.titles.get(story_id) if self._picks is not None else None


@dataclass
class Checked:
    source: Path
    name: str        # the file name it is saved under, inside the uploads folder


def check_upload(path: Path) -> tuple[Checked | None, str | None]:
    """(file to save, None) or (None, reason it is refused): type, size and name are checked here."""
    name = unicodedata.normalize("NFC", path.name)   # "café" as one é, however the browser spelled it
    refused = check_name(name)
    if refused:
        return None, refused
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        return None, f"{name}: {size / 1024 / 1024:.1f} MB is over the {MAX_UPLOAD_BYTES // 1024 // 1024} MB limit per file"
    if size == 0:
        return None, f"{name}: the file is empty"
    return Checked(path, name), None


def check_name(name: str) -> str | None:
    """Why a file name is refused, or None: only plain names of the listed types, never a path."""
    shown = name if len(name) <= 80 else name[:77] + "..."
    if "/" in name or "\\" in name or name in {".", ".."} or ".." in name:
        return f"{shown}: a file name may not contain a path"
    if name.startswith("."):
        return f"{shown}: a name starting with '.' is a hidden file, which is never read; rename it"
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        if name != MANIFEST:
            return f"{shown}: the only .csv accepted is {MANIFEST}"
    elif suffix not in ARTICLE_TYPES:
        return f"{shown}: not an article type (accepted: .txt, .md, .html, .htm and {MANIFEST})"
    if not SAFE_NAME.fullmatch(name):
        return f"{shown}: use letters, digits, spaces, '.', '_', '-' in file names"
    return None


def inside(folder: Path, name: str) -> Path:
    """folder/name, and a guarantee that it stays inside the folder whatever the name says."""
    target = (folder / name).resolve()
    if target.parent != folder.resolve():
        raise ValueError(f"{name}: would be saved outside {folder}")
    return target


def add_uploads(library: Library, paths: list[Path], progress=None) -> list[str]:
    lines: list[str] = []
    checked: list[Checked] = []
    for path in paths:
        ok, reason = check_upload(path)
        if reason:
            lines.append(f"refused: {reason}")
        elif any(item.name == ok.name for item in checked):   # both would be saved under one name
            lines.append(f"refused: {ok.name}: another file of this name comes first in this upload; rename one")
        else:
            checked.append(ok)
    if not checked:
        return lines or [NO_FILE]

    if progress is not None:
        progress(0, desc="Reading the files")
    with tempfile.TemporaryDirectory(prefix="claimqa-upload-") as work:
        staging, backups = Path(work, "staged"), Path(work, "replaced")
        staging.mkdir()
        backups.mkdir()
        keep = _stage(library, checked, staging, lines)
        if not keep:
            return lines
        try:
            claim_uploads(library)
        except (RuntimeError, OSError) as error:
            return lines + [f"refused: {error}"]
        saved = _move_in(library.uploads_dir, keep, backups)
        targets = _to_ingest(library, [target for target, _ in saved])

        def report(done: int, total: int) -> None:
            if progress is not None:
                progress((done, total), desc="Embedding sentences", unit="sentences")

        def waiting(lock: Path) -> None:
            if progress is not None:
                progress(0, desc="Waiting for another ingest into this index to finish")

        try:
            result = index.ingest(targets, library.index_dir, progress=report, on_wait=waiting)
        except Exception as error:   # the index is as it was (atomic write); put the folder back too
            logging.exception("ingest of uploads failed")
            _move_back(saved)
            return lines + [f"refused: {error}; the index is unchanged"]
        duplicates = [_settle_duplicate(line, saved) for line in result.duplicates]
    library.reload()
    lines += [f"refused: {Path(r.path).name}: {r.reason}" for r in result.refused]
    lines += [f"added: {doc_id}" for doc_id in result.added]
    lines += [f"updated: {doc_id}" for doc_id in result.updated]
    lines += [f"duplicate: {d}" for d in duplicates]
    lines.append(result.summary())
    return lines


def _stage(library: Library, checked: list[Checked], staging: Path, lines: list[str]) -> list[Path]:
    """Read the uploads folder as it would be with these files, in a private copy; returns the
    files that read cleanly. A file that cannot be read never enters the uploads folder, so it
    cannot break this ingest or a later one."""
    if library.uploads_dir.is_dir():
        for existing in library.uploads_dir.iterdir():
            if existing.is_file() and not existing.name.startswith("."):
                shutil.copy2(existing, staging / existing.name)
    for item in checked:
        if item.name != MANIFEST:
            shutil.copyfile(item.source, inside(staging, item.name))
    manifest = next((item for item in checked if item.name == MANIFEST), None)
    if manifest is not None and not _merge_manifest(manifest.source, staging, lines):
        checked = [item for item in checked if item is not manifest]
    _, refusals = index.read_articles([staging])
    uploaded = {item.name for item in checked}
    refused: dict[str, list[str]] = {}
    for refusal in refusals:
        name = Path(refusal.path).name
        if name in uploaded:
            refused.setdefault(name, []).append(refusal.reason)
    bundled = {d.doc_id: d for d in library.answerer.store.documents if not _is_upload(library, d.path)}
    keep = []
    for item in checked:
        if item.name in refused:
            what = " (the manifest was not saved)" if item.name == MANIFEST else ""
            lines.extend(f"refused: {item.name}: {reason}{what}" for reason in refused[item.name])
        elif item.name != MANIFEST and Path(item.name).stem in bundled:
            other = bundled[Path(item.name).stem]
            lines.append(f"refused: {item.name}: the id {other.doc_id!r} belongs to an article indexed from "
                         f"{Path(other.path).parent.name or other.path}; rename the file")
        else:
            keep.append(staging / item.name)
    return keep


def _merge_manifest(uploaded: Path, staging: Path, lines: list[str]) -> bool:
    """Write staging/sources.csv: the uploads folder's rows, a row of the uploaded manifest replacing
    the row for its file. A row `ingest` would ignore (a bad line, a file that is not there) is
    refused and ignored, the rest kept. False when no row of the upload is usable (nothing saved)."""
    new = read_manifest(uploaded)
    lines.extend(f"refused: {MANIFEST}: {problem.reason}" for problem in new.problems)
    rows = {}
    for name, row in new.rows.items():
        if (staging / name).is_file():
            rows[name] = row
        else:
            lines.append(f"refused: {MANIFEST}: line {new.lines[name]}: names '{name}', which is neither in "
                         f"this upload nor uploaded before; row ignored")
    if not rows:
        lines.append(f"refused: {MANIFEST}: no row of it can be used; the manifest was not saved")
        return False
    target = staging / MANIFEST
    old = read_manifest(target).rows if target.is_file() else {}
    merged = {name: row for name, row in old.items() if name not in rows and (staging / name).is_file()}
    merged.update(rows)
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows([name, *(row.get(key, "") for key in MANIFEST_COLUMNS[1:])] for name, row in merged.items())
    return True


def _to_ingest(library: Library, saved: list[Path]) -> list[Path]:
    """The files this upload ingests: the ones just saved, never the whole uploads folder, so a
    file left there by a crashed upload is not indexed by the next, unrelated one. A new
    sources.csv also updates the uploads indexed before (it is read beside each of them)."""
    articles = [path for path in saved if path.name != MANIFEST]
    if len(articles) < len(saved):
        done = {path.resolve() for path in articles}
        articles += [Path(d.path) for d in library.answerer.store.documents
                     if _is_upload(library, d.path) and Path(d.path).is_file() and Path(d.path).resolve() not in done]
    return articles


UPLOADS_OWNER = ".claimqa-index"   # in an uploads folder: the index it feeds


def claim_uploads(library: Library) -> None:
    """An uploads folder feeds one index: the first app to use it writes its index's path there.
    RuntimeError when another index that still exists holds it: sibling index folders share one
    default uploads folder, and each would take the other's uploads for uploads cut short."""
    marker = library.uploads_dir / UPLOADS_OWNER
    mine = str(library.index_dir.resolve())
    try:
        owner = marker.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        owner = ""
    if owner == mine:
        return
    if owner and (Path(owner) / DB_NAME).is_file():
        raise RuntimeError(f"the uploads folder {library.uploads_dir} feeds the index at {owner}; give "
                           f"{library.index_dir} its own with --uploads DIR")
    library.uploads_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(mine + "\n", encoding="utf-8")


def set_aside_leftovers(library: Library) -> list[str]:
    """Files in the uploads folder that the index does not hold (an upload killed mid-ingest):
    moved to uploads/.unindexed/, where no ingest reads them. Returns their names."""
    if not library.uploads_dir.is_dir():
        return []
    indexed = {Path(d.path).name for d in library.answerer.store.documents if _is_upload(library, d.path)}
    aside = library.uploads_dir / ".unindexed"
    moved = []
    for path in sorted(library.uploads_dir.iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.name != MANIFEST and path.name not in indexed:
            aside.mkdir(exist_ok=True)
            os.replace(path, aside / path.name)
            moved.append(path.name)
    return moved


def forget_gradio_copies(paths: list[str]) -> None:
    """Delete Gradio's cached copies of these uploads once they are read: it would keep them for
    ever. Only files inside Gradio's upload folder are touched."""
    cache = Path(gr.utils.get_upload_folder()).resolve()
    for name in paths:
        path = Path(name)
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            continue
        if cache in resolved.parents and resolved.is_file():
            resolved.unlink(missing_ok=True)
            try:
                resolved.parent.rmdir()   # Gradio keeps each upload in a folder of its own
            except OSError:
                pass


def _is_upload(library: Library, path: str) -> bool:
    try:
        return Path(path).resolve().parent == library.uploads_dir.resolve()
    except OSError:
        return False


def _move_in(folder: Path, staged: list[Path], backups: Path) -> list[tuple[Path, Path | None]]:
    """Copy staged files into the uploads folder; returns (target, backup of what it replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for path in staged:
        target = inside(folder, path.name)
        backup = None
        if target.exists():
            backup = backups / path.name
            shutil.copy2(target, backup)
        shutil.copyfile(path, target)
        saved.append((target, backup))
    return saved


def _settle_duplicate(line: str, saved: list[tuple[Path, Path | None]]) -> str:
    """An uploaded file that `ingest` found to be a copy is not indexed, so it leaves the uploads
    folder (the next start took it for an upload cut short); the line names files, not server paths."""
    for target, backup in saved:
        if line.startswith(f"{target}: "):
            _move_back([(target, backup)])
    for target, _ in saved:
        line = line.replace(str(target), target.name)
    return line


def _move_back(saved: list[tuple[Path, Path | None]]) -> None:
    for target, backup in saved:
        if backup is None:
            target.unlink(missing_ok=True)
        else:
            shutil.copy2(backup, target)


# -- follow-up questions ---------------------------------------------------------------------

FOLLOW_UP_LEAD = re.compile(r"^\s*(?:and|also|plus|but)?\s*(?:what|how)\s+about\s+|^\s*(?:and|also|plus|but)\s+",
                            re.IGNORECASE)
QUESTION_START = re.compile(r"^(?:who|whom|whose|what|which|when|where|why|how|is|are|was|were|did|do|does|"
                            r"has|have|had|can|could|will|would)\b", re.IGNORECASE)
PRONOUNS = {"it", "they", "them", "he", "him", "she", "that", "this"}


def resolve_follow_up(text: str, previous: str | None) -> str:
    """The question a follow-up stands for, given the previous question of the chat.

    A follow-up starts with "and", "also", "what about", "how about", or is a fragment of at
    most four words that is not itself a question. It takes the previous question's frame:
    - a participle or adjective replaces the previous question's participle:
      "How many people were killed in the January 4 strike?" + "and the injured?"
      -> "How many people were injured in the January 4 strike?"
    - a noun and a participle replace the previous question's noun and participle:
      "How many firefighters were injured?" + "and the workers evacuated?" -> "How many workers
      were evacuated?"
    - a phrase with a preposition replaces the previous one with that preposition:
      + "and in the Feb. 7 strike?" -> "How many people were killed in the Feb. 7 strike?"
    - a noun phrase replaces the previous noun phrase with the same head noun:
      + "what about the Feb. 7 strike?" -> "... killed in the Feb. 7 strike?"
    - any other fragment is added to the previous question ("Who is the Pentagon spokesman? his rank").
    - a full question with "it", "they", "he"... gets the previous question's topic (its last
      noun phrase) in place of the pronoun: "and when did it happen?" -> "when did the January 4
      strike happen?"
    Anything else is a new question, asked as typed.
    """
    question = " ".join(text.split())
    if not previous:
        return question
    lead = FOLLOW_UP_LEAD.match(question)
    rest = question[lead.end():] if lead else question
    rest = rest.strip().rstrip("?").strip()
    if not rest:
        return question
    words = rest.split()
    if QUESTION_START.match(rest):
        if not lead and not PRONOUNS & {w.lower().strip(",.") for w in words}:
            return question
        resolved = _replace_pronoun(rest, previous)
        return resolved[:1].upper() + resolved[1:]
    if not lead and len(words) > 4:
        return question
    return _substitute(rest, previous)


@functools.cache
def _nlp():
    # Loaded once: spacy.load per follow-up took a second and churned a hundred MB each time.
    return index.load_nlp()


def _replace_pronoun(rest: str, previous: str) -> str:
    topic = _topic(previous)
    if topic is None:
        return rest + "?"
    out, done = [], False
    for token in _nlp()(rest):
        if not done and token.lower_ in PRONOUNS and token.pos_ in {"PRON", "DET"}:
            out.append(topic + token.whitespace_)
            done = True
        else:
            out.append(token.text_with_ws)
    return "".join(out).strip() + "?"


def _topic(previous: str) -> str | None:
    chunks = [c for c in _nlp()(previous).noun_chunks if c.root.pos_ != "PRON" and c.root.tag_ not in {"WP", "WDT"}]
    return chunks[-1].text if chunks else None


def _substitute(rest: str, previous: str) -> str:
    nlp = _nlp()
    prev, frag = nlp(previous.strip().rstrip("?")), nlp(rest)
    words = [t for t in frag if t.lower_ not in {"the", "a", "an"}]
    if not words:
        return f"{previous.strip()} {rest}"

    def rebuild(start: int, end: int, replacement: str) -> str:
        return (prev[:start].text_with_ws + replacement + " " + prev[end:].text).strip() + "?"

    # "the injured", "wounded": the participle or adjective stands in for the previous one.
    if len(words) == 1 and (words[0].tag_ in {"VBN", "VBD", "JJ"} or words[0].lower_.endswith("ed")):
        for token in prev:
            if token.tag_ in {"VBN", "VBD"} and token.pos_ in {"VERB", "AUX"} and token.lemma_ != "be":
                return rebuild(token.i, token.i + 1, words[0].text)
    # "the workers evacuated", "the evacuated workers": a noun and a participle stand in for the previous ones ("How many
    # firefighters were injured?" -> "How many workers were evacuated?").
    participles = [t for t in frag if t.pos_ != "AUX" and (t.tag_ in {"VBN", "VBD"} or t.tag_ == "JJ" and t.lower_.endswith("ed"))]
    nouns = [t for t in frag if t.pos_ == "NOUN"] if len(participles) == 1 else []   # "the evacuated workers" too
    if nouns:
        verb = next((t for t in prev if t.tag_ in {"VBN", "VBD"} and t.pos_ in {"VERB", "AUX"} and t.lemma_ != "be"),
                    None)
        noun = next((t for t in prev if t.pos_ == "NOUN" and (verb is None or t.i < verb.i)), None)
        if verb is not None and noun is not None:
            swap = {verb.i: participles[0].text, noun.i: nouns[-1].text}
            return "".join((swap.get(t.i, t.text)) + t.whitespace_ for t in prev).strip() + "?"
    # "in the Feb. 7 strike": replaces the previous phrase that has the same preposition.
    if frag[0].pos_ == "ADP":
        for token in reversed(prev):
            if token.lower_ == frag[0].lower_:
                end = max(t.i for t in token.subtree) + 1
                return rebuild(token.i, end, rest)
    # a noun phrase: replaces the previous one with the same head noun ("strike").
    heads = {t.lemma_.lower() for t in frag if t.pos_ in {"NOUN", "PROPN"}}
    same = [c for c in prev.noun_chunks if c.root.lemma_.lower() in heads and c.root.tag_ not in {"WP", "WDT"}]
    if same:
        return rebuild(same[-1].start, same[-1].end, rest)
    # Otherwise both together: retrieval then looks for the new words in the old question's frame.
    return f"{previous.strip()} {rest}"


# -- rendering: every piece of text is escaped; the HTML around it is ours -------------------

def esc(text: object) -> str:
    """The text as characters, on one line: a line break becomes &#10;, which `white-space: pre-wrap`
    shows as one. A literal blank line would end the chat's HTML block, and its Markdown would read
    the rest as Markdown: "**bold**" in bold, a link, an image fetched from wherever it names."""
    escaped = html.escape(str(text), quote=True)
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "&#10;")


def nice_date(iso: str | None) -> str:
    if not iso:
        return "date unknown"
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day:%b} {day.day}, {day.year}"


ECHO_CHARS = 280   # a question longer than this is echoed folded: its start, the rest behind a click


def render_question(text: str, asked: str | None = None, within: str | None = None, note: str | None = None) -> str:
    shown = f'<div class="cq-question">{_folded(text)}</div>'
    if asked and asked != text:
        shown += f'<div class="cq-asked">asked as: {_folded(asked)}</div>'
    if within:
        shown += f'<div class="cq-asked cq-within">asked within: {esc(within)}</div>'
    if note:
        shown += f'<div class="cq-asked cq-note">{esc(note)}</div>'
    return shown


def _folded(text: str) -> str:
    """Short text as it is; long text as its first ECHO_CHARS characters and a <details> with the rest,
    so a 5,000-character paste does not flood the chat."""
    if len(text) <= ECHO_CHARS:
        return esc(text)
    cut = text.rfind(" ", ECHO_CHARS // 2, ECHO_CHARS)
    cut = cut if cut > 0 else ECHO_CHARS
    return (f'{esc(text[:cut])}<details class="cq-fold"><summary>&hellip; show all {len(text):,} characters'
            f'</summary>{esc(text[cut:])}</details>')


def render_answer(answer: Answer, store) -> str:
    """The answer as one HTML block: banner, summary, a card per outlet, the outlets that are silent."""
    outlet = _outlet_names(answer, store)
    parts = ['<div class="cq-answer">']
    if answer.disagreement.flag:   # where the answer starts; CSS keeps it in view over the cards
        parts.append(_banner(answer, outlet))
    for notice in answer.notices:
        parts.append(f'<div class="cq-notice">{esc(notice)}</div>')
    parts.append(f'<p class="cq-summary">{esc(_overview(answer))}</p>')
    if answer.sources:
        parts.append('<div class="cq-cards">')
        parts.extend(_card(source, store) for source in answer.sources)
        parts.append("</div>")
    if answer.not_mentioned and answer.sources:
        names = ", ".join(esc(outlet(d)) for d in answer.not_mentioned)
        parts.append(f'<div class="cq-missing"><span class="cq-label">Not mentioned by</span> {names}</div>')
    parts.append("</div>")
    # One line, no blank lines: the chatbot's Markdown then leaves the block alone.
    return "".join(parts)


def _overview(answer: Answer) -> str:
    """One line above the cards: how many outlets address the question and, when they agree, the
    value. The cards show each outlet's value, date and sentences, so the line repeats none of it
    (qa's own summary, with document ids and ISO dates, stays in the API's answer object)."""
    addressed = len(answer.sources)
    if not addressed:
        return "No source addresses this."
    total = addressed + len(answer.not_mentioned)
    line = f"{addressed} of {total} sources address this" if total > 1 else "The source addresses this"
    values = {source.answer.casefold(): source.answer for source in answer.sources if source.answer}
    if not answer.disagreement.flag and len(values) == 1 and addressed > 1:
        line += f"; they agree: {next(iter(values.values()))}"
    return line + "."


def _outlet_names(answer: Answer, store):
    names = {s.doc_id: s.outlet for s in answer.sources}

    def outlet(doc_id: str) -> str:
        if doc_id in names:
            return names[doc_id]
        try:
            return store.document(doc_id).outlet
        except KeyError:
            return doc_id
    return outlet


def _banner(answer: Answer, outlet) -> str:
    rows = "".join(
        f'<li><span class="cq-value">{esc(v.value)}</span>'
        f'<span class="cq-by">{esc(", ".join(outlet(d) for d in v.doc_ids))}</span></li>'
        for v in answer.disagreement.values)
    summary = esc(answer.disagreement.summary) if answer.disagreement.summary else "The outlets give different values."
    return (f'<div class="cq-banner"><div class="cq-banner-title">The outlets disagree</div>'
            f'<div class="cq-banner-summary">{summary}</div><ul class="cq-values">{rows}</ul></div>')


def _card(source: SourceAnswer, store) -> str:
    short = ""
    values = list(dict.fromkeys(v for v in source.values if v))
    if len(values) > 1:
        # One article, two figures ("3; 2"): each is a pill, and a line says so and where each is.
        pills = "".join(f'<span class="cq-pill">{esc(v)}</span>' for v in values)
        short = (f'<div class="cq-short">{pills}</div><div class="cq-two">This article gives {_count(len(values))} '
                 f'different values, {esc(_said_where(values, source.citations))}; its sentences below show each.</div>')
    elif source.answer:
        # A source that gives two values (a headline and a quote) shows both.
        also = [v for v in dict.fromkeys(source.values) if v and v.lower() not in source.answer.lower()]
        extra = f'<span class="cq-also">also says {esc(", ".join(also))}</span>' if also else ""
        short = f'<div class="cq-short"><span class="cq-pill">{esc(source.answer)}</span>{extra}</div>'
    event = ""
    if source.event and source.published and source.event[:10] != source.published[:10]:
        event = f'<div class="cq-event">about the event of {esc(nice_date(source.event))}</div>'
    cites = "".join(_citation(c, source, store) for c in source.citations)
    return (f'<div class="cq-card" data-doc="{esc(source.doc_id)}"><div class="cq-card-head">'
            f'<span class="cq-outlet">{esc(source.outlet)}</span>'
            f'<span class="cq-date">{esc(nice_date(source.published))}</span></div>'
            f'{short}{event}<ol class="cq-cites">{cites}</ol></div>')


def _count(n: int) -> str:
    return {2: "two", 3: "three", 4: "four"}.get(n, str(n))


def _said_where(values: list[str], citations: list[Citation]) -> str:
    """'3 [1] and 2 [3]': each value with the first cited sentence that states it word for word."""
    parts = []
    for value in values:
        pattern = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)", re.IGNORECASE)
        where = next((c.n for c in citations if pattern.search(c.text)), None)
        parts.append(f"{value} [{where}]" if where is not None else value)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _marked(text: str, values: list[str | None]) -> str:
    """The sentence, escaped, with the source's short answer marked where it states it word for word:
    a cited sentence that does not state it is there as context (the paragraph says "see also")."""
    pattern = stated(values)
    if pattern is None:
        return esc(text)
    out, at = [], 0
    for m in pattern.finditer(text):
        out += [esc(text[at:m.start()]), f'<mark class="cq-val">{esc(m.group())}</mark>']
        at = m.end()
    return "".join(out + [esc(text[at:])])


def _citation(citation: Citation, source: SourceAnswer, store) -> str:
    """A citation that opens (a <details>, no script) on its sentence highlighted in context."""
    context = _context(citation, source, store)
    return (f'<li class="cq-cite"><details><summary><span class="cq-n">{citation.n}</span>'
            f'<span class="cq-text">{_marked(citation.text, source.values or [source.answer])}</span></summary>'
            f'<div class="cq-context">{context}</div></details></li>')


def _context(citation: Citation, source: SourceAnswer, store) -> str:
    try:
        around = store.context(citation.sentence_id, before=2, after=2)
        document = store.document(source.doc_id)
    except (KeyError, StopIteration):
        return f'<mark class="cq-hit">{esc(citation.text)}</mark>'
    pieces = []
    for sentence in around:
        if sentence.sentence_id == citation.sentence_id:
            pieces.append(f'<mark class="cq-hit">{esc(sentence.text)}</mark>')
        else:
            pieces.append(f"<span>{esc(sentence.text)}</span>")
    cited = store.sentence(citation.sentence_id)
    where = (f'<div class="cq-where">{esc(document.title or document.doc_id)} &middot; sentence '
             f'{cited.position + 1} of {document.sentences}</div>')
    return " ".join(pieces) + where


def render_sources(store) -> str:
    return render_stories(store)


NO_FILE = "no file was given: choose files above, then Add to the index"


def render_report(lines: list[str]) -> str:
    def style(line: str) -> str:
        return "cq-bad" if line.startswith("refused") else "cq-note" if line == NO_FILE else "cq-good"
    items = "".join(f'<li class="{style(line)}">{esc(line)}</li>' for line in lines)
    return f'<ul class="cq-report">{items}</ul>'


# What reading the index raises when its folder is gone or unreadable under the running app.
UNREADABLE = (index.IndexNotFound, sqlite3.OperationalError)   # IndexDamaged is an IndexNotFound


def unreadable_text(library: Library, error: Exception) -> str:
    """One line for an index the page cannot read (deleted while the app runs, say)."""
    if isinstance(error, sqlite3.OperationalError):
        return f"the index at {library.index_dir} cannot be read ({error})"
    return str(error)


def error_text(error: Exception) -> str:
    """What the reader is told when a question fails: a sentence, never a bare key like '35'."""
    said = stated_reason(error)
    if said is not None:
        return said
    if isinstance(error, AnswerFailed):
        kind = error.kind   # logged by the worker, with its traceback
    else:
        logging.error("question failed", exc_info=error)
        kind = type(error).__name__
    return f"this question could not be answered ({kind}); ask again, and if it keeps failing, restart the app"


def render_error(message: str) -> str:
    return f'<div class="cq-answer"><div class="cq-notice">{esc(message)}</div></div>'


# -- stories on the page: which story an answer is from, the others, uploads to remove ---------

EXAMPLE_COUNT = 6


def remove_upload(library: Library, doc_id: str) -> str:
    """Only an uploaded article can be removed from the page; its file goes with it, so that the
    next upload (which ingests the whole uploads folder) does not bring it back."""
    store = library.answerer.store
    try:
        document = store.document(doc_id)
    except KeyError:
        return f"refused: {doc_id or '(none chosen)'}: no such article in the index"
    if not _is_upload(library, document.path):
        return f"refused: {doc_id}: not an uploaded article (only uploads can be removed here)"
    if not index.remove(doc_id, library.index_dir):
        return f"refused: {doc_id}: no such article in the index"
    Path(document.path).unlink(missing_ok=True)
    library.reload()
    return f"removed: {doc_id}"


def uploaded_choices(library: Library) -> list[tuple[str, str]]:
    """(label, doc_id) of every uploaded article, for the remove menu."""
    return [(f"{d.outlet} – {d.title or d.doc_id}", d.doc_id)
            for d in library.answerer.store.documents if _is_upload(library, d.path)]


def newest_stories(store) -> list:
    """The index's stories, the newest (by its last article's date) first."""
    return sorted(store.stories, key=lambda s: (s.last or "", s.story_id), reverse=True)


def short_title(story, most: int, strip: str = "") -> str:
    """A story's title (else its id) on one line, without `strip` at its end, cut at a word to at
    most `most` characters and an ellipsis."""
    title = " ".join((story.title or story.story_id).split()).rstrip(strip)
    return title if len(title) <= most else title[:most].rsplit(" ", 1)[0] + "…"


def example_questions(store, count: int = EXAMPLE_COUNT) -> list[str]:
    """One question per story, newest stories first, from its title: the examples follow the index."""
    return [f"What do the outlets report on “{short_title(story, 70, '.?!:')}”?"
            for story in newest_stories(store)[:count]]


def story_choices(answer: Answer, store) -> list[tuple[str, str]]:
    """(label, story_id) of the other stories the question touched, for switching to one."""
    out = []
    for story_id in answer.other_stories:
        try:
            story = store.story(story_id)
        except KeyError:
            continue
        out.append((f"{story.title or story_id} ({len(story.doc_ids)} articles)", story_id))
    return out


def story_switch_update(answer: Answer | None, store):
    """The 'other stories' menu after an answer: shown only when the question touched others."""
    choices = story_choices(answer, store) if answer is not None else []
    return gr.update(choices=choices, value=None, visible=bool(choices))


# -- the Story picker: every question asked within one story, until changed back -------------

ANY_STORY = ""   # the picker's value for the story each question is about, as /ask_in_story takes ""
ANY_STORY_LABEL = "Any story (the one the question is about)"
# The picker offers the newest stories: each choice is sent to every page that loads (about 100
# bytes, kept in the page's session), and a menu of thousands is no menu. An older story is picked
# by typing its id, as `claimqa stories` lists it.
STORIES_PICKABLE = 500


@dataclass(frozen=True)
class StoryPicks:
    """The picker's choices for one generation of the index."""

    generation: int
    choices: list[tuple[str, str]]   # (label, story_id), "any" first, then the newest stories first
    total: int                       # stories in the index, offered or not
    titles: dict[str, str]           # story_id -> title: of this generation's choices and the previous one's,
                                     # to name a picked story that a merge or removal took away

    @property
    def info(self) -> str:
        """A line under the picker's label when it offers only the newest ("": none)."""
        if self.total > len(self.choices) - 1:
            return (f"The newest {len(self.choices) - 1:,} of {self.total:,} stories: type to filter, or type an "
                    f"older story's id (`claimqa stories` lists them all).")
        return ""


def story_label(story) -> str:
    """'Title — s3, 2 articles, Mar 5 – Mar 6, 2024': plain text (the menu shows it as characters)."""
    title = short_title(story, 90)
    n = len(story.doc_ids)
    span = "undated" if not (story.first or story.last) else nice_date(story.first) if story.first == story.last \
        else f"{nice_date(story.first)} – {nice_date(story.last)}"
    kind = "collection " if story.collection else ""
    return f"{title} — {kind}{story.story_id}, {n} article{'s' if n != 1 else ''}, {span}"


def story_picks(store, before: StoryPicks | None = None, shown: int = STORIES_PICKABLE) -> StoryPicks:
    stories = newest_stories(store)[:shown]
    titles = {s.story_id: s.title or s.story_id for s in stories}
    earlier = {k: v for k, v in before.titles.items() if k not in titles} if before is not None else {}
    choices = [(ANY_STORY_LABEL, ANY_STORY)] + [(story_label(s), s.story_id) for s in stories]
    return StoryPicks(store.generation, choices, len(store.stories), {**titles, **dict(list(earlier.items())[:shown])})


def picked_story(library: Library, picked: str | None) -> tuple[str | None, str | None, str | None]:
    """(story id, its title, None) for a picked story the index holds; (None, None, None) for any;
    (None, None, why it is not there) for a picked story the index no longer holds: asked within any."""
    picked = (picked or ANY_STORY).strip()
    if not picked:
        return None, None, None
    store = library.current().store
    try:
        story = store.story(picked)   # by id, kept per generation: nothing listed per question
    except KeyError:
        return None, None, gone_notice(library, picked)
    return story.story_id, story.title or story.story_id, None


def gone_notice(library: Library, picked: str) -> str:
    """Why a picked story is not there, named by its title when the picker offered it."""
    title = library.listed_title(picked)
    if title is None:
        return f"No story {picked!r} in the index (pick one from the menu, or type an id `claimqa stories` lists)"
    return f"The story you picked, “{title}” ({picked}), is no longer in the index (merged, split or removed)"


def render_note(line: str | None) -> str:
    return f'<p class="cq-note">{esc(line)}</p>' if line else ""


STORIES_SHOWN = 100   # the sources panel lists the newest stories; `claimqa stories` lists them all


def render_stories(store, shown: int = STORIES_SHOWN) -> str:
    """The sources panel: one collapsible entry per story, its articles inside (the newest
    `shown` stories of a larger archive, with a line saying how many more there are)."""
    stories = store.stories
    if len(stories) > shown:
        stories = sorted(stories, key=lambda s: (s.last or "", s.story_id), reverse=True)[:shown]
    parts = []
    for story in stories:
        span = nice_date(story.first) if story.first == story.last else \
            f"{nice_date(story.first)} – {nice_date(story.last)}"
        kind = '<span class="cq-muted"> collection</span>' if story.collection else ""
        rows = "".join(
            f'<tr><td><div class="cq-src-outlet">{esc(d.outlet)}</div>'
            f'<div class="cq-src-title">{esc(d.title) if d.title else ""}<span class="cq-muted"> {esc(d.doc_id)}</span></div></td>'
            f'<td class="cq-src-date">{esc(nice_date(d.published))}</td><td class="cq-src-n">{d.sentences}</td></tr>'
            for d in (store.document(doc_id) for doc_id in story.doc_ids))
        opened = " open" if len(stories) == 1 else ""
        parts.append(
            f'<details class="cq-story" data-story="{esc(story.story_id)}"{opened}><summary>'
            f'<span class="cq-story-title">{esc(story.title or story.story_id)}</span>{kind}'
            f'<div class="cq-story-meta">{len(story.doc_ids)} article{"s" if len(story.doc_ids) != 1 else ""} '
            f'&middot; {esc(span)} &middot; {esc(", ".join(story.outlets))}</div></summary>'
            f'<table class="cq-sources"><thead><tr><th>Outlet and title</th><th>Date</th>'
            f'<th class="cq-src-n">Sentences</th></tr></thead><tbody>{rows}</tbody></table></details>')
    more = len(store.stories) - len(stories)
    if more:
        parts.append(f'<p class="cq-muted">and {more:,} older stories (<code>claimqa stories</code> lists them all)</p>')
    return "".join(parts)


# -- the page ----------------------------------------------------------------------------------

CSS = """
.cq-question { white-space: pre-wrap; }
.cq-asked { font-size: .85em; opacity: .75; margin-top: .25em; }
.cq-answer { display: flex; flex-direction: column; gap: .75rem; line-height: 1.45; }
/* The banner opens the answer and stays pinned to the top of the chat while its cards scroll by. */
.cq-banner { position: sticky; top: 0; z-index: 2; box-shadow: 0 2px 6px rgba(0, 0, 0, .08);
  background: var(--background-fill-primary, #fff) linear-gradient(rgba(245, 158, 11, .12), rgba(245, 158, 11, .12)); }
.cq-banner { border: 1px solid #d97706; border-left: 6px solid #d97706;
  border-radius: 8px; padding: .6rem .85rem; }
.cq-banner-title { font-weight: 700; color: #b45309; text-transform: uppercase; font-size: .8em; letter-spacing: .04em; }
.cq-banner-summary { margin: .2rem 0 .35rem; font-weight: 600; }
.cq-values { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .25rem; }
.cq-values li { display: flex; gap: .6rem; align-items: baseline; margin: 0; }
.cq-value { font-weight: 700; min-width: 2.5em; padding: 0 .45em; border-radius: 4px; background: rgba(217, 119, 6, .2);
  text-align: center; }
.cq-summary { margin: 0; font-size: 1.02em; }
.cq-two { font-size: .85em; margin: .1rem 0 .2rem; }
.cq-short .cq-pill + .cq-pill { margin-left: .1rem; }
.cq-fold { display: inline; }
.cq-fold summary { display: inline; cursor: pointer; opacity: .75; }
.cq-notice { font-size: .9em; padding: .4rem .6rem; border-radius: 6px; background: rgba(100, 116, 139, .15); }
.cq-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: .6rem; }
.cq-card { border: 1px solid var(--border-color-primary, #d4d4d8); border-radius: 10px; padding: .6rem .75rem;
  background: var(--background-fill-primary, #fff); }
.cq-card-head { display: flex; justify-content: space-between; align-items: baseline; gap: .5rem; }
.cq-outlet { font-weight: 700; }
.cq-date, .cq-event, .cq-where, .cq-also { font-size: .82em; opacity: .7; }
.cq-short { margin: .35rem 0 .2rem; display: flex; gap: .5rem; align-items: baseline; }
.cq-pill { font-weight: 700; background: rgba(37, 99, 235, .12); color: inherit; border-radius: 999px; padding: .05rem .6rem; }
ol.cq-cites { list-style: none; margin: .3rem 0 0; padding: 0; display: flex; flex-direction: column; gap: .3rem; }
.cq-cite { margin: 0; }
.cq-cite summary { cursor: pointer; list-style: none; display: flex; gap: .45rem; align-items: flex-start; }
.cq-cite summary::-webkit-details-marker { display: none; }
.cq-cite summary:hover .cq-text { text-decoration: underline dotted; }
.cq-n { flex: none; font-size: .78em; font-weight: 700; min-width: 1.6em; height: 1.6em; line-height: 1.6em;
  text-align: center; border-radius: 5px; background: rgba(37, 99, 235, .15); margin-top: .1em; }
.cq-text { font-size: .93em; }
.cq-context { margin: .35rem 0 .2rem 2rem; padding: .45rem .6rem; border-left: 3px solid #2563eb;
  background: rgba(100, 116, 139, .08); border-radius: 0 6px 6px 0; font-size: .9em; }
mark.cq-val { background: none; color: inherit; font-weight: 600; border-bottom: 2px solid #f59e0b; }
mark.cq-hit { background: #fde68a; color: #1f2937; padding: 0 .1em; border-radius: 3px; }
.cq-where { margin-top: .3rem; }
.cq-missing { font-size: .9em; }
.cq-muted { opacity: .55; font-family: var(--font-mono); font-size: .9em; }
.cq-label { font-weight: 600; opacity: .8; margin-right: .3rem; }
.cq-sources { width: 100%; border-collapse: collapse; font-size: .85em; }
.cq-sources th, .cq-sources td { text-align: left; padding: .3rem .35rem; border-bottom: 1px solid var(--border-color-primary, #e4e4e7);
  vertical-align: top; }
.cq-src-n { text-align: right !important; }
.cq-src-outlet { font-weight: 600; }
.cq-src-title { font-size: .92em; }
.cq-src-date { white-space: nowrap; opacity: .75; }
.cq-report { margin: 0; padding-left: 1.1rem; font-size: .88em; }
.cq-bad { color: #b91c1c; }
.cq-wait, .cq-note { margin: 0; font-size: .9em; color: #b45309; }
button.cq-example { justify-content: flex-start; text-align: left; white-space: normal; font-weight: 500;
  border: 1px solid var(--border-color-primary, #e4e4e7); }
button.cq-example:hover { border-color: #2563eb; }
#cq-title h1 { margin-bottom: 0; }
.gradio-container { max-width: 1680px !important; margin: 0 auto !important; padding: 0 1.5rem !important; }
#cq-sources table, #cq-sources tr { border: none !important; padding: 0 !important; margin: 0 !important; }
#cq-sources th, #cq-sources td { border: none !important; border-bottom: 1px solid var(--border-color-primary, #e4e4e7) !important; }
#cq-sources th { font-weight: 600; opacity: .75; background: transparent !important; }
details.cq-story { border-bottom: 1px solid var(--border-color-primary, #e4e4e7); padding: .35rem 0; }
details.cq-story > summary { cursor: pointer; }
.cq-story-title { font-weight: 600; }
.cq-story-meta { font-size: .8em; opacity: .7; margin-left: 1rem; }
/* Before the first question the chat is its short how-to, with the question box right under it,
   not a page-high blank panel; it takes its full height with the first message. */
#cq-chat:has(.placeholder-content) { height: auto !important; min-height: 0 !important; }
#cq-chat:has(.placeholder-content) .wrapper { height: auto !important; }
@media (max-width: 640px) {   /* a phone: the question box takes the row, the button goes under it */
  #cq-ask-row { flex-wrap: wrap !important; }
  #cq-ask-row > * { min-width: 100% !important; }
  .cq-cards { grid-template-columns: 1fr; }
  .gradio-container { padding: 0 .25rem !important; }
  #cq-side { min-width: 0 !important; }   /* its 340 px minimum is wider than the phone */
  .cq-banner-summary { display: none; }   /* the values under it say the same, in less height */
}
"""

THEME = gr.themes.Soft(
    primary_hue="blue",
    # System fonts only: a font from Google would be a request to the internet.
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)


EMPTY_QUESTION = ("Type a question first, for instance \"How many people were killed?\" - "
                  "or pick one under Try.")


PLACEHOLDER = ("### Ask what the articles say\n"
               "Each outlet's answer comes on a card with the sentences that say it; a banner on top says "
               "where the outlets disagree. Ask who, how many, when, or where; follow-ups work "
               "(\"and the injured?\"). Pick a question under **Try**, or type one below.")

# After an answer: the chat scrolls (itself only, not the page) to the start of the newest question,
# so the reader lands on the question and the banner, not on the last card of a long answer.
SCROLL_TO_ANSWER = """() => { setTimeout(() => {
  const asked = document.querySelectorAll('#cq-chat .cq-question');
  const last = asked[asked.length - 1];
  if (!last) return;
  for (let box = last.parentElement; box; box = box.parentElement) {
    const overflow = getComputedStyle(box).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && box.scrollHeight > box.clientHeight) {
      box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
      return;
    }
  }
}, 80); }"""

# Sending a question, in the browser and at once: the box is emptied as the question leaves it (never
# when the answer comes, which wiped what was typed meanwhile), and the question goes to `sent` for
# `respond`. One question at a time per page: `pending` holds the one being answered, and while it
# is set a send is refused in words, the text left where it is (`sent` is null: respond skips).
WAIT_NOTE = ('<p class="cq-wait">An answer is on its way: ask again once it is in '
             '(what you typed stays in the box).</p>')
TAKE_TYPED = f"""(typed, pending) => pending ? [typed, pending, null, {json.dumps(WAIT_NOTE)}]
                                   : ['', typed, typed, '']"""
TAKE_EXAMPLE = f"""(example, pending) => pending ? [pending, null, {json.dumps(WAIT_NOTE)}]
                                      : [example, example, '']"""


def build(library: Library, workers: AnswerWorkers | None = None) -> gr.Blocks:
    """The page. With `workers`, the API endpoints (/ask, /ask_in_story) are answered in those
    processes; the chat answers in this one (it renders from this process's snapshot)."""
    def respond(message: str | None, history: list, previous: str | None, picked: str | None = ANY_STORY):
        """(chat, previous question, stories touched, question pending, wait note, Story picker) after
        `message`, asked within the picked story; None is a send the page refused while another
        question was answered: nothing changes."""
        if message is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        message = message.strip()
        if not message:   # say so in the chat, rather than nothing happening
            history = list(history or []) + [{"role": "assistant", "content": render_error(EMPTY_QUESTION)}]
            return history, previous, [], "", "", gr.skip()
        asked = resolve_follow_up(message, previous)
        touched, within, gone, picker = [], None, None, gr.skip()
        try:
            story, within, gone = picked_story(library, picked)
            if gone:   # merged or removed since it was picked: the picker goes back to any
                picker = gr.update(value=ANY_STORY)
            answer, answerer = library.ask(asked, story=story)
            reply = render_answer(answer, answerer.store)
            touched = story_choices(answer, answerer.store)
        except Exception as error:   # a bad question is an answer too: say why, keep the chat going
            reply = render_error(error_text(error))
            asked = previous or None
        note = gone and f"{gone}: asked within any story."
        history = list(history or []) + [
            {"role": "user", "content": render_question(message, asked, within, note)},
            {"role": "assistant", "content": reply},
        ]
        return history, asked, touched, "", "", picker

    if workers is None:
        def ask_in_story(question: str, story: str) -> dict:
            """Answer a question from every source of one story (an id from `claimqa stories`; "" for
            the story the question is about): the contract's answer object."""
            try:
                answer, _ = library.ask(question, story=story or None)
            except Exception as error:
                raise gr.Error(error_text(error))
            return answer.to_dict()

        def ask(question: str) -> dict:
            """Answer a question from every source of the story it is about: the contract's answer object."""
            return ask_in_story(question, "")
    else:
        # Answered in the worker processes: the coroutine holds no Gradio thread while it waits.
        async def ask_in_story(question: str, story: str) -> dict:
            """Answer a question from every source of one story (an id from `claimqa stories`; "" for
            the story the question is about): the contract's answer object."""
            try:
                return await workers.ask(question, story or None)
            except Exception as error:
                raise gr.Error(error_text(error))

        async def ask(question: str) -> dict:
            """Answer a question from every source of the story it is about: the contract's answer object."""
            return await ask_in_story(question, "")

    def switch_story(story_id: str | None, history: list, previous: str | None):
        """The previous question again, within another story it touched; the Story picker moves to
        that story, so that the questions after it are asked there too, as it shows."""
        if not story_id or not previous:
            return history, previous, [], gr.skip()
        picker = gr.skip()
        try:
            answer, answerer = library.ask(previous, story=story_id)
            reply = render_answer(answer, answerer.store)
            touched = story_choices(answer, answerer.store)
            title = answerer.store.story(story_id).title or story_id
            picker = gr.update(value=story_id)
        except Exception as error:
            reply, touched, title = render_error(str(error) or type(error).__name__), [], story_id
        history = list(history or []) + [
            {"role": "user", "content": render_question(previous, within=title)},
            {"role": "assistant", "content": reply},
        ]
        return history, previous, touched, picker

    def remove(doc_id: str | None):
        try:
            line = library.remove(doc_id or "")
        except UNREADABLE as error:
            line = f"refused: {unreadable_text(library, error)}"
        return render_report([line]), current_sources(), removable_update()

    def removable_update():
        try:
            library.current()   # reopened if the index changed; raises if it is gone
            return gr.update(choices=uploaded_choices(library), value=None)
        except UNREADABLE:
            return gr.update(choices=[], value=None)   # the Sources panel says why

    def refresh_panels():
        """What depends on the index: example questions per story, the uploads one may remove."""
        try:
            examples = example_questions(library.current().store)
        except UNREADABLE:
            examples = []   # the Sources panel says why
        updates = [gr.update(value=examples[i], visible=True) if i < len(examples) else gr.update(visible=False)
                   for i in range(EXAMPLE_COUNT)]
        return *updates, removable_update()

    def refresh_picker(picked: str | None):
        """The Story picker's choices as the committed index has them (one listing per generation);
        a picked story no longer there goes back to any, with a line under the picker saying so."""
        try:
            picks = library.story_picks()
            _, _, gone = picked_story(library, picked)
        except UNREADABLE:
            return gr.update(choices=[(ANY_STORY_LABEL, ANY_STORY)], value=ANY_STORY), ""   # the Sources panel says why
        if gone:
            return (gr.update(choices=picks.choices, value=ANY_STORY, info=picks.info),
                    render_note(f"{gone}: questions go to any story again."))
        # The value is left as it is: a story picked while this ran stays picked.
        return gr.update(choices=picks.choices, info=picks.info), gr.skip()

    def upload(files: list[str] | None, progress=gr.Progress()):
        try:
            lines = library.add(list(files or []), progress=progress)
        except UNREADABLE as error:
            lines = [f"refused: {unreadable_text(library, error)}"]
        return render_report(lines), current_sources(), None

    def current_sources() -> str:
        """The Sources panel as the committed index has it now (a CLI ingest may have changed it)."""
        try:
            return render_sources(library.current().store)
        except UNREADABLE as error:
            return render_error(unreadable_text(library, error))

    # delete_cache: files sent to /gradio_api/upload but never submitted are swept after an hour
    # (the ones submitted are deleted as soon as they are read, by forget_gradio_copies).
    with gr.Blocks(title="ClaimQA", fill_width=True, delete_cache=(UPLOAD_CACHE_SWEEP, UPLOAD_CACHE_SWEEP)) as demo:
        gr.Markdown("# ClaimQA\nAsk a question of every outlet's article: each outlet's answer, the sentences "
                    "that say it, and where the outlets disagree. Click a sentence to read it in context.",
                    elem_id="cq-title")
        previous = gr.State(None)
        touched = gr.State([])   # (label, story_id) of the other stories the last answer touched
        with gr.Row(equal_height=False):
            with gr.Column(scale=7):
                chat = gr.Chatbot(
                    elem_id="cq-chat", height="calc(100vh - 330px)", min_height=480, show_label=False, layout="panel",
                    sanitize_html=True, render_markdown=True, latex_delimiters=[],   # "$2 million" is no formula
                    line_breaks=False, feedback_options=None, buttons=[],
                    autoscroll=False,   # SCROLL_TO_ANSWER lands on the answer's start, not its last card
                    placeholder=PLACEHOLDER)
                with gr.Row(elem_id="cq-ask-row"):
                    box = gr.Textbox(label="Your question", elem_id="cq-question", show_label=False, scale=5, max_lines=4,
                                     placeholder="Ask who, how many, when or where; e.g. \"How many people were hurt?\"")
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="cq-ask")
                # Filled by demo.load below, as the Sources panel (a choice per story would be copied
                # into every API call's session). Custom values: an older story is typed by its id.
                picker = gr.Dropdown([(ANY_STORY_LABEL, ANY_STORY)], value=ANY_STORY,
                                     label="Story: every question is asked within the one picked here",
                                     allow_custom_value=True, filterable=True, elem_id="cq-story-pick")
                story_note = gr.HTML("", elem_id="cq-story-note")
                waiting = gr.HTML("", elem_id="cq-waiting")
                sent = gr.Textbox(visible=False)      # the question just sent (None: a send refused)
                pending = gr.Textbox(visible=False)   # the question being answered ("" when none)
                switch = gr.Radio([], label="This question also touches these stories: answer within one of them",
                                  visible=False, elem_id="cq-switch")
                clear = gr.Button("New conversation", size="sm", variant="secondary")
            with gr.Column(scale=3, min_width=340, elem_id="cq-side"):
                gr.Markdown("### Sources")
                # Filled by demo.load below. Gradio copies every component's start value into each
                # session it keeps, so a table here would cost memory per API call, for nothing.
                sources = gr.HTML('<p class="cq-muted">Reading the index&hellip;</p>', elem_id="cq-sources")
                gr.Markdown("### Try")
                examples = example_questions(library.answerer.store)
                buttons = [gr.Button(examples[i] if i < len(examples) else "", size="sm", elem_classes=["cq-example"],
                                     visible=i < len(examples)) for i in range(EXAMPLE_COUNT)]
                gr.Markdown(f"### Add articles\n.txt, .md, .html or a `sources.csv` (outlet, date, title per "
                            f"file), up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB each.")
                # No file_types here: Gradio would refuse the whole batch with its own message;
                # check_upload refuses each wrong file and says why, keeping the others.
                files = gr.File(file_count="multiple", type="filepath", show_label=False, elem_id="cq-upload", height=120)
                add = gr.Button("Add to the index", elem_id="cq-add")
                report = gr.HTML(elem_id="cq-report")
                with gr.Row():
                    removable = gr.Dropdown(uploaded_choices(library), value=None, label="Remove an uploaded article",
                                            allow_custom_value=True, scale=3, elem_id="cq-remove-pick")
                    drop = gr.Button("Remove", scale=1, elem_id="cq-remove")

        show_switch = dict(fn=lambda t: gr.update(choices=t, value=None, visible=bool(t)), inputs=touched,
                           outputs=switch, api_visibility="private", queue=False)
        talk = dict(fn=respond, inputs=[sent, chat, previous, picker],
                    outputs=[chat, previous, touched, pending, waiting, picker],
                    show_progress_on=[chat], concurrency_limit=ASK_CONCURRENCY, concurrency_id="answer")
        take = dict(fn=None, js=TAKE_TYPED, inputs=[box, pending], outputs=[box, pending, sent, waiting],
                    api_visibility="private", queue=False)
        # The chat's own endpoint: not in the API docs (/ask is the API), but callable, so tests see the HTML.
        box.submit(**take).then(**talk, api_name="chat", api_visibility="undocumented").then(**show_switch).then(
            None, js=SCROLL_TO_ANSWER)
        send.click(**take).then(**talk, api_visibility="private").then(**show_switch).then(None, js=SCROLL_TO_ANSWER)
        for button in buttons:
            button.click(None, js=TAKE_EXAMPLE, inputs=[button, pending], outputs=[pending, sent, waiting],
                         api_visibility="private", queue=False).then(
                **talk, api_visibility="private").then(**show_switch).then(None, js=SCROLL_TO_ANSWER)
        switch.input(switch_story, inputs=[switch, chat, previous], outputs=[chat, previous, touched, picker],
                     api_visibility="private", concurrency_limit=ASK_CONCURRENCY, concurrency_id="answer").then(
            **show_switch).then(None, js=SCROLL_TO_ANSWER)
        clear.click(lambda: ([], None, "", gr.update(visible=False)), outputs=[chat, previous, box, switch],
                    api_visibility="private", queue=False)
        # The chat's own trash button empties the chat itself; what a follow-up is read against goes with it.
        chat.clear(lambda: (None, [], gr.update(visible=False)), outputs=[previous, touched, switch],
                   api_visibility="private", queue=False)
        pick = dict(fn=refresh_picker, inputs=picker, outputs=[picker, story_note])
        add.click(upload, inputs=files, outputs=[report, sources, files], api_name="upload",
                  concurrency_limit=1, concurrency_id="upload").then(
            refresh_panels, outputs=[*buttons, removable], api_visibility="private").then(
            **pick, api_visibility="private")
        drop.click(remove, inputs=removable, outputs=[report, sources, removable], api_name="remove",
                   concurrency_limit=1, concurrency_id="upload").then(
            refresh_panels, outputs=[*buttons, removable], api_visibility="private").then(
            **pick, api_visibility="private")
        demo.load(refresh_panels, outputs=[*buttons, removable], api_visibility="private")
        # Named, so that a test can read the choices as a page gets them.
        demo.load(**pick, api_name="stories", api_visibility="undocumented", queue=False, show_progress="hidden")
        picker.input(lambda: "", outputs=story_note, api_visibility="private", queue=False)
        api = (dict(concurrency_limit=ASK_CONCURRENCY, concurrency_id="answer") if workers is None else
               dict(concurrency_limit=API_IN_WORKERS, concurrency_id="api"))
        gr.api(ask, api_name="ask", **api)
        gr.api(ask_in_story, api_name="ask_in_story", **api)
        # Built per page load, not frozen at start-up: a reloaded page lists what the index holds now.
        demo.load(current_sources, outputs=sources, api_name="sources", api_visibility="undocumented", queue=False,
                  show_progress="hidden")
    return demo


# -- serving -----------------------------------------------------------------------------------

class LazyConfigs(dict):
    """A session's component configs (Gradio's SessionState.config_values), each built when first
    read: a call reads those of its own inputs and outputs, a deep link all of them."""

    def __init__(self, blocks_config, ids: set[int]):
        super().__init__()
        self._blocks_config, self._ids = blocks_config, ids

    def _fill(self, key) -> None:
        if key in self._ids and not dict.__contains__(self, key):
            dict.__setitem__(self, key, self._blocks_config.config_for_block(key, [], self._blocks_config.blocks[key]))

    def _fill_all(self) -> None:
        for key in self._ids:
            self._fill(key)

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or key in self._ids

    def __getitem__(self, key):
        self._fill(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __iter__(self):
        self._fill_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._fill_all()
        return dict.__len__(self)

    def keys(self):
        self._fill_all()
        return dict.keys(self)

    def values(self):
        self._fill_all()
        return dict.values(self)

    def items(self):
        self._fill_all()
        return dict.items(self)


def defer_session_configs(demo: gr.Blocks) -> bool:
    """Let Gradio build a session's copy of a component's config when the session first reads it,
    not every component's when the session is created.

    Every API call without a session is a new session, and Gradio's SessionState builds the
    config of every component of the page up front (inspect.signature of each, about 5 ms of
    CPU and 30 KB per call here): under 200 calls at once that was two fifths of the time the
    app held the GIL, for the configs of components the call never touches. Checked against
    Gradio's own SessionState on `demo`: a version that keeps other fields is left alone
    (returns False), and the configs built are Gradio's own.
    """
    from copy import copy

    from gradio import state_holder

    cls = state_holder.SessionState
    if getattr(cls, "_configs_deferred", False):
        return True
    original = cls.__init__

    def __init__(self, blocks) -> None:
        self.blocks_config = copy(blocks.default_config)
        self.config_values = LazyConfigs(self.blocks_config, {k for k in self.blocks_config.blocks if k in blocks.blocks})
        self.state_data = {}
        self._state_ttl = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600

    theirs, ours = object.__new__(cls), object.__new__(cls)
    original(theirs, demo)
    __init__(ours, demo)
    if set(theirs.__dict__) != set(ours.__dict__) or dict(theirs.config_values) != dict(ours.config_values.items()):
        logging.warning("gradio's SessionState has changed: its configs are built eagerly, as Gradio does")
        return False
    cls.__init__ = __init__
    cls._configs_deferred = True
    return True


# -- a plain JSON route beside Gradio's API ------------------------------------------------------

JSON_ROUTE = "/" + served.JSON_ROUTE   # the route `claimqa ask` hands a question to


def add_json_route(server, library: Library, workers: AnswerWorkers | None) -> None:
    """`POST /api/ask` with `{"question": "...", "story": "...", "index": "..."}` (story optional;
    index optional, the folder the caller means: status 409 when it is not this app's): the answer object
    in one request and one response, for scripts and `claimqa ask`. Gradio's `/ask` (POST, then its
    event stream) stays the contract's web API; this route answers the same, through the same
    workers, without Gradio's queue and sessions. A refusal is status 400 with `{"error": reason}`."""
    from fastapi.responses import JSONResponse, Response
    from starlette.concurrency import run_in_threadpool

    served_index = str(library.index_dir.resolve())

    def refused(status: int, reason: str) -> JSONResponse:
        return JSONResponse({"error": reason}, status_code=status)

    async def ask(request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return refused(400, 'the body is not JSON: send {"question": "..."}')
        if not isinstance(body, dict) or not isinstance(body.get("question"), str):
            return refused(422, 'question: a string is needed, as in {"question": "..."}')
        question, story = body["question"], body.get("story") or None
        if story is not None and not isinstance(story, str):
            return refused(422, "story: a story id (a string) or nothing")
        for field, value in (("question", question), ("story", story or "")):
            broken = not_text(value)
            if broken:   # JSON can carry half of a UTF-16 pair; nothing after this can encode it
                return refused(400, f"{field}: {broken}")
        # `claimqa ask` says which index it means: an announcement left behind by an app stopped
        # without withdrawing it may name a port another app, on another index, now serves
        if body.get("index") is not None and body["index"] != served_index:
            return refused(409, f"this app serves the index at {served_index}, not {body['index']}")
        try:
            if workers is not None:
                answer = await workers.ask(question, story)
            else:
                answer = await run_in_threadpool(lambda: library.ask(question, story=story)[0].to_dict())
        except Exception as error:
            return refused(400, error_text(error))
        return Response(json.dumps(answer), media_type="application/json")   # encoded as Gradio's /ask encodes it

    server.add_route(JSON_ROUTE, ask, methods=["POST"], include_in_schema=False)   # Starlette's: no parameter parsing


def not_text(value: str) -> str | None:
    """Why a string is not text (a lone UTF-16 surrogate, as JSON's "\\ud800" makes), or None."""
    at = first_surrogate(value)
    if at is None:
        return None
    return f"character {at + 1} is half of a UTF-16 surrogate pair (\\u{ord(value[at]):04x}), not a character; send text"


# -- start -------------------------------------------------------------------------------------

def ensure_index(index_dir: Path) -> None:
    """Build the index of the bundled articles when there is none (or one no write ever committed
    to). An index whose articles were all removed is the user's: it is told, not filled."""
    try:
        index.Archive.open(index_dir)   # its meta only (an index of an older layout is upgraded here)
        return
    except index.IndexDamaged:
        raise   # not built over: it is told, and left as it is
    except index.IndexNotFound:
        if (committed_generation(index_dir) or 0) > 0:   # it held articles, and they were all removed
            raise index.IndexNotFound(
                f"the index at {index_dir} is empty (its articles were removed): ingest articles into it "
                f"(`claimqa ingest FOLDER --index {index_dir}`), or start with another --index") from None
    from tqdm import tqdm

    click.echo(f"No index at {index_dir}: building it from {BUNDLED_CORPUS} (first start only)...")
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="sentence", desc="embedding", file=sys.stderr)
        bar.update(done - bar.n)

    try:
        result = index.ingest([BUNDLED_CORPUS], index_dir, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    for refusal in result.refused:
        click.echo(f"refused: {refusal}", err=True)
    click.echo(result.summary())


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=7860, show_default=True, type=int, help="Port to serve on.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), envvar="CLAIMQA_INDEX",
              default=ROOT / "data" / "index", help="Index folder (or set CLAIMQA_INDEX).  [default: data/index]")
@click.option("--uploads", "uploads_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where uploaded articles are kept.  [default: uploads/ beside the index folder]")
@click.option("--workers", "processes", default=WORKER_PROCESSES, show_default=True, type=click.IntRange(0),
              help="Processes answering the API (/ask); 0 answers in the app's own process.")
@click.option("--sessions", default=SESSIONS_KEPT, show_default=True, type=click.IntRange(1),
              help="Sessions kept in memory (a follow-up needs its session's previous question).")
def main(host: str, port: int, index_dir: Path, uploads_dir: Path | None, processes: int, sessions: int) -> None:
    """Serve the ClaimQA chat (and the JSON API /ask) on the articles in the index."""
    try:
        ensure_index(index_dir)
        # The workers load their models while this process loads its own (the chat's).
        workers = AnswerWorkers(index_dir, processes, wait=False) if processes else None
        library = Library(index_dir, uploads_dir or index_dir.parent / "uploads")
        if library.uploads_dir.is_dir():
            claim_uploads(library)
        for name in set_aside_leftovers(library):
            click.echo(f"uploads: {name} was never indexed (an upload cut short); moved to "
                       f"{library.uploads_dir / '.unindexed'}", err=True)
        if workers is not None:
            workers.wait_ready()
    except (index.IndexNotFound, index.IndexConflict, OSError, RuntimeError) as error:
        click.echo(f"app.py: {error}", err=True)
        sys.exit(2)
    if workers is not None:
        atexit.register(workers.close)
    demo = build(library, workers)
    defer_session_configs(demo)
    # A queue status every QUEUE_STATUS_EVERY seconds, not Gradio's "auto": that sends every waiting
    # event its place each time one starts, n squared messages for n waiting (a bare Gradio app
    # under 200 calls at once: 2.2-2.5 s of CPU with "auto", 0.8-1.2 s with a rate).
    demo.queue(default_concurrency_limit=1, max_size=None, status_update_rate=QUEUE_STATUS_EVERY)
    # `claimqa ask` on this index hands its question to this app rather than load the models itself.
    local = "127.0.0.1" if host in {"0.0.0.0", "::", "127.0.0.1", "localhost"} else None
    if local:
        served.announce(index_dir, f"http://{local}:{port}/")
        atexit.register(served.withdraw, index_dir)
        # `kill`, `docker stop` and systemd send SIGTERM, which ends a process without its atexit
        # calls: the announcement is withdrawn and the workers stopped, then the process ends at
        # once (an exit would wait for the server's threads).
        def stop(number, frame) -> None:
            served.withdraw(index_dir)
            if workers is not None:
                workers.close()
            os._exit(0)

        signal.signal(signal.SIGTERM, stop)
    click.echo(f"ClaimQA chat on http://{host}:{port}/ (API: /ask)")
    demo.launch(server_name=host, server_port=port, share=False, show_error=True, quiet=False,
                max_file_size=GRADIO_MAX_FILE_SIZE, theme=THEME, css=CSS, footer_links=["api"],
                run_history=False, state_session_capacity=sessions, max_threads=MAX_THREADS,
                prevent_thread_lock=True)
    add_json_route(demo.app, library, workers)
    keep_start_up_objects()
    demo.block_thread()


if __name__ == "__main__":
    main()
