#!/usr/bin/env bash
# adversarial_blowup.sh MISSIONC SOURCE_DIR BINARY_DIR - inputs built to take exponential
# time or to overflow the stack finish quickly, with the right values or a clear error.
#
# Time is bounded by ctest's TIMEOUT (CMakeLists.txt), never by a timed assertion:
#   - fns that each call the next twice (18 levels, 2^18 inlined copies) are refused
#     with E0620 by check, eval (both engines) and build;
#   - a chain of 2,000 scores, each using the previous one twice, compiles in linear
#     time and both engines agree;
#   - a chain of 30,000 scores and one of 1,000 typed fns evaluate without recursing
#     deeply on the C stack; 20,000 nested fn calls are refused (E0611);
#   - 1,000,000 nested parentheses, unary minus signs, `not`s, `if`s and unit
#     parentheses, and a 200,000-term sum, are clear errors (E0109, E0611);
#     --dump-ast of a 3,999-level formula is small.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/adversarial-blowup
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export MISSIONC_CACHE=0

# run NAME STATUS ERR-REGEX ARGS...: missionc ARGS, its exit status and a message
run() {
  local name=$1 want=$2 err_re=$3 status
  shift 3
  set +e
  "$missionc" "$@" >"$name.out" 2>"$name.err"
  status=$?
  set -e
  [ "$status" -lt 128 ] || fail "$name: killed by signal $((status - 128))"
  [ "$status" = "$want" ] || fail "$name: exit status $status, expected $want: $(head -c 400 "$name.err")"
  [ -z "$err_re" ] || grep -Eq "$err_re" <(head -c 4000 "$name.err" | tr '\n' '|') ||
    fail "$name: messages $(head -c 400 "$name.err") do not match $err_re"
}

"$py" - <<'EOF'
def write(name, lines):
    open(name, "w").write("\n".join(lines) + "\n")

n = 18
write("fn18.mission", ["indicator a { unit 1 }"]
      + [f"fn f{i}(x) = f{i+1}(x) + f{i+1}(x*2)" for i in range(n)]
      + [f"fn f{n}(x) = x", "score s = f0(a)"])
write("chain2000.mission", ["indicator a { unit 1 }", "indicator b { unit % }", "score r0 : % = a * 1 % + b"]
      + [f"score r{i} : % = r{i-1} * 0.5 + r{i-1} * 0.25 + 1 %" for i in range(1, 2000)]
      + ["condition c = r1999 > 2 %"])
write("chain30k.mission", ["indicator a { unit 1 }", "score r0 = a"]
      + [f"score r{i} = r{i-1} + 1" for i in range(1, 30000)])
write("fnchain.mission", ["indicator a { unit 1 }"]
      + [f"fn g{i}(x: 1) = g{i+1}(x) + 1" for i in range(1000)]
      + ["fn g1000(x: 1) = x", "score s = g0(a)"])
write("fnchain20k.mission", ["indicator a { unit 1 }"]
      + [f"fn g{i}(x: 1) = g{i+1}(x) + 1" for i in range(20000)]
      + ["fn g20000(x: 1) = x", "score s = g0(a)"])
N = 1000000
write("parens.mission", ["indicator x { unit 1 }", "score s = " + "(" * N + "x" + ")" * N])
write("minus.mission", ["indicator x { unit 1 }", "score s = " + "-" * N + "x"])
write("nots.mission", ["indicator x { unit 1 }", "condition s = " + "not " * (N // 4) + "x > 1"])
write("ifs.mission", ["indicator x { unit 1 }", "score s = " + "if x > 1 then 1 else " * (N // 10) + "2"])
write("unit.mission", ["unit u = " + "(" * N + "1" + ")" * N, "indicator x { unit u }"])
write("sum.mission", ["indicator x { unit 1 }", "score s = x" + " + x" * 200000])
write("sum3999.mission", ["indicator x { unit 1 }", "score s = x" + " + x" * 3998])
write("rows.csv", ["a,b,x", "1,2,3", "2,4,5", "-1,0.5,7"])
EOF

# exponential fns: refused, quickly, by every command that evaluates
for cmd in check "eval -i rows.csv" "eval -i rows.csv --engine interp" "build -o fn18.o"; do
  # shellcheck disable=SC2086
  run "fn18-${cmd%% *}" 1 "fn18.mission:21:11: error\[E0620\]: score 's' expands to more than 100000 operations through calls of functions.*note: each call of 'f0' expands to 2097145 operations" $cmd fn18.mission
done

# a chain of 2,000 scores: linear, and the engines agree
run chain-jit 0 '' eval chain2000.mission -i rows.csv
run chain-interp 0 '' eval chain2000.mission -i rows.csv --engine interp
cmp -s chain-jit.out chain-interp.out || fail "chain of 2,000: the engines differ"
[ "$(head -1 chain-jit.out | tr ',' '\n' | wc -l)" = 2001 ] || fail "chain of 2,000: wrong columns"
# (`build` of such a chain is quadratic today: issue 20, item 9)

# deep chains: no recursion on the C stack
run chain30k-jit 0 '' eval chain30k.mission -i rows.csv --rules r29999 -O none
run chain30k-interp 0 '' eval chain30k.mission -i rows.csv --rules r29999 --engine interp
[ "$(tr '\n' ' ' <chain30k-jit.out)" = "r29999 30000 30001 29998 " ] || fail "chain of 30,000: $(cat chain30k-jit.out)"
cmp -s chain30k-jit.out chain30k-interp.out || fail "chain of 30,000: the engines differ"
run fnchain-jit 0 '' eval fnchain.mission -i rows.csv -O none
run fnchain-interp 0 '' eval fnchain.mission -i rows.csv --engine interp
[ "$(tr '\n' ' ' <fnchain-jit.out)" = "s 1001 1002 999 " ] || fail "1,000 fns: $(cat fnchain-jit.out)"
cmp -s fnchain-jit.out fnchain-interp.out || fail "1,000 fns: the engines differ"
run fnchain20k 1 "error\[E0611\]: score 's' is nested too deeply \(more than 4000 levels\) once its calls of functions are expanded" \
  eval fnchain20k.mission -i rows.csv

# deep nesting: clear errors
for f in parens minus nots ifs unit; do
  run "$f" 1 "^$f.mission:[12]:[0-9]+: error\[E0109\]: memory exhausted \(nesting too deep\?\)" check $f.mission
done
run sum 1 "error\[E0611\]: this formula is nested too deeply \(more than 4000 levels\)" check sum.mission
for cmd in export "graph --view rules" "eval -i rows.csv"; do
  # shellcheck disable=SC2086
  run "sum-${cmd%% *}" 1 "error\[E0611\]" $cmd sum.mission
done
run sum-dump 0 '' parse --dump-ast sum.mission
[ "$(wc -c <sum-dump.out)" -lt 1000000 ] || fail "--dump-ast of a deep formula is $(wc -c <sum-dump.out) bytes"
run sum3999 0 '' eval sum3999.mission -i rows.csv --engine interp
[ "$(sed -n 2p sum3999.out)" = 11997 ] || fail "3,999 terms: $(sed -n 2p sum3999.out)"
run sum3999-jit 0 '' eval sum3999.mission -i rows.csv
cmp -s sum3999.out sum3999-jit.out || fail "3,999 terms: the engines differ"
echo "ok: exponential fns refused; chains of 2,000 and 30,000 scores, 1,000 and 20,000 fns; nesting errors"
