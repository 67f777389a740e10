#!/usr/bin/env bash
# diag_codes_sarif.sh MISSIONC SOURCE_DIR BINARY_DIR - every SARIF rule carries the title of
# its code's LANGUAGE.md heading.
#
# Runs every golden case with its own command (its RUN line, its area's cmd file, or check)
# plus --diagnostics-format=sarif, in a copy of tests/golden, and gives the logs to
# tests/scripts/diag_codes.py, which checks each rule's shortDescription against the
# catalogue (whose titles diag_codes.sh checks against LANGUAGE.md).
set -euo pipefail
missionc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
check=$src/tests/scripts/diag_codes.py
py=/usr/bin/python3
[ -x "$py" ] || py=python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The SARIF logs of every golden case.
mkdir -p "$tmp/run/tests" "$tmp/logs"
cp -r "$src/tests/golden" "$tmp/run/tests/"
ln -s "$src/examples" "$tmp/run/examples"
ln -s "$src/stdlib" "$tmp/run/stdlib"
n=0
for case in "$tmp"/run/tests/golden/*/*.mission; do
  dir=$(dirname "$case") file=$(basename "$case")
  args=$(sed -n 's|^// RUN: *||p' "$case" | head -1)
  if [ -z "$args" ] && [ -f "$dir/cmd" ]; then args=$(head -1 "$dir/cmd"); fi
  [ -n "$args" ] || args="check"
  case "$args" in *"{file}"*) ;; *) args="$args {file}";; esac
  args=${args//\{file\}/$file}
  n=$((n + 1))
  log=$tmp/logs/$n.sarif
  # shellcheck disable=SC2086
  (cd "$dir" && eval "\"$missionc\" $args --diagnostics-format=sarif --color=never" \
     >/dev/null 2>"$log" </dev/null) || true
  head -c 10 "$log" | grep -q '^{"\$schema' || rm -f "$log"
done
logs=("$tmp"/logs/*.sarif)
[ "${#logs[@]}" -gt 50 ] || { echo "FAIL: only ${#logs[@]} SARIF logs from $n golden cases"; exit 1; }
"$py" "$check" "$src" "$src/LANGUAGE.md" "${logs[@]}"
