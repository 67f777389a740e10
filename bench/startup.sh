#!/usr/bin/env bash
# bench/startup.sh BUILD_DIR [RUNS] - start-up of missionc's commands on a tiny input:
# `eval` of a one-row CSV through the JIT (object cache warm, and with MISSIONC_CACHE=0),
# through the interpreter, `missionc-native --version` (loading LLVM and nothing else) and
# `check` (no LLVM). Medians of wall time and the mean CPU time (user + system, steadier
# on a shared machine), by hyperfine. BASELINE=/path/to/an/older/missionc (its folder
# holding its missionc-native) adds its runs, interleaved per case. Asserts nothing.
set -euo pipefail
build=${1:?usage: bench/startup.sh BUILD_DIR [RUNS]}
runs=${2:-40}
here=$(cd "$(dirname "$0")" && pwd)
command -v hyperfine >/dev/null || { echo "bench/startup.sh needs hyperfine (bash .ci/setup)"; exit 2; }
cmake --build "$build" --target missionc >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'base,est,tgt,rate,spend,budget\n1,2,3,4,5,6\n' >"$work/one.csv"
m=$here/peers.mission
export MISSIONC_CACHE_DIR=$work/cache
echo "machine: $(uname -m), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %-9s %10s %10s\n' case tool "median ms" "CPU ms"
one() {   # label tool command...
  local label=$1 tool=$2
  shift 2
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/h.json" "$*" >/dev/null 2>&1
  python3 - "$label" "$tool" "$work/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[3]))["results"][0]
print(f"{sys.argv[1]:<34} {sys.argv[2]:<9} {r['median'] * 1e3:10.1f} {(r['user'] + r['system']) * 1e3:10.1f}")
PY
}
tools=("missionc=$build/missionc")
[ -n "${BASELINE:-}" ] && tools+=("baseline=$BASELINE")
for spec in "eval, JIT, cache warm|eval $m --input $work/one.csv" \
            "eval, JIT, MISSIONC_CACHE=0|eval $m --input $work/one.csv" \
            "eval --engine interp|eval $m --input $work/one.csv --engine interp" \
            "--version --verbose (loads LLVM)|--version --verbose" \
            "check (no LLVM)|check $m"; do
  label=${spec%%|*} args=${spec#*|}
  for t in "${tools[@]}"; do
    name=${t%%=*} mc=${t#*=}
    if [[ $label == *CACHE=0* ]]; then one "$label" "$name" env MISSIONC_CACHE=0 "$mc" $args
    else one "$label" "$name" "$mc" $args; fi
  done
done
