#!/usr/bin/env bash
# run.sh MISSIONC CASE.mission - one golden test.
#
# The command is the case's "// RUN: ARGS" line if it has one, else the line in
# its area's `cmd` file, else "check"; {file} stands for the case's file name
# (default: appended), or for the file of a "// INPUT: PATH" line (relative to the
# case's folder), so that a case can run on an example without copying it. It runs in the case's folder with --color=never.
# Expected results sit beside the case: NAME.out (stdout; empty if absent),
# NAME.err (stderr; empty if absent), and the exit status: a "// EXIT: N" line,
# else 1 when NAME.err holds an error, else 0. Any other sibling named in a
# "// OUTPUT: FILE" line is compared with NAME.FILE.expected after the run.
# UPDATE=1 rewrites the expected files from the actual results. The standard
# library's absolute path reads <stdlib> in the outputs.
set -u
stdlib=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../stdlib" && pwd)
missionc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
case_path=$2
dir=$(dirname "$case_path")
file=$(basename "$case_path")
name=${file%.mission}
cd "$dir" || exit 2

args=$(sed -n 's|^// RUN: *||p' "$file" | head -1)
if [ -z "$args" ] && [ -f cmd ]; then args=$(head -1 cmd); fi
[ -n "$args" ] || args="check"
case "$args" in *"{file}"*) ;; *) args="$args {file}";; esac
input=$(sed -n 's|^// INPUT: *||p' "$file" | head -1)
args=${args//\{file\}/${input:-$file}}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
(cd . && eval "\"$missionc\" $args --color=never" >"$tmp/out" 2>"$tmp/err")
status=$?
# The standard library's absolute path differs between checkouts: outputs name it <stdlib>.
sed -i "s|$stdlib|<stdlib>|g" "$tmp/out" "$tmp/err"

expect_status=$(sed -n 's|^// EXIT: *||p' "$file" | head -1)
if [ -z "$expect_status" ]; then
  if [ -f "$name.err" ] && grep -q 'error\[' "$name.err"; then expect_status=1; else expect_status=0; fi
fi

if [ "${UPDATE:-0}" = 1 ]; then
  if [ -s "$tmp/out" ]; then cp "$tmp/out" "$name.out"; else rm -f "$name.out"; fi
  if [ -s "$tmp/err" ]; then cp "$tmp/err" "$name.err"; else rm -f "$name.err"; fi
  echo "updated $dir/$name (exit $status)"
  exit 0
fi

fail=0
compare() {   # expected-file actual-file label
  local expected=$1 actual=$2 label=$3
  if [ -f "$expected" ]; then
    if ! diff -u "$expected" "$actual" >"$tmp/diff"; then
      echo "FAIL: $dir/$name: $label differs from $expected:"; cat "$tmp/diff"; fail=1
    fi
  elif [ -s "$actual" ]; then
    echo "FAIL: $dir/$name: unexpected $label:"; cat "$actual"; fail=1
  fi
}
compare "$name.out" "$tmp/out" stdout
compare "$name.err" "$tmp/err" stderr
if [ "$status" != "$expect_status" ]; then
  echo "FAIL: $dir/$name: exit status $status, expected $expect_status"; fail=1
fi
exit $fail
