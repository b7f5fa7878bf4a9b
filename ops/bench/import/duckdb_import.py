#!/usr/bin/env python3
"""Times DuckDB's read_csv of an interactions CSV into an in-memory table (the reference for
ops/bench/import/run.sh). Prints key=value lines: rows, seconds, threads, version."""
import sys
import time

import duckdb


def main():
    path = sys.argv[1]
    con = duckdb.connect()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    start = time.perf_counter()
    con.execute(
        "CREATE TABLE t AS SELECT * FROM read_csv(?, header = true, "
        "columns = {'USER_ID': 'VARCHAR', 'ITEM_ID': 'VARCHAR', 'TIMESTAMP': 'BIGINT'})",
        [path],
    )
    seconds = time.perf_counter() - start
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    print(f"rows={rows}")
    print(f"seconds={seconds}")
    print(f"threads={threads}")
    print(f"version={duckdb.__version__}")


if __name__ == "__main__":
    main()
