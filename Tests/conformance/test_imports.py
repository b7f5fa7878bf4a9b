"""Dataset import jobs from S3 (a real S3 protocol peer: moto's server mode) and from local files.

A dedicated server runs with `--import-root` and `--s3-endpoint-url`; data is uploaded with boto3's S3 client exactly
as the AWS tutorials do, then imported with CreateDatasetImportJob and polled with DescribeDatasetImportJob.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from conftest import (
    INTERACTIONS_SCHEMA_WITH_EVENTS,
    Server,
    assert_output_shape,
    avro,
    expect_modelled,
    persimmon_binary,
    stage_binary,
    unique,
    wait_for_status,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
S3_KEY, S3_SECRET = "AKIAMOTOTESTKEY00000", "moto-secret-moto-secret-moto-secret-moto"

ITEMS_SCHEMA = avro(
    "Items",
    [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRES", "type": ["null", "string"], "categorical": True},
    ],
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def moto_url():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("moto server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def import_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("imports")


@pytest.fixture(scope="module")
def data_server(tmp_path_factory, moto_url, import_root):
    binary = stage_binary(persimmon_binary(), tmp_path_factory.mktemp("data-bin"))
    server = Server(
        binary,
        tmp_path_factory.mktemp("data-server"),
        extra_args=["--import-root", str(import_root), "--s3-endpoint-url", moto_url],
        extra_env={"PERSIMMON_S3_ACCESS_KEY_ID": S3_KEY, "PERSIMMON_S3_SECRET_ACCESS_KEY": S3_SECRET},
    )
    if server.database_url:
        # Servers sharing a database share its job queue, so this server (with its own import root and S3
        # endpoint) gets a database of its own, as a separate deployment would.
        server.database_url = _fresh_database(server.database_url)
    server.start()
    yield server
    server.stop()


def _fresh_database(url: str) -> str:
    base, _, _name = url.rpartition("/")
    name = unique("persimmon_data").replace("-", "_")
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    return f"{base}/{name}"


@pytest.fixture
def dtenant(data_server):
    return data_server.create_account()


@pytest.fixture(scope="module")
def s3(moto_url):
    return boto3.client(
        "s3", endpoint_url=moto_url, region_name="us-east-1", aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET
    )


def interactions_csv(rows: int, seed: int = 7, users: int = 60, items: int = 200) -> str:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"])
    for n in range(rows):
        writer.writerow([f"u{rng.randrange(users)}", f"i{rng.randrange(items)}", 1_700_000_000 + n, "click"])
    return out.getvalue()


def make_interactions_dataset(tenant):
    _, group = tenant.create_dataset_group()
    _, schema = tenant.create_schema(INTERACTIONS_SCHEMA_WITH_EVENTS)
    return tenant.create_dataset(group, schema, "Interactions"), group


def run_import(pz, dataset_arn: str, location: str, mode: str = "FULL") -> dict:
    resp = pz.create_dataset_import_job(
        jobName=unique("imp"),
        datasetArn=dataset_arn,
        dataSource={"dataLocation": location},
        roleArn=f"arn:aws:iam::{dataset_arn.split(':')[4]}:role/PersonalizeS3",
        importMode=mode,
    )
    assert_output_shape(pz, "CreateDatasetImportJob", resp)
    arn = resp["datasetImportJobArn"]
    deadline = time.monotonic() + 120
    while True:
        job = pz.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]
        if job["status"] in ("ACTIVE", "CREATE FAILED") or time.monotonic() > deadline:
            return job
        assert job["status"] in ("CREATE PENDING", "CREATE IN_PROGRESS"), job
        time.sleep(0.1)


def test_local_file_import_becomes_active(dtenant, import_root):
    dataset, _ = make_interactions_dataset(dtenant)
    path = import_root / f"{unique('local')}.csv"
    path.write_text(interactions_csv(1500))
    job = run_import(dtenant.personalize, dataset, f"file://{path}")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    assert job["importMode"] == "FULL"
    jobs = dtenant.personalize.list_dataset_import_jobs(datasetArn=dataset)["datasetImportJobs"]
    assert [j["datasetImportJobArn"] for j in jobs] == [job["datasetImportJobArn"]]


def test_s3_object_and_prefix_imports(dtenant, s3):
    bucket = unique("bucket").lower()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="one/interactions.csv", Body=interactions_csv(1200).encode())
    s3.put_object(Bucket=bucket, Key="many/a.csv", Body=interactions_csv(600, seed=1).encode())
    s3.put_object(Bucket=bucket, Key="many/b.csv", Body=interactions_csv(600, seed=2).encode())
    dataset, _ = make_interactions_dataset(dtenant)
    job = run_import(dtenant.personalize, dataset, f"s3://{bucket}/one/interactions.csv")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    # A prefix ending in "/" imports every CSV under it (both files together make the 1,000-record minimum).
    job = run_import(dtenant.personalize, dataset, f"s3://{bucket}/many/", mode="INCREMENTAL")
    assert job["status"] == "ACTIVE", job.get("failureReason")


def test_missing_s3_object_fails_the_job(dtenant, s3):
    bucket = unique("bucket").lower()
    s3.create_bucket(Bucket=bucket)
    dataset, _ = make_interactions_dataset(dtenant)
    job = run_import(dtenant.personalize, dataset, f"s3://{bucket}/nothing-here.csv")
    assert job["status"] == "CREATE FAILED"
    assert job["failureReason"]


@pytest.mark.parametrize(
    "name,content,mentions",
    [
        ("wrong-header", "USER,ITEM,TIME\nu1,i1,1\n", ["USER_ID"]),
        ("bad-timestamp", interactions_csv(1500).replace("1700000010,", "yesterday,", 1), ["TIMESTAMP", "line"]),
        ("unterminated-quote", interactions_csv(1500) + 'u1,"i2,1700000000,click\n', ["quote"]),
        ("empty", "", ["empty"]),
        ("header-only", "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n", ["no records"]),
        ("too-few-rows", interactions_csv(10), ["at least 1000 records"]),
        ("long-id", interactions_csv(1500).replace("u1,", "u" + "x" * 300 + ",", 1), ["256"]),
    ],
    ids=["wrong-header", "bad-timestamp", "unterminated-quote", "empty", "header-only", "too-few-rows", "long-id"],
)
def test_bad_csv_fails_clearly_and_keeps_previous_data(dtenant, import_root, name, content, mentions):
    dataset, _ = make_interactions_dataset(dtenant)
    good = import_root / f"{unique('good')}.csv"
    good.write_text(interactions_csv(1500))
    assert run_import(dtenant.personalize, dataset, f"file://{good}")["status"] == "ACTIVE"
    bad = import_root / f"{unique(name)}.csv"
    bad.write_bytes(content.encode())
    job = run_import(dtenant.personalize, dataset, f"file://{bad}")
    assert job["status"] == "CREATE FAILED", job
    reason = job["failureReason"]
    for mention in mentions:
        assert mention.lower() in reason.lower(), reason
    # The previous import's data is untouched: an incremental import on top still works.
    assert run_import(dtenant.personalize, dataset, f"file://{good}", mode="INCREMENTAL")["status"] == "ACTIVE"


def test_invalid_utf8_fails(dtenant, import_root):
    dataset, _ = make_interactions_dataset(dtenant)
    bad = import_root / f"{unique('utf8')}.csv"
    bad.write_bytes(interactions_csv(1500).encode().replace(b"click", b"cl\xffck", 1))
    job = run_import(dtenant.personalize, dataset, f"file://{bad}")
    assert job["status"] == "CREATE FAILED"
    assert "utf-8" in job["failureReason"].lower()


def test_paths_outside_the_import_root_are_refused(dtenant, import_root, tmp_path):
    dataset, _ = make_interactions_dataset(dtenant)
    outside = tmp_path / "secret.csv"
    outside.write_text(interactions_csv(1500))
    link = import_root / f"{unique('link')}.csv"
    os.symlink(outside, link)
    for location in (f"file://{outside}", f"file://{import_root}/../{outside.name}", f"file://{link}"):
        err = expect_modelled(
            dtenant.personalize,
            lambda: dtenant.personalize.create_dataset_import_job(
                jobName=unique("imp"), datasetArn=dataset, dataSource={"dataLocation": location}
            ),
            "InvalidInputException",
        )
        assert "import root" in err.response["Error"]["Message"] or "does not exist" in err.response["Error"]["Message"]


def test_unsupported_scheme_is_invalid_input(dtenant):
    dataset, _ = make_interactions_dataset(dtenant)
    expect_modelled(
        dtenant.personalize,
        lambda: dtenant.personalize.create_dataset_import_job(
            jobName=unique("imp"), datasetArn=dataset, dataSource={"dataLocation": "https://example.com/data.csv"}
        ),
        "InvalidInputException",
    )


@pytest.mark.skipif(not (SHARED / "datasets/ml-latest-small").is_dir(), reason="../shared/datasets is not present")
def test_movielens_imports_as_interactions_and_items(dtenant, import_root):
    ratings = import_root / "ml-ratings.csv"
    movies = import_root / "ml-movies.csv"
    if not ratings.exists():
        with open(SHARED / "datasets/ml-latest-small/ratings.csv") as src, open(ratings, "w") as dst:
            reader = csv.reader(src)
            next(reader)
            writer = csv.writer(dst, lineterminator="\n")
            writer.writerow(["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"])
            for user, item, _rating, ts in reader:
                writer.writerow([user, item, ts, "rating"])
        with open(SHARED / "datasets/ml-latest-small/movies.csv") as src, open(movies, "w") as dst:
            reader = csv.reader(src)
            next(reader)
            writer = csv.writer(dst, lineterminator="\n")
            writer.writerow(["ITEM_ID", "GENRES"])
            for item, _title, genres in reader:
                writer.writerow([item, genres])
    dataset, group = make_interactions_dataset(dtenant)
    started = time.monotonic()
    job = run_import(dtenant.personalize, dataset, f"file://{ratings}")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    _, items_schema = dtenant.create_schema(ITEMS_SCHEMA)
    items = dtenant.create_dataset(group, items_schema, "Items")
    job = run_import(dtenant.personalize, items, f"file://{movies}")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    assert time.monotonic() - started < 60


def test_put_items_and_users_upsert_records(dtenant):
    pz = dtenant.personalize
    _, group = dtenant.create_dataset_group()
    _, items_schema = dtenant.create_schema(ITEMS_SCHEMA)
    items = dtenant.create_dataset(group, items_schema, "Items")
    users_schema = avro(
        "Users",
        [{"name": "USER_ID", "type": "string"}, {"name": "AGE", "type": ["null", "int"]}],
    )
    _, users_schema_arn = dtenant.create_schema(users_schema)
    users = dtenant.create_dataset(group, users_schema_arn, "Users")
    events = dtenant.client("personalize-events")
    events.put_items(
        datasetArn=items,
        items=[
            {"itemId": "i1", "properties": '{"genres": "Comedy|Drama"}'},
            {"itemId": "i2", "properties": '{"GENRES": "Horror"}'},
        ],
    )
    events.put_users(datasetArn=users, users=[{"userId": "u1", "properties": '{"age": 34}'}])
    expect_modelled(
        events,
        lambda: events.put_users(datasetArn=users, users=[{"userId": "u2", "properties": '{"age": "old"}'}]),
        "InvalidInputException",
    )
    expect_modelled(
        events,
        lambda: events.put_items(datasetArn=items, items=[{"itemId": "i3", "properties": "[1, 2]"}]),
        "InvalidInputException",
    )
    # Items go to an Items dataset only.
    expect_modelled(
        events, lambda: events.put_items(datasetArn=users, items=[{"itemId": "i4"}]), "InvalidInputException"
    )


def test_dataset_stats_report_what_the_dataset_holds(data_server, dtenant, import_root):
    """`persimmon admin dataset-stats ARN`: records, distinct users and items, time range, event types."""
    pz = dtenant.personalize
    dataset, group = make_interactions_dataset(dtenant)
    empty = data_server.admin_json("dataset-stats", dataset)
    assert empty["Records"] == 0 and empty["Segments"] == 0 and empty["EventTypes"] == []
    created = pz.describe_dataset(datasetArn=dataset)["dataset"]

    rows = ["USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE"]
    rows += [f"u{n % 40},i{n % 90},{1_700_000_000 + n},{'click' if n % 3 else 'purchase'}" for n in range(1200)]
    path = import_root / f"{unique('stats')}.csv"
    path.write_text("\n".join(rows) + "\n")
    assert run_import(pz, dataset, f"file://{path}")["status"] == "ACTIVE"
    stats = data_server.admin_json("dataset-stats", dataset)
    assert stats["DatasetArn"] == dataset and stats["DatasetType"] == "INTERACTIONS"
    assert stats["Records"] == stats["StoredRecords"] == stats["BulkRecords"] == 1200
    assert stats["StreamedRecords"] == 0
    assert stats["DistinctUsers"] == 40 and stats["DistinctItems"] == 90
    assert stats["MinTimestamp"] == 1_700_000_000 and stats["MaxTimestamp"] == 1_700_001_199
    assert stats["EventTypes"] == [{"EventType": "click", "Count": 800}, {"EventType": "purchase", "Count": 400}]
    assert stats["UsersWithAtLeastTwoInteractions"] == 40
    assert stats["Segments"] == 1 and stats["BytesOnDisk"] > 0

    # The import moved the dataset's lastUpdatedDateTime; it is not a schema update (no latestDatasetUpdate).
    described = pz.describe_dataset(datasetArn=dataset)["dataset"]
    assert described["lastUpdatedDateTime"] > created["lastUpdatedDateTime"]
    assert "latestDatasetUpdate" not in described

    # Tenants cannot use the operator's admin API.
    denied = data_server.admin(
        "dataset-stats", dataset, access_key=dtenant.access_key, secret_key=dtenant.secret_key, check=False
    )
    assert denied.returncode != 0 and "AccessDenied" in denied.stderr + denied.stdout
    missing = data_server.admin("dataset-stats", dataset.replace("INTERACTIONS", "USERS"), check=False)
    assert missing.returncode != 0 and "ResourceNotFound" in missing.stderr + missing.stdout
