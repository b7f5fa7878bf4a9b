#!/bin/sh
# Offline quality of every recipe (EVALUATION.md protocol, seeds 42-46) on ml-latest-small and Last.fm.
# Datasets are read from ../shared at run time; outputs go to /tmp only.
#
#   swift build -c release --product persimmon-bench-recipes
#   sh ops/bench/recipes/run_quality.sh
set -eu
SHARED=${SHARED:-../shared}
OUT=${OUT:-/tmp/persimmon-bench-recipes}
BIN=${BIN:-.build/release/persimmon-bench-recipes}
ML="$SHARED/datasets/ml-latest-small"
LFM="$SHARED/datasets/hetrec2011-lastfm-2k"
HPO="--hpo-jobs 16 --hpo-serving 8 --inner-splits 3"
mkdir -p "$OUT"

# MovieLens: defaults, then random-search HPO on inner splits of the training users
for r in aws-popularity-count aws-trending-now aws-sims aws-user-personalization aws-personalized-ranking; do
    "$BIN" quality --data "$ML" --recipe "$r" > "$OUT/ml_${r}_default.jsonl"
done
# shellcheck disable=SC2086
"$BIN" quality --data "$ML" --recipe aws-sims $HPO > "$OUT/ml_sims_hpo.jsonl" 2> "$OUT/ml_sims_hpo.log"
# shellcheck disable=SC2086
"$BIN" quality --data "$ML" --recipe aws-user-personalization $HPO > "$OUT/ml_up_hpo.jsonl" 2> "$OUT/ml_up_hpo.log"

# Last.fm (user_artists.dat has no timestamps: every event gets timestamp 0, so the protocol's (timestamp, item id)
# order is the artists' ID order). "as is" runs the recipes' defaults; "bag" switches every order-dependent part off.
BAG_SIMS="--set co_occurrence_window=0 --set co_occurrence_direction=both --set recency_half_life=0 --set history_length=1000"
BAG_UP="--set recency_mask=false --set co_occurrence_window=0 --set co_occurrence_direction=both --set bptt=1000"
for r in aws-popularity-count aws-sims aws-user-personalization; do
    "$BIN" quality --data "$LFM" --recipe "$r" > "$OUT/lfm_${r}_default.jsonl"
done
# shellcheck disable=SC2086
"$BIN" quality --data "$LFM" --recipe aws-sims $BAG_SIMS > "$OUT/lfm_sims_bag.jsonl"
# shellcheck disable=SC2086
"$BIN" quality --data "$LFM" --recipe aws-user-personalization $BAG_UP --hpo-jobs 16 --hpo-serving 4 \
    --inner-splits 2 > "$OUT/lfm_up_bag_hpo.jsonl" 2> "$OUT/lfm_up_bag_hpo.log"

S=ops/bench/recipes/summarize.py
echo "## ml-latest-small"
python3 "$S" \
    "popularity-count=$OUT/ml_aws-popularity-count_default.jsonl" \
    "trending-now=$OUT/ml_aws-trending-now_default.jsonl" \
    "sims (defaults)=$OUT/ml_aws-sims_default.jsonl" \
    "sims (HPO)=$OUT/ml_sims_hpo.jsonl" \
    "user-personalization (defaults)=$OUT/ml_aws-user-personalization_default.jsonl" \
    "user-personalization (HPO)=$OUT/ml_up_hpo.jsonl" \
    "personalized-ranking (defaults)=$OUT/ml_aws-personalized-ranking_default.jsonl"
echo "## Last.fm"
python3 "$S" \
    "popularity-count=$OUT/lfm_aws-popularity-count_default.jsonl" \
    "sims (defaults, ID order)=$OUT/lfm_aws-sims_default.jsonl" \
    "user-personalization (defaults, ID order)=$OUT/lfm_aws-user-personalization_default.jsonl" \
    "sims (bag)=$OUT/lfm_sims_bag.jsonl" \
    "user-personalization (bag, HPO)=$OUT/lfm_up_bag_hpo.jsonl"
