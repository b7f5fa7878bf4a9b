"""Batch inference: CreateBatchInferenceJob / DescribeBatchInferenceJob / ListBatchInferenceJobs, output checked line by line."""

from __future__ import annotations

import json
import time

import pytest

from conftest import assert_output_shape, expect_modelled, unique, wait_for_status
from test_imports import (  # noqa: F401  (fixtures)
    data_server,
    dtenant,
    import_root,
    moto_url,
    s3,
)
from test_serving import catalogued, genre, make_filter, served  # noqa: F401  (fixtures)
from test_training import make_solution, wait_version


def trained(tenant, group: str, recipe: str) -> str:
    pz = tenant.personalize
    solution = make_solution(pz, group, f"arn:aws:personalize:::recipe/{recipe}")
    version = wait_version(pz, pz.create_solution_version(solutionArn=solution)["solutionVersionArn"])
    assert version["status"] == "ACTIVE", version.get("failureReason")
    return version["solutionVersionArn"]


def run_batch(pz, version: str, source: str, destination: str, **extra) -> dict:
    resp = pz.create_batch_inference_job(
        jobName=unique("batch"),
        solutionVersionArn=version,
        jobInput={"s3DataSource": {"path": source}},
        jobOutput={"s3DataDestination": {"path": destination}},
        roleArn=f"arn:aws:iam::{version.split(':')[4]}:role/PersonalizeBatch",
        **extra,
    )
    assert_output_shape(pz, "CreateBatchInferenceJob", resp)
    arn = resp["batchInferenceJobArn"]
    deadline = time.monotonic() + 120
    while True:
        job = pz.describe_batch_inference_job(batchInferenceJobArn=arn)
        assert_output_shape(pz, "DescribeBatchInferenceJob", job)
        job = job["batchInferenceJob"]
        if job["status"] in ("ACTIVE", "CREATE FAILED"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.3)


@pytest.fixture(scope="module")
def versions(catalogued):
    tenant, group = catalogued
    return {
        recipe: trained(tenant, group, recipe)
        for recipe in ("aws-user-personalization", "aws-sims", "aws-personalized-ranking")
    }


def output_lines(text: str) -> list[dict]:
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    for line in lines:
        assert set(line) == {"input", "output", "error"}
    return lines


def test_user_batch_from_local_files_matches_real_time(catalogued, versions, import_root):
    tenant, group = catalogued
    pz = tenant.personalize
    version = versions["aws-user-personalization"]
    no_horror = make_filter(pz, group, 'EXCLUDE ItemID WHERE Items.GENRES IN ("Horror")')
    source = import_root / f"{unique('users')}.json"
    source.write_text(
        "\n".join(
            [json.dumps({"userId": "u1"}), json.dumps({"userId": "u2"}), "", "this is not json",
             json.dumps({"itemId": "i3"}), json.dumps({"userId": "someone-new"})]
        )
        + "\n"
    )
    out_dir = import_root / unique("out")
    job = run_batch(pz, version, f"file://{source}", f"file://{out_dir}/", filterArn=no_horror, numResults=7)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    assert job["numResults"] == 7 and job["filterArn"] == no_horror
    lines = output_lines((out_dir / f"{source.name}.out").read_text())
    assert [line["input"] for line in lines] == [
        {"userId": "u1"}, {"userId": "u2"}, "this is not json", {"itemId": "i3"}, {"userId": "someone-new"}
    ]
    campaign = pz.create_campaign(name=unique("c"), solutionVersionArn=version)["campaignArn"]
    wait_for_status(lambda: pz.describe_campaign(campaignArn=campaign)["campaign"])
    runtime = tenant.client("personalize-runtime")
    for line in (lines[0], lines[1], lines[4]):
        assert line["error"] is None
        items = line["output"]["recommendedItems"]
        scores = line["output"]["scores"]
        assert len(items) == 7 and len(scores) == 7
        assert all(genre(i) != "Horror" for i in items)
        assert scores == sorted(scores, reverse=True)
        # The same answer as the real-time API for that user with the same filter.
        live = runtime.get_recommendations(
            campaignArn=campaign, userId=line["input"]["userId"], numResults=7, filterArn=no_horror
        )["itemList"]
        assert items == [i["itemId"] for i in live]
        assert scores == pytest.approx([i["score"] for i in live], rel=1e-6)
    # Bad lines get an error entry each, and the job still succeeds.
    for bad in (lines[2], lines[3]):
        assert bad["output"] is None and bad["error"]
    assert "userId" in lines[3]["error"]
    listed = pz.list_batch_inference_jobs(solutionVersionArn=version)
    assert_output_shape(pz, "ListBatchInferenceJobs", listed)
    assert job["batchInferenceJobArn"] in {j["batchInferenceJobArn"] for j in listed["batchInferenceJobs"]}


