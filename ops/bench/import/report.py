#!/usr/bin/env python3
"""Reads the outputs of persimmon-bench-import and duckdb_import.py (each run under /usr/bin/time -v)
and prints the comparison table of ops/bench/import/run.sh."""
import argparse
import re


def parse(path):
    values = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            m = re.match(r"^([a-z_]+)=(.*)$", line)
            if m:
                values[m.group(1)] = m.group(2)
            m = re.match(r"^Maximum resident set size \(kbytes\): (\d+)$", line)
            if m:
                values["peak_rss_kb"] = m.group(1)
            m = re.match(r"^Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.*)$", line)
            if m:
                parts = [float(p) for p in m.group(1).split(":")]
                total = 0.0
                for p in parts:
                    total = total * 60 + p
                values["process_seconds"] = str(total)
    return values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, required=True)
    ap.add_argument("--size", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--duckdb")
    a = ap.parse_args()
    mb = a.bytes / 1e6

    ours = parse(a.ours)
    rows = int(ours["records"])
    secs = float(ours["import_seconds"])
    print(f"\nimport benchmark ({a.size}): {mb:,.0f} MB, {rows:,} rows")
    print(f"{'':<28}{'seconds':>10}{'MB/s':>10}{'rows/s':>14}{'peak RSS':>12}")
    rss = int(ours["import_peak_rss_kb"]) / 1024
    total_rss = int(ours["peak_rss_kb"]) / 1024
    print(f"{'PersimmonData (1 thr + io)':<28}{secs:>10.2f}{mb / secs:>10.1f}{rows / secs:>14,.0f}{rss:>9.0f} MB")
    print(f"{'  + read back as arrays':<28}{float(ours['read_seconds']):>10.2f}{'':>24}{total_rss:>9.0f} MB")
    if a.duckdb:
        duck = parse(a.duckdb)
        dsecs = float(duck["seconds"])
        drows = int(duck["rows"])
        drss = int(duck["peak_rss_kb"]) / 1024
        label = f"DuckDB {duck['version']} ({duck['threads']} thr)"
        print(f"{label:<28}{dsecs:>10.2f}{mb / dsecs:>10.1f}{drows / dsecs:>14,.0f}{drss:>9.0f} MB")
        print(f"\nratio (ours / DuckDB throughput): {dsecs / secs:.2f}  (target >= 0.50)")
        if drows != rows:
            print(f"warning: row counts differ: ours {rows}, DuckDB {drows}")
    print(f"peak RSS of our import: {rss:.0f} MB (target < 1536 MB); with the training arrays read back: "
          f"{total_rss:.0f} MB; segment on disk: {int(ours['segment_bytes']) / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
