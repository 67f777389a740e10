#!/usr/bin/env bash
# adversarial_text.sh MISSIONC SOURCE_DIR BINARY_DIR - valid text everywhere (issue 20,
# items 6-8; LANGUAGE.md sections 10 and 11).
#
# - Every JSON producer (export, --diagnostics-format=json and sarif of check and
#   status) gives strict UTF-8 JSON on hostile input: invalid bytes in `///` docs, in a
#   string (the SARIF snippet), in a file name, in a CSV header; invalid bytes are
#   replaced by U+FFFD.
# - No ESC, BEL or other control character reaches the terminal: diagnostics quoting
#   mission strings, CSV cells and file names; status text and Markdown titles.
# - In status --format markdown, a backtick in the actuals' file name stays inside
#   its code span.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/adversarial-text
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
# strict: the bytes must decode as UTF-8 and parse as JSON
valid_json() { python3 -c 'import json,sys; json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))'; }
quiet="-Wno-cross-actor -Wno-demand-side -Wno-citizens -Wno-unused -Wno-orphan-goal -Wno-bottom-up"

# ---- 6: invalid UTF-8 never reaches JSON
bad=$(printf 'bad\xe9name.mission')
printf '/// doc \xff\xfe bad \xc3\x28 end\nunit city\nmission m "M" { period 2020 .. 2030 }\nindicator x "X" { unit city }\ngoal g "G" { indicator x; baseline 0 city at 2020; target 10 city by 2030 }\n' >"$bad"
printf 'unit city\nactor a "\xff\xfeA" { sector public }\n' >snippet.mission
printf 'date,x\xff\xc0\n2021-01-01,1\n' >header.csv
"$missionc" export "$bad" 2>/dev/null >export.json || fail "export: status $?"
valid_json <export.json || fail "export: invalid JSON"
grep -q 'doc \\ufffd\\ufffd bad \\ufffd( end' export.json || fail "export: U+FFFD: $(grep -o '"doc":[^,]*' export.json)"
for fmt in json sarif; do
  set +e
  "$missionc" check "$bad" --diagnostics-format=$fmt 2>out.json >/dev/null
  "$missionc" check snippet.mission --diagnostics-format=$fmt 2>snippet.json >/dev/null
  "$missionc" status "$bad" --input header.csv $quiet --diagnostics-format=$fmt 2>status.json >/dev/null
  set -e
  valid_json <out.json || fail "check --diagnostics-format=$fmt: invalid JSON (file name)"
  valid_json <snippet.json || fail "check --diagnostics-format=$fmt: invalid JSON (snippet)"
  valid_json <status.json || fail "status --diagnostics-format=$fmt: invalid JSON (CSV header)"
  grep -q 'E0108' snippet.json || fail "$fmt: no E0108"
done

# ---- 7: no control characters reach the terminal
printf 'mission m "T\033]0;pwned\007x" { period 2020 .. 2030 }\nactor a "A\033[2J" { sector public }\nindicator x "X\033[31m" { unit 1 }\ngoal g "G\007" { indicator x; baseline 0 at 2020; target 10 by 2030 }\nscore s "S\033[5m" = x\n' >ctl.mission
printf 'date,x\n2021-01-01,\0332\n' >badcell.csv
printf 'date,x\n2021-01-01,2\n' >ok.csv
esc_free() { ! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$1"; }
set +e
"$missionc" status ctl.mission --input badcell.csv $quiet >out.txt 2>err.txt
"$missionc" status ctl.mission --input ok.csv $quiet >text.txt 2>>err.txt
"$missionc" status ctl.mission --input ok.csv $quiet --format markdown >md.txt 2>>err.txt
"$missionc" check "$(printf 'x\033[31m.mission')" 2>>err.txt
"$missionc" eval ctl.mission --input "$(printf 'rows\033]0;t\007.csv')" 2>>err.txt
"$missionc" graph ctl.mission --view "$(printf 'm\033[2J')" 2>>err.txt
set -e
grep -q "invalid number '?2'" err.txt || fail "the bad cell: $(cat -v err.txt | head -3)"
for f in out.txt err.txt text.txt md.txt; do esc_free $f || fail "control characters in $f: $(cat -v $f | grep -m2 '\^')"; done
grep -q 'T?\]0;pwned?x' text.txt || fail "status title: $(head -2 text.txt | cat -v)"

# ---- 8: a backtick in a file name stays in its code span
name='act`<img src=x onerror=alert(1)>`.csv'
cp ok.csv "$name"
"$missionc" status ctl.mission --input "$name" $quiet --format markdown >md.md 2>/dev/null
grep -qF 'Actuals: ``act`<img src=x onerror=alert(1)>`.csv``, ' md.md ||
  fail "Markdown: $(grep Actuals md.md)"
python3 - md.md <<'PY' || fail "Markdown: the file name leaves its code span"
import re, sys
line = next(l for l in open(sys.argv[1], encoding="utf-8") if l.startswith("As of"))
# CommonMark: a code span opened by a run of n backticks closes at the next run of exactly n
m = re.search(r"Actuals: (`+)", line)
fence = m.group(1)
rest = line[m.end():]
close = re.search(r"(?<!`)" + fence + r"(?!`)", rest)
inside = rest[:close.start()]
assert "<img" in inside and "<img" not in rest[close.end():], line
PY
echo ok
