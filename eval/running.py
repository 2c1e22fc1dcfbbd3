"""Running the system for the eval: find or build the index, then ask every gold question through qa."""
from __future__ import annotations

import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .gold import GoldQuestion, check_sources
from .scoring import report

MODES = ("dense", "bm25", "hybrid")   # the order --compare prints them; hybrid, what the app runs, last
WARM_UP = "How many people were killed?"


class EvalError(RuntimeError):
    """The eval cannot run; str() is one line naming what is wrong."""


@dataclass
class Target:
    path: Path             # the index folder to evaluate
    doc_ids: list[str]     # the documents it holds (gold sources must be among them)
    corpus: str | None     # the corpus folder it was built from, when known
    label: str             # how the summary names it


def prepare_index(stack: ExitStack, corpus: str | None, index_dir: str | None, bundled: Path,
                  log: Callable[[str], None]) -> Target:
    """The index to evaluate: --index as it is, --corpus built afresh, else the bundled corpus."""
    if index_dir:
        return Target(Path(index_dir), _doc_ids(Path(index_dir)), None, f"index {index_dir}")
    if corpus:
        return _fresh_index(stack, Path(corpus), log)
    if not bundled.is_dir():
        raise EvalError(f"{bundled}: bundled corpus folder not found")
    default = _default_index_dir(bundled)
    if _holds_exactly(default, bundled):
        return Target(default, _doc_ids(default), str(bundled), f"the bundled corpus (index {default})")
    log(f"eval: {default} does not hold exactly {bundled}; indexing it in a temporary folder")
    target = _fresh_index(stack, bundled, log)
    target.label = "the bundled corpus (indexed in a temporary folder)"
    return target


def _default_index_dir(bundled: Path) -> Path:
    """CLAIMQA_INDEX, else data/index of this project (not of the current folder)."""
    from index import default_index_dir

    path = Path(default_index_dir())
    return path if path.is_absolute() else bundled.parent.parent / path


def _holds_exactly(index_dir: Path, corpus: Path) -> bool:
    """True when the index holds the corpus's documents, each with the same text, and nothing else."""
    from index import IndexConflict, IndexNotFound, SentenceStore, read_articles

    try:
        store = SentenceStore.open(index_dir)
    except (IndexNotFound, IndexConflict, OSError):
        return False
    articles, refused = read_articles([corpus])
    wanted = {a.doc_id: a.content_hash for a in articles}
    return not refused and wanted == {d.doc_id: d.content_hash for d in store.documents}


def _fresh_index(stack: ExitStack, corpus: Path, log: Callable[[str], None]) -> Target:
    """Index the corpus in a temporary folder, removed when the run ends (the default index is never touched)."""
    if not corpus.exists():
        raise EvalError(f"{corpus}: corpus folder not found")
    if not corpus.is_dir():
        raise EvalError(f"{corpus}: not a folder (--corpus takes a folder of articles)")
    from index import ingest

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="claimqa-eval-")))
    built = ingest([corpus], folder)
    for refusal in built.refused:
        log(f"eval: refused {refusal}")
    for duplicate in built.duplicates:   # a gold set naming the second file's id is told why it is unknown
        log(f"eval: duplicate {duplicate}")
    doc_ids = built.added + built.updated + built.unchanged
    if not doc_ids:
        raise EvalError(f"{corpus}: no article could be indexed (.txt, .md, .html files)")
    return Target(folder, sorted(doc_ids), str(corpus), f"corpus {corpus}")


def _doc_ids(index_dir: Path) -> list[str]:
    from index import IndexConflict, IndexNotFound, SentenceStore

    try:
        store = SentenceStore.open(index_dir)
    except (IndexNotFound, IndexConflict) as error:
        raise EvalError(_one_line(str(error))) from None
    if not store.documents:
        raise EvalError(f"{index_dir}: the index holds no documents")
    return [d.doc_id for d in store.documents]


def evaluate(index_dir: Path, golds: list[GoldQuestion], modes: list[str | None],
             timings: dict[str, float] | None = None) -> dict[str | None, dict]:
    """Ask every gold question in each retrieval mode (None: qa's default); the report per mode.

    `timings`, when given, receives the seconds spent loading (models, index, warm-up) and answering.
    """
    opened = time.perf_counter()
    # One answerer per mode: an answerer memoises query encodings, so a mode run after another would
    # otherwise be timed without the encoding cost. Models load once per process (index caches them).
    answerers = {mode: _open_answerer(index_dir) for mode in modes}
    for mode, answerer in answerers.items():   # load models and BM25 before any question is timed
        _ask(answerer, WARM_UP, mode, None)
    loaded = time.perf_counter()
    runs: dict[str | None, dict] = {}
    for mode, answerer in answerers.items():
        answers, latencies = [], []
        for gold in golds:
            started = time.perf_counter()
            answer = _ask(answerer, gold.question, mode, gold)
            latencies.append(round((time.perf_counter() - started) * 1000, 2))
            answers.append(answer)
        runs[mode] = report(golds, answers, latencies)
    if timings is not None:
        timings.update(load=round(loaded - opened, 2), answer=round(time.perf_counter() - loaded, 2))
    return runs


