#!/usr/bin/env bash
# bench/check.sh [BUILD_DIR] [LINES] - `missionc check` against `luac5.4 -p`, its peers.
#
#   1. Throughput: `missionc check` of a generated LINES-line mission (default 100,000;
#      bench/gen_mission.py) against `luac5.4 -p` of the Lua chunk of the same shape
#      (`gen_mission.py --lua`: the same declarations as table constructors, line for line).
#   2. Peak memory of both (/usr/bin/time -f %M), and missionc's against its input size.
#   3. Start-up: `missionc check` of the flagship example against `/bin/true` and
#      `luac5.4 -p` of a small Lua file.
#   4. With CALLGRIND=1 (and valgrind installed): instructions per line of `missionc
#      check` (and of BASE's), in all and split into parse (lexer included), check and
#      lint, from callgrind's inclusive counts. Instruction counts do not depend on the
#      machine's load.
#
# The machine is shared and noisy: every pair is measured in ROUNDS (default 5)
# interleaved hyperfine runs of RUNS (default 5, start-up: 20x as many) each, and the
# medians of all the samples are compared (wall time), with the mean CPU time (user +
# system), which a loaded machine disturbs less. BASE=OTHER_BUILD_DIR measures that
# build's missionc too, in the same rounds (before/after). Prints ratios measured in
# this run and the machine's load; asserts nothing. BUILD_DIR defaults to build-bench
# (Release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-bench}
lines=${2:-100000}
rounds=${ROUNDS:-5}
runs=${RUNS:-5}
for tool in hyperfine luac5.4 /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "bench/check.sh needs $tool (bash .ci/setup installs it)"; exit 2; }
done
if [[ ! -x $build/missionc ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMISSIONC_TESTS=OFF >/dev/null
  cmake --build "$build" -j2 --target missionc >/dev/null
fi
mc=$build/missionc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# interleave N CMD... -> "median_seconds cpu_seconds" per command, one a line: ROUNDS
# rounds, each command N times per round; the median over every sample of a command and
# its mean user + system time.
interleave() {
  local n=$1; shift
  local i=0 r
  for ((r = 0; r < rounds; r++)); do
    i=0
    for cmd in "$@"; do
      hyperfine -N --warmup 1 --runs "$n" --export-json "$work/h$i.$r.json" "$cmd" >/dev/null 2>&1
      i=$((i + 1))
    done
  done
  python3 - "$work" "$rounds" "$#" <<'PY'
import json, statistics, sys
work, rounds, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    times, cpu = [], []
    for r in range(rounds):
        res = json.load(open(f"{work}/h{i}.{r}.json"))["results"][0]
        times += res["times"]
        cpu.append(res["user"] + res["system"])
    print(statistics.median(times), statistics.mean(cpu))
PY
}

# peak LABEL CMD... -> peak resident set in KB (the smallest of 3: the least disturbed)
peak() {
  local best=0 kb
  for _ in 1 2 3; do
    /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || true
    kb=$(tail -1 "$work/rss")
    if ((best == 0 || kb < best)); then best=$kb; fi
  done
  echo "$best"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); missionc: $mc"
mission=$work/bench.mission lua=$work/bench.lua
python3 "$root/bench/gen_mission.py" "$lines" >"$mission"
python3 "$root/bench/gen_mission.py" --lua "$lines" >"$lua"
"$mc" check "$mission" >/dev/null 2>&1 || true   # warm the page cache
luac5.4 -p "$lua"
base=${BASE:+$BASE/missionc}
cmds=("$mc check $mission" "luac5.4 -p $lua")
[[ -n $base ]] && cmds+=("$base check $mission")
read -r t_mc c_mc t_lua c_lua t_base c_base < <(interleave "$runs" "${cmds[@]}" | paste -sd' ')
m_mc=$(peak "$mc" check "$mission")
m_lua=$(peak luac5.4 -p "$lua")
m_base=0
[[ -n $base ]] && m_base=$(peak "$base" check "$mission")
size_mc=$(wc -c <"$mission") size_lua=$(wc -c <"$lua")
python3 - "$lines" "$size_mc" "$size_lua" "$t_mc" "$c_mc" "$t_lua" "$c_lua" "$m_mc" "$m_lua" \
  "${t_base:-0}" "${c_base:-0}" "$m_base" <<'PY'
import sys
lines, smc, slua = (int(x) for x in sys.argv[1:4])
tmc, cmc, tlua, clua = (float(x) for x in sys.argv[4:8])
mmc, mlua = int(sys.argv[8]), int(sys.argv[9])
tb, cb, mb = float(sys.argv[10]), float(sys.argv[11]), int(sys.argv[12])
print(f"\nthroughput on {lines} generated lines (wall: median of interleaved runs; cpu: mean user+sys):")
row = lambda name, size, t, c, m: print(f"  {name:16s} {size / 1e6:5.2f} MB  wall {t * 1e3:7.1f} ms  cpu {c * 1e3:7.1f} ms"
                                        f"  {lines / t:8.0f} lines/s  peak {m / 1024:6.1f} MB")
row("missionc check", smc, tmc, cmc, mmc)
row("luac5.4 -p", slua, tlua, clua, mlua)
if tb:
    row("BASE check", smc, tb, cb, mb)
print(f"  time: missionc check / luac -p = {tmc / tlua:.2f}x wall, {cmc / clua:.2f}x cpu (goal <= 1.5x)")
print(f"  peak memory: missionc check / its input = {mmc * 1024 / smc:.1f}x (goal <= 10x); "
      f"/ luac -p = {mmc / mlua:.2f}x")
if tb:
    print(f"  against BASE: {tb / tmc:.2f}x faster wall, {cb / cmc:.2f}x cpu, {mb / mmc:.2f}x less peak memory")
PY

# instructions per line (callgrind): total, parse (lexer included), check, lint
instr_per_line() {
  local bin=$1 out=$work/cg.$RANDOM
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" check "$mission" >/dev/null 2>"$out.log" || true
  python3 - "$out" "$lines" "$bin" <<'PY'
import re, subprocess, sys
out, lines, binary = sys.argv[1], int(sys.argv[2]), sys.argv[3]
text = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True, text=True).stdout
def incl(fn):
    m = re.search(r"^\s*([\d,]+) .*:%s \[" % fn, text, re.M)
    return int(m.group(1).replace(",", "")) if m else 0
total = int(re.search(r"Collected : (\d+)", open(out + ".log").read()).group(1))
print(f"  {binary}: {total / lines:7.0f} instructions a line (parse {incl('parse_file') / lines:.0f}, "
      f"check {incl('check_program') / lines:.0f}, lint {incl('lint_run') / lines:.0f}; {total / 1e6:.1f}M in all)")
PY
}
if [[ ${CALLGRIND:-0} == 1 ]] && command -v valgrind >/dev/null; then
  echo -e "\ninstructions per line (callgrind, inclusive counts):"
  instr_per_line "$mc"
  [[ -n $base ]] && instr_per_line "$base"
fi

# start-up: a small file of each
flagship=$root/examples/climate_neutral_cities.mission
python3 "$root/bench/gen_mission.py" --lua 300 >"$work/small.lua"
cmds=(/bin/true "$mc check $flagship" "luac5.4 -p $work/small.lua")
[[ -n $base ]] && cmds+=("$base check $flagship")
read -r t_true _ t_check c_check t_lsmall _ t_bcheck c_bcheck < <(interleave $((runs * 20)) "${cmds[@]}" | paste -sd' ')
python3 - "$t_true" "$t_check" "$c_check" "$t_lsmall" "${t_bcheck:-0}" "${c_bcheck:-0}" <<'PY'
import sys
t_true, t_check, c_check, t_lua, t_base, c_base = (float(x) for x in sys.argv[1:7])
print("\nstart-up (wall: medians of interleaved runs; cpu: mean user+sys):")
print(f"  /bin/true                                 {t_true * 1e3:6.2f} ms")
print(f"  missionc check (flagship example)         {t_check * 1e3:6.2f} ms  cpu {c_check * 1e3:5.2f} ms"
      f"  (goal <= 5 ms; {(t_check - t_true) * 1e3:.2f} ms over /bin/true)")
if t_base:
    print(f"  BASE missionc check (flagship example)    {t_base * 1e3:6.2f} ms  cpu {c_base * 1e3:5.2f} ms")
print(f"  luac5.4 -p (300 lines of the same shape)  {t_lua * 1e3:6.2f} ms")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
