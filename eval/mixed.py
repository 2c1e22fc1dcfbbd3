"""Many stories in one index: each story's gold scored there against the same story indexed alone.

    python eval/mixed.py [--stories DIR] [--json OUT] [--fall-back]

The stories are the bundled one (data/articles with eval/gold.jsonl, named `bundled`) and every
folder of DIR (default ../shared/stories: articles, optional sources.csv, gold.jsonl). Document
ids are made unique by prefixing the story's name (`keston-train-derailment--northline`), in the
file names, the merged sources.csv and the gold. Prints, per story, the contract's figures alone
and mixed, how often a question went to its own story, and the B-cubed precision, recall and F1
of the index's grouping against the story folders. Exit 2 with one line when it cannot run.
"""
from __future__ import annotations

import csv
import dataclasses
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import click  # noqa: E402

from eval.gold import GoldError, GoldQuestion, load_gold  # noqa: E402
from eval.grouping import bcubed  # noqa: E402
from eval.scoring import report  # noqa: E402

ARTICLE_TYPES = {".txt", ".md", ".html", ".htm"}
MANIFEST_COLUMNS = ("file", "outlet", "published", "title", "url")
SEPARATOR = "--"
FIGURES = (("evidence_recall", "evid"), ("answer_accuracy", "ans"), ("source_precision", "src-p"),
           ("no_answer_accuracy", "no-ans"), ("disagreement.f1", "dis-F1"))


@dataclasses.dataclass
class Suite:
    name: str
    folder: Path
    gold: Path


def suite_stories(stories_dir: Path) -> list[Suite]:
    out = [Suite("bundled", ROOT / "data" / "articles", ROOT / "eval" / "gold.jsonl")]
    if not stories_dir.is_dir():
        raise click.ClickException(f"{stories_dir}: no such folder of stories")
    for folder in sorted(p for p in stories_dir.iterdir() if p.is_dir()):
        if not (folder / "gold.jsonl").is_file():
            raise click.ClickException(f"{folder / 'gold.jsonl'}: missing (every story folder needs one)")
        out.append(Suite(folder.name, folder, folder / "gold.jsonl"))
    return out


