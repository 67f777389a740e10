#!/usr/bin/env bash
# bench/peers.sh BUILD_DIR [ROUNDS] - `missionc eval` against DuckDB, Polars and
# pandas+numpy on the same CSV, the same formula (bench/peers.mission), the same output
# (one column `fit`), for several shapes of numbers:
#
#   short  5,000,000 rows of %.6g        (the issue's "5M rows of short numbers")
#   long17 1,000,000 rows of %.17g       (17 significant digits: every parser's slow path)
#   int    2,000,000 rows of integers
#   sci    2,000,000 rows of %.4e
#
# ROWS_short=... etc. change the row counts; SHAPES="short sci" runs only those shapes. Each tool runs on 1 thread and on 2
# (pandas on 1); the runs are interleaved (round after round, every tool once a
# round, each timed by `hyperfine --runs 1`) and the medians compared. The outputs of
# the first round are checked to agree with missionc's, value for value (bits).
# BASELINE=/path/to/an/older/missionc adds it to the runs (before/after).
# DuckDB (npm @duckdb/node-api) and Polars (npm nodejs-polars) are installed into
# ${MISSIONC_BENCH_PEERS:-~/.cache/missionc/bench-peers}, outside the repository.
# Not a test: prints medians and ratios, asserts nothing.
set -euo pipefail
build=${1:?usage: bench/peers.sh BUILD_DIR [ROUNDS]}
rounds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
peers=${MISSIONC_BENCH_PEERS:-$HOME/.cache/missionc/bench-peers}
command -v hyperfine >/dev/null || { echo "bench/peers.sh needs hyperfine (bash .ci/setup)"; exit 2; }
command -v node >/dev/null || { echo "bench/peers.sh needs node and npm (bash .ci/setup)"; exit 2; }
if [ ! -d "$peers/node_modules/@duckdb/node-api" ] || [ ! -d "$peers/node_modules/nodejs-polars-linux-x64-gnu" ]; then
  echo "installing @duckdb/node-api and nodejs-polars (npm) into $peers"
  mkdir -p "$peers"
  npm install --prefix "$peers" --no-audit --no-fund --loglevel=error \
    @duckdb/node-api@1.5.6-r.1 nodejs-polars@0.26 nodejs-polars-linux-x64-gnu@0.26 >/dev/null
fi
cmake --build "$build" --target missionc >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shape rows printf-format: six columns; base and tgt never print alike (no 0/0)
make_csv() {
  awk -v n="$2" -v f="$3" 'BEGIN { srand(11); print "base,est,tgt,rate,spend,budget";
    for (i = 0; i < n; i++) {
      b = sprintf(f, rand()*10-1); do t = sprintf(f, rand()*10-1); while (t + 0 == b + 0)
      printf "%s,%s,%s," f "," f "," f "\n", b, sprintf(f, rand()*10-1), t, rand()*10-1, rand()*10-1, rand()*10-1 } }' \
    >"$work/$1.csv"
}
make_csv short "${ROWS_short:-5000000}" "%.6g"
make_csv long17 "${ROWS_long17:-1000000}" "%.17g"
awk -v n="${ROWS_int:-2000000}" 'BEGIN { srand(13); print "base,est,tgt,rate,spend,budget";
  for (i = 0; i < n; i++) { b = int(rand()*20000-1000); do t = int(rand()*20000-1000); while (t == b)
    printf "%d,%d,%d,%d,%d,%d\n", b, int(rand()*20000-1000), t, int(rand()*1000), int(rand()*20000), int(rand()*20000) } }' \
  >"$work/int.csv"
make_csv sci "${ROWS_sci:-2000000}" "%.4e"

NODE_PATH="$peers/node_modules" exec /usr/bin/python3 "$here/peers_run.py" "$build/missionc" "$here" "$work" "$rounds" "${BASELINE:-}"
