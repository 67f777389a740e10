#!/usr/bin/env bash
# bench/dask.sh BUILD_DIR [ROWS] [ROUNDS] - the Python package and Dask against
# `missionc eval`, on ROWS rows (default 5,000,000) x 6 number columns and the three
# rules of bench/dask_rules.mission (one score and two rules that use it).
#
# Measured in the same run, ROUNDS rounds (default 3) interleaved, medians:
#   missionc eval, CSV in -> CSV out, on 1 thread and on 2: the baseline;
#   missionc.Evaluator on columns already in memory (the kernel through ctypes:
#     fused, per rule, and on 2 threads; 5 timed calls a round);
#   pandas read_csv + Evaluator + to_csv in one process;
#   Dask on a distributed.LocalCluster of 1 and of 2 worker processes (1 thread
#     each): dd.read_csv -> missionc.dask.evaluate -> to_csv, one file per partition;
#     and the same with the results summed instead of written.
# MISSIONC_BENCH_ONLY=REGEX runs only the cases whose label matches (and the baseline),
# e.g. "eval|Evaluator". Prints rows/s and ratios; asserts nothing. Uses Debian's python3 and its packages
# (bash .ci/setup installs them).
set -euo pipefail
build=${1:?usage: bench/dask.sh BUILD_DIR [ROWS] [ROUNDS]}
rows=${2:-5000000}
rounds=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
[ -x "$python" ] || python=python3
cmake --build "$build" --target missionc >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$rows" 'BEGIN { srand(7); print "b,e,t,r,s,B";
  for (i = 0; i < n; i++) printf "%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", rand()*10-1, rand()*10-1, rand()*10-1, rand()*10-1, rand()*10-1, rand()*10-1 }' \
  >"$work/rows.csv"
"$build/missionc" build "$here/dask_rules.mission" -o "$work/libbench.so"
PYTHONPATH="$here/../python" PYTHONDONTWRITEBYTECODE=1 \
  "$python" "$here/dask_bench.py" "$build/missionc" "$here/dask_rules.mission" "$work" "$rows" "$rounds"
