"""`--dataset-store s3://bucket/prefix`: datasets' bulk data lives in the S3-compatible store (moto's server mode),
and the data directory only caches it.

A server imports (FULL, then INCREMENTAL) and is stopped; its local dataset cache is deleted; restarted on the same
database and S3 store, it still answers dataset stats, exports the rows and trains on them. With PostgreSQL
(PERSIMMON_TEST_DATABASE_URL), a second node with its own empty data directory shares the database and the store
and sees the same data, including an import committed by the first node after the second one had read it.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import shutil
import time

import boto3
import pytest

from conftest import (
    INTERACTIONS_SCHEMA_WITH_EVENTS,
    USERS_SCHEMA,
    Server,
    persimmon_binary,
    signed_control_plane_call,
    stage_binary,
    unique,
    wait_for_gone,
)
from test_imports import S3_KEY, S3_SECRET, _fresh_database, interactions_csv, moto_url, run_import  # noqa: F401
from test_training import make_solution, wait_version

# Nodes sharing a database share its master key (stored secrets are sealed with it).
MASTER_KEY = base64.b64encode(os.urandom(32)).decode()
BUCKET = "persimmon-shared"
PREFIX = "cluster-a"


@pytest.fixture(scope="module")
def s3(moto_url):  # noqa: F811
    client = boto3.client(
        "s3", endpoint_url=moto_url, region_name="us-east-1", aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET
    )
    client.create_bucket(Bucket=BUCKET)
    return client


def make_server(binary, data_dir, moto_url, import_root, database_url):  # noqa: F811
    server = Server(
        binary,
        data_dir,
        extra_args=[
            "--import-root", str(import_root),
            "--s3-endpoint-url", moto_url,
            "--dataset-store", f"s3://{BUCKET}/{PREFIX}",
        ],
        extra_env={
            "PERSIMMON_S3_ACCESS_KEY_ID": S3_KEY,
            "PERSIMMON_S3_SECRET_ACCESS_KEY": S3_SECRET,
            "PERSIMMON_MASTER_KEY": MASTER_KEY,
        },
    )
    server.database_url = database_url
    return server


def rebind(tenant, server):
    """Point the tenant's clients at a (re)started server, which listens on a new port."""
    tenant.server = server
    for name in ("personalize", "personalize_nv", "iam", "sts", "runtime", "events"):
        tenant.__dict__.pop(name, None)


def stats(server, tenant, dataset: str) -> dict:
    resp = signed_control_plane_call(
        server.url, tenant.access_key, tenant.secret_key, "DescribeDatasetStats", {"datasetArn": dataset}
    )
    assert resp.status == 200, resp
    return resp.json()


def shared_manifest(s3, tenant, dataset: str) -> dict:
    group, kind = dataset.split(":dataset/")[1].split("/")
    key = f"{PREFIX}/{tenant.account_id}/{group}/{kind}/manifest.json"
    return json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def export_rows(pz, dataset: str, out_dir) -> list[list[str]]:
    arn = pz.create_dataset_export_job(
        jobName=unique("exp"),
        datasetArn=dataset,
        roleArn=f"arn:aws:iam::{dataset.split(':')[4]}:role/PersonalizeS3",
        jobOutput={"s3DataDestination": {"path": f"file://{out_dir}/"}},
        ingestionMode="BULK",
    )["datasetExportJobArn"]
    deadline = time.monotonic() + 120
    while True:
        job = pz.describe_dataset_export_job(datasetExportJobArn=arn)["datasetExportJob"]
        if job["status"] in ("ACTIVE", "CREATE FAILED"):
            break
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    rows: list[list[str]] = []
    assert list(out_dir.rglob("*.csv")), list(out_dir.parent.rglob("*"))[:20]
    for path in sorted(out_dir.rglob("*.csv")):
        header, *body = list(csv.reader(io.StringIO(path.read_text())))
        rows += body
    return rows


