"""kill -9 in the middle of an import: the dataset keeps its previous data, and after a restart on the same data
directory the job is retried (ACTIVE) or marked failed (CREATE FAILED), never left CREATE IN_PROGRESS."""

from __future__ import annotations

import os
import signal
import threading
import time

from conftest import Server, persimmon_binary, stage_binary, unique
from test_imports import _fresh_database, interactions_csv, make_interactions_dataset

BIG_ROWS = 1_500_000


def _restart(server: Server) -> None:
    server.url = None
    server._listening = threading.Event()
    server.start()


def _job(pz, arn: str) -> dict:
    return pz.describe_dataset_import_job(datasetImportJobArn=arn)["datasetImportJob"]


def _write_big_csv(path) -> None:
    block = "".join(f"user{n % 50_000},item{(n * 7) % 20_000},{1_700_000_000 + n},click\n" for n in range(100_000))
    with open(path, "w") as f:
        f.write("USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n")
        for _ in range(BIG_ROWS // 100_000):
            f.write(block)


def test_kill_9_mid_import_keeps_old_data_and_the_job_finishes(tmp_path_factory):
    binary = stage_binary(persimmon_binary(), tmp_path_factory.mktemp("crash-bin"))
    import_root = tmp_path_factory.mktemp("crash-imports")
    server = Server(binary, tmp_path_factory.mktemp("crash-data"), extra_args=["--import-root", str(import_root)])
    if server.database_url:
        server.database_url = _fresh_database(server.database_url)
    server.start()
    try:
        tenant = server.create_account()
        pz = tenant.client("personalize")
        dataset, _ = make_interactions_dataset(tenant)
        small = import_root / "small.csv"
        small.write_text(interactions_csv(1500))
        first = pz.create_dataset_import_job(
            jobName=unique("imp"), datasetArn=dataset, dataSource={"dataLocation": f"file://{small}"}
        )["datasetImportJobArn"]
        deadline = time.monotonic() + 30
        while _job(pz, first)["status"] != "ACTIVE":
            assert time.monotonic() < deadline, _job(pz, first)
            time.sleep(0.1)
        assert server.admin_json("dataset-stats", dataset)["Records"] == 1500

        big = import_root / "big.csv"
        _write_big_csv(big)
        job = pz.create_dataset_import_job(
            jobName=unique("imp"), datasetArn=dataset, dataSource={"dataLocation": f"file://{big}"}
        )["datasetImportJobArn"]
        deadline = time.monotonic() + 30
        while _job(pz, job)["status"] != "CREATE IN_PROGRESS":
            assert time.monotonic() < deadline, _job(pz, job)
            time.sleep(0.02)
        time.sleep(0.3)  # well into the parse
        assert _job(pz, job)["status"] == "CREATE IN_PROGRESS", "the import finished before the kill; make it bigger"
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(10)

        _restart(server)
        pz = tenant.client("personalize")
        # Right after the restart the job has not been re-run yet (its lease has not expired): the old data is
        # there, whole, and nothing of the killed import is visible.
        stats = server.admin_json("dataset-stats", dataset)
        assert stats["Records"] == 1500 and stats["Segments"] == 1, stats
        leftovers = [
            name
            for root, _, files in os.walk(server.data_dir / "datasets")
            for name in files
            if name.startswith(".staging-")
        ]
        assert leftovers == [], leftovers

        deadline = time.monotonic() + 90
        while (status := _job(pz, job)["status"]) not in ("ACTIVE", "CREATE FAILED"):
            assert status in ("CREATE PENDING", "CREATE IN_PROGRESS"), status
            assert time.monotonic() < deadline, f"job stuck in {status} after the restart"
            time.sleep(0.25)
        stats = server.admin_json("dataset-stats", dataset)
        if status == "ACTIVE":
            assert stats["Records"] == BIG_ROWS, stats
        else:
            assert _job(pz, job)["failureReason"]
            assert stats["Records"] == 1500, stats
    finally:
        server.stop()
