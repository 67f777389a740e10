#!/usr/bin/env bash
# bench/eval.sh BUILD_DIR [ROWS] - the evaluator's benchmark, end to end.
#
#   1. BUILD_DIR/bench_eval (built here): the batch kernel against hand-written C
#      (cc -O3 -march=native), compile latency for 1, 100 and 1,000 rules, the object
#      cache; see bench/bench_eval.c.
#   2. `missionc eval --time` on a CSV of ROWS rows (default 1,000,000) x 6 columns:
#      rows/s on 1 thread and on all cores, and where the CPU time goes (reading the
#      CSV, parsing cells, evaluating, formatting, writing); with the interpreter too.
#
# Prints ratios measured in the same run; asserts nothing.
set -euo pipefail
build=${1:?usage: bench/eval.sh BUILD_DIR [ROWS]}
rows=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
make -C "$build" --no-print-directory missionc bench_eval >/dev/null
"$build/bench_eval"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/bench.mission" <<'MISSION'
indicator b { unit 1 }
indicator e { unit 1 }
indicator t { unit 1 }
indicator r { unit 1 }
indicator s { unit 1 }
indicator B { unit 1 }
score fit = 0.4*clamp((b-e)/(b-t),0,1) + 0.3*min(1, r/0.42) + 0.3*(if s > B then B/s else 1)
MISSION
awk -v n="$rows" 'BEGIN { srand(7); print "b,e,t,r,s,B";
  for (i = 0; i < n; i++) printf "%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", rand()*10-1, rand()*10-1, rand()*10-1, rand()*10-1, rand()*10-1, rand()*10-1 }' \
  >"$work/rows.csv"
size=$(du -m "$work/rows.csv" | cut -f1)
echo "missionc eval on $rows rows x 6 columns (${size} MB), best of 3:"
run() {   # label, options...
  local label=$1 best="" line=""
  shift
  for _ in 1 2 3; do
    "$build/missionc" eval "$work/bench.mission" --input "$work/rows.csv" -o "$work/out.csv" --time "$@" 2>"$work/time.txt"
    local rps
    rps=$(sed -n 's/.*(\([0-9]*\) rows\/s).*/\1/p' "$work/time.txt" | head -1)
    if [ -z "$best" ] || [ "$rps" -gt "$best" ]; then best=$rps; line=$(sed -n 2p "$work/time.txt"); fi
  done
  printf '  %-24s %10s rows/s\n  %-24s %s\n' "$label" "$best" "" "${line#missionc eval: }"
}
run "JIT, 1 thread" --threads 1
run "JIT, all cores"
run "interpreter, all cores" --engine interp
