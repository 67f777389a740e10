#!/usr/bin/env bash
# eval_mapped.sh MISSIONC SOURCE_DIR BINARY_DIR - `missionc eval` maps a regular input
# file instead of reading it (pipes, devices and compressed input are read): the output
# is the same as from a pipe when the file ends on a page boundary (with and without a
# final line feed), when standard input is a file already read past its first line, and
# over many pieces on 1 and 2 threads; the pieces written are dropped from memory, so the
# peak resident size does not grow with the file; a file that shrinks under the mapping is
# a clear error.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/eval-mapped
rm -rf "$work"
mkdir -p "$work"
cd "$work"
source "$2/tests/scripts/skip.bash"
command -v /usr/bin/time >/dev/null || skip_test "no /usr/bin/time (apt-get install time)"
fail() { echo "FAIL: $*"; exit 1; }
printf 'indicator a { unit 1 }\nindicator b { unit 1 }\nscore s = a * 2 + b / 3\n' >m.mission

# same_as_pipe FILE ARGS...: eval of FILE equals eval of the same bytes through a pipe
same_as_pipe() {
  local f=$1
  shift
  "$missionc" eval m.mission --input "$f" -o mapped.csv --no-progress "$@"
  cat "$f" | "$missionc" eval m.mission --input - -o piped.csv --no-progress "$@"
  cmp -s mapped.csv piped.csv || fail "$f $*: mapped and piped outputs differ: $(diff mapped.csv piped.csv | head -4)"
}

# page_file BYTES FINAL_LF: records of a and b, the last one padded so that the file is
# exactly BYTES long
page_file() {
  python3 - "$1" "$2" <<'PY'
import sys
n, lf = int(sys.argv[1]), sys.argv[2] == "1"
rows, size, i = ["a,b\n"], 4, 0
while size < n - 60:
    r = f"{i},{i % 97}.{i % 13}\n"
    rows.append(r)
    size += len(r)
    i += 1
last = "1," + "7" * (n - size - 4 - lf) + ".5" + ("\n" if lf else "")
open(f"page{n}_{int(lf)}.csv", "w").write("".join(rows) + last)
PY
  [ "$(wc -c <"page$1_$2.csv")" = "$1" ] || fail "page$1_$2.csv is not $1 bytes"
}
for size in 4096 8192 1048576; do
  for lf in 0 1; do
    page_file "$size" "$lf"
    same_as_pipe "page${size}_$lf.csv"
    [ "$(wc -l <mapped.csv)" = "$(($(wc -l <"page${size}_$lf.csv") + 1 - lf))" ] ||
      fail "page${size}_$lf.csv: $(wc -l <mapped.csv) output lines"
  done
done

# standard input a regular file whose offset is past its first line (bash's `read`
# leaves it there): the CSV starts at the second line
{ echo "skipped line"; cat page8192_1.csv; } >offset.csv
(read -r _; "$missionc" eval m.mission --input - -o off.csv --no-progress) <offset.csv
"$missionc" eval m.mission --input page8192_1.csv -o want.csv --no-progress
cmp -s off.csv want.csv || fail "standard input at an offset: $(diff off.csv want.csv | head -4)"

# many pieces, with quoted fields (a comma, a quote, a line feed) and CRLF lines
awk 'BEGIN { print "note,a,b"; for (i = 0; i < 120000; i++) {
    n = i % 5 == 0 ? "\"x,\"\"" i "\"\"\n y\"" : "n" i
    printf "%s,%d,%.3f%s", n, i, i / 7, i % 3 ? "\n" : "\r\n" } }' >many.csv
[ "$(wc -c <many.csv)" -gt 2500000 ] || fail "many.csv must span several pieces"
for t in 1 2; do same_as_pipe many.csv --threads "$t" --keep note; done

# the peak resident size: 2 MB and 16 MB of records, within 4 MB of each other on one thread (the
# same as from a pipe; were the pieces kept, 14 MB more)
awk 'BEGIN { print "a,b"; for (i = 0; i < 150000; i++) printf "%d.%d,%d\n", i, i % 1000, i % 77 }' >small.csv
for k in 1 2 3 4 5 6 7 8; do tail -n +2 small.csv; done | { echo "a,b"; cat; } >big.csv
/usr/bin/time -f %M -o small.rss "$missionc" eval m.mission --input small.csv -o /dev/null --threads 1 --no-progress
/usr/bin/time -f %M -o big.rss "$missionc" eval m.mission --input big.csv -o /dev/null --threads 1 --no-progress
small=$(tail -1 small.rss) big=$(tail -1 big.rss)
[ $((big - small)) -lt 4096 ] || fail "peak RSS $small KB on 2 MB, $big KB on 16 MB: the mapped pieces are kept"

# a file that shrinks while it is read (pages past its new end are gone from the
# mapping): a clear error and status 2, the old output untouched and no temporary left;
# or, when the run was quicker than the truncation, the whole output. Never a signal.
for delay in 0.02 0.05 0.1; do
  cp big.csv shrinking.csv
  echo "old output" >kept.csv
  status=0
  "$missionc" eval m.mission --input shrinking.csv -o kept.csv --threads 1 --no-progress 2>shrank.err &
  pid=$!
  sleep "$delay"
  truncate -s 40960 shrinking.csv
  wait "$pid" || status=$?
  if [ "$status" = 2 ]; then
    grep -qx "missionc eval: error: cannot read shrinking.csv: the file shrank while it was read" shrank.err ||
      fail "a shrinking input: $(cat shrank.err)"
    [ "$(cat kept.csv)" = "old output" ] || fail "a shrinking input: the old output was changed"
  elif [ "$status" = 1 ]; then   # mapped after the truncation: a CSV cut mid-record
    grep -q "^shrinking.csv:[0-9]*:[0-9]*: error\[E0801\]" shrank.err || fail "a shrinking input: $(cat shrank.err)"
    [ "$(cat kept.csv)" = "old output" ] || fail "a shrinking input: the old output was changed"
  else
    [ "$status" = 0 ] || fail "a shrinking input: status $status: $(cat shrank.err)"
    [ "$(wc -l <kept.csv)" = "$(wc -l <big.csv)" ] || fail "a shrinking input: status 0 with a partial output"
  fi
  [ -z "$(find . -name '.*kept*' -o -name 'kept.csv.*')" ] || fail "a shrinking input left a temporary: $(ls -a)"
done
echo "ok"
