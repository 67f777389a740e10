#!/usr/bin/env bash
# language_examples.sh MISSIONC SOURCE_DIR BINARY_DIR - LANGUAGE.md's examples as tests,
# so the reference cannot drift from the compiler (jq's man.test, in spirit).
#
# Every fenced block of SOURCE_DIR/LANGUAGE.md whose info string starts with `mission`
# is written to a file and run through `missionc check`:
#
#   ```mission                     a complete file: must check clean (exit 0, no error;
#                                  warnings are fine)
#   ```mission-error CODE...       must fail (exit 1) with every CODE in an `error[CODE]`
#   ```mission file=NAME.mission   as ```mission, and the file stays under that name, in the
#                                  folder of every later block, so a later block can import it
#
# Other blocks (```text, ```sh ...) are not run. Blocks are checked one by one, in order,
# in one temporary folder (so a block sees the files named by earlier blocks), with
# `-I SOURCE_DIR/stdlib` so that `import "std/units"` finds the source tree's standard
# library, --color=never and MISSION_PATH unset. A crash or an internal error fails any
# block. A failing block is printed with its line number in LANGUAGE.md and the compiler's
# output. Exit 0 when every block passes. BINARY_DIR is not used.
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 MISSIONC SOURCE_DIR [BINARY_DIR]" >&2
  exit 2
fi
[ -x "$1" ] || { echo "FAIL: no compiler at $1"; exit 1; }
missionc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
doc=$src/LANGUAGE.md
[ -f "$doc" ] || { echo "FAIL: $doc not found"; exit 1; }
unset MISSION_PATH

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/shared"

# Split the document: one file per block, and a manifest "LINE<TAB>KIND<TAB>CODES<TAB>NAME<TAB>FILE".
# A fence is three backticks after at most three spaces (as in CommonMark, so blocks in
# list items count; the fence's indentation is removed from the block's lines); it closes
# at the next line of three backticks alone (a "```mission" line inside a ```text block
# does not close it). Info strings that start with `mission` but are neither
# form above are reported as errors (a typo would otherwise skip the test silently).
awk -v dir="$tmp" '
  function flush() { close(out) }
  BEGIN { n = 0; inblock = 0; other = 0 }
  inblock {
    if ($0 ~ /^ ? ? ?```[ \t]*$/) { inblock = 0; flush(); next }
    line = $0
    for (i = 0; i < indent && substr(line, 1, 1) == " "; i++) line = substr(line, 2)
    print line > out; next
  }
  other { if ($0 ~ /^ ? ? ?```[ \t]*$/) other = 0; next }
  /^ ? ? ?```mission/ {
    match($0, /^ */); indent = RLENGTH
    info = substr($0, indent + 4)
    sub(/[ \t]+$/, "", info)
    nf = split(info, w, /[ \t]+/)
    kind = w[1]; name = ""; codes = ""
    for (i = 2; i <= nf; i++) {
      if (w[i] ~ /^file=/) name = substr(w[i], 6)
      else codes = codes (codes == "" ? "" : " ") w[i]
    }
    bad = (kind != "mission" && kind != "mission-error") ||
          (kind == "mission" && codes != "") ||
          (kind == "mission-error" && codes == "") ||
          (name != "" && name !~ /^[A-Za-z0-9_.-]+\.mission$/)
    if (bad) { printf "%d\tBAD\t%s\t-\t-\n", NR, info > (dir "/manifest"); other = 1; next }
    n++
    out = sprintf("%s/block%03d.txt", dir, n)
    printf "%d\t%s\t%s\t%s\t%s\n", NR + 1, kind, (codes == "" ? "-" : codes), (name == "" ? "-" : name), out > (dir "/manifest")
    printf "" > out
    inblock = 1; next
  }
  /^ ? ? ?```/ { other = 1; next }
  END {
    if (inblock) printf "%d\tOPEN\t-\t-\t-\n", NR > (dir "/manifest")
  }
' "$doc"

total=0 failed=0
show_block() {   # file first-line
  awk -v first="$2" '{ printf "  %5d | %s\n", first + NR - 1, $0 }' "$1"
}

while IFS=$'\t' read -r line kind codes name file; do
  case $kind in
  BAD)
    echo "FAIL: LANGUAGE.md:$line: unknown example fence '\`\`\`$codes'" \
         "(use \`\`\`mission, \`\`\`mission-error CODE or \`\`\`text)"
    failed=$((failed + 1)); total=$((total + 1)); continue ;;
  OPEN)
    echo "FAIL: LANGUAGE.md: a \`\`\`mission block is never closed"
    failed=$((failed + 1)); total=$((total + 1)); continue ;;
  esac
  total=$((total + 1))
  [ "$codes" != "-" ] || codes=""
  if [ "$name" != "-" ]; then target=$name; else target=example-$line.mission; fi
  cp "$file" "$tmp/shared/$target"
  out=$(cd "$tmp/shared" && "$missionc" check --color=never -I "$src/stdlib" "$target" 2>&1)
  status=$?
  ok=1 why=""
  if printf '%s\n' "$out" | grep -qE 'internal error|Sanitizer|runtime error'; then
    ok=0 why="the compiler reported an internal error"
  elif [ "$kind" = mission ]; then
    if [ $status -ne 0 ] || printf '%s\n' "$out" | grep -q 'error\['; then
      ok=0 why="expected a clean check (exit 0, no error), got exit $status"
    fi
  else
    if [ $status -ne 1 ]; then ok=0 why="expected exit 1, got exit $status"; fi
    for code in $codes; do
      if ! printf '%s\n' "$out" | grep -qF "error[$code]"; then
        ok=0 why="${why:+$why; }expected error[$code] in the output"
      fi
    done
  fi
  if [ $ok = 0 ]; then
    failed=$((failed + 1))
    echo "FAIL: LANGUAGE.md:$line: ${kind}${codes:+ $codes}: $why"
    show_block "$file" "$line"
    echo "  compiler output:"
    printf '%s\n' "${out:-(nothing)}" | sed 's/^/    /'
    echo
  fi
  # A block that names its file stays for later blocks; the others go.
  [ "$name" != "-" ] || rm -f "$tmp/shared/$target"
done < <(cat "$tmp/manifest" 2>/dev/null)

if [ $total -eq 0 ]; then
  echo "FAIL: no \`\`\`mission examples found in $doc"
  exit 1
fi
echo "$total LANGUAGE.md examples: $((total - failed)) passed, $failed failed"
[ $failed -eq 0 ]
