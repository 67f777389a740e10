#!/usr/bin/env bash
# eval_pieces.sh MISSIONC SOURCE_DIR BINARY_DIR - eval cuts its input into pieces of
# about a megabyte after the last whole record (a line feed outside quotes) and parses
# them in parallel: on 6 MB of records with quoted fields holding commas, quotes, LF and
# CRLF, CRLF line ends and blank lines, the output is the same on 1, 2 and 3 threads,
# from plain, gzip and Zstandard input, and equals what Python's csv module computes;
# an error far into the input names its line in the whole input, counted across pieces
# and multi-line fields, whatever the thread count; --carry-forward gives Python's
# answer across pieces and places a row out of order at its line; memory stays bounded when 200 rules
# read one narrow column (the pieces shrink with the output they make).
set -euo pipefail
missionc=$1 bin=$3
work=$bin/eval-pieces
rm -rf "$work"
mkdir -p "$work"
cd "$work"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
printf 'indicator x { unit 1 }\nscore twice = x * 2\n' >m.mission
python3 - <<'PY'
import csv, io, random
random.seed(3)
words = ["plain", "a,b", 'say "hi"', "two\nlines", "cr\r\nlf", "x" * 300, "", "tail,\n\"q\""]
rows, expected, line = [], [], 2
out = io.StringIO()
with open("in.csv", "w", newline="") as f:
    f.write("note,x\r\n")
    for i in range(110000):
        note = random.choice(words) + str(i)
        x = random.randint(-10**6, 10**6)
        text = note
        if any(c in note for c in ',"\r\n'):
            text = '"' + note.replace('"', '""') + '"'
        end = "\r\n" if i % 3 else "\n"
        f.write(f"{text},{x}{end}")
        if i % 1000 == 999:
            f.write("\n")            # a blank line: skipped, but counted
        expected.append((note, 2 * x))
w = csv.writer(out, lineterminator="\n")
w.writerow(["note", "twice"])
for note, v in expected:
    w.writerow([note, v])
open("expected.csv", "w", newline="").write(out.getvalue())
# the same with a bad number in the last rows: its line in the whole file
lines = open("in.csv", newline="").read()
cut = lines.rfind("\n", 0, len(lines) - 1) + 1
bad = lines[:cut] + "bad,oops\n"
open("bad.csv", "w", newline="").write(bad)
open("bad_line.txt", "w").write(str(bad.count("\n")))
PY
fail() { echo "FAIL: $*"; exit 1; }
size=$(wc -c <in.csv)
[ "$size" -gt 4000000 ] || fail "the input is only $size bytes: it must span several pieces"
gzip -k in.csv
zstd -q -k in.csv 2>/dev/null || true
for t in 1 2 3; do
  "$missionc" eval m.mission --input in.csv -o "out$t.csv" --keep note --threads "$t" --no-progress
  cmp -s "out$t.csv" expected.csv || fail "--threads $t: output differs from Python's: $(diff "out$t.csv" expected.csv | head -5)"
  "$missionc" eval m.mission --input in.csv.gz -o gz.csv --keep note --threads "$t" --no-progress
  cmp -s gz.csv expected.csv || fail "--threads $t, gzip input: output differs"
  if [ -f in.csv.zst ]; then
    "$missionc" eval m.mission --input in.csv.zst -o zst.csv --keep note --threads "$t" --no-progress
    cmp -s zst.csv expected.csv || fail "--threads $t, zstd input: output differs"
  fi
  status=0
  "$missionc" eval m.mission --input bad.csv -o bad_out.csv --threads "$t" --no-progress 2>err.txt || status=$?
  [ "$status" = 1 ] || fail "--threads $t: a bad cell gives status $status"
  grep -q "^bad.csv:$(cat bad_line.txt):5: error\[E0813\]: bad number 'oops' in column 'x'" err.txt ||
    fail "--threads $t: the bad cell's line is not $(cat bad_line.txt): $(cat err.txt)"
  grep -qx "  bad,oops" err.txt || fail "--threads $t: the bad cell's line is not quoted: $(cat err.txt)"
  [ ! -e bad_out.csv ] || fail "--threads $t: a failed run wrote its output"
