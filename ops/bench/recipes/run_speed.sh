#!/bin/sh
# Training-speed anchor (EVALUATION.md): user-personalization's weighted ALS against implicit 0.7.3
# AlternatingLeastSquares on the 20M-interaction synthetic set, same factors / iterations / threads / CG steps,
# same protocol split (seed 42), back to back in one run. Files live under /tmp only.
#
#   swift build -c release --product persimmon-bench-recipes
#   sh ops/bench/recipes/run_speed.sh
#
# Confidence: implicit uses c = alpha·x, Persimmon c = 1 + alpha·w, so implicit alpha 10 == Persimmon alpha 9.
# The synthetic timestamps are random, so the recency and sequence components are switched off: both sides fit
# and fold in a plain iALS model.
set -eu
uptime
SHARED=${SHARED:-../shared}
OUT=${OUT:-/tmp/persimmon-bench-recipes}
BIN=${BIN:-.build/release/persimmon-bench-recipes}
THREADS=${THREADS:-2}
mkdir -p "$OUT"
if [ ! -f "$OUT/syn20m/interactions.csv" ]; then
    python3 "$SHARED/tools/make_synthetic.py" --users 150000 --items 30000 --interactions 20000000 --seed 0 \
        --out "$OUT/syn20m"
fi
/usr/bin/time -v python3 ops/bench/recipes/bench_implicit.py --csv "$OUT/syn20m/interactions.csv" \
    --factors 64 --iterations 15 --threads "$THREADS" --regularization 0.1 --alpha 10 \
    > "$OUT/implicit.json" 2> "$OUT/implicit.time"
# KERNELS=auto (default: the AVX2 + FMA build of the ALS inner loop when the CPU has it), baseline or wide;
# KERNELS="auto baseline" runs both, back to back.
for k in ${KERNELS:-auto}; do
    /usr/bin/time -v "$BIN" speed --data "$OUT/syn20m/interactions.csv" --factors 64 --iterations 15 \
        --threads "$THREADS" --kernels "$k" --set regularization=0.1 --set alpha=9 --set recency_mask=false \
        --set sequence_weight=0 > "$OUT/persimmon-$k.json" 2> "$OUT/persimmon-$k.time"
done
uptime
cat "$OUT/implicit.json" "$OUT"/persimmon-*.json
grep -H -E "Elapsed|Maximum resident" "$OUT/implicit.time" "$OUT"/persimmon-*.time
