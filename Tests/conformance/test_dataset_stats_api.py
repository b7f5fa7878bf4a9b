"""`AmazonPersonalize.DescribeDatasetStats`: a tenant's own dataset statistics, a Persimmon extension.

botocore's Personalize model does not know the operation, so it is sent as a user of the extension would: a JSON body
signed with botocore's SigV4Auth (service `personalize`) and posted with `X-Amz-Target: AmazonPersonalize.
DescribeDatasetStats`. It is authorized as `personalize:DescribeDataset` on the dataset ARN and answers what the
operator's `persimmon admin dataset-stats` answers.
"""

from __future__ import annotations

import subprocess
import time

import pytest

from conftest import (
    INTERACTIONS_SCHEMA_WITH_EVENTS,
    Server,
    error_code,
    expect_error,
    persimmon_binary,
    signed_control_plane_call,
    stage_binary,
    unique,
)


@pytest.fixture(scope="module")
def import_root(tmp_path_factory):
    return tmp_path_factory.mktemp("stats-imports")


@pytest.fixture(scope="module")
def stats_server(tmp_path_factory, import_root):
    binary = stage_binary(persimmon_binary(), tmp_path_factory.mktemp("stats-bin"))
    server = Server(binary, tmp_path_factory.mktemp("stats-server"), extra_args=["--import-root", str(import_root)])
    if server.database_url:
        # Its own database: servers sharing one share its job queue, and this one has its own import root.
        base, _, _ = server.database_url.rpartition("/")
        name = unique("persimmon_stats").replace("-", "_")
        subprocess.run(["psql", server.database_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", f"CREATE DATABASE {name}"], check=True)
        server.database_url = f"{base}/{name}"
    server.start()
    yield server
    server.stop()


def stats_call(server, access_key: str, secret_key: str, body: dict):
    return signed_control_plane_call(server.url, access_key, secret_key, "DescribeDatasetStats", body)


def import_file(pz, dataset: str, path) -> dict:
    arn = pz.create_dataset_import_job(
        jobName=unique("imp"),
        datasetArn=dataset,
        dataSource={"dataLocation": f"file://{path}"},
        roleArn=f"arn:aws:iam::{dataset.split(':')[4]}:role/PersonalizeS3",
    )["datasetImportJobArn"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = pz.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]
        if job["status"] in ("ACTIVE", "CREATE FAILED"):
            return job
        time.sleep(0.1)
    pytest.fail("import did not finish in 120 s")


def test_tenant_reads_its_dataset_stats(stats_server, import_root):
    tenant = stats_server.create_account()
    pz = tenant.personalize
    _, group = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA_WITH_EVENTS)
    dataset = tenant.create_dataset(group, schema, "Interactions")

    empty = stats_call(stats_server, tenant.access_key, tenant.secret_key, {"datasetArn": dataset})
    assert empty.status == 200, empty
    assert empty.headers.get("Content-Type", "").startswith("application/x-amz-json-1.1")
    assert empty.json()["Records"] == 0 and empty.json()["Segments"] == 0 and empty.json()["EventTypes"] == []

    rows = ["USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE"]
    rows += [f"u{n % 30},i{n % 70},{1_700_000_000 + n},{'view' if n % 4 else 'buy'}" for n in range(1100)]
    path = import_root / f"{unique('stats')}.csv"
    path.write_text("\n".join(rows) + "\n")
    job = import_file(pz, dataset, path)
    assert job["status"] == "ACTIVE", job.get("failureReason")

    resp = stats_call(stats_server, tenant.access_key, tenant.secret_key, {"datasetArn": dataset})
    assert resp.status == 200, resp
    stats = resp.json()
    assert stats["DatasetArn"] == dataset and stats["DatasetType"] == "INTERACTIONS"
    assert stats["Records"] == stats["StoredRecords"] == stats["BulkRecords"] == 1100
    assert stats["DistinctUsers"] == 30 and stats["DistinctItems"] == 70
    assert stats["MinTimestamp"] == 1_700_000_000 and stats["MaxTimestamp"] == 1_700_001_099
    assert stats["EventTypes"] == [{"EventType": "view", "Count": 825}, {"EventType": "buy", "Count": 275}]
    # The very answer the operator gets.
    assert stats == stats_server.admin_json("dataset-stats", dataset)

    # Another dataset type of the same group, never created: not found.
    missing = stats_call(
        stats_server, tenant.access_key, tenant.secret_key, {"datasetArn": dataset.replace("INTERACTIONS", "USERS")}
    )
    assert missing.status == 400 and missing.error_type() == "ResourceNotFoundException", missing
    assert "USERS" in missing.message()

    # No datasetArn, or a body that is not an object: invalid input.
    for body in ({}, {"datasetArn": ""}):
        bad = stats_call(stats_server, tenant.access_key, tenant.secret_key, body)
        assert bad.status == 400 and bad.error_type() == "InvalidInputException", bad
        assert "datasetArn" in bad.message()

    # Another tenant's dataset answers exactly as DescribeDataset does for it: access denied.
    other = stats_server.create_account()
    foreign = stats_call(stats_server, other.access_key, other.secret_key, {"datasetArn": dataset})
    described = expect_error(lambda: other.personalize.describe_dataset(datasetArn=dataset), "AccessDeniedException")
    assert foreign.error_type() == error_code(described) == "AccessDeniedException", foreign
    assert foreign.status == 400 or foreign.status == 403
    assert "personalize:DescribeDataset" in foreign.message()

    # IAM users: allowed by personalize:DescribeDataset on the dataset, denied without it.
    reader = tenant.create_user(
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "personalize:DescribeDataset", "Resource": dataset}],
        }
    )
    allowed = stats_call(stats_server, reader.access_key, reader.secret_key, {"datasetArn": dataset})
    assert allowed.status == 200 and allowed.json() == stats, allowed
    lister = tenant.create_user(
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "personalize:ListDatasets", "Resource": "*"}],
        }
    )
    denied = stats_call(stats_server, lister.access_key, lister.secret_key, {"datasetArn": dataset})
    assert denied.error_type() == "AccessDeniedException", denied
    assert "personalize:DescribeDataset" in denied.message()

    # The audit trail records the call under its own name, as a read.
    trail = tenant.client("cloudtrail")
    deadline = time.monotonic() + 10
    while True:
        events = trail.lookup_events(MaxResults=50)["Events"]
        found = [e for e in events if e["EventName"] == "DescribeDatasetStats"]
        if found:
            assert found[0]["ReadOnly"] == "true"
            break
        assert time.monotonic() < deadline, f"no DescribeDatasetStats in the audit trail: {events}"
        time.sleep(0.3)