def _open_answerer(index_dir: Path):
    try:
        import qa
    except ImportError as error:
        raise EvalError(f"cannot import the qa package ({error})") from None
    try:
        return qa.Answerer.open(index_dir)
    except Exception as error:   # whatever qa raises (IndexNotFound, ...) is reported, not traced
        raise EvalError(f"{index_dir}: cannot open for answering ({_one_line(str(error)) or type(error).__name__})") from None


def _ask(answerer, question: str, mode: str | None, gold: GoldQuestion | None) -> dict:
    try:
        answer = answerer.ask(question) if mode is None else answerer.ask(question, mode=mode)
    except Exception as error:
        where = f"question {gold.id!r} (gold line {gold.line})" if gold else "the warm-up question"
        raise EvalError(f"qa failed on {where} in mode {mode or 'default'}: "
                        f"{type(error).__name__}: {_one_line(str(error))}") from None
    return answer.to_dict()


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- many stories, each indexed alone -----------------------------------------------------------

def evaluate_stories(stories: list, mode: str | None, baseline: bool, log: Callable[[str], None],
                     progress: bool = True, id_prefix: bool = True) -> dict:
    """Index each story alone in a temporary folder and ask its gold questions there.

    The report: the contract's keys pooled over every question of every story (ids `story/id`
    when `id_prefix` and the story's `prefix_ids`), `stories` with each story's own report, and with `baseline` the plain
    retrieval baselines' pooled reports under `baselines` (and each story's under its own).
    """
    import dataclasses

    import torch
    from tqdm import tqdm

    from index import ingest

    from .baselines import BASELINES, answer_all
    from .suites import GOLD_NAME, write_documents

    ingest_threads = torch.get_num_threads()   # answering sets one thread; ingest embeds with all
    pooled_golds: list[GoldQuestion] = []
    pooled: dict[str, tuple[list[dict], list[float]]] = {name: ([], []) for name in ("system",) + BASELINES}
    per_story: dict[str, dict] = {}
    timings = {"index": 0.0, "answer": 0.0, "baseline": 0.0}
    warmed = False
    bar = tqdm(stories, desc="stories", unit="story", disable=not progress, leave=False)

    def say(line: str) -> None:   # a line of its own: the bar is cleared first, not written after
        with tqdm.external_write_mode(file=sys.stderr):
            log(line)

    try:
        for story in bar:
            with tempfile.TemporaryDirectory(prefix="claimqa-suite-") as tmp:
                started = time.perf_counter()
                corpus = story.folder or write_documents(story, Path(tmp) / "corpus")
                torch.set_num_threads(ingest_threads)
                built = ingest([corpus], Path(tmp) / "index")
                for refusal in built.refused:
                    say(f"eval: {story.name}: refused {refusal}")
                for duplicate in built.duplicates:   # a gold set naming the second file's id is told why it is unknown
                    say(f"eval: {story.name}: duplicate {duplicate}")
                doc_ids = built.added + built.updated + built.unchanged
                indexed = bool(doc_ids)
                if story.folder is not None and indexed:   # as --corpus checks its gold (RAMDocs ids are made here)
                    check_sources(story.golds, story.folder / GOLD_NAME, doc_ids)
                timings["index"] += time.perf_counter() - started
                golds = [dataclasses.replace(g, id=f"{story.name}/{g.id}") if id_prefix and story.prefix_ids else g
                         for g in story.golds]
                started = time.perf_counter()
                if indexed:
                    answerer = _open_answerer(Path(tmp) / "index")
                    if not warmed:   # models and lazy parts load before any question is timed
                        _ask(answerer, WARM_UP, mode, None)
                        warmed = True
                    runs = {"system": _answer_golds(answerer, golds, mode)}
                else:   # nothing could be indexed: every question goes unanswered, unasked, so it has no latency
                    runs = {"system": ([_empty_answer(g.question) for g in golds], [None] * len(golds))}
                timings["answer"] += time.perf_counter() - started
                if baseline:
                    started = time.perf_counter()
                    if indexed:
                        runs.update(answer_all(Path(tmp) / "index", [g.question for g in golds]))
                    else:
                        runs.update({name: runs["system"] for name in BASELINES})
                    timings["baseline"] += time.perf_counter() - started
            pooled_golds.extend(golds)
            story_report = report(golds, *runs["system"])
            if baseline:
                story_report["baselines"] = {name: report(golds, *runs[name]) for name in BASELINES}
            per_story[story.name] = story_report
            for name, (answers, latencies) in runs.items():
                pooled[name][0].extend(answers)
                pooled[name][1].extend(latencies)
    finally:
        bar.close()   # an error that stops the run prints on a line of its own too
    out = report(pooled_golds, *pooled["system"])
    out["stories"] = per_story
    if baseline:
        out["baselines"] = {name: report(pooled_golds, *pooled[name]) for name in BASELINES}
    out["timings_s"] = {key: round(value, 2) for key, value in timings.items()}
    return out


def _answer_golds(answerer, golds: list[GoldQuestion], mode: str | None) -> tuple[list[dict], list[float]]:
    answers, latencies = [], []
    for gold in golds:
        started = time.perf_counter()
        answers.append(_ask(answerer, gold.question, mode, gold))
        latencies.append(round((time.perf_counter() - started) * 1000, 2))
    return answers, latencies


def _empty_answer(question: str) -> dict:
    return {"question": question, "sources": [], "not_mentioned": [],
            "disagreement": {"flag": False, "summary": "", "values": []}}