def test_datasets_survive_losing_the_local_cache(tmp_path_factory, moto_url, s3):  # noqa: F811
    binary = stage_binary(persimmon_binary(), tmp_path_factory.mktemp("shared-bin"))
    import_root = tmp_path_factory.mktemp("shared-imports")
    data_dir = tmp_path_factory.mktemp("shared-node-a")
    base_url = Server(binary, data_dir).database_url
    database_url = _fresh_database(base_url) if base_url else None
    node = make_server(binary, data_dir, moto_url, import_root, database_url)
    node.start()
    try:
        tenant = node.create_account()
        pz = tenant.personalize
        _, group = tenant.create_dataset_group()
        _, schema = tenant.create_schema(INTERACTIONS_SCHEMA_WITH_EVENTS)
        dataset = tenant.create_dataset(group, schema, "Interactions")

        first = import_root / f"{unique('full')}.csv"
        first.write_text(interactions_csv(2000, seed=3, users=70, items=120))
        assert run_import(pz, dataset, f"file://{first}")["status"] == "ACTIVE"
        manifest = shared_manifest(s3, tenant, dataset)
        assert manifest["generation"] == 1 and len(manifest["segments"]) == 1
        segment_key = f"{PREFIX}/{tenant.account_id}/{group.split('/')[-1]}/INTERACTIONS/{manifest['segments'][0]['file']}"
        head = s3.head_object(Bucket=BUCKET, Key=segment_key)
        assert head["ContentLength"] == manifest["segments"][0]["bytes"]

        second = import_root / f"{unique('incr')}.csv"
        second.write_text(interactions_csv(1000, seed=4, users=70, items=120))
        assert run_import(pz, dataset, f"file://{second}", mode="INCREMENTAL")["status"] == "ACTIVE"
        manifest = shared_manifest(s3, tenant, dataset)
        assert manifest["generation"] == 2 and [s["mode"] for s in manifest["segments"]] == ["FULL", "INCREMENTAL"]
        before = stats(node, tenant, dataset)
        assert before["Records"] == 3000 and before["Generation"] == 2
    finally:
        node.stop()

    # Lose the node's whole dataset cache (the database stays), then restart it on the same store.
    shutil.rmtree(data_dir / "datasets")
    node = make_server(binary, data_dir, moto_url, import_root, database_url)
    node.start()
    try:
        rebind(tenant, node)
        after = stats(node, tenant, dataset)
        assert after == before
        assert list((data_dir / "datasets").rglob("seg-*.pseg")), "the segments were not cached locally again"

        exported = export_rows(tenant.personalize, dataset, import_root / unique("out"))
        assert len(exported) == 3000
        source = list(csv.reader(io.StringIO(interactions_csv(2000, seed=3, users=70, items=120))))[1:]
        source += list(csv.reader(io.StringIO(interactions_csv(1000, seed=4, users=70, items=120))))[1:]
        assert sorted(row[:4] for row in exported) == sorted(source)

        solution = make_solution(tenant.personalize, group, "arn:aws:personalize:::recipe/aws-popularity-count")
        version_arn = tenant.personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        version = wait_version(tenant.personalize, version_arn)
        assert version["status"] == "ACTIVE", version.get("failureReason")

        # DeleteDataset empties the shared copy too: the dataset created again under the same ARN starts empty,
        # on this node and on any other.
        users = tenant.create_dataset(group, tenant.create_schema(USERS_SCHEMA)[1], "Users")
        users_csv = import_root / f"{unique('users')}.csv"
        users_csv.write_text("USER_ID,MEMBERSHIP\nu1,gold\nu2,silver\n")
        assert run_import(tenant.personalize, users, f"file://{users_csv}")["status"] == "ACTIVE"
        assert stats(node, tenant, users)["Records"] == 2
        tenant.personalize.delete_dataset(datasetArn=users)
        wait_for_gone(tenant.personalize, lambda: tenant.describe_dataset(users))
        assert shared_manifest(s3, tenant, users)["segments"] == []
        again = tenant.create_dataset(group, tenant.create_schema(USERS_SCHEMA)[1], "Users")
        assert again == users
        assert stats(node, tenant, users)["Records"] == 0

        if database_url is None:
            return
        # PostgreSQL: a second node with an empty data directory shares the database and the store.
        other = make_server(binary, tmp_path_factory.mktemp("shared-node-b"), moto_url, import_root, database_url)
        other.start()
        try:
            assert stats(other, tenant, dataset) == before
            third = import_root / f"{unique('incr')}.csv"
            third.write_text(interactions_csv(1000, seed=5, users=70, items=120))
            assert run_import(tenant.personalize, dataset, f"file://{third}", mode="INCREMENTAL")["status"] == "ACTIVE"
            time.sleep(1.2)  # the nodes re-check the shared manifest at most once a second
            on_a, on_b = stats(node, tenant, dataset), stats(other, tenant, dataset)
            assert on_a == on_b and on_a["Records"] == 4000 and on_a["Generation"] == 3
        finally:
            other.stop()
    finally:
        node.stop()