done
# --carry-forward across pieces: each empty x takes its key's last value (Python's
# answer), the carried text held beside the piece; an out-of-order row far into the
# input (after multi-line fields) is E0814 at its line in the whole input.
python3 - <<'PY'
import random
random.seed(5)
notes = ["plain", "a,b", "two\nlines", 'say "hi"']
last, out, line = {}, [], 2
bad_at = 149999 - 37 + 5 - 149999 % 37    # a late row of key 'k,5'
with open("carry.csv", "w", newline="") as f, open("carry_bad.csv", "w", newline="") as g:
    f.write("id,note,day,x\n")
    g.write("id,note,day,x\n")
    for i in range(150000):
        key = f'"k,{i % 37}"'
        note = random.choice(notes)
        text = '"' + note.replace('"', '""') + '"'
        x = "" if random.random() < 0.4 and i >= 37 else str(random.randint(-999, 999))
        f.write(f"{key},{text},{i},{x}\n")
        g.write(f"{key},{text},{7 if i == bad_at else i},{x}\n")
        if i == bad_at:   # the day cell's line: after the note's line feeds
            open("carry_bad_line.txt", "w").write(str(line + note.count("\n")))
        if x:
            last[i % 37] = int(x)
        out.append(2 * last[i % 37])
        line += 1 + note.count("\n")
open("carry_expected.csv", "w").write("twice\n" + "".join(f"{v}\n" for v in out))
PY
[ "$(wc -c <carry.csv)" -gt 3000000 ] || fail "carry.csv must span several pieces"
"$missionc" eval m.mission --input carry.csv --carry-forward --by id --order day -o carry_out.csv --threads 3 --no-progress
cmp -s carry_out.csv carry_expected.csv || fail "--carry-forward: output differs from Python's: $(diff carry_out.csv carry_expected.csv | head -5)"
gzip -k carry.csv
"$missionc" eval m.mission --input carry.csv.gz --carry-forward --by id --order day -o carry_gz.csv --no-progress
cmp -s carry_gz.csv carry_expected.csv || fail "--carry-forward, gzip input: output differs"
status=0
"$missionc" eval m.mission --input carry_bad.csv --carry-forward --by id --order day -o carry_bad_out.csv \
  --no-progress 2>err.txt || status=$?
[ "$status" = 1 ] || fail "--carry-forward: a row out of order gives status $status"
grep -q "^carry_bad.csv:$(cat carry_bad_line.txt):[0-9]*: error\[E0814\]: key 'k,5': this row (day 7) comes after" err.txt ||
  fail "--carry-forward: the row out of order is not at line $(cat carry_bad_line.txt): $(cat err.txt)"
[ ! -e carry_bad_out.csv ] || fail "--carry-forward: a failed run wrote its output"

# Many rules over narrow records: a piece is cut small enough that its formatted output
# stays bounded (a 400 KB piece of one-digit rows would hold 200 MB of output).
if [ -x /usr/bin/time ]; then
  python3 -c "
print('indicator x { unit 1 }')
for i in range(200): print(f'score s{i} = x * {i}.5 + 1')" >many.mission
  python3 -c "
print('x')
print('\\n'.join(str(i % 7) for i in range(200000)))" >narrow.csv
  /usr/bin/time -f '%M' -o rss.txt "$missionc" eval many.mission --input narrow.csv -o many.csv --threads 2 --no-progress
  [ "$(wc -l <many.csv)" = 200001 ] || fail "many rules: $(wc -l <many.csv) lines"
  [ "$(cat rss.txt)" -lt 160000 ] || fail "many rules over narrow rows: $(cat rss.txt) KB of memory"
fi
echo ok
