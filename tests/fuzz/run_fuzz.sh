#!/bin/sh
# run_fuzz.sh TARGET CORPUS WORK SECONDS: runs one fuzz target for SECONDS,
# seeded, over a copy of CORPUS in WORK/corpus (what it finds stays in the
# build tree, never in the source tree's corpus); a crash's input goes to
# WORK/artifacts/. Exit status: the fuzzer's (0: no crash).
set -eu
target=$1 corpus=$2 work=$3 seconds=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$corpus"/* "$work/corpus/"
# -close_fd_mask=3: the parsers' own messages (thousands a second) are not
# shown; libFuzzer's report and the sanitizers' still are
exec "$target" -seed=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus"
