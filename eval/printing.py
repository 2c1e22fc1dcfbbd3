"""Plain-text output of the eval: the per-question table and the summary (one run or modes side by side)."""
from __future__ import annotations

import click

LEGEND = ("marks per gold source doc:EA - E: a gold evidence sentence among its first 3 citations, "
          "A: short answer right, '-': wrong, '..': source not cited; +doc: cited but not in gold")


def source_marks(row: dict) -> str:
    marks = []
    for doc_id, mark in row["sources"].items():
        if not mark["cited"]:
            marks.append(f"{doc_id}:..")
        else:
            marks.append(f"{doc_id}:{'E' if mark['evidence'] else '-'}{'A' if mark['answer'] else '-'}")
    if not row["sources"]:
        marks.append("(no source)" + (" ok" if row["no_answer"] else ""))
    marks.extend(f"+{doc_id}" for doc_id in row["extra_sources"])
    return " ".join(marks)


def flag_mark(row: dict) -> str:
    said = "yes" if row["flag"] else "no"
    if row["flag"] == row["disagree"]:
        return f"{said:<3} ok"
    return f"{said:<3} {'MISSED' if row['disagree'] else 'FALSE'}"


def shortened(text: str, width: int) -> str:
    """`text` in at most `width` characters: its start and its end, an ellipsis between (a suite's
    ids, "story/question", differ at the end: cutting the end made every row of a story alike)."""
    if len(text) <= width:
        return text
    head = width // 3
    return text[:head] + "…" + text[len(text) - (width - head - 1):]


def print_table(rows: list[dict]) -> None:
    width = min(max(len(row["id"]) for row in rows), 40)
    click.echo(f"{'id':<{width}}  {'flag':<10} {'ms':>7}  sources")
    for row in rows:
        latency = f"{row['latency_ms']:.1f}" if row["latency_ms"] is not None else "-"
        click.echo(f"{shortened(row['id'], width):<{width}}  {flag_mark(row):<10} {latency:>7}  {source_marks(row)}")
    click.echo(LEGEND)
    click.echo("")


def summary_lines(run: dict) -> list[tuple[str, str]]:
    """(label, value) rows for one run's summary, in the contract's order."""
    d, t = run["disagreement"], run["latency_ms"]
    return [
        ("questions", str(run["questions"])),
        ("evidence recall", _ratio(run["evidence_recall"])),
        ("answer accuracy", _ratio(run["answer_accuracy"])),
        ("source precision", _ratio(run["source_precision"])),
        ("no-answer accuracy", _ratio(run["no_answer_accuracy"])),
        ("disagreement precision", _ratio(d["precision"])),
        ("disagreement recall", _ratio(d["recall"])),
        ("disagreement F1", _ratio(d["f1"])),
        ("latency p50 (ms)", _ms(t["p50"])),
        ("latency p95 (ms)", _ms(t["p95"])),
    ]


def print_summary(run: dict) -> None:
    for label, value in summary_lines(run):
        click.echo(f"{label:<24}{value:>9}")


def print_compare(runs: dict[str, dict]) -> None:
    """Summary metrics as columns, one per retrieval mode."""
    names = list(runs)
    columns = [summary_lines(runs[name]) for name in names]
    widths = [max(9, len(name) + 2) for name in names]
    click.echo(f"{'':<24}" + "".join(f"{name:>{w}}" for name, w in zip(names, widths)))
    for i, (label, _) in enumerate(columns[0]):
        click.echo(f"{label:<24}" + "".join(f"{column[i][1]:>{w}}" for column, w in zip(columns, widths)))


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def print_stories(suite: dict) -> None:
    """One row per story (and the pooled row): the system's metrics, the baselines' beside them."""
    baselines = list(suite.get("baselines") or {})
    width = min(max([len(name) for name in suite["stories"]] + [6]), 34)
    head = (f"{'story':<{width}} {'q':>4} {'ev.rec':>7} {'ans.acc':>7} {'src.prec':>8} {'no-ans':>7} "
            f"{'dis.P':>6} {'dis.F1':>6}")
    for name in baselines:
        head += f" | {name + ' ev.rec':>17} {'src.prec':>8}"
    click.echo(head)
    rows = list(suite["stories"].items()) + [("pooled", suite)]
    for name, run in rows:
        if name == "pooled":
            click.echo("-" * len(head))
        d = run["disagreement"]
        line = (f"{shortened(name, width):<{width}} {run['questions']:>4} {_ratio(run['evidence_recall']):>7} "
                f"{_ratio(run['answer_accuracy']):>7} {_ratio(run['source_precision']):>8} "
                f"{_ratio(run['no_answer_accuracy']):>7} {_ratio(d['precision']):>6} {_ratio(d['f1']):>6}")
        for baseline in baselines:
            other = run["baselines"][baseline]
            line += f" | {_ratio(other['evidence_recall']):>17} {_ratio(other['source_precision']):>8}"
        click.echo(line)
