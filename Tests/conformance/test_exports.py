"""Dataset export jobs: CreateDatasetExportJob / DescribeDatasetExportJob / ListDatasetExportJobs.

Data is imported (and streamed with PutEvents), exported as CSV to a real S3 protocol peer (moto's server mode) or
under the import root, downloaded with boto3 and compared row by row with what went in.
"""

from __future__ import annotations

import csv
import io
import time

import pytest

from conftest import assert_output_shape, expect_modelled, unique, wait_for_status
from test_imports import (  # noqa: F401  (fixtures)
    data_server,
    dtenant,
    import_root,
    interactions_csv,
    make_interactions_dataset,
    moto_url,
    run_import,
    s3,
)


def run_export(pz, dataset_arn: str, path: str, mode: str | None = None, name: str | None = None) -> dict:
    kwargs = {"ingestionMode": mode} if mode else {}
    resp = pz.create_dataset_export_job(
        jobName=name or unique("exp"),
        datasetArn=dataset_arn,
        roleArn=f"arn:aws:iam::{dataset_arn.split(':')[4]}:role/PersonalizeS3",
        jobOutput={"s3DataDestination": {"path": path}},
        **kwargs,
    )
    assert_output_shape(pz, "CreateDatasetExportJob", resp)
    arn = resp["datasetExportJobArn"]
    seen = []
    deadline = time.monotonic() + 120
    while True:
        described = pz.describe_dataset_export_job(datasetExportJobArn=arn)
        assert_output_shape(pz, "DescribeDatasetExportJob", described)
        job = described["datasetExportJob"]
        if not seen or seen[-1] != job["status"]:
            seen.append(job["status"])
        if job["status"] in ("ACTIVE", "CREATE FAILED") or time.monotonic() > deadline:
            assert set(seen) <= {"CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE", "CREATE FAILED"}, seen
            return job
        time.sleep(0.1)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def as_exported(source: str) -> list[list[str]]:
    """The imported CSV as an export writes it: every schema field (EVENT_VALUE is nullable, so empty)."""
    header, *rows = rows_of(source)
    return [header + ["EVENT_VALUE"]] + [row + [""] for row in rows]


def test_export_to_s3_round_trips_the_imported_rows(dtenant, import_root, s3):
    pz = dtenant.personalize
    dataset, _ = make_interactions_dataset(dtenant)
    source = interactions_csv(1500, seed=11)
    path = import_root / f"{unique('exp-src')}.csv"
    path.write_text(source)
    assert run_import(pz, dataset, f"file://{path}")["status"] == "ACTIVE"

    bucket = unique("exports").lower()
    s3.create_bucket(Bucket=bucket)
    name = unique("exp")
    job = run_export(pz, dataset, f"s3://{bucket}/out/", mode="BULK", name=name)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    assert job["ingestionMode"] == "BULK"
    assert job["jobOutput"] == {"s3DataDestination": {"path": f"s3://{bucket}/out/"}}
    assert job["datasetArn"] == dataset and job["jobName"] == name

    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="out/")["Contents"]]
    assert keys == [f"out/{name}/part-00000.csv"]
    body = s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read().decode()
    assert rows_of(body) == as_exported(source)

    listed = pz.list_dataset_export_jobs(datasetArn=dataset)
    assert_output_shape(pz, "ListDatasetExportJobs", listed)
    assert [j["datasetExportJobArn"] for j in listed["datasetExportJobs"]] == [job["datasetExportJobArn"]]
    assert listed["datasetExportJobs"][0]["status"] == "ACTIVE"


def test_ingestion_modes_select_bulk_and_streamed_data(dtenant, import_root):
    pz = dtenant.personalize
    dataset, group = make_interactions_dataset(dtenant)
    source = interactions_csv(1200, seed=5)
    path = import_root / f"{unique('exp-src')}.csv"
    path.write_text(source)
    assert run_import(pz, dataset, f"file://{path}")["status"] == "ACTIVE"
    tracker = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)
    wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])["eventTracker"])
    dtenant.client("personalize-events").put_events(
        trackingId=tracker["trackingId"],
        userId="streamed-user",
        sessionId="s1",
        eventList=[{"eventType": "click", "itemId": f"i{n}", "sentAt": 1_800_000_000 + n} for n in range(3)],
    )
    out = import_root / unique("exports")
    results = {}
    for mode in ("BULK", "PUT", "ALL", None):
        name = unique("exp")
        job = run_export(pz, dataset, f"file://{out}", mode=mode, name=name)
        assert job["status"] == "ACTIVE", job.get("failureReason")
        results[mode] = rows_of((out / name / "part-00000.csv").read_text())
    header, *bulk_rows = as_exported(source)
    streamed = [["streamed-user", f"i{n}", str(1_800_000_000 + n), "click", ""] for n in range(3)]
    assert results["BULK"] == [header, *bulk_rows]
    assert results["PUT"] == [header, *streamed]
    assert results["ALL"] == [header, *bulk_rows, *streamed]
    assert results[None] == results["PUT"], "ingestionMode defaults to PUT"


