"""CreateSolution / DescribeSolution / ListSolutions / UpdateSolution / DeleteSolution."""

from __future__ import annotations

import pytest

from conftest import (
    assert_output_shape,
    expect_modelled,
    unique,
    wait_for_gone,
    wait_for_status,
)

UP = "arn:aws:personalize:::recipe/aws-user-personalization"
SIMS = "arn:aws:personalize:::recipe/aws-sims"


@pytest.fixture
def group(pz):
    arn = pz.create_dataset_group(name=unique("dsg"))["datasetGroupArn"]
    wait_for_status(lambda: pz.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"])
    return arn


def test_solution_lifecycle_and_listing(pz, group):
    name = unique("sol")
    resp = pz.create_solution(
        name=name,
        datasetGroupArn=group,
        recipeArn=UP,
        solutionConfig={"algorithmHyperParameters": {"hidden_dimension": "64"}},
        tags=[{"tagKey": "team", "tagValue": "recs"}],
    )
    assert_output_shape(pz, "CreateSolution", resp)
    arn = resp["solutionArn"]
    assert arn.endswith(f":solution/{name}")
    solution, seen = wait_for_status(lambda: pz.describe_solution(solutionArn=arn)["solution"])
    assert solution["recipeArn"] == UP
    assert solution["datasetGroupArn"] == group
    assert solution["solutionConfig"]["algorithmHyperParameters"] == {"hidden_dimension": "64"}
    listed = pz.list_solutions(datasetGroupArn=group)["solutions"]
    assert [s["solutionArn"] for s in listed] == [arn]
    assert pz.list_tags_for_resource(resourceArn=arn)["tags"] == [{"tagKey": "team", "tagValue": "recs"}]

    # A dataset group with a solution cannot be deleted.
    expect_modelled(pz, lambda: pz.delete_dataset_group(datasetGroupArn=group), "ResourceInUseException")

    pz.delete_solution(solutionArn=arn)
    wait_for_gone(pz, lambda: pz.describe_solution(solutionArn=arn)["solution"])
    assert pz.list_solutions(datasetGroupArn=group)["solutions"] == []


def test_update_solution_sets_auto_training(pz, group):
    arn = pz.create_solution(name=unique("sol"), datasetGroupArn=group, recipeArn=SIMS)["solutionArn"]
    wait_for_status(lambda: pz.describe_solution(solutionArn=arn)["solution"])
    resp = pz.update_solution(
        solutionArn=arn,
        performAutoTraining=True,
        solutionUpdateConfig={"autoTrainingConfig": {"schedulingExpression": "rate(7 days)"}},
    )
    assert resp["solutionArn"] == arn
    solution = pz.describe_solution(solutionArn=arn)["solution"]
    assert solution["performAutoTraining"] is True
    assert solution["solutionConfig"]["autoTrainingConfig"]["schedulingExpression"] == "rate(7 days)"
    assert solution["latestSolutionUpdate"]["status"] == "ACTIVE"


def test_auto_training_is_on_by_default_and_can_be_turned_off(pz, group):
    arn = pz.create_solution(name=unique("sol"), datasetGroupArn=group, recipeArn=SIMS)["solutionArn"]
    solution = pz.describe_solution(solutionArn=arn)["solution"]
    assert solution["performAutoTraining"] is True
    assert solution["solutionConfig"]["autoTrainingConfig"]["schedulingExpression"] == "rate(7 days)"
    off = pz.create_solution(name=unique("sol"), datasetGroupArn=group, recipeArn=SIMS, performAutoTraining=False)
    solution = pz.describe_solution(solutionArn=off["solutionArn"])["solution"]
    assert solution["performAutoTraining"] is False
    assert "autoTrainingConfig" not in solution.get("solutionConfig", {})
    wait_for_status(lambda: pz.describe_solution(solutionArn=arn)["solution"])
    pz.update_solution(solutionArn=arn, performAutoTraining=False)
    solution = pz.describe_solution(solutionArn=arn)["solution"]
    assert solution["performAutoTraining"] is False
    assert solution["latestSolutionUpdate"]["performAutoTraining"] is False


@pytest.mark.parametrize("expression", ["rate(0 days)", "cron(0 1 * * ? *)", "rate(31 days)", "every day"])
def test_bad_schedule_is_invalid_input(pz, group, expression):
    expect_modelled(
        pz,
        lambda: pz.create_solution(
            name=unique("sol"),
            datasetGroupArn=group,
            recipeArn=UP,
            performAutoTraining=True,
            solutionConfig={"autoTrainingConfig": {"schedulingExpression": expression}},
        ),
        "InvalidInputException",
    )


def test_unknown_and_unsupported_recipes_are_refused(pz, group):
    err = expect_modelled(
        pz,
        lambda: pz.create_solution(
            name=unique("sol"), datasetGroupArn=group, recipeArn="arn:aws:personalize:::recipe/aws-nope"
        ),
        "InvalidInputException",
    )
    assert "aws-nope" in err.response["Error"]["Message"]
    err = expect_modelled(
        pz,
        lambda: pz.create_solution(
            name=unique("sol"), datasetGroupArn=group, recipeArn="arn:aws:personalize:::recipe/aws-hrnn"
        ),
        "InvalidInputException",
    )
    assert "not supported" in err.response["Error"]["Message"]


def test_duplicate_solution_name(pz, group):
    name = unique("sol")
    pz.create_solution(name=name, datasetGroupArn=group, recipeArn=UP)
    expect_modelled(
        pz, lambda: pz.create_solution(name=name, datasetGroupArn=group, recipeArn=UP), "ResourceAlreadyExistsException"
    )


def test_solution_in_missing_group_is_not_found(tenant, pz):
    missing = f"arn:aws:personalize:us-east-1:{tenant.account_id}:dataset-group/{unique('nope')}"
    expect_modelled(
        pz, lambda: pz.create_solution(name=unique("sol"), datasetGroupArn=missing, recipeArn=UP), "ResourceNotFoundException"
    )


def test_event_tracker_lifecycle(pz, group):
    resp = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)
    assert_output_shape(pz, "CreateEventTracker", resp)
    arn, tracking_id = resp["eventTrackerArn"], resp["trackingId"]
    assert len(tracking_id) >= 32
    tracker, _ = wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=arn)["eventTracker"])
    assert tracker["trackingId"] == tracking_id
    assert tracker["datasetGroupArn"] == group
    assert [t["eventTrackerArn"] for t in pz.list_event_trackers(datasetGroupArn=group)["eventTrackers"]] == [arn]
    expect_modelled(
        pz, lambda: pz.create_event_tracker(name=unique("et"), datasetGroupArn=group), "LimitExceededException"
    )
    pz.delete_event_tracker(eventTrackerArn=arn)
    wait_for_gone(pz, lambda: pz.describe_event_tracker(eventTrackerArn=arn)["eventTracker"])
