"""Import time with and without --dataset-store (moto S3 on loopback), same CSV, same run, alternating.

Usage: cd Tests/conformance && python3 ../../ops/bench/import/shared_store.py ROWS (uses PERSIMMON_BIN or the debug build).
"""
import contextlib, pathlib, random, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "Tests" / "conformance"))
import boto3
from conftest import Server, persimmon_binary, INTERACTIONS_SCHEMA_WITH_EVENTS, unique
from test_imports import run_import, S3_KEY, S3_SECRET

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

port = free_port()
moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
url = f"http://127.0.0.1:{port}"
for _ in range(100):
    with contextlib.suppress(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close(); break
    time.sleep(0.1)
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET)
s3.create_bucket(Bucket="bench")
root = pathlib.Path(tempfile.mkdtemp(prefix="dsbench-", dir="/tmp"))
rows = int(sys.argv[1])
rng = random.Random(1)
csv = root / "imports" / "big.csv"; csv.parent.mkdir()
with open(csv, "w") as f:
    f.write("USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n")
    for n in range(rows):
        f.write(f"u{rng.randrange(50000)},i{rng.randrange(20000)},{1_700_000_000+n},click\n")
print("csv MB", csv.stat().st_size / 1e6)
results = {"local": [], "shared": []}
servers = {}
for name in ("local", "shared"):
    args = ["--import-root", str(csv.parent), "--s3-endpoint-url", url]
    if name == "shared": args += ["--dataset-store", "s3://bench/p"]
    srv = Server(persimmon_binary(), root / name, extra_args=args, extra_env={"PERSIMMON_S3_ACCESS_KEY_ID": S3_KEY, "PERSIMMON_S3_SECRET_ACCESS_KEY": S3_SECRET})
    srv.start(); servers[name] = srv
for rep in range(3):
    for name, srv in servers.items():
        t = srv.create_account()
        _, g = t.create_dataset_group(); _, sc = t.create_schema(INTERACTIONS_SCHEMA_WITH_EVENTS)
        ds = t.create_dataset(g, sc, "Interactions")
        start = time.monotonic()
        job = run_import(t.personalize, ds, f"file://{csv}")
        assert job["status"] == "ACTIVE", job
        results[name].append(time.monotonic() - start)
for srv in servers.values(): srv.stop()
moto.terminate(); moto.wait()
shutil.rmtree(root)
print({k: [round(x, 2) for x in v] for k, v in results.items()})
