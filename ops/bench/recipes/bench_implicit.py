#!/usr/bin/env python3
"""Speed/quality anchor: implicit 0.7.3 AlternatingLeastSquares on an interactions.csv.

Same protocol split as eval_protocol.py (seed 42): train on the 90 % training users, fold the
test users' oldest 90 % in at query time (recalculate_user=True), score the newest 10 %.
The CSV is parsed with numpy only (USER_ID,ITEM_ID,TIMESTAMP with ids like u123 / i45), and the
ids are ranked in string order, so the user/item indices (and therefore the split) are exactly the
ones eval_protocol.py and persimmon-bench-recipes produce.

  /usr/bin/time -v python3 ops/bench/recipes/bench_implicit.py --csv /tmp/syn20m/interactions.csv \
      --factors 64 --iterations 15 --threads 2 [--regularization 0.01 --alpha 1.0]
"""
import argparse
import os
import sys

_THREADS = "2"
for _i, _a in enumerate(sys.argv):
    if _a == "--threads" and _i + 1 < len(sys.argv):
        _THREADS = sys.argv[_i + 1]
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = _THREADS

import json  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../shared/tools"))
import eval_protocol as ep  # noqa: E402


def string_rank_codes(ints):
    """ints -> codes that order the ids as np.unique would order their string forms."""
    uniq, inv = np.unique(ints, return_inverse=True)
    order = np.argsort(uniq.astype(str), kind="stable")
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    return rank[inv]


def load_csv(path):
    with open(path, "rb") as f:
        f.readline()
        raw = f.read()
    raw = raw.translate(None, b"ui").replace(b"\n", b",")
    a = np.fromstring(raw, dtype=np.int64, sep=",").reshape(-1, 3)  # noqa: NPY201
    del raw
    return string_rank_codes(a[:, 0]), string_rank_codes(a[:, 1]), a[:, 2].copy()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--iterations", type=int, default=15)
    ap.add_argument("--regularization", type=float, default=0.01)
    ap.add_argument("--alpha", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    t0 = time.perf_counter()
    u, i, ts = load_csv(a.csv)
    split = ep.Split(u, i, ts, seed=a.seed)
    t_load = time.perf_counter() - t0
    model = ep.ALS(a.threads, factors=a.factors, regularization=a.regularization, alpha=a.alpha,
                   iterations=a.iterations)
    X = split.train
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(X)
    t_fit, c_fit = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    recs = model.recommend(split.test_input, ep.TOPN)
    t_rec = time.perf_counter() - t0
    res = ep.evaluate(recs, split.truth, split.n_items)
    out = {"system": "implicit-0.7.3", "factors": a.factors, "iterations": a.iterations,
           "threads": a.threads, "regularization": a.regularization, "alpha": a.alpha,
           "train_nnz": int(X.nnz), "load_split_s": round(t_load, 2), "fit_s": round(t_fit, 2),
           "fit_cpu_s": round(c_fit, 2),
           "fit_s_per_iteration": round(t_fit / a.iterations, 3),
           "nnz_per_s_per_iteration": round(X.nnz / (t_fit / a.iterations)),
           "recommend_s": round(t_rec, 2),
           "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
           **{k: res[k] for k in ("normalized_discounted_cumulative_gain_at_25", "precision_at_25",
                                  "coverage", "n_eval_users")}}
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
