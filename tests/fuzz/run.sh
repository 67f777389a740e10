#!/usr/bin/env bash
# run.sh FUZZER SECONDS - fuzz from the seed corpus (examples, stdlib, golden cases)
# for SECONDS; fails on any crash, leak, timeout or sanitizer report.
set -euo pipefail
fuzzer=$1
seconds=${2:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
name=$(basename "$fuzzer")
if [ -d "$root/tests/fuzz/seeds_${name#fuzz_}" ]; then
  # a fuzzer with seeds of its own (seeds_lsp: LSP messages, seeds_csv: rows files, seeds_status: actuals)
  cp "$root"/tests/fuzz/seeds_"${name#fuzz_}"/* "$work/corpus/"
else
  find "$root/examples" "$root/stdlib" "$root/tests/golden" -name '*.mission' -exec cp {} "$work/corpus/" \; 2>/dev/null || true
  cp "$root"/tests/fuzz/seeds/* "$work/corpus/" 2>/dev/null || true
fi
dict=$root/tests/fuzz/mission.dict
[ -f "$root/tests/fuzz/${name#fuzz_}.dict" ] && dict=$root/tests/fuzz/${name#fuzz_}.dict   # csv.dict: CSV tokens
"$fuzzer" "$work/corpus" -dict="$dict" -max_total_time="$seconds" \
  -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" 2>&1 | tail -15
echo "fuzzing: no crash, leak or hang in $seconds s"
