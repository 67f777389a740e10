#!/usr/bin/env bash
# bench/run.sh - front-end throughput: parse and check of generated missions of
# 25k..200k lines (linearity), against a baseline measured in the same run
# (reading the file: `cat > /dev/null`; and `luac5.4 -p` on a Lua file of the
# same size when lua5.4 is installed). Prints medians from hyperfine and ratios.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMISSIONC_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target missionc >/dev/null
mc=$build/missionc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v hyperfine >/dev/null || { echo "bench needs hyperfine (apt-get install hyperfine)"; exit 2; }

median() {   # command... -> median seconds
  hyperfine -N --warmup 2 --runs "${RUNS:-10}" --export-json "$work/h.json" "$@" >/dev/null 2>&1
  python3 -c "import json;print(json.load(open('$work/h.json'))['results'][0]['median'])"
}

printf '%8s %9s %10s %10s %12s %10s %12s\n' lines MB parse_ms check_ms parse_lines/s MB/s check_lines/s
for n in 25000 50000 100000 200000; do
  f=$work/m$n.mission
  python3 "$root/bench/gen_mission.py" "$n" >"$f"
  lines=$(wc -l <"$f"); bytes=$(wc -c <"$f")
  cp "$root"/stdlib/std/units.mission "$work/" 2>/dev/null || true
  tp=$(median "$mc parse $f")
  tc=$(median "$mc check -Wno-unused $f")
  python3 - "$lines" "$bytes" "$tp" "$tc" <<'PY'
import sys
lines, size, tp, tc = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"{lines:8d} {size/1e6:9.2f} {tp*1e3:10.1f} {tc*1e3:10.1f} {lines/tp:12.0f} {size/1e6/tp:10.1f} {lines/tc:12.0f}")
PY
done

f=$work/m100000.mission
tcat=$(median "cat $f")
echo
echo "baseline on the 100k-line file: cat ${tcat}s"
if command -v luac5.4 >/dev/null; then
  python3 - "$work/t.lua" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("local t = {\n")
    for i in range(100000):
        f.write(f'  {{ name = "p{i}", lead = "a{i % 5}", weight = 0.{i % 10}, period = {{2022, 2030}} }},\n')
    f.write("}\n")
PY
  tl=$(median "luac5.4 -p $work/t.lua")
  tp=$(median "$mc parse $f")
  python3 -c "print(f'luac5.4 -p on 100k lines of table constructors: {$tl*1e3:.1f} ms; missionc parse / luac = {$tp/$tl:.2f}x')"
fi