def test_related_items_and_ranking_batches_through_s3(catalogued, versions, s3):
    tenant, group = catalogued
    pz = tenant.personalize
    bucket = unique("batch").lower()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(
        Bucket=bucket, Key="in/items.json",
        Body="\n".join(json.dumps({"itemId": f"i{n}"}) for n in (1, 2, 5)).encode(),
    )
    job = run_batch(pz, versions["aws-sims"], f"s3://{bucket}/in/items.json", f"s3://{bucket}/out/", numResults=4)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    lines = output_lines(s3.get_object(Bucket=bucket, Key="out/items.json.out")["Body"].read().decode())
    assert [line["input"]["itemId"] for line in lines] == ["i1", "i2", "i5"]
    for line in lines:
        assert line["error"] is None
        items = line["output"]["recommendedItems"]
        assert 0 < len(items) <= 4 and line["input"]["itemId"] not in items

    s3.put_object(
        Bucket=bucket, Key="in/rank.json",
        Body=(
            json.dumps({"userId": "u3", "itemList": ["i1", "i2", "never-seen", "i9"]}) + "\n"
            + json.dumps({"userId": "u4"}) + "\n"
        ).encode(),
    )
    job = run_batch(pz, versions["aws-personalized-ranking"], f"s3://{bucket}/in/rank.json", f"s3://{bucket}/ranked")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    lines = output_lines(s3.get_object(Bucket=bucket, Key="ranked/rank.json.out")["Body"].read().decode())
    ranked = lines[0]["output"]
    assert sorted(ranked["recommendedItems"]) == ["i1", "i2", "i9", "never-seen"]
    assert ranked["recommendedItems"][-1] == "never-seen" and ranked["scores"][-1] is None
    assert ranked["scores"][:-1] == sorted(ranked["scores"][:-1], reverse=True)
    assert lines[1]["output"] is None and "itemList" in lines[1]["error"]


def test_batch_job_validation_and_failures(catalogued, versions, import_root):
    tenant, group = catalogued
    pz = tenant.personalize
    version = versions["aws-user-personalization"]
    source = import_root / f"{unique('users')}.json"
    source.write_text(json.dumps({"userId": "u1"}) + "\n")

    def create(**overrides):
        args = dict(
            jobName=unique("batch"), solutionVersionArn=version,
            jobInput={"s3DataSource": {"path": f"file://{source}"}},
            jobOutput={"s3DataDestination": {"path": f"file://{import_root}/out/"}},
            roleArn=f"arn:aws:iam::{version.split(':')[4]}:role/R",
        )
        args.update(overrides)
        return pz.create_batch_inference_job(**args)

    expect_modelled(pz, lambda: create(numResults=501), "InvalidInputException")
    expect_modelled(pz, lambda: create(jobInput={"s3DataSource": {"path": "file:///etc/passwd"}}), "InvalidInputException")
    expect_modelled(pz, lambda: create(jobInput={"s3DataSource": {"path": "ftp://x/y"}}), "InvalidInputException")
    expect_modelled(pz, lambda: create(batchInferenceJobMode="THEME_GENERATION"), "InvalidInputException")
    expect_modelled(pz, lambda: create(solutionVersionArn=version + "x"), "ResourceNotFoundException")
    expect_modelled(
        pz, lambda: create(filterArn=version.replace("solution/", "filter/").rsplit("/", 1)[0]), "ResourceNotFoundException"
    )
    name = unique("dup")
    create(jobName=name)
    expect_modelled(pz, lambda: create(jobName=name), "ResourceAlreadyExistsException")
    expect_modelled(
        pz, lambda: pz.describe_batch_inference_job(batchInferenceJobArn=version.replace("solution/", "batch-inference-job/")),
        "ResourceNotFoundException",
    )
    # An input that turns out not to be one file fails the job with a reason.
    folder = import_root / unique("folder")
    folder.mkdir()
    job = run_batch(pz, version, f"file://{folder}", f"file://{import_root}/out2/")
    assert job["status"] == "CREATE FAILED"
    assert "one JSON Lines file" in job["failureReason"]
