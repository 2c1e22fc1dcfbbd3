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
