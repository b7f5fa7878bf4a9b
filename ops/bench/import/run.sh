#!/usr/bin/env bash
# Import benchmark: PersimmonData's CSV engine against DuckDB's read_csv on the same file.
#
#   ops/bench/import/run.sh [--size full|200mb|small] [--keep] [--skip-duckdb]
#
# 1. Generates an interactions CSV with ../shared/tools/make_synthetic.py (USER_ID,ITEM_ID,TIMESTAMP)
#    into $BENCH_DIR (default /tmp/persimmon-bench-import; never inside the repository), once per size:
#      full   ~1 GB, 37 M rows (2 M users, 200 K items)
#      200mb  ~200 MB, 7.4 M rows (400 K users, 40 K items)
#      small  ~50 MB, 2 M rows (100 K users, 20 K items)
# 2. Builds the release executable persimmon-bench-import (the package's target when Package.swift has it,
#    otherwise a throwaway package under $BENCH_DIR that links Sources/PersimmonCatalog and
#    Sources/PersimmonData), then imports the file (FULL: parsing, validation and interning on one thread,
#    segment writes on a second; staging segment + fsync + manifest swap) and reads it back as training
#    arrays, under /usr/bin/time -v for wall time and peak RSS (the import's own peak is printed separately).
# 3. Installs the duckdb wheel if missing (pip) and times
#      CREATE TABLE t AS SELECT * FROM read_csv(file, header=true, columns={USER_ID: VARCHAR, ITEM_ID: VARCHAR,
#                                                                              TIMESTAMP: BIGINT})
#    into an in-memory database (all cores), also under /usr/bin/time -v.
# 4. Prints MB/s and rows/s for both, the ratio ours/DuckDB (target >= 0.5), and both peak RSS values
#    (target for ours < 1.5 GB whatever the file size).
#
# Wall-clock numbers are only meaningful on an otherwise idle machine; run it more than once.
# The generated CSV is kept for the next run; --clean removes it at the end. BENCH_DIR and PERSIMMON_SHARED
# (default ../shared) override the locations.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$(pwd)
SHARED=${PERSIMMON_SHARED:-$ROOT/../shared}
BENCH_DIR=${BENCH_DIR:-/tmp/persimmon-bench-import}

size=full
clean=0
skip_duckdb=0
while [ $# -gt 0 ]; do
    case "$1" in
        --size) size=$2; shift 2 ;;
        --clean) clean=1; shift ;;
        --keep) clean=0; shift ;;
        --skip-duckdb) skip_duckdb=1; shift ;;
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
bytes=$(stat -L -c %s "$csv")

say "building persimmon-bench-import (release)"
if grep -q '"persimmon-bench-import"' Package.swift; then
    swift build -c release --scratch-path "$ROOT/.build-bench-import" --product persimmon-bench-import >&2
    bin="$ROOT/.build-bench-import/release/persimmon-bench-import"
else
    pkg="$BENCH_DIR/package"
    mkdir -p "$pkg/Sources"
    ln -sfn "$ROOT/Sources/PersimmonCatalog" "$pkg/Sources/PersimmonCatalog"
    ln -sfn "$ROOT/Sources/PersimmonData" "$pkg/Sources/PersimmonData"
    ln -sfn "$ROOT/Sources/persimmon-bench-import" "$pkg/Sources/persimmon-bench-import"
    cat >"$pkg/Package.swift" <<'EOF'
// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "persimmon-bench-import",
    platforms: [.macOS(.v15)],
    targets: [
        .target(name: "PersimmonCatalog"),
        .target(name: "PersimmonData", dependencies: ["PersimmonCatalog"]),
        .executableTarget(name: "persimmon-bench-import", dependencies: ["PersimmonData", "PersimmonCatalog"]),
    ]
)
EOF
    swift build -c release --package-path "$pkg" --product persimmon-bench-import >&2
    bin="$pkg/.build/release/persimmon-bench-import"
fi

ours_out="$BENCH_DIR/ours-$size.txt"
say "importing with PersimmonData"
/usr/bin/time -v "$bin" "$csv" "$BENCH_DIR/store-$size" >"$ours_out" 2>&1 || { cat "$ours_out" >&2; exit 1; }
rm -rf "$BENCH_DIR/store-$size"

duck_out="$BENCH_DIR/duckdb-$size.txt"
if [ "$skip_duckdb" = 0 ]; then
    if ! python3 -c 'import duckdb' 2>/dev/null; then
        say "installing duckdb (pip)"
        python3 -m pip install --quiet duckdb >&2
    fi
    say "importing with DuckDB $(python3 -c 'import duckdb; print(duckdb.__version__)')"
    /usr/bin/time -v python3 "$ROOT/ops/bench/import/duckdb_import.py" "$csv" >"$duck_out" 2>&1 \
        || { cat "$duck_out" >&2; exit 1; }
fi

python3 "$ROOT/ops/bench/import/report.py" --bytes "$bytes" --size "$size" --ours "$ours_out" \
    $([ "$skip_duckdb" = 0 ] && echo --duckdb "$duck_out")

if [ "$clean" = 1 ]; then rm -rf "$data"; fi
