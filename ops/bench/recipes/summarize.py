#!/usr/bin/env python3
"""Prints one markdown row (mean ± sample sd over seeds) per JSON-lines file.

Reads the per-seed lines of `persimmon-bench-recipes quality` or of `eval_protocol.py` (lines with a "seed" key
and metric values), ignores summary lines.

  python3 ops/bench/recipes/summarize.py LABEL=FILE.jsonl [LABEL=FILE.jsonl ...]
"""
import json
import statistics
import sys

COLUMNS = [
    ("coverage", "coverage"),
    ("MRR@25", "mean_reciprocal_rank_at_25"),
    ("NDCG@5", "normalized_discounted_cumulative_gain_at_5"),
    ("NDCG@10", "normalized_discounted_cumulative_gain_at_10"),
    ("NDCG@25", "normalized_discounted_cumulative_gain_at_25"),
    ("P@5", "precision_at_5"),
    ("P@10", "precision_at_10"),
    ("P@25", "precision_at_25"),
]


def rows(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            d = json.loads(line)
            if "seed" in d and "summary_over_seeds" not in d:
                out.append(d)
    return out


def main():
    print("| recipe | seeds | " + " | ".join(c for c, _ in COLUMNS) + " | train s |")
    print("|---|---|" + "---|" * (len(COLUMNS) + 1))
    for arg in sys.argv[1:]:
        label, path = arg.split("=", 1)
        data = rows(path)
        if not data:
            continue
        cells = []
        for _, key in COLUMNS:
            values = [d[key] for d in data]
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            cells.append(f"{statistics.mean(values):.4f} ± {sd:.4f}")
        train = [d.get("train_s", d.get("train_time_s", 0.0)) for d in data]
        print(f"| {label} | {len(data)} | " + " | ".join(cells) + f" | {statistics.mean(train):.2f} |")


if __name__ == "__main__":
    main()
