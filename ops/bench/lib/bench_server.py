"""One `persimmon serve` for the benchmark scripts: started on a free port with fresh operator credentials, with
helpers to wait for resources and to call the admin CLI. Imported by ops/bench/recipes/run_api_quality.py and
ops/bench/serving/run.py (they put this folder on sys.path)."""

from __future__ import annotations

import json
import os
import re
import secrets
import string
import subprocess
import threading
import time
from pathlib import Path

REGION = "us-east-1"
DONE = ("ACTIVE", "CREATE FAILED", "CREATE STOPPED")


class Server:
    def __init__(self, binary: Path, workdir: Path, import_root: Path):
        self.binary = binary
        self.key = "AKIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))
        self.secret = secrets.token_urlsafe(30)
        env = dict(os.environ, PERSIMMON_ROOT_ACCESS_KEY_ID=self.key, PERSIMMON_ROOT_SECRET_ACCESS_KEY=self.secret)
        self.log = open(workdir / "server.log", "w")
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(workdir / "data"),
             "--import-root", str(import_root)],
            env=env, stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        self.url = None
        deadline = time.monotonic() + 60
        while self.url is None:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                raise SystemExit(f"persimmon serve exited with {self.proc.returncode}; see {workdir / 'server.log'}")
            match = re.search(r"persimmon listening on (http://\S+)", line)
            if match:
                self.url = match.group(1)
            if time.monotonic() > deadline:
                raise SystemExit("persimmon serve did not start listening")
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def admin(self, *args: str) -> dict:
        """Runs `persimmon admin ARGS` against this server as the operator; returns its JSON output."""
        env = dict(os.environ, AWS_ACCESS_KEY_ID=self.key, AWS_SECRET_ACCESS_KEY=self.secret, AWS_REGION=REGION,
                   AWS_DEFAULT_REGION=REGION)
        out = subprocess.run([str(self.binary), "admin", *args, "--endpoint-url", self.url],
                             env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def wait(describe, key: str, timeout: float = 3600) -> dict:
    """Polls `describe()[key]` until its status is final (or the timeout passes); returns the resource."""
    deadline = time.monotonic() + timeout
    while True:
        resource = describe()[key]
        if resource["status"] in DONE or time.monotonic() > deadline:
            return resource
        time.sleep(0.2)
