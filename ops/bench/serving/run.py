#!/usr/bin/env python3
"""Serving speed through the full stack: a release `persimmon serve`, wrk replaying SigV4-signed requests.

    swift build -c release --product persimmon
    python3 ops/bench/serving/run.py [--binary .build/release/persimmon] [--shared ../shared]
        [--duration 30] [--events-duration 60] [--connections 32] [--json OUT]

What it does, in one run (so the numbers share the machine's load, which it records with `uptime`):
1. synthetic data (../shared/tools/make_synthetic.py: 10,000 items) plus an Items dataset with a GENRE column;
   imports both, trains aws-user-personalization (hidden_dimension 64) through the API, deploys a campaign, creates
   a filter (EXCLUDE ItemID WHERE Items.GENRE IN ("g3")) and an event tracker;
2. signs 4,000 GetRecommendations requests (distinct users, numResults 25, the filter) with botocore — each stays
   valid for 15 minutes — and replays them with wrk (ops/bench/serving/replay.lua) at --connections connections;
   the unauthenticated GET /health is measured the same way right before, and the ratio is reported;
3. signs 6,000 PutEvents requests of 10 events each and replays them for --events-duration seconds, then counts
   the stored streamed events (admin dataset-stats) against the calls wrk saw answered 200;
4. checks that a PutEvents followed at once by GetRecommendations for that user changes the recommendation.

Everything it writes is under a temporary directory, removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))
from bench_server import REGION, Server, wait  # noqa: E402
HERE = Path(__file__).resolve().parent
N_ITEMS = 10_000
N_USERS = 20_000
N_INTERACTIONS = 400_000
INTERACTIONS_SCHEMA = {
    "type": "record", "name": "Interactions", "namespace": "com.amazonaws.personalize.schema", "version": "1.0",
    "fields": [{"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"},
               {"name": "TIMESTAMP", "type": "long"}],
}
ITEMS_SCHEMA = {
    "type": "record", "name": "Items", "namespace": "com.amazonaws.personalize.schema", "version": "1.0",
    "fields": [{"name": "ITEM_ID", "type": "string"}, {"name": "GENRE", "type": ["null", "string"], "categorical": True}],
}


def client(service: str, url: str, account: dict):
    return boto3.client(
        service, endpoint_url=url, region_name=REGION, aws_access_key_id=account["AccessKeyId"],
        aws_secret_access_key=account["SecretAccessKey"], config=Config(retries={"max_attempts": 1}),
    )


def signer(service: str, url: str, account: dict):
    """A client whose calls are signed but not sent: each call returns (method, path, headers, body)."""
    c = client(service, url, account)
    captured = {}

    def capture(request, **_):
        captured["request"] = request
        return AWSResponse(request.url, 200, {}, None)

    c.meta.events.register("before-send", capture)

    def sign(operation: str, **params):
        try:
            getattr(c, operation)(**params)
        except Exception:  # noqa: BLE001 - the fake response may not parse; the request is what we want
            pass
        req = captured.pop("request")
        path = re.sub(r"^https?://[^/]+", "", req.url) or "/"
        body = req.body.decode() if isinstance(req.body, bytes) else (req.body or "")
        headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in req.headers.items()}
        return {"method": req.method, "path": path, "headers": headers, "body": body}

    return sign


def lua_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def write_requests(path: Path, requests: list[dict]) -> None:
    with open(path, "w") as out:
        out.write("return {\n")
        for r in requests:
            headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in r["headers"].items()
                                if k.lower() not in ("content-length", "host"))
            out.write(f"{{{lua_string(r['method'])}, {lua_string(r['path'])}, {{{headers}}}, {lua_string(r['body'])}}},\n")
        out.write("}\n")


def wrk(url: str, duration: int, connections: int, requests: Path | None, path: str = "/") -> dict:
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "5s"]
    env = dict(os.environ)
    if requests:
        cmd += ["-s", str(HERE / "replay.lua")]
        env["REPLAY_REQUESTS"] = str(requests)
    out = subprocess.run(cmd + [url + path], capture_output=True, text=True, env=env, check=True).stdout
    result = {"raw": out}
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    errors = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = errors.group(1).strip() if errors else "none"
    for pct in ("50", "90", "99"):
        m = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)", out)
        if m:
            value = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
            result[f"p{pct}_ms"] = value
    return result


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/persimmon")
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--events-duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--json")
    parser.add_argument("--perf", help="record a CPU profile of the server during the GetRecommendations run")
    parser.add_argument("--skip-events", action="store_true")
    args = parser.parse_args()
    binary = Path(args.binary).resolve()
    report: dict = {"uptime_start": uptime()}

    with tempfile.TemporaryDirectory(prefix="persimmon-serving-bench-") as tmp:
        tmp = Path(tmp)
        root = tmp / "import"
        root.mkdir()
        subprocess.run([sys.executable, str(Path(args.shared) / "tools" / "make_synthetic.py"), "--users", str(N_USERS),
                        "--items", str(N_ITEMS), "--interactions", str(N_INTERACTIONS), "--out", str(root)], check=True)
        with open(root / "items.csv", "w") as items:
            items.write("ITEM_ID,GENRE\n")
            for n in range(N_ITEMS):
                items.write(f"i{n},g{n % 10}\n")
        interactions_header = (root / "interactions.csv").open().readline().strip()
        print(f"# interactions.csv header: {interactions_header}", file=sys.stderr)

        server = Server(binary, tmp, root)
        try:
            account = server.admin("create-account", "--name", "bench")
            pz = client("personalize", server.url, account)
            role = f"arn:aws:iam::{account['AccountId']}:role/Bench"
            group = pz.create_dataset_group(name="bench")["datasetGroupArn"]
            wait(lambda: pz.describe_dataset_group(datasetGroupArn=group), "datasetGroup")
            datasets = {}
            for kind, schema, path in (("Interactions", INTERACTIONS_SCHEMA, root / "interactions.csv"),
                                       ("Items", ITEMS_SCHEMA, root / "items.csv")):
                schema_arn = pz.create_schema(name=f"bench-{kind.lower()}", schema=json.dumps(schema))["schemaArn"]
                dataset = pz.create_dataset(name=f"bench-{kind.lower()}", schemaArn=schema_arn, datasetGroupArn=group,
                                            datasetType=kind)["datasetArn"]
                wait(lambda: pz.describe_dataset(datasetArn=dataset), "dataset")
                job = pz.create_dataset_import_job(jobName=f"bench-{kind.lower()}", datasetArn=dataset,
                                                   dataSource={"dataLocation": f"file://{path}"}, roleArn=role)
                done = wait(lambda: pz.describe_dataset_import_job(datasetImportJobArn=job["datasetImportJobArn"]),
                            "datasetImportJob")
                assert done["status"] == "ACTIVE", done
                datasets[kind] = dataset
            solution = pz.create_solution(
                name="bench-up", datasetGroupArn=group, recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
                performAutoTraining=False,
                solutionConfig={"algorithmHyperParameters": {"hidden_dimension": "64"}},
            )["solutionArn"]
            wait(lambda: pz.describe_solution(solutionArn=solution), "solution")
            started = time.monotonic()
            version_arn = pz.create_solution_version(solutionArn=solution)["solutionVersionArn"]
            version = wait(lambda: pz.describe_solution_version(solutionVersionArn=version_arn), "solutionVersion")
            assert version["status"] == "ACTIVE", version
            report["training_s"] = round(time.monotonic() - started, 1)
            campaign = pz.create_campaign(name="bench", solutionVersionArn=version_arn)["campaignArn"]
            wait(lambda: pz.describe_campaign(campaignArn=campaign), "campaign")
            filter_arn = pz.create_filter(name="bench-filter", datasetGroupArn=group,
                                          filterExpression='EXCLUDE ItemID WHERE Items.GENRE IN ("g3")')["filterArn"]
            wait(lambda: pz.describe_filter(filterArn=filter_arn), "filter")
            tracker = pz.create_event_tracker(name="bench", datasetGroupArn=group)
            wait(lambda: pz.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"]), "eventTracker")

            runtime = client("personalize-runtime", server.url, account)
            events = client("personalize-events", server.url, account)
            sample = runtime.get_recommendations(campaignArn=campaign, userId="u1", numResults=25, filterArn=filter_arn)
            assert len(sample["itemList"]) == 25 and all(int(i["itemId"][1:]) % 10 != 3 for i in sample["itemList"])

            # Signed requests (valid 15 minutes from now).
            sign_rt = signer("personalize-runtime", server.url, account)
            recs = [sign_rt("get_recommendations", campaignArn=campaign, userId=f"u{u % N_USERS}", numResults=25,
                            filterArn=filter_arn) for u in range(4000)]
            write_requests(tmp / "recs.lua", recs)
            sign_ev = signer("personalize-events", server.url, account)
            puts = []
            for call in range(6000):
                puts.append(sign_ev(
                    "put_events", trackingId=tracker["trackingId"], userId=f"bench-{call % 3000}", sessionId=f"s{call}",
                    eventList=[{"eventType": "click", "itemId": f"i{(call * 10 + n) % N_ITEMS}",
                                "sentAt": 1_800_000_000 + call * 10 + n} for n in range(10)],
                ))
            write_requests(tmp / "puts.lua", puts)

            # Warm the model and caches, then measure /health and GetRecommendations back to back.
            wrk(server.url, 3, args.connections, tmp / "recs.lua")
            report["uptime_before_reads"] = uptime()
            report["health"] = wrk(server.url, args.duration, args.connections, None, "/health")
            perf = None
            if args.perf:
                perf = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-o", args.perf, "-p", str(server.proc.pid)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            report["get_recommendations"] = wrk(server.url, args.duration, args.connections, tmp / "recs.lua")
            if perf:
                perf.send_signal(2)
                perf.wait(30)
            report["uptime_after_reads"] = uptime()
            report["ratio_to_health"] = round(report["get_recommendations"]["rps"] / report["health"]["rps"], 3)

            if args.skip_events:
                return print(json.dumps({k: v for k, v in report.items() if k != "health"}, indent=1, default=str))
            before = server.admin("dataset-stats", datasets["Interactions"]).get("StreamedRecords", 0)
            report["put_events"] = wrk(server.url, args.events_duration, args.connections, tmp / "puts.lua")
            report["uptime_after_events"] = uptime()
            put = report["put_events"]
            put["events_per_s"] = round(put["rps"] * 10, 1)
            acknowledged = (put["requests"] - put["non2xx"]) * 10
            time.sleep(2)  # let the last compaction land
            stored = server.admin("dataset-stats", datasets["Interactions"]).get("StreamedRecords", 0) - before
            # wrk stops with up to one request in flight per connection: the server may have stored those too.
            put.update(acknowledged_events=acknowledged, stored_events=stored,
                       all_accounted_for=acknowledged <= stored <= acknowledged + 10 * args.connections)

            # Read-your-write: PutEvents then GetRecommendations at once.
            fresh = "fresh-user"
            first = [i["itemId"] for i in runtime.get_recommendations(campaignArn=campaign, userId=fresh)["itemList"]]
            events.put_events(trackingId=tracker["trackingId"], userId=fresh, sessionId="fresh",
                              eventList=[{"eventType": "click", "itemId": first[0], "sentAt": 1_900_000_000}])
            after = [i["itemId"] for i in runtime.get_recommendations(campaignArn=campaign, userId=fresh)["itemList"]]
            report["put_then_get_changes_recommendation"] = first != after
        finally:
            server.stop()

    for key in ("health", "get_recommendations", "put_events"):
        report[key].pop("raw", None)
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