def test_export_errors_are_aws_shaped(dtenant, import_root, tmp_path):
    pz = dtenant.personalize
    dataset, group = make_interactions_dataset(dtenant)
    role = f"arn:aws:iam::{dtenant.account_id}:role/R"
    missing = dataset.replace("/INTERACTIONS", "/ITEMS")
    expect_modelled(
        pz,
        lambda: pz.create_dataset_export_job(
            jobName=unique("exp"), datasetArn=missing, roleArn=role,
            jobOutput={"s3DataDestination": {"path": f"file://{import_root}/x/"}},
        ),
        "ResourceNotFoundException",
    )
    for bad in (f"file://{tmp_path}/outside/", "https://example.com/out/", f"file://{import_root}/../escape/"):
        err = expect_modelled(
            pz,
            lambda: pz.create_dataset_export_job(
                jobName=unique("exp"), datasetArn=dataset, roleArn=role,
                jobOutput={"s3DataDestination": {"path": bad}},
            ),
            "InvalidInputException",
        )
        assert err.response["Error"]["Message"]
    expect_modelled(
        pz,
        lambda: pz.create_dataset_export_job(
            jobName=unique("exp"), datasetArn=dataset, roleArn=role, ingestionMode="SOME",
            jobOutput={"s3DataDestination": {"path": f"file://{import_root}/x/"}},
        ),
        "InvalidInputException",
    )
    name = unique("exp")
    run_export(pz, dataset, f"file://{import_root}/dup/", name=name)
    expect_modelled(
        pz,
        lambda: pz.create_dataset_export_job(
            jobName=name, datasetArn=dataset, roleArn=role,
            jobOutput={"s3DataDestination": {"path": f"file://{import_root}/dup/"}},
        ),
        "ResourceAlreadyExistsException",
    )
    expect_modelled(
        pz,
        lambda: pz.describe_dataset_export_job(
            datasetExportJobArn=f"arn:aws:personalize:us-east-1:{dtenant.account_id}:dataset-export-job/nope"
        ),
        "ResourceNotFoundException",
    )


def test_export_to_a_missing_bucket_fails_the_job(dtenant, import_root):
    pz = dtenant.personalize
    dataset, _ = make_interactions_dataset(dtenant)
    path = import_root / f"{unique('exp-src')}.csv"
    path.write_text(interactions_csv(1000))
    assert run_import(pz, dataset, f"file://{path}")["status"] == "ACTIVE"
    job = run_export(pz, dataset, f"s3://{unique('no-such-bucket').lower()}/out/", mode="BULK")
    assert job["status"] == "CREATE FAILED"
    assert "bucket" in job["failureReason"].lower(), job["failureReason"]


def test_large_export_uses_multipart_upload(dtenant, import_root, s3):
    """More than 16 MiB of CSV goes up as a multipart upload and arrives whole."""
    pz = dtenant.personalize
    dataset, _ = make_interactions_dataset(dtenant)
    path = import_root / f"{unique('big')}.csv"
    with open(path, "w") as f:
        f.write("USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\n")
        for n in range(500_000):
            f.write(f"user-{n % 5000:06d},item-{n % 20000:06d},{1_700_000_000 + n},click,{n % 7}.5\n")
    size = path.stat().st_size
    assert size > 17 << 20
    assert run_import(pz, dataset, f"file://{path}")["status"] == "ACTIVE"
    bucket = unique("big-exports").lower()
    s3.create_bucket(Bucket=bucket)
    name = unique("exp")
    job = run_export(pz, dataset, f"s3://{bucket}/big", mode="BULK", name=name)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    obj = s3.get_object(Bucket=bucket, Key=f"big/{name}/part-00000.csv")
    assert obj["ContentLength"] == size
    assert obj["Body"].read() == path.read_bytes()
