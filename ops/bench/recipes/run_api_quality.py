#!/usr/bin/env python3
"""Recipe quality through the API, as a user measures it: boto3 against a release `persimmon serve`.

Imports ml-latest-small (ratings.csv as Interactions with EVENT_TYPE=rating; movies.csv as Items with GENRES
categorical and TITLE textual) and Last.fm (user_artists.dat as Interactions, no timestamps so every event gets
TIMESTAMP 0; artists with their ten most used tags as a categorical TAGS field; also with every order-dependent
part of the recipes switched off, see BAG), trains every recipe once per split
seed (the Persimmon algorithm hyperparameter `evaluation_split_seed` picks GetSolutionMetrics' 90/10 user split),
and prints GetSolutionMetrics means ± sample sd next to EVALUATION.md's baselines, with the wall time from
CreateSolutionVersion to ACTIVE (which includes the metrics run: a second training on the split).

    swift build -c release --product persimmon
    python3 ops/bench/recipes/run_api_quality.py [--seeds 42,43,44,45,46] [--datasets ml,lastfm]
        [--recipes aws-sims,...] [--binary .build/release/persimmon] [--shared ../shared] [--json OUT]

Everything it writes (data directory, converted CSVs) is under a temporary directory that is removed at the end.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))
from bench_server import REGION, Server, wait  # noqa: E402
RECIPES = [
    "aws-popularity-count",
    "aws-trending-now",
    "aws-sims",
    "aws-similar-items",
    "aws-user-personalization",
    "aws-personalized-ranking",
]
METRICS = [
    "coverage",
    "mean_reciprocal_rank_at_25",
    "normalized_discounted_cumulative_gain_at_5",
    "normalized_discounted_cumulative_gain_at_10",
    "normalized_discounted_cumulative_gain_at_25",
    "precision_at_5",
    "precision_at_10",
    "precision_at_25",
]
SHORT = ["coverage", "MRR@25", "NDCG@5", "NDCG@10", "NDCG@25", "P@5", "P@10", "P@25"]
# ../shared/EVALUATION.md, ml-latest-small, mean over seeds 42-46 (same metric order as METRICS)
BASELINES = {
    "popularity count": [0.0114, 0.0888, 0.0344, 0.0373, 0.0540, 0.0308, 0.0289, 0.0304],
    "item co-occurrence (SIMS-like)": [0.0692, 0.1515, 0.0674, 0.0744, 0.0915, 0.0603, 0.0561, 0.0468],
    "weighted ALS (implicit)": [0.0533, 0.1270, 0.0543, 0.0617, 0.0848, 0.0518, 0.0492, 0.0446],
    "EASE, recency-weighted (best)": [0.0651, 0.1913, 0.0893, 0.0977, 0.1183, 0.0820, 0.0748, 0.0605],
}

INTERACTIONS_SCHEMA = {
    "type": "record",
    "name": "Interactions",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", "type": "string"},
    ],
    "version": "1.0",
}


def items_schema(fields: list[dict]) -> dict:
    return {
        "type": "record",
        "name": "Items",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [{"name": "ITEM_ID", "type": "string"}, *fields],
        "version": "1.0",
    }


# ---------------------------------------------------------------------------------------------- data


def write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def prepare_movielens(shared: Path, root: Path) -> tuple[Path, Path, dict]:
    src = shared / "datasets/ml-latest-small"
    interactions = root / "ml-interactions.csv"
    items = root / "ml-items.csv"
    with open(src / "ratings.csv") as f:
        reader = csv.reader(f)
        next(reader)
        write_csv(interactions, ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"],
                  ([u, i, t, "rating"] for u, i, _r, t in reader))
    with open(src / "movies.csv") as f:
        reader = csv.reader(f)
        next(reader)
        write_csv(items, ["ITEM_ID", "GENRES", "TITLE"], ([i, g, title] for i, title, g in reader))
    schema = items_schema([
        {"name": "GENRES", "type": ["null", "string"], "categorical": True},
        {"name": "TITLE", "type": ["null", "string"], "textual": True},
    ])
    return interactions, items, schema


def prepare_lastfm(shared: Path, root: Path) -> tuple[Path, Path, dict]:
    src = shared / "datasets/hetrec2011-lastfm-2k"
    interactions = root / "lfm-interactions.csv"
    items = root / "lfm-items.csv"
    with open(src / "user_artists.dat") as f:
        next(f)
        write_csv(interactions, ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"],
                  ([u, a, 0, "listen"] for u, a, _w in (line.split("\t") for line in f)))
    tags: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    with open(src / "user_taggedartists.dat") as f:
        next(f)
        for line in f:
            _user, artist, tag, *_ = line.split("\t")
            tags[artist][tag] += 1
    with open(src / "artists.dat", encoding="utf-8", errors="replace") as f:
        next(f)
        artists = [line.split("\t")[0] for line in f]
    write_csv(items, ["ITEM_ID", "TAGS"],
              ([a, "|".join(t for t, _n in tags[a].most_common(10)) or None] for a in artists))
    schema = items_schema([{"name": "TAGS", "type": ["null", "string"], "categorical": True}])
    return interactions, items, schema


# ---------------------------------------------------------------------------------------------- server


# ---------------------------------------------------------------------------------------------- run


def load_dataset(pz, account: str, name: str, interactions: Path, items: Path, schema: dict) -> str:
    group = pz.create_dataset_group(name=f"{name}-group")["datasetGroupArn"]
    wait(lambda: pz.describe_dataset_group(datasetGroupArn=group), "datasetGroup")
    role = f"arn:aws:iam::{account}:role/PersonalizeS3"
    for kind, path, doc in (("Interactions", interactions, INTERACTIONS_SCHEMA), ("Items", items, schema)):
        schema_arn = pz.create_schema(name=f"{name}-{kind.lower()}", schema=json.dumps(doc))["schemaArn"]
        dataset = pz.create_dataset(
            name=f"{name}-{kind.lower()}", schemaArn=schema_arn, datasetGroupArn=group, datasetType=kind
        )["datasetArn"]
        wait(lambda: pz.describe_dataset(datasetArn=dataset), "dataset")
        started = time.monotonic()
        job = pz.create_dataset_import_job(
            jobName=f"{name}-{kind.lower()}", datasetArn=dataset, dataSource={"dataLocation": f"file://{path}"},
            roleArn=role,
        )["datasetImportJobArn"]
        done = wait(lambda: pz.describe_dataset_import_job(datasetImportJobArn=job), "datasetImportJob")
        if done["status"] != "ACTIVE":
            raise SystemExit(f"import of {path.name} failed: {done.get('failureReason')}")
        print(f"# {name}: imported {kind} in {time.monotonic() - started:.2f} s", file=sys.stderr)
    return group


# Last.fm has no timestamps, so the protocol's (timestamp, item id) order is the artists' ID order and the "newest"
# events are the highest IDs: the recipes' sequence-aware parts learn that order. These settings switch every
# order-dependent part off (a history is a bag), which is what the order-blind reference baselines see.
BAG = {
    "aws-sims": {"co_occurrence_window": "0", "co_occurrence_direction": "both", "recency_half_life": "0",
                 "history_length": "1000"},
    "aws-similar-items": {"co_occurrence_window": "0", "co_occurrence_direction": "both", "recency_half_life": "0",
                          "history_length": "1000"},
    "aws-user-personalization": {"recency_mask": "false", "co_occurrence_window": "0",
                                 "co_occurrence_direction": "both", "bptt": "1000"},
}
# ../shared/tools/eval_protocol.py on Last.fm (user_artists.dat, TIMESTAMP 0), seeds 42-46, default parameters
LASTFM_BASELINES = {
    "popularity count": [0.0026, 0.2951, 0.1032, 0.1121, 0.1189, 0.0636, 0.0400, 0.0193],
    "item co-occurrence (SIMS-like)": [0.0693, 0.3697, 0.1573, 0.1820, 0.2257, 0.1281, 0.0864, 0.0557],
    "weighted ALS (implicit)": [0.0367, 0.3273, 0.1414, 0.1816, 0.2349, 0.1266, 0.1001, 0.0654],
}


def train(pz, group: str, name: str, recipe: str, seed: int, extra: dict | None = None) -> dict:
    solution = pz.create_solution(
        name=name, datasetGroupArn=group, recipeArn=f"arn:aws:personalize:::recipe/{recipe}",
        performAutoTraining=False,
        solutionConfig={"algorithmHyperParameters": {"evaluation_split_seed": str(seed), **(extra or {})}},
    )["solutionArn"]
    wait(lambda: pz.describe_solution(solutionArn=solution), "solution")
    started = time.monotonic()
    arn = pz.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    version = wait(lambda: pz.describe_solution_version(solutionVersionArn=arn), "solutionVersion")
    wall = time.monotonic() - started
    if version["status"] != "ACTIVE":
        raise SystemExit(f"{recipe} seed {seed}: {version['status']} {version.get('failureReason')}")
    metrics = pz.get_solution_metrics(solutionVersionArn=arn)["metrics"]
    return {"recipe": recipe, "seed": seed, "wall_s": wall, "training_hours": version.get("trainingHours"),
            "metrics": metrics}


def fmt(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.4f}"
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}"


def table(results: list[dict], baselines: dict) -> str:
    lines = ["| recipe | " + " | ".join(SHORT) + " | CreateSolutionVersion → ACTIVE |",
             "|---|" + "---|" * (len(SHORT) + 1)]
    by_recipe: dict[str, list[dict]] = collections.defaultdict(list)
    for r in results:
        by_recipe[r["recipe"] + (" (bag)" if r.get("bag") else "")].append(r)
    for recipe, runs in by_recipe.items():
        cells = [fmt([run["metrics"][m] for run in runs]) for m in METRICS]
        walls = [run["wall_s"] for run in runs]
        lines.append(f"| {recipe} | " + " | ".join(cells) + f" | {statistics.mean(walls):.2f} s |")
    for name, values in baselines.items():
        lines.append(f"| *baseline: {name}* | " + " | ".join(f"{v:.4f}" for v in values) + " | |")
    return "\n".join(lines)


def main() -> None:
    here = Path(__file__).resolve()
    repo = here.parents[3]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=repo / ".build/release/persimmon")
    parser.add_argument("--shared", type=Path, default=repo.parent / "shared")
    parser.add_argument("--seeds", default="42,43,44,45,46")
    parser.add_argument("--datasets", default="ml,lastfm")
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--json", type=Path, help="also write every run as JSON lines here")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    recipes = args.recipes.split(",")
    with tempfile.TemporaryDirectory(prefix="persimmon-api-quality-") as tmp:
        work = Path(tmp)
        root = work / "imports"
        root.mkdir()
        server = Server(args.binary, work, root)
        try:
            account = server.admin("create-account", "--name", "bench")
            pz = boto3.client(
                "personalize", endpoint_url=server.url, region_name=REGION,
                aws_access_key_id=account["AccessKeyId"], aws_secret_access_key=account["SecretAccessKey"],
                config=Config(retries={"total_max_attempts": 1}, read_timeout=600),
            )
            load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
            print(f"# {time.strftime('%Y-%m-%d %H:%M:%S')} load before: {load}")
            everything = []
            for dataset in args.datasets.split(","):
                prepare = {"ml": prepare_movielens, "lastfm": prepare_lastfm}[dataset]
                interactions, items, schema = prepare(args.shared, root)
                group = load_dataset(pz, account["AccountId"], dataset, interactions, items, schema)
                results = []
                runs = [(recipe, None) for recipe in recipes]
                if dataset == "lastfm":
                    runs += [(recipe, BAG[recipe]) for recipe in recipes if recipe in BAG]
                for recipe, extra in runs:
                    for seed in seeds:
                        name = f"{dataset}-{recipe}-{seed}" + ("-bag" if extra else "")
                        result = train(pz, group, name, recipe, seed, extra)
                        result["dataset"] = dataset
                        result["bag"] = extra is not None
                        print(f"# {dataset} {recipe} seed {seed}: NDCG@25 "
                              f"{result['metrics']['normalized_discounted_cumulative_gain_at_25']:.4f} "
                              f"in {result['wall_s']:.2f} s", file=sys.stderr)
                        results.append(result)
                everything += results
                print(f"\n## {dataset} (seeds {args.seeds})\n")
                print(table(results, BASELINES if dataset == "ml" else LASTFM_BASELINES))
            load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
            print(f"\n# load after: {load}")
            if args.json:
                with open(args.json, "w") as out:
                    for r in everything:
                        out.write(json.dumps(r) + "\n")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
