#!/usr/bin/env bash
# End-to-end import benchmark through the API, against DuckDB in the same run.
#
#   ops/bench/import/run_api.sh [--size full|200mb|small] [--skip-duckdb]
#
# 1. Generates the synthetic interactions CSV with ../shared/tools/make_synthetic.py into $BENCH_DIR (default
#    /tmp/persimmon-bench-import, shared with run.sh; never inside the repository):
#      full ~1 GB, 37 M rows · 200mb ~200 MB, 7.4 M rows · small ~50 MB, 2 M rows.
# 2. Builds the release `persimmon` binary and runs a private copy of it.
# 3. api_bench.py: starts `persimmon serve` on a fresh data directory with --import-root at the CSV's directory,
#    creates an account (admin CLI), a dataset group, schema and Interactions dataset with boto3, then
#    CreateDatasetImportJob(file://...) and polls DescribeDatasetImportJob until ACTIVE. Reports the wall time
#    from the create call to ACTIVE (parsing, validation, ID interning, segment write with fsync, manifest swap,
#    job bookkeeping, polling granularity 0.1 s) and the server's peak RSS (VmHWM from /proc/PID/status).
# 4. In the same run, times DuckDB's read_csv of the same file into an in-memory table (all cores).
#
# Report the machine load (printed) alongside any number; the 2 cores may be shared with other work.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$(pwd)
SHARED=${PERSIMMON_SHARED:-$ROOT/../shared}
BENCH_DIR=${BENCH_DIR:-/tmp/persimmon-bench-import}

size=full
skip=()
while [ $# -gt 0 ]; do
    case "$1" in
        --size) size=$2; shift 2 ;;
        --skip-duckdb) skip=(--skip-duckdb); shift ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
case "$size" in
    full) users=2000000; items=200000; interactions=37000000 ;;
    200mb) users=400000; items=40000; interactions=7400000 ;;
    small) users=100000; items=20000; interactions=2000000 ;;
    *) echo "unknown size: $size (full, 200mb or small)" >&2; exit 2 ;;
esac
say() { printf '\n==> %s\n' "$*" >&2; }

mkdir -p "$BENCH_DIR"
data="$BENCH_DIR/data-$size"
csv="$data/interactions.csv"
if [ ! -s "$csv" ]; then
    say "generating $size CSV ($interactions interactions) into $data"
    python3 "$SHARED/tools/make_synthetic.py" --users "$users" --items "$items" \
        --interactions "$interactions" --seed 7 --out "$data" >&2
fi

say "building persimmon (release)"
swift build -c release --product persimmon >&2
bin="$BENCH_DIR/persimmon-api-bench"
cp "$(swift build -c release --show-bin-path)/persimmon" "$bin"

if [ "${#skip[@]}" = 0 ] && ! python3 -c 'import duckdb' 2>/dev/null; then
    say "installing duckdb (pip)"
    python3 -m pip install --quiet duckdb >&2
fi
say "load before: $(uptime)"
python3 "$ROOT/ops/bench/import/api_bench.py" --binary "$bin" --csv "$csv" "${skip[@]}"
say "load after: $(uptime)"
