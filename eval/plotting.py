"""Bar chart of the summary metrics per retrieval mode."""
from __future__ import annotations

from pathlib import Path

METRICS = [("evidence recall", ("evidence_recall",)), ("answer accuracy", ("answer_accuracy",)),
           ("source precision", ("source_precision",)), ("no-answer accuracy", ("no_answer_accuracy",)),
           ("disagreement F1", ("disagreement", "f1"))]


def metric(run: dict, keys: tuple[str, ...]) -> float:
    value = run
    for key in keys:
        value = value[key]
    return 0.0 if value is None else value   # not measured draws as an empty bar


def plot_modes(runs: dict[str, dict], path: str | Path) -> None:
    """Grouped bars: the ratio metrics per mode (left), latency p50/p95 per mode (right)."""
    import matplotlib
    matplotlib.use("Agg")   # files only: no display on CI or servers
    import matplotlib.pyplot as plt

    names = list(runs)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [3, 1]})
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        xs = [m + (i - (len(names) - 1) / 2) * width for m in range(len(METRICS))]
        values = [metric(runs[name], keys) for _, keys in METRICS]
        bars = left.bar(xs, values, width, label=name)
        left.bar_label(bars, fmt="%.2f", fontsize=7)
        latency = runs[name]["latency_ms"]
        right.bar([j + (i - (len(names) - 1) / 2) * width for j in range(2)],
                  [latency["p50"] or 0.0, latency["p95"] or 0.0], width, label=name)
    left.set_xticks(range(len(METRICS)), [label for label, _ in METRICS], fontsize=8)
    left.set_ylim(0, 1.1)
    left.set_title("ClaimQA eval: summary metrics per retrieval mode")
    left.legend(fontsize=8)
    right.set_xticks(range(2), ["p50", "p95"])
    right.set_ylabel("ms")
    right.set_title("latency per question")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


SUITE_METRICS = [("evidence recall", ("evidence_recall",)), ("answer accuracy", ("answer_accuracy",)),
                 ("source precision", ("source_precision",)), ("disagreement F1", ("disagreement", "f1"))]
BASELINE_METRICS = [("evidence recall", ("evidence_recall",)), ("source precision", ("source_precision",))]


def plot_suite(suite: dict, path: str | Path) -> None:
    """One group of bars per story (and pooled): the system's four metrics, the baselines'
    evidence recall and source precision beside them (hatched)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(suite["stories"].items()) + [("pooled", suite)]
    series = [(f"ClaimQA {label}", lambda run, keys=keys: metric(run, keys), None) for label, keys in SUITE_METRICS]
    for name in suite.get("baselines") or {}:
        series += [(f"{name} {label}", lambda run, keys=keys, name=name: metric(run["baselines"][name], keys), "//")
                   for label, keys in BASELINE_METRICS]
    width = 0.85 / len(series)
    fig, ax = plt.subplots(figsize=(max(8.0, 1.6 * len(groups) * len(series) / 6), 5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (label, value, hatch) in enumerate(series):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        ax.bar(xs, [value(run) for _, run in groups], width, label=label, hatch=hatch,
               color=colours[i % len(colours)], alpha=0.55 if hatch else 1.0, edgecolor="black", linewidth=0.3)
    ax.set_xticks(range(len(groups)), [name for name, _ in groups], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title("ClaimQA per story, beside plain dense retrieval")
    ax.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.28))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
