"""B-cubed precision, recall and F1 of a grouping of items against the true groups (Bagga and
Baldwin, 1998): per item, the share of its predicted group that truly belongs with it (precision)
and the share of its true group that was put with it (recall), averaged over the items."""
from __future__ import annotations


def bcubed(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """`predicted` and `truth` map every item to its group; both must hold the same items."""
    if set(predicted) != set(truth):
        missing = sorted(set(predicted) ^ set(truth))
        raise ValueError(f"the groupings hold different items: {', '.join(missing[:5])}")
    if not truth:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    members_p: dict[str, set[str]] = {}
    members_t: dict[str, set[str]] = {}
    for item in truth:
        members_p.setdefault(predicted[item], set()).add(item)
        members_t.setdefault(truth[item], set()).add(item)
    precision = recall = 0.0
    for item in truth:
        same_p, same_t = members_p[predicted[item]], members_t[truth[item]]
        both = len(same_p & same_t)
        precision += both / len(same_p)
        recall += both / len(same_t)
    precision, recall = precision / len(truth), recall / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
