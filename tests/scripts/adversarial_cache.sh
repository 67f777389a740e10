#!/usr/bin/env bash
# adversarial_cache.sh MISSIONC SOURCE_DIR BINARY_DIR - the JIT's object cache trusts
# only what its user made (LANGUAGE.md section 10.3).
#
# Every case runs `eval` and compares its output with the reference interpreter's:
# a truncated entry, a garbage entry and a tampered entry re-sealed with a plain
# SHA-256 are rejected and recompiled; an entry or a directory that group or others
# can write (or that another user owns, when run as root) is refused with a warning;
# a symbolic link is not followed; an unusable cache (a file, a path that cannot be
# made) still gives the results; two concurrent runs agree; MISSIONC_CACHE_MAX bounds
# the size, oldest entries first.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/adversarial-cache
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }

{
  echo 'indicator x { unit 1 }'
  echo 'indicator y { unit % }'
  for i in $(seq 1 24); do echo "score s$i = x * $i + y / $((i + 1))"; done
  echo 'condition big = s3 > 10'
} >rules.mission
awk 'BEGIN { print "x,y"; for (i = 0; i < 300; i++) printf "%d,%.2f\n", i, i * 0.37 }' >rows.csv
unset MISSIONC_CACHE MISSIONC_CACHE_MAX
"$missionc" eval rules.mission -i rows.csv --engine interp >expected.csv

# run NAME [env...]: eval through the JIT with the cache at $cache; stdout compared
run() {
  local name=$1
  shift
  env MISSIONC_CACHE_DIR="$cache" "$@" "$missionc" eval rules.mission -i rows.csv --time \
    >"$name.csv" 2>"$name.err" || { cat "$name.err"; fail "$name: exit status $?"; }
  cmp -s "$name.csv" expected.csv || fail "$name: results differ from the interpreter's"
}
hits() { sed -n 's/.*(cache: \([0-9]*\) hits, \([0-9]*\) misses).*/\1 \2/p' "$1.err"; }
entries() { find "$cache" -maxdepth 1 -name '*.o' | sort; }

cache=$work/cache/nested
run first
[ "$(stat -c %a "$cache")" = 700 ] || fail "cache directory mode $(stat -c %a "$cache"), not 700"
n=$(entries | wc -l)
[ "$n" -ge 2 ] || fail "expected several entries, found $n"
for e in $(entries); do [ "$(stat -c %a "$e")" = 600 ] || fail "entry mode $(stat -c %a "$e")"; done
[ "$(stat -c %a "$cache/secret")" = 600 ] || fail "secret mode"
run second
[ "$(hits second)" = "$n 0" ] || fail "second run: hits/misses $(hits second), expected $n 0"

first=$(entries | head -1)
size=$(stat -c %s "$first")

# truncated
truncate -s $((size / 2)) "$first"
run truncated
[ "$(hits truncated)" = "$((n - 1)) 1" ] || fail "truncated entry: $(hits truncated)"
[ "$(stat -c %s "$first")" = "$size" ] || fail "truncated entry not rewritten"

# garbage of the right size
head -c "$size" /dev/urandom >"$first"
run garbage
[ "$(hits garbage)" = "$((n - 1)) 1" ] || fail "garbage entry: $(hits garbage)"

# tampered object re-sealed with a plain SHA-256 of header and object: the seal is
# keyed by the cache's secret, so it does not verify
python3 - "$first" <<'EOF'
import hashlib, sys
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
assert d[:8] == b'MCOBJ02\n', d[:8]
d[200] ^= 0xFF                      # one byte of machine code
d[48:80] = hashlib.sha256(bytes(d[:48]) + bytes(d[80:])).digest()
open(p, 'wb').write(d)
EOF
run resealed
[ "$(hits resealed)" = "$((n - 1)) 1" ] || fail "re-sealed entry: $(hits resealed)"

# an entry that group or others can write is refused, with a warning
chmod 666 "$first"
run writable_entry
grep -q "warning: not using the cache entry .*group or others can write it" writable_entry.err ||
  fail "no warning for a world-writable entry: $(cat writable_entry.err)"
[ "$(hits writable_entry)" = "$((n - 1)) 1" ] || fail "writable entry: $(hits writable_entry)"
chmod 600 "$first"

# a symbolic link in place of an entry is not followed
mv "$first" "$work/elsewhere.o"
ln -s "$work/elsewhere.o" "$first"
run symlink_entry
[ ! -L "$first" ] || [ "$(hits symlink_entry | cut -d' ' -f2)" = 1 ] || fail "symlink entry used"
rm -f "$first" "$work/elsewhere.o"
run refill

# a directory that group or others can write is not used at all
chmod 777 "$cache"
run writable_dir
grep -q "warning: not using the object cache .*group or others can write it" writable_dir.err ||
  fail "no warning for a world-writable cache directory: $(cat writable_dir.err)"
[ "$(hits writable_dir)" = "0 $n" ] || fail "writable dir: $(hits writable_dir)"
chmod 700 "$cache"

# another user's directory or entry (only root can make one)
if [ "$(id -u)" = 0 ]; then
  chown 65534 "$cache"
  run foreign_dir
  grep -q "not owned by you" foreign_dir.err || fail "no warning for another user's cache: $(cat foreign_dir.err)"
  chown 0 "$cache"
  chown 65534 "$first"
  run foreign_entry
  grep -q "cache entry .*not owned by you" foreign_entry.err || fail "no warning for another user's entry"
  [ "$(hits foreign_entry)" = "$((n - 1)) 1" ] || fail "foreign entry: $(hits foreign_entry)"
  rm -f "$first"
  run refill2
fi

# a cache path that is a file, and one that cannot be made: the run still works
cache=$work/plainfile
echo x >"$cache"
run file_cache
grep -q "warning: cannot use the object cache" file_cache.err || fail "no warning for a file as cache"
[ "$(cat "$cache")" = x ] || fail "the file used as cache path was changed"
cache=/proc/self/missionc-cannot-be-made
run unmakeable_cache
cache=$work/plainfile/sub
run under_a_file

# two concurrent runs on the same rules, from an empty cache
cache=$work/concurrent
for i in 1 2 3 4; do
  (env MISSIONC_CACHE_DIR="$cache" "$missionc" eval rules.mission -i rows.csv >"par$i.csv" 2>"par$i.err") &
done
wait
for i in 1 2 3 4; do
  cmp -s "par$i.csv" expected.csv || fail "concurrent run $i: results differ"
  [ ! -s "par$i.err" ] || fail "concurrent run $i: $(cat "par$i.err")"
done
run after_concurrent
[ "$(hits after_concurrent)" = "$n 0" ] || fail "after concurrent runs: $(hits after_concurrent)"
[ -z "$(find "$cache" -name '*.tmp.*')" ] || fail "temporaries left behind"

# a bound on the size: with 1 byte nothing stays; a bad bound warns and uses the default
run tiny MISSIONC_CACHE_MAX=1
[ -z "$(entries)" ] || fail "MISSIONC_CACHE_MAX=1 kept $(entries | wc -l) entries"
run bad_max MISSIONC_CACHE_MAX=lots
grep -q "MISSIONC_CACHE_MAX takes a size" bad_max.err || fail "no warning for a bad MISSIONC_CACHE_MAX"
total=$(du -cb $(entries) | tail -1 | cut -f1)
run bounded MISSIONC_CACHE_MAX=$((total - 1))
[ "$(entries | wc -l)" -lt "$n" ] || fail "MISSIONC_CACHE_MAX below the total evicted nothing"
echo "ok: $n entries; truncated, garbage, re-sealed, writable, foreign, symlink, file, concurrent, bound"
