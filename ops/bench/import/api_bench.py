#!/usr/bin/env python3
"""End-to-end import benchmark through the API (ops/bench/import/run_api.sh).

Starts `persimmon serve` (the given binary) on a fresh data directory with --import-root set to the CSV's
directory, creates an account with the admin CLI, then with unmodified boto3 creates a dataset group, an
Interactions schema (USER_ID, ITEM_ID, TIMESTAMP) and dataset, calls CreateDatasetImportJob with a file://
location and polls DescribeDatasetImportJob until ACTIVE. Measures the wall time from the create call to ACTIVE
and the server's peak RSS (/proc/PID/status VmHWM; the server process's lifetime peak, sampled after the import).
Then, in the same run, times DuckDB's read_csv of the same file (duckdb_import.py under /usr/bin/time -v).
Prints key=value lines and a table.
"""
import argparse
import json
import os
import re
import secrets
import string
import subprocess
import sys
import tempfile
import time

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"


def vm_hwm_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--skip-duckdb", action="store_true")
    ap.add_argument("--export", action="store_true",
                    help="also time CreateDatasetExportJob of the imported data to file:// (next to the CSV)")
    a = ap.parse_args()
    csv_path = os.path.realpath(a.csv)
    size = os.path.getsize(csv_path)
    with open(csv_path) as f:
        header = f.readline().strip().split(",")

    data_dir = tempfile.mkdtemp(prefix="persimmon-bench-api-")
    key = "AKIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))
    secret = secrets.token_urlsafe(30)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"PERSIMMON_ROOT_ACCESS_KEY_ID": key, "PERSIMMON_ROOT_SECRET_ACCESS_KEY": secret})
    server = subprocess.Popen(
        [a.binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", data_dir,
         "--import-root", os.path.dirname(csv_path), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
    )
    try:
        url = None
        while url is None:
            line = server.stdout.readline()
            if not line:
                sys.exit("server exited before listening")
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                url = m.group(1)
        admin_env = dict(env, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret)
        account = json.loads(subprocess.run(
            [a.binary, "admin", "create-account", "--name", "bench", "--endpoint-url", url],
            env=admin_env, capture_output=True, text=True, check=True,
        ).stdout)
        pz = boto3.client(
            "personalize", endpoint_url=url, region_name=REGION,
            aws_access_key_id=account["AccessKeyId"], aws_secret_access_key=account["SecretAccessKey"],
        )
        group = pz.create_dataset_group(name="bench")["datasetGroupArn"]
        while pz.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"] != "ACTIVE":
            time.sleep(0.05)
        fields = [{"name": n, "type": "long" if n == "TIMESTAMP" else "string"} for n in header]
        schema = pz.create_schema(name="bench", schema=json.dumps({
            "type": "record", "name": "Interactions", "namespace": "com.amazonaws.personalize.schema",
            "fields": fields, "version": "1.0",
        }))["schemaArn"]
        dataset = pz.create_dataset(name="bench", datasetGroupArn=group, schemaArn=schema,
                                    datasetType="Interactions")["datasetArn"]
        while pz.describe_dataset(datasetArn=dataset)["dataset"]["status"] != "ACTIVE":
            time.sleep(0.05)
        idle_hwm = vm_hwm_kb(server.pid)

        start = time.perf_counter()
        job = pz.create_dataset_import_job(
            jobName="bench", datasetArn=dataset, dataSource={"dataLocation": f"file://{csv_path}"},
            roleArn=f"arn:aws:iam::{account['AccountId']}:role/bench",
        )["datasetImportJobArn"]
        while True:
            status = pz.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]
            if status["status"] in ("ACTIVE", "CREATE FAILED"):
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        if status["status"] != "ACTIVE":
            sys.exit(f"import failed: {status.get('failureReason')}")
        peak_kb = vm_hwm_kb(server.pid)
        export_seconds = None
        if a.export:
            out_dir = os.path.join(os.path.dirname(csv_path), "bench-export")
            start = time.perf_counter()
            export = pz.create_dataset_export_job(
                jobName="bench", datasetArn=dataset, ingestionMode="BULK",
                roleArn=f"arn:aws:iam::{account['AccountId']}:role/bench",
                jobOutput={"s3DataDestination": {"path": f"file://{out_dir}/"}},
            )["datasetExportJobArn"]
            while True:
                described = pz.describe_dataset_export_job(datasetExportJobArn=export)["datasetExportJob"]
                if described["status"] in ("ACTIVE", "CREATE FAILED"):
                    break
                time.sleep(0.1)
            export_seconds = time.perf_counter() - start
            if described["status"] != "ACTIVE":
                sys.exit(f"export failed: {described.get('failureReason')}")
            export_bytes = os.path.getsize(os.path.join(out_dir, "bench", "part-00000.csv"))
            subprocess.run(["rm", "-rf", out_dir])
            export_peak_kb = vm_hwm_kb(server.pid)
        stats = json.loads(subprocess.run(
            [a.binary, "admin", "dataset-stats", dataset, "--endpoint-url", url],
            env=admin_env, capture_output=True, text=True, check=True,
        ).stdout)
    finally:
        server.terminate()
        server.wait(30)
        subprocess.run(["rm", "-rf", data_dir])

    rows = stats["Records"]
    mb = size / 1e6
    print(f"bytes={size}")
    print(f"records={rows}")
    print(f"api_seconds={seconds:.3f}")
    print(f"server_peak_rss_kb={peak_kb}")
    print(f"server_idle_rss_kb={idle_hwm}")
    result = {"api_seconds": seconds, "records": rows, "bytes": size, "peak_kb": peak_kb}
    if export_seconds is not None:
        print(f"export_seconds={export_seconds:.3f}")
        print(f"export_bytes={export_bytes}")
        print(f"server_peak_rss_after_export_kb={export_peak_kb}")

    if not a.skip_duckdb:
        proc = subprocess.run(
            ["/usr/bin/time", "-v", sys.executable, os.path.join(HERE, "duckdb_import.py"), csv_path,
             ",".join(header)],
            capture_output=True, text=True, check=True,
        )
        out = proc.stdout + proc.stderr
        dsecs = float(re.search(r"^seconds=(.*)$", out, re.M).group(1))
        drows = int(re.search(r"^rows=(.*)$", out, re.M).group(1))
        dthreads = re.search(r"^threads=(.*)$", out, re.M).group(1)
        dversion = re.search(r"^version=(.*)$", out, re.M).group(1)
        drss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out).group(1))
        assert drows == rows, (drows, rows)
        print(f"duckdb_seconds={dsecs:.3f}")
        print(f"duckdb_peak_rss_kb={drss}")
        result.update(duckdb_seconds=dsecs, duckdb_peak_kb=drss)

    print(f"\nend-to-end import ({mb:,.0f} MB, {rows:,} rows), load {os.getloadavg()[0]:.2f} after the run")
    print(f"{'':<34}{'seconds':>9}{'MB/s':>9}{'rows/s':>13}{'peak RSS':>11}")
    print(f"{'Persimmon API (file://, FULL)':<34}{seconds:>9.2f}{mb / seconds:>9.1f}{rows / seconds:>13,.0f}"
          f"{peak_kb / 1024:>8.0f} MB")
    if not a.skip_duckdb:
        print(f"{'DuckDB ' + dversion + ' (' + dthreads + ' threads)':<34}{dsecs:>9.2f}{mb / dsecs:>9.1f}"
              f"{rows / dsecs:>13,.0f}{drss / 1024:>8.0f} MB")
        print(f"ratio (ours / DuckDB throughput): {dsecs / seconds:.2f}   (target >= 0.5)")
    if export_seconds is not None:
        print(f"{'Persimmon export (BULK, file://)':<34}{export_seconds:>9.2f}{export_bytes / 1e6 / export_seconds:>9.1f}"
              f"{rows / export_seconds:>13,.0f}{export_peak_kb / 1024:>8.0f} MB")
    print(f"server peak RSS {peak_kb / 1024:.0f} MB (idle before the import {idle_hwm / 1024:.0f} MB; target < 1536 MB)")


if __name__ == "__main__":
    main()
