"""Data deletion jobs: CreateDataDeletionJob / DescribeDataDeletionJob / ListDataDeletionJobs.

A group holds bulk-imported and streamed interactions and a Users dataset; a CSV of USER_IDs uploaded to a real S3
protocol peer (moto) names the users to delete. Exports before and after prove the users are gone from every
dataset, bulk and streamed, while everyone else's rows are untouched.
"""

from __future__ import annotations

import time

from conftest import assert_output_shape, avro, expect_modelled, unique, wait_for_status
from test_exports import rows_of, run_export
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

USERS_SCHEMA = avro("Users", [{"name": "USER_ID", "type": "string"}, {"name": "AGE", "type": ["null", "int"]}])


def run_deletion(pz, group: str, location: str) -> dict:
    resp = pz.create_data_deletion_job(
        jobName=unique("del"),
        datasetGroupArn=group,
        dataSource={"dataLocation": location},
        roleArn=f"arn:aws:iam::{group.split(':')[4]}:role/PersonalizeS3",
    )
    assert_output_shape(pz, "CreateDataDeletionJob", resp)
    arn = resp["dataDeletionJobArn"]
    seen = []
    deadline = time.monotonic() + 120
    while True:
        described = pz.describe_data_deletion_job(dataDeletionJobArn=arn)
        assert_output_shape(pz, "DescribeDataDeletionJob", described)
        job = described["dataDeletionJob"]
        if not seen or seen[-1] != job["status"]:
            seen.append(job["status"])
        if job["status"] in ("COMPLETED", "FAILED") or time.monotonic() > deadline:
            assert set(seen) <= {"PENDING", "IN_PROGRESS", "COMPLETED", "FAILED"}, seen
            return job
        time.sleep(0.1)


def export_rows(pz, dataset: str, import_root, mode: str = "ALL") -> list[list[str]]:
    out = import_root / unique("del-exports")
    name = unique("exp")
    job = run_export(pz, dataset, f"file://{out}", mode=mode, name=name)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    return rows_of((out / name / "part-00000.csv").read_text())


def test_deleted_users_are_gone_from_every_dataset_and_others_are_untouched(data_server, dtenant, import_root, s3):
    pz = dtenant.personalize
    interactions, group = make_interactions_dataset(dtenant)
    source = import_root / f"{unique('del-src')}.csv"
    source.write_text(interactions_csv(2000, seed=3, users=20))
    assert run_import(pz, interactions, f"file://{source}")["status"] == "ACTIVE"
    _, users_schema = dtenant.create_schema(USERS_SCHEMA)
    users = dtenant.create_dataset(group, users_schema, "Users")
    users_csv = import_root / f"{unique('users')}.csv"
    users_csv.write_text("USER_ID,AGE\n" + "".join(f"u{n},{20 + n}\n" for n in range(20)))
    assert run_import(pz, users, f"file://{users_csv}")["status"] == "ACTIVE"
    tracker = pz.create_event_tracker(name=unique("et"), datasetGroupArn=group)
    wait_for_status(lambda: pz.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"])["eventTracker"])
    events = dtenant.client("personalize-events")
    for user in ("u1", "u5", "streamed-only"):
        events.put_events(
            trackingId=tracker["trackingId"], userId=user, sessionId=unique("s"),
            eventList=[{"eventType": "click", "itemId": "i1", "sentAt": 1_800_000_000}],
        )
    events.put_users(datasetArn=users, users=[{"userId": "u1", "properties": '{"age": 99}'}])

    before = export_rows(pz, interactions, import_root)
    stats_before = data_server.admin_json("dataset-stats", interactions)
    assert stats_before["DistinctUsers"] == 21 and stats_before["StreamedRecords"] == 3
    users_before = export_rows(pz, users, import_root)
    deleted = {"u1", "u2", "streamed-only"}
    assert {row[0] for row in before[1:]} >= deleted

    bucket = unique("deletions").lower()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="users-to-delete.csv", Body=b'USER_ID\r\nu1\r\n"u2"\r\nstreamed-only\r\nnobody\r\n')
    job = run_deletion(pz, group, f"s3://{bucket}/users-to-delete.csv")
    assert job["status"] == "COMPLETED", job.get("failureReason")
    assert job["numDeleted"] == 3
    assert job["datasetGroupArn"] == group

    after = export_rows(pz, interactions, import_root)
    assert after[0] == before[0]
    assert after[1:] == [row for row in before[1:] if row[0] not in deleted]
    users_after = export_rows(pz, users, import_root)
    assert users_after[1:] == [row for row in users_before[1:] if row[0] not in deleted]
    assert "u5" in {row[0] for row in after[1:]}
    stats_after = data_server.admin_json("dataset-stats", interactions)
    assert stats_after["DistinctUsers"] == 18
    assert stats_after["Records"] == len(after) - 1
    assert stats_after["StreamedRecords"] == 1  # u5's event; u1's and streamed-only's are gone

    listed = pz.list_data_deletion_jobs(datasetGroupArn=group)
    assert_output_shape(pz, "ListDataDeletionJobs", listed)
    assert [j["dataDeletionJobArn"] for j in listed["dataDeletionJobs"]] == [job["dataDeletionJobArn"]]
    assert listed["dataDeletionJobs"][0]["status"] == "COMPLETED"

    # Deleting again is harmless: nobody left to delete, nothing else changes.
    again = run_deletion(pz, group, f"s3://{bucket}/users-to-delete.csv")
    assert again["status"] == "COMPLETED" and again["numDeleted"] == 0
    assert export_rows(pz, interactions, import_root) == after


def test_a_bad_user_list_fails_the_job_and_changes_nothing(dtenant, import_root):
    pz = dtenant.personalize
    interactions, group = make_interactions_dataset(dtenant)
    source = import_root / f"{unique('del-src')}.csv"
    source.write_text(interactions_csv(1500))
    assert run_import(pz, interactions, f"file://{source}")["status"] == "ACTIVE"
    before = export_rows(pz, interactions, import_root, mode="BULK")
    bad = import_root / f"{unique('bad-list')}.csv"
    bad.write_text("USER_ID,ITEM_ID\nu1,i1\n")
    job = run_deletion(pz, group, f"file://{bad}")
    assert job["status"] == "FAILED"
    assert "USER_ID" in job["failureReason"], job["failureReason"]
    assert export_rows(pz, interactions, import_root, mode="BULK") == before


def test_deletion_errors_are_aws_shaped(dtenant, tmp_path):
    pz = dtenant.personalize
    _, group = dtenant.create_dataset_group()
    role = f"arn:aws:iam::{dtenant.account_id}:role/R"
    expect_modelled(
        pz,
        lambda: pz.create_data_deletion_job(
            jobName=unique("del"), datasetGroupArn=group + "-missing", roleArn=role,
            dataSource={"dataLocation": "s3://b/users.csv"},
        ),
        "ResourceNotFoundException",
    )
    expect_modelled(
        pz,
        lambda: pz.create_data_deletion_job(
            jobName=unique("del"), datasetGroupArn=group, roleArn=role,
            dataSource={"dataLocation": f"file://{tmp_path}/outside.csv"},
        ),
        "InvalidInputException",
    )
    expect_modelled(
        pz,
        lambda: pz.describe_data_deletion_job(
            dataDeletionJobArn=f"arn:aws:personalize:us-east-1:{dtenant.account_id}:data-deletion-job/nope"
        ),
        "ResourceNotFoundException",
    )
