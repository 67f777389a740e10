#!/usr/bin/env bash
# adversarial_csv.sh MISSIONC SOURCE_DIR BINARY_DIR - hostile CSV inputs to `eval` and
# `status`: each gives the right values or a clear diagnostic, never a crash or a hang.
#
# A byte-order mark, CRLF line ends, a quoted newline, a NUL byte, invalid UTF-8, a
# 10 MB cell and a 10 MB header, NaN/inf/1e400/-0 and other number spellings, an empty
# file, a header alone, a directory and a FIFO; both engines give the same answer.
set -euo pipefail
export LC_ALL=C
missionc=$1 src=$2 bin=$3
work=$bin/adversarial-csv
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }

printf 'indicator x { unit 1 }\nscore s = x * 2\n' >c.mission

# matches FILE REGEX: the file's first 4000 bytes, lines joined by '|', match; '^$': empty
matches() {
  if [ "$2" = '^$' ]; then [ ! -s "$1" ]; else grep -Eq "$2" <(head -c 4000 "$1" | tr '\n' '|'); fi
}

# expect NAME STATUS STDOUT-REGEX STDERR-REGEX : eval c.mission on NAME.csv, both engines
expect() {
  local name=$1 want=$2 out_re=$3 err_re=$4 engine status
  for engine in jit interp; do
    set +e
    timeout 60 "$missionc" eval c.mission -i "$name.csv" --engine $engine >"$name.$engine.out" 2>"$name.$engine.err"
    status=$?
    set -e
    [ "$status" -lt 128 ] || fail "$name ($engine): killed by signal $((status - 128))"
    [ "$status" = "$want" ] || fail "$name ($engine): exit status $status, expected $want: $(head -c 300 "$name.$engine.err")"
    [ -z "$out_re" ] || grep -Eq "$out_re" <(tr '\n' '|' <"$name.$engine.out") ||
      fail "$name ($engine): output $(head -c 200 "$name.$engine.out" | tr '\n' '|') does not match $out_re"
    matches "$name.$engine.err" "$err_re" ||
      fail "$name ($engine): messages $(head -c 300 "$name.$engine.err") do not match $err_re"
  done
  cmp -s "$name.jit.out" "$name.interp.out" || fail "$name: the engines differ"
}

printf '\xef\xbb\xbfx\n1\n2\n' >bom.csv
expect bom 0 '^s\|2\|4\|$' '^$'
printf 'x\r\n1\r\n2\r\n' >crlf.csv
expect crlf 0 '^s\|2\|4\|$' '^$'
printf 'x,y\n"1\n",2\n3,4\n' >quoted_newline.csv
expect quoted_newline 1 '' "^quoted_newline.csv:2:2: error\[E0813\]: bad number '1.' in column 'x'"
printf 'x,y\n"a ""quoted"" cell, with comma",2\n"5",4\n' >quotes.csv
expect quotes 1 '' "^quotes.csv:2:1: error\[E0813\]: bad number 'a \"quoted\" cell, with comma' in column 'x'"
printf 'x\n1\n2\0003\n' >nul.csv
expect nul 1 '' '^nul.csv:3:1: error\[E0801\]: NUL byte in input'
printf 'x\n1\n\xff\xfe\n' >bad_utf8.csv
expect bad_utf8 1 '' "^bad_utf8.csv:3:1: error\[E0813\]: bad number '.*' in column 'x'"
printf '\xff\xfex\n1\n' >bad_utf8_header.csv
expect bad_utf8_header 1 '' "^bad_utf8_header.csv:1:4: error\[E0810\]: missing column 'x'"
awk 'BEGIN { printf "x\n"; s = "1"; while (length(s) < 10000000) s = s s; print s }' >long_cell.csv
expect long_cell 1 '' "^long_cell.csv:2:1: error\[E0813\]: bad number '1111"
[ "$(wc -c <long_cell.jit.err)" -lt 10000 ] || fail "a 10 MB cell is quoted in full"
awk 'BEGIN { s = "y"; while (length(s) < 10000000) s = s s; print "x," s; print "1,2" }' >long_header.csv
expect long_header 0 '^s\|2\|$' '^$'
printf 'x\nNaN\nnan\ninf\n-inf\nInfinity\n-0\n1e-400\n 1\n+1\n.5\n5.\n"2"\n\n' >numbers.csv
expect numbers 0 '^s\|nan\|nan\|inf\|-inf\|inf\|-0\|0\|2\|2\|1\|10\|4\|$' '^$'
for bad in 1e400 -1e400 0x10 1e 1,5 yes; do
  printf 'x\n%s\n' "$bad" >"num_$bad.csv"
  expect "num_$bad" 1 '' "^num_$bad.csv:2:[123]: error\[E08(01|13)\]: "
