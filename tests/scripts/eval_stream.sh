#!/usr/bin/env bash
# eval_stream.sh MISSIONC SOURCE_DIR BINARY_DIR - `missionc eval` streams: its memory does
# not grow with the input.
#
# The same rules on 100,000 and on 800,000 rows from a pipe (never a file, so nothing
# can be mapped or read twice): the peak resident memory of the larger run stays
# within 24 MB of the smaller one, and both outputs have a row per input row.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/eval-stream
rm -rf "$work"
mkdir -p "$work"
cd "$work"
source "$2/tests/scripts/skip.bash"
command -v /usr/bin/time >/dev/null || skip_test "no /usr/bin/time (apt-get install time)"

cat >rules.mission <<'MISSION'
indicator a { unit 1 }
indicator b { unit 1 }
indicator c { unit 1 }
score s1 = clamp((a - b) / (a - c), 0, 1)
score s2 = min(1, a / 0.42) + (if b > c then c / b else 1)
condition big = a > 500000
MISSION

peak() {   # rows -> peak RSS in kB
  awk -v n="$1" 'BEGIN { print "a,b,c,padding"; for (i = 0; i < n; i++) printf "%d,%.6f,%d,%s\n", i, i / 7, n - i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }' |
    /usr/bin/time -f %M -o rss.txt "$missionc" eval rules.mission --input - >out.csv
  [ "$(wc -l <out.csv)" = $(("$1" + 1)) ] || { echo "FAIL: $(wc -l <out.csv) output lines for $1 rows" >&2; exit 1; }
  cat rss.txt
}
small=$(peak 100000)
large=$(peak 800000)
echo "peak RSS: $small kB for 100,000 rows, $large kB for 800,000 rows"
if [ "$large" -gt $((small + 24 * 1024)) ]; then
  echo "FAIL: memory grows with the input"; exit 1
fi
echo ok
