#!/usr/bin/env python3
"""Times DuckDB's read_csv of an interactions CSV into an in-memory table (the reference for
ops/bench/import/run.sh and api_bench.py). Optional second argument: the header's column names
(TIMESTAMP is BIGINT, the others VARCHAR). Prints key=value lines: rows, seconds, threads, version."""
import sys
import time

import duckdb


def main():
    path = sys.argv[1]
    names = sys.argv[2].split(",") if len(sys.argv) > 2 else ["USER_ID", "ITEM_ID", "TIMESTAMP"]
    columns = ", ".join(f"'{n}': '{'BIGINT' if n == 'TIMESTAMP' else 'VARCHAR'}'" for n in names)
    con = duckdb.connect()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    start = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv(?, header = true, columns = {{{columns}}})", [path])
    seconds = time.perf_counter() - start
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    print(f"rows={rows}")
    print(f"seconds={seconds}")
    print(f"threads={threads}")
    print(f"version={duckdb.__version__}")


if __name__ == "__main__":
    main()