done
printf 'x\nnan\n1e400\n' >na.csv
"$missionc" eval c.mission -i na.csv --na=nan >na.out || fail "--na=nan failed"
[ "$(tr '\n' '|' <na.out)" = 's|nan|nan|' ] || fail "--na=nan: $(tr '\n' '|' <na.out)"
: >empty.csv
expect empty 1 '' '^empty.csv:1:1: error\[E0801\]: cannot read the header row: empty input'
printf 'x\n' >header_only.csv
expect header_only 0 '^s\|$' '^$'
mkdir -p a_directory
set +e
"$missionc" eval c.mission -i a_directory >/dev/null 2>dir.err
status=$?
set -e
[ "$status" -ge 1 ] && [ "$status" -le 2 ] || fail "a directory as input: exit status $status"
grep -q "a_directory: .*[Ii]s a directory" dir.err || fail "a directory as input: $(cat dir.err)"
mkfifo fifo
(printf 'x\n3\n' >fifo &)
[ "$(timeout 30 "$missionc" eval c.mission -i fifo | tr '\n' '|')" = 's|6|' ] || fail "a FIFO as input"
(printf 'x\n4\n' | timeout 30 "$missionc" eval c.mission -i - | tr '\n' '|' | grep -qx 's|8|') ||
  fail "standard input"

# status reads actuals: the same hostile files give coded diagnostics, never a crash
cp "$src/tests/golden/status/verdicts.mission" v.mission
actuals=$src/tests/golden/status/verdicts.actuals.csv
status_case() {   # NAME STATUS ERR-REGEX, actuals in s_NAME.csv
  local name=$1 want=$2 err_re=$3 status
  set +e
  timeout 60 "$missionc" status v.mission -Wno-no-review --input "s_$name.csv" --as-of 2025-06-30 >"s_$name.out" 2>"s_$name.err"
  status=$?
  set -e
  [ "$status" -lt 128 ] || fail "status $name: killed by signal $((status - 128))"
  [ "$status" = "$want" ] || fail "status $name: exit status $status, expected $want: $(head -c 300 "s_$name.err")"
  matches "s_$name.err" "$err_re" || fail "status $name: $(head -c 300 "s_$name.err")"
}
(printf '\xef\xbb\xbf'; cat "$actuals") >s_bom.csv
status_case bom 0 '^$'
sed 's/$/\r/' "$actuals" >s_crlf.csv
status_case crlf 0 '^$'
diff <(sed 1,3d s_bom.out) <(sed 1,3d s_crlf.out) >/dev/null || fail "status: BOM and CRLF give different reports"
(cat "$actuals"; printf '2025-04-01,1\0002,,,\n') >s_nul.csv
status_case nul 1 'error\[E08[0-9][0-9]\]: NUL byte in input'
(cat "$actuals"; printf '2025-04-01,\xff,,,\n') >s_utf8.csv
status_case utf8 1 "error\[E08[0-9][0-9]\]: invalid number"
(cat "$actuals"; printf '2025-04-01,NaN,inf,1e400,-0\n') >s_nonfinite.csv
status_case nonfinite 1 "'NaN' in column 'cities_done' is not a finite number.*'inf' in column 'emissions'.*invalid number '1e400'"
head -1 "$actuals" >s_header_only.csv
status_case header_only 0 '^$'
grep -q 'no data' s_header_only.out || fail 'status header only: no "no data" verdicts'
: >s_empty.csv
status_case empty 1 'error\[E08[0-9][0-9]\]: the actuals file is empty'
(cat "$actuals"; awk 'BEGIN { s = "9"; while (length(s) < 10000000) s = s s; print "2025-04-02," s ",,," }') >s_long.csv
status_case long 1 "error\[E08[0-9][0-9]\]: invalid number '9999"
(cat "$actuals"; printf '2025-04-03,"1\n2",,,\n') >s_quoted_newline.csv
status_case quoted_newline 1 "error\[E08[0-9][0-9]\]: invalid number '1"
mkdir -p s_dir.csv
status_case dir 2 "cannot read 's_dir.csv': it is a directory"
echo "ok: BOM, CRLF, quotes, NUL, invalid UTF-8, 10 MB cells, number spellings, empty, header only, directory, FIFO"
