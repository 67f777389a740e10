#!/usr/bin/env bash
# eval_reading.sh MISSIONC SOURCE_DIR BINARY_DIR - how `missionc eval` reads a regular
# file: the output is the same as from a pipe (which gives short reads) when the file
# ends on a page or piece boundary (with and without a final line feed) and when
# standard input is a file already read past its first line; the peak resident size
# does not grow with the file. (eval_pieces.sh: quotes, threads and errors across pieces.)
set -euo pipefail
missionc=$1 bin=$3
work=$bin/eval-reading
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
  "$missionc" eval m.mission --input "$f" -o file.csv --no-progress "$@"
  cat "$f" | "$missionc" eval m.mission --input - -o piped.csv --no-progress "$@"
  cmp -s file.csv piped.csv || fail "$f $*: the outputs of the file and of a pipe differ: $(diff file.csv piped.csv | head -4)"
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
    [ "$(wc -l <file.csv)" = "$(($(wc -l <"page${size}_$lf.csv") + 1 - lf))" ] ||
      fail "page${size}_$lf.csv: $(wc -l <file.csv) output lines"
  done
done

# standard input a regular file whose offset is past its first line (bash's `read`
# leaves it there): the CSV starts at the second line
{ echo "skipped line"; cat page8192_1.csv; } >offset.csv
(read -r _; "$missionc" eval m.mission --input - -o off.csv --no-progress) <offset.csv
"$missionc" eval m.mission --input page8192_1.csv -o want.csv --no-progress
cmp -s off.csv want.csv || fail "standard input at an offset: $(diff off.csv want.csv | head -4)"

# the peak resident size: 2 MB and 16 MB of records, within 4 MB of each other on one thread
# (were the pieces kept, 14 MB more)
awk 'BEGIN { print "a,b"; for (i = 0; i < 150000; i++) printf "%d.%d,%d\n", i, i % 1000, i % 77 }' >small.csv
for k in 1 2 3 4 5 6 7 8; do tail -n +2 small.csv; done | { echo "a,b"; cat; } >big.csv
/usr/bin/time -f %M -o small.rss "$missionc" eval m.mission --input small.csv -o /dev/null --threads 1 --no-progress
/usr/bin/time -f %M -o big.rss "$missionc" eval m.mission --input big.csv -o /dev/null --threads 1 --no-progress
small=$(tail -1 small.rss) big=$(tail -1 big.rss)
[ $((big - small)) -lt 4096 ] || fail "peak RSS $small KB on 2 MB, $big KB on 16 MB: the pieces are kept"

echo "ok"
