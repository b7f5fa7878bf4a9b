"""Solution versions: training each supported recipe on imported data, offline metrics, HPO and the data minimums."""

from __future__ import annotations

import time

import pytest

from conftest import assert_output_shape, avro, expect_modelled, unique, wait_for_status
from test_imports import (  # noqa: F401  (fixtures)
    data_server,
    dtenant,
    import_root,
    interactions_csv,
    make_interactions_dataset,
    moto_url,
    run_import,
)

METRICS = {
    "coverage",
    "mean_reciprocal_rank_at_25",
    "normalized_discounted_cumulative_gain_at_5",
    "normalized_discounted_cumulative_gain_at_10",
    "normalized_discounted_cumulative_gain_at_25",
    "precision_at_5",
    "precision_at_10",
    "precision_at_25",
}


def trained_group(tenant, import_root, rows: int = 3000):
    dataset, group = make_interactions_dataset(tenant)
    path = import_root / f"{unique('train')}.csv"
    path.write_text(interactions_csv(rows, users=80, items=150))
    job = run_import(tenant.personalize, dataset, f"file://{path}")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    return group


def wait_version(pz, arn: str, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        version = pz.describe_solution_version(solutionVersionArn=arn)["solutionVersion"]
        if not seen or seen[-1] != version["status"]:
            seen.append(version["status"])
        if version["status"] in ("ACTIVE", "CREATE FAILED", "CREATE STOPPED") or time.monotonic() > deadline:
            assert set(seen) <= {"CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE", "CREATE FAILED"}, seen
            return version
        time.sleep(0.2)


def make_solution(pz, group: str, recipe: str, **kwargs) -> str:
    arn = pz.create_solution(name=unique("sol"), datasetGroupArn=group, recipeArn=recipe, **kwargs)["solutionArn"]
    wait_for_status(lambda: pz.describe_solution(solutionArn=arn)["solution"])
    return arn


@pytest.mark.parametrize(
    "recipe",
    [
        "aws-popularity-count",
        "aws-trending-now",
        "aws-sims",
        "aws-similar-items",
        "aws-user-personalization",
        "aws-personalized-ranking",
    ],
)
def test_each_recipe_trains_and_reports_metrics(dtenant, import_root, recipe):
    pz = dtenant.personalize
    group = trained_group(dtenant, import_root)
    solution = make_solution(pz, group, f"arn:aws:personalize:::recipe/{recipe}")
    resp = pz.create_solution_version(solutionArn=solution)
    assert_output_shape(pz, "CreateSolutionVersion", resp)
    arn = resp["solutionVersionArn"]
    assert arn.startswith(solution + "/")
    version = wait_version(pz, arn)
    assert version["status"] == "ACTIVE", version.get("failureReason")
    assert version["trainingMode"] == "FULL"
    assert version["trainingType"] == "MANUAL"
    assert version["trainingHours"] > 0
    metrics = pz.get_solution_metrics(solutionVersionArn=arn)
    assert_output_shape(pz, "GetSolutionMetrics", metrics)
    assert METRICS <= set(metrics["metrics"]), metrics["metrics"]
    for name in METRICS:
        assert 0.0 <= metrics["metrics"][name] <= 1.0, (name, metrics["metrics"][name])
    listed = pz.list_solution_versions(solutionArn=solution)["solutionVersions"]
    assert [v["solutionVersionArn"] for v in listed] == [arn]
    assert listed[0]["trainingType"] == "MANUAL"
    latest = pz.describe_solution(solutionArn=solution)["solution"]["latestSolutionVersion"]
    assert latest["solutionVersionArn"] == arn and latest["status"] == "ACTIVE"


def test_hpo_reports_tuned_parameters(dtenant, import_root):
    pz = dtenant.personalize
    group = trained_group(dtenant, import_root)
    solution = make_solution(
        pz,
        group,
        "arn:aws:personalize:::recipe/aws-sims",
        performHPO=True,
        solutionConfig={"hpoConfig": {"hpoResourceConfig": {"maxNumberOfTrainingJobs": "3", "maxParallelTrainingJobs": "1"}}},
    )
    arn = pz.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    version = wait_version(pz, arn)
    assert version["status"] == "ACTIVE", version.get("failureReason")
    assert version["tunedHPOParams"]["algorithmHyperParameters"], version


def test_too_little_data_fails_with_the_reason(dtenant, import_root):
    pz = dtenant.personalize
    dataset, group = make_interactions_dataset(dtenant)
    path = import_root / f"{unique('few-users')}.csv"
    # 1,200 interactions, but only 10 users: below the 25 users with two or more interactions.
    path.write_text(interactions_csv(1200, users=10))
    assert run_import(pz, dataset, f"file://{path}")["status"] == "ACTIVE"
    solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-user-personalization")
    version = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    assert version["status"] == "CREATE FAILED"
    assert "25" in version["failureReason"], version["failureReason"]
    expect_modelled(
        pz, lambda: pz.get_solution_metrics(solutionVersionArn=version["solutionVersionArn"]), "ResourceInUseException"
    )


def test_training_without_interactions_fails(dtenant):
    pz = dtenant.personalize
    _, group = dtenant.create_dataset_group()
    solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-sims")
    version = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    assert version["status"] == "CREATE FAILED"
    assert "Interactions" in version["failureReason"]


def test_update_mode_needs_an_active_version(dtenant):
    pz = dtenant.personalize
    _, group = dtenant.create_dataset_group()
    solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-user-personalization")
    expect_modelled(
        pz, lambda: pz.create_solution_version(solutionArn=solution, trainingMode="UPDATE"), "InvalidInputException"
    )


def test_update_mode_is_for_user_personalization_only(dtenant, import_root):
    pz = dtenant.personalize
    group = trained_group(dtenant, import_root)
    solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-sims")
    full = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    assert full["status"] == "ACTIVE", full.get("failureReason")
    err = expect_modelled(
        pz, lambda: pz.create_solution_version(solutionArn=solution, trainingMode="UPDATE"), "InvalidInputException"
    )
    assert "aws-user-personalization" in err.response["Error"]["Message"]
    assert [v["trainingMode"] for v in pz.list_solution_versions(solutionArn=solution)["solutionVersions"]] == ["FULL"]


SIMILAR_ITEMS_SCHEMA = avro(
    "Items",
    [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRES", "type": ["null", "string"], "categorical": True},
        {"name": "DESCRIPTION", "type": ["null", "string"], "textual": True},
        {"name": "PRICE", "type": ["null", "float"]},
    ],
)


def test_similar_items_gives_cold_items_metadata_neighbours(dtenant, import_root):
    """Items i0-i149 have interactions; i150-i159 exist only in the Items dataset. Items are in two genre groups
    (even / odd index) with group-specific words in their descriptions: a cold item's related items must come from
    its own group."""
    pz = dtenant.personalize
    dataset, group = make_interactions_dataset(dtenant)
    path = import_root / f"{unique('sim-int')}.csv"
    path.write_text(interactions_csv(3000, users=80, items=150))
    assert run_import(pz, dataset, f"file://{path}")["status"] == "ACTIVE"
    _, schema = dtenant.create_schema(SIMILAR_ITEMS_SCHEMA)
    items = dtenant.create_dataset(group, schema, "Items")
    lines = ["ITEM_ID,GENRES,DESCRIPTION,PRICE"]
    for n in range(160):
        if n % 2 == 0:
            lines.append(f"i{n},Comedy|Romance,a light wedding comedy in paris number {n},{10 + n % 7}")
        else:
            lines.append(f"i{n},Horror,zombies attack the village at night {n},{50 + n % 7}")
    items_path = import_root / f"{unique('sim-items')}.csv"
    items_path.write_text("\n".join(lines) + "\n")
    assert run_import(pz, items, f"file://{items_path}")["status"] == "ACTIVE"

    solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-similar-items")
    arn = pz.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    version = wait_version(pz, arn)
    assert version["status"] == "ACTIVE", version.get("failureReason")
    metrics = pz.get_solution_metrics(solutionVersionArn=arn)["metrics"]
    assert METRICS <= set(metrics), metrics

    campaign = pz.create_campaign(name=unique("camp"), solutionVersionArn=arn, minProvisionedTPS=1)["campaignArn"]
    wait_for_status(lambda: pz.describe_campaign(campaignArn=campaign)["campaign"])
    runtime = dtenant.client("personalize-runtime")
    for cold, parity in (("i150", 0), ("i151", 1)):
        related = [i["itemId"] for i in runtime.get_recommendations(campaignArn=campaign, itemId=cold, numResults=10)["itemList"]]
        assert len(related) == 10 and cold not in related
        assert all(int(item[1:]) % 2 == parity for item in related), (cold, related)


def test_update_mode_trains_from_the_active_version(dtenant, import_root):
    pz = dtenant.personalize
    group = trained_group(dtenant, import_root)
    solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-user-personalization")
    full = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    assert full["status"] == "ACTIVE", full.get("failureReason")
    arn = pz.create_solution_version(solutionArn=solution, trainingMode="UPDATE")["solutionVersionArn"]
    update = wait_version(pz, arn)
    assert update["status"] == "ACTIVE", update.get("failureReason")
    assert update["trainingMode"] == "UPDATE" and update["trainingType"] == "MANUAL"
    metrics = pz.get_solution_metrics(solutionVersionArn=arn)["metrics"]
    assert metrics == pz.get_solution_metrics(solutionVersionArn=full["solutionVersionArn"])["metrics"]
    listed = pz.list_solution_versions(solutionArn=solution)["solutionVersions"]
    assert [v["trainingMode"] for v in listed] == ["UPDATE", "FULL"]


def test_evaluation_split_seed_chooses_the_metrics_split(dtenant, import_root):
    pz = dtenant.personalize
    group = trained_group(dtenant, import_root)
    results = {}
    for seed in ("42", "43", None):
        config = {"algorithmHyperParameters": {"evaluation_split_seed": seed}} if seed else {}
        solution = make_solution(
            pz, group, "arn:aws:personalize:::recipe/aws-popularity-count", performAutoTraining=False,
            solutionConfig=config,
        )
        version = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
        assert version["status"] == "ACTIVE", version.get("failureReason")
        results[seed] = pz.get_solution_metrics(solutionVersionArn=version["solutionVersionArn"])["metrics"]
    assert results["42"] == results[None]  # 42 is the default split
    assert results["42"] != results["43"]
    expect_modelled(
        pz,
        lambda: pz.create_solution(
            name=unique("sol"), datasetGroupArn=group, recipeArn="arn:aws:personalize:::recipe/aws-sims",
            solutionConfig={"algorithmHyperParameters": {"evaluation_split_seed": "-1"}},
        ),
        "InvalidInputException",
    )


EXPLORATION_ITEMS_SCHEMA = avro(
    "Items",
    [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRES", "type": ["null", "string"], "categorical": True},
        {"name": "CREATION_TIMESTAMP", "type": "long"},
    ],
)


def test_user_personalization_explores_new_items_from_the_items_dataset(dtenant, import_root):
    """i150-i154 are in the Items dataset only, created today; the rest were created a year ago. With exploration
    the new items reach users' lists; without it they do not."""
    pz = dtenant.personalize
    dataset, group = make_interactions_dataset(dtenant)
    path = import_root / f"{unique('exp-int')}.csv"
    path.write_text(interactions_csv(3000, users=80, items=150))
    assert run_import(pz, dataset, f"file://{path}")["status"] == "ACTIVE"
    _, schema = dtenant.create_schema(EXPLORATION_ITEMS_SCHEMA)
    items = dtenant.create_dataset(group, schema, "Items")
    now = int(time.time())
    lines = ["ITEM_ID,GENRES,CREATION_TIMESTAMP"]
    lines += [f"i{n},Drama,{now - 365 * 86400}" for n in range(150)]
    lines += [f"i{n},Drama,{now - 3600}" for n in range(150, 155)]
    items_path = import_root / f"{unique('exp-items')}.csv"
    items_path.write_text("\n".join(lines) + "\n")
    assert run_import(pz, items, f"file://{items_path}")["status"] == "ACTIVE"
    solution = make_solution(pz, group, "arn:aws:personalize:::recipe/aws-user-personalization")
    version = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    assert version["status"] == "ACTIVE", version.get("failureReason")
    runtime = dtenant.client("personalize-runtime")
    fresh = {f"i{n}" for n in range(150, 155)}
    lists = {}
    for weight in ("1", "0"):
        campaign = pz.create_campaign(
            name=unique("camp"), solutionVersionArn=version["solutionVersionArn"], minProvisionedTPS=1,
            campaignConfig={"itemExplorationConfig": {"explorationWeight": weight, "explorationItemAgeCutOff": "30"}},
        )["campaignArn"]
        wait_for_status(lambda: pz.describe_campaign(campaignArn=campaign)["campaign"])
        lists[weight] = {
            i["itemId"] for i in runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=25)["itemList"]
        }
    assert lists["1"] & fresh, lists["1"]
    assert not lists["0"] & fresh, lists["0"]