def mixed_corpus(stories: list[Suite], target: Path) -> None:
    """Every story's articles in one folder under unique names, with one sources.csv for all."""
    rows = []
    for story in stories:
        manifest = {}
        if (story.folder / "sources.csv").is_file():
            with open(story.folder / "sources.csv", newline="", encoding="utf-8") as f:
                manifest = {row["file"]: row for row in csv.DictReader(f)}
        for path in sorted(story.folder.iterdir()):
            if path.suffix.lower() in ARTICLE_TYPES:
                name = f"{story.name}{SEPARATOR}{path.name}"
                shutil.copyfile(path, target / name)
                row = dict(manifest.get(path.name) or {})
                if row:
                    rows.append({**{k: row.get(k) or "" for k in MANIFEST_COLUMNS}, "file": name})
    with open(target / "sources.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def prefixed(story: str, golds: list[GoldQuestion]) -> list[GoldQuestion]:
    return [dataclasses.replace(g, id=f"{story}/{g.id}",
                                sources={f"{story}{SEPARATOR}{d}": s for d, s in g.sources.items()}) for g in golds]


def grouping_robustness(store, truth: dict[str, str], orders: int) -> dict:
    """B-cubed F1 of the grouping when the articles arrive one by one in random orders, and across
    a range of the join threshold around its setting: a setting fitted to these stories would show
    a narrow peak."""
    import itertools
    import random

    from index.stories import DEFAULT_SETTINGS, assign

    profiles = [store.profile(d.doc_id) for d in store.documents]

    def f1(sequence, settings=DEFAULT_SETTINGS) -> float:
        groups, counter = [], itertools.count(1)
        placed = {}
        for profile in sequence:   # one at a time: each its own arrival
            placed.update(assign([profile], groups, lambda: f"g{next(counter)}", settings))
        return bcubed(placed, truth)["f1"]

    rng = random.Random(11)
    shuffled = []
    for _ in range(orders):
        sequence = profiles[:]
        rng.shuffle(sequence)
        shuffled.append(f1(sequence))
    by_date = sorted(profiles, key=lambda p: (p.day is None, p.day, p.doc_id))
    sweep = {f"{t:.2f}": f1(by_date, dataclasses.replace(DEFAULT_SETTINGS, join_at=t))
             for t in (0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55)}
    return {"random_orders": orders, "f1_min": min(shuffled), "f1_mean": sum(shuffled) / len(shuffled),
            "join_at_sweep": sweep}


def timed(ask, golds: list[GoldQuestion]) -> tuple[list[dict], list[float]]:
    ask("How many people were killed?")   # models and BM25 loaded before anything is timed
    answers, latencies = [], []
    for gold in golds:
        started = time.perf_counter()
        answers.append(ask(gold.question).to_dict())
        latencies.append(round((time.perf_counter() - started) * 1000, 2))
    return answers, latencies


def differences(story: str, alone: dict, mixed: dict, routes: list[dict], own: str,
                names: dict[str, str]) -> list[dict]:
    """The questions whose mixed answer differs from the alone one in any figure (a gold source's
    citation, evidence or answer, a citation of another source, no-answer, the flag), with where
    the question went and why
    (`names`: story id -> the story folder its articles came from)."""
    def named(story_id: str | None) -> str:
        return f"{story_id} ({names.get(story_id, '?')})"

    out = []
    for before, after, route in zip(alone["per_question"], mixed["per_question"], routes):
        after_sources = {d.split(SEPARATOR, 1)[1]: m for d, m in after["sources"].items()}
        changed = [f"{d}.{k}" for d, m in before["sources"].items() for k in ("cited", "evidence", "answer")
                   if m[k] != after_sources[d][k]]
        changed += [k for k in ("no_answer", "flag") if before[k] != after[k]]
        extra = {d.split(SEPARATOR, 1)[1] for d in after["extra_sources"]} ^ set(before["extra_sources"])
        changed += [f"{d}.cited (not a gold source)" for d in sorted(extra)]   # what source precision counts too
        if not changed:
            continue
        routed = route["story_id"]
        if routed is None:
            why = f"no story chosen (the nearest, {named(route['unnamed'])}, names none of the question's names)"
        elif routed != own:
            why = (f"unanswerable in its story, answered within the story chosen, {named(routed)}"
                   if before["no_answer"] is not None else f"routed to another story, {named(routed)}")
            close = ", ".join(f"{named(s)} {route['scores'][s]:.3f}" for s in sorted(
                route["scores"], key=lambda s: -route["scores"][s])[:3])
            why += f"; closeness {close}"
            if route["strengths"]:
                why += "; judged, answer strengths " + ", ".join(f"{named(s)} {v:.3f}" for s, v in route["strengths"].items())
        else:
            why = "its own story, answered differently"
        out.append({"id": f"{story}/{before['id']}", "question": before["question"], "changed": changed,
                    "own_story": own, "story_id": routed, "why": why})
    return out


def figure(run: dict, key: str):
    value = run
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def fmt(value) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def print_tables(results: dict, pooled: dict) -> None:
    heads = " ".join(f"{label:>6}" for _, label in FIGURES)
    for which in ("alone", "mixed"):
        click.echo(f"\n{which}: each story's gold {'on an index of that story alone' if which == 'alone' else 'on one index of every story'}")
        click.echo(f"{'story':<32} {'qs':>3} {heads}" + ("  own-story" if which == "mixed" else ""))
        for name, result in list(results.items()) + [("all (pooled)", pooled)]:
            run = result[which]
            row = " ".join(fmt(figure(run, key)) for key, _ in FIGURES)
            own = f"  {result['own_story']}/{run['questions']}" if which == "mixed" else ""
            click.echo(f"{name:<32} {run['questions']:>3} {row}{own}")
    click.echo("\nmixed - alone")
    for name, result in list(results.items()) + [("all (pooled)", pooled)]:
        deltas = []
        for key, _ in FIGURES:
            a, m = figure(result["alone"], key), figure(result["mixed"], key)
            deltas.append("   -  " if a is None or m is None else f"{m - a:+6.3f}")
        click.echo(f"{name:<32} {result['alone']['questions']:>3} {' '.join(deltas)}")


@click.command()
@click.option("--stories", "stories_dir", type=click.Path(path_type=Path), default=ROOT.parent / "shared" / "stories",
              show_default=True, help="A folder with one folder per story (articles, sources.csv, gold.jsonl).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write both reports per story, pooled, and the B-cubed figures here.")
@click.option("--fall-back", is_flag=True, help="Answer within a touched story when the chosen one has no source.")
@click.option("--orders", default=20, show_default=True, help="Random arrival orders to group the articles in.")
def main(stories_dir: Path, json_out: Path | None, fall_back: bool, orders: int) -> None:
    from index import ingest
    from qa import Answerer
    from qa.stories import ChoiceSettings, StoryAnswerer

    try:
        stories = suite_stories(stories_dir)
        golds = {s.name: load_gold(s.gold) for s in stories}
    except GoldError as error:
        raise click.ClickException(str(error)) from None
    with tempfile.TemporaryDirectory(prefix="claimqa-mixed-") as work:
        work = Path(work)
        corpus = work / "corpus"
        corpus.mkdir()
        mixed_corpus(stories, corpus)
        built = ingest([corpus], work / "mixed")
        if built.refused:
            raise click.ClickException(f"refused: {built.refused[0]}")
        mixed = StoryAnswerer.open(work / "mixed", choice=ChoiceSettings(fall_back=fall_back))
        store = mixed.store
        truth = {d.doc_id: d.doc_id.split(SEPARATOR)[0] for d in store.documents}
        story_of = {d: store.story_of(d) for d in truth}
        grouping = bcubed(story_of, truth)
        # story id -> the folder most of its articles come from, for naming stories in the report
        folders = {sid: Counter(truth[d] for d in truth if story_of[d] == sid).most_common(1)[0][0]
                   for sid in set(story_of.values())}
        click.echo(f"grouping: {len(store.documents)} articles of {len(stories)} stories into "
                   f"{len(store.stories)} stories; B-cubed precision {grouping['precision']:.3f}, "
                   f"recall {grouping['recall']:.3f}, F1 {grouping['f1']:.3f}")
        robust = grouping_robustness(store.snapshot(), truth, orders)   # every profile, in memory
        grouping["robustness"] = robust
        click.echo(f"grouping over {orders} random arrival orders: F1 min {robust['f1_min']:.3f}, mean "
                   f"{robust['f1_mean']:.3f}; F1 by join_at: " +
                   ", ".join(f"{t} {v:.3f}" for t, v in robust["join_at_sweep"].items()))
        results: dict[str, dict] = {}
        all_golds, all_alone, all_mixed, lat_alone, lat_mixed = [], [], [], [], []
        leaks = 0
        for story in stories:
            alone_dir = work / f"alone-{story.name}"
            ingest([story.folder], alone_dir)
            alone = Answerer.open(alone_dir)
            answers_alone, t_alone = timed(alone.ask, golds[story.name])
            mine = prefixed(story.name, golds[story.name])
            answers_mixed, t_mixed = timed(mixed.ask, mine)
            own_id = story_of[next(d for d in truth if truth[d] == story.name)]
            routes = [dataclasses.asdict(mixed.choice(g.question)) for g in mine]
            own = sum(r["story_id"] == own_id for r in routes)
            for answer in answers_mixed:   # sources and not_mentioned must all be of one story
                named = {s["doc_id"] for s in answer["sources"]} | set(answer["not_mentioned"])
                leaks += len({story_of[d] for d in named}) > 1
            results[story.name] = {"alone": report(golds[story.name], answers_alone, t_alone),
                                   "mixed": report(mine, answers_mixed, t_mixed), "own_story": own}
            results[story.name]["differences"] = differences(story.name, results[story.name]["alone"],
                                                             results[story.name]["mixed"], routes, own_id, folders)
            all_golds += golds[story.name]
            all_alone += answers_alone
            lat_alone += t_alone
            all_mixed += answers_mixed
            lat_mixed += t_mixed
        mine_all = [g for s in stories for g in prefixed(s.name, golds[s.name])]
        pooled = {"alone": report(all_golds, all_alone, lat_alone), "mixed": report(mine_all, all_mixed, lat_mixed),
                  "own_story": sum(r["own_story"] for r in results.values())}
    print_tables(results, pooled)
    changed = [d for r in results.values() for d in r["differences"]]
    click.echo(f"\nquestions whose mixed answer differs from the alone one: {len(changed)}")
    for d in changed:
        click.echo(f"  {d['id']}: {d['question']}\n    changed {', '.join(d['changed'])}; {d['why']}")
    click.echo(f"\nanswers naming a document of another story in sources or not_mentioned: {leaks}")
    click.echo(f"latency p50/p95 ms: alone {pooled['alone']['latency_ms']['p50']:.0f}/"
               f"{pooled['alone']['latency_ms']['p95']:.0f}, mixed {pooled['mixed']['latency_ms']['p50']:.0f}/"
               f"{pooled['mixed']['latency_ms']['p95']:.0f}")
    if json_out:
        json_out.write_text(json.dumps({"grouping": grouping, "stories": results, "pooled": pooled,
                                        "leaks": leaks, "fall_back": fall_back}, indent=2))


if __name__ == "__main__":
    main()
