#!/usr/bin/env bash
# outputs.sh MISSIONC SOURCE_DIR BINARY_DIR - every command's -o goes through one writer
# (LANGUAGE.md section 10, "Output files").
#
# For status, eval, explain, build (-o, --header, --emit-llvm -o), graph and export:
#   - a device copy of /dev/full (mknod c 1 7 here, never the real /dev): exit 2 with
#     "No space left on device", and the node is still a character device;
#   - a copy of /dev/null (c 1 3) and a FIFO: written directly, they stay what they are;
#   - a 0600 file stays 0600 (and keeps its owner), with the new contents;
#   - a symlink stays a symlink; the file it points to gets the new contents;
#   - a read-only folder (run as nobody when root): exit 2, the old file unchanged;
#   - a full file system (a 64 KiB tmpfs in a user namespace): exit 2, the old file
#     unchanged, no temporary left, nothing left in $TMPDIR;
#   - -o naming an input (the mission, an import, the actuals, the rows), by any name
#     (a hard link, a symlink): exit 2, the input unchanged.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/outputs
rm -rf "$work"
mkdir -p "$work"
chmod 755 "$work"
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }

cat >lib.mission <<'M'
unit city
M
cat >m.mission <<'M'
import "lib"
mission tiny "Tiny" { period 2020 .. 2030 }
actor agency "Agency" { sector public }
indicator labelled "Cities labelled" { unit city }
goal g "Ten cities" { indicator labelled; baseline 0 city at 2020; target 10 city by 2030 }
score twice "Twice" = labelled * 2
M
printf 'date,labelled\n2021-12-31,2\n2024-06-30,5\n' >actuals.csv
printf 'labelled\n1\n2\n' >rows.csv
quiet="-Wno-cross-actor -Wno-demand-side -Wno-citizens -Wno-unused -Wno-orphan-goal -Wno-bottom-up -Wno-mission-washing"

# run NAME OUT: the command NAME writing to OUT; its exit status in $status, stderr in err.txt
run() {
  local out=$2
  set +e
  case $1 in
    status) "$missionc" status m.mission --input actuals.csv $quiet -o "$out" ;;
    eval) "$missionc" eval m.mission --input rows.csv $quiet --engine interp -o "$out" ;;
    explain) "$missionc" explain m.mission --input rows.csv --row 2 $quiet -o "$out" ;;
    build) "$missionc" build m.mission $quiet --prefix p -o "$out" ;;
    header) "$missionc" build m.mission $quiet --prefix p -o "$scratch/x.o" --header "$out" ;;
    llvm) "$missionc" build m.mission $quiet --prefix p --emit-llvm -o "$out" ;;
    graph) "$missionc" graph m.mission $quiet -o "$out" ;;
    export) "$missionc" export m.mission $quiet -o "$out" ;;
  esac >stdout.txt 2>err.txt
  status=$?
  set -e
}
# same A B: the outputs agree (a header's include guard follows its name)
same() { cmp -s <(grep -av '_H\b' "$1") <(grep -av '_H\b' "$2"); }
ext() { case $1 in status) echo txt ;; explain) echo explain ;; eval) echo csv ;; build) echo o ;; header) echo h ;; llvm) echo ll ;; graph) echo dot ;; export) echo json ;; esac; }
scratch=$work/scratch
mkdir -p "$scratch"

have_mknod=1
mknod probe c 1 3 2>/dev/null || have_mknod=0
rm -f probe

for cmd in status eval explain build header llvm graph export; do
  e=$(ext $cmd)
  # a reference output
  run $cmd "ref.$e"
  [ $status = 0 ] || { cat err.txt; fail "$cmd: status $status"; }
  [ -s "ref.$e" ] || fail "$cmd: empty output"

  if [ $have_mknod = 1 ]; then
    mknod full.$e c 1 7 && mknod null.$e c 1 3
    run $cmd full.$e
    [ $status = 2 ] || { cat err.txt; fail "$cmd -o full.$e: status $status"; }
    grep -q 'No space left on device' err.txt || { cat err.txt; fail "$cmd -o full.$e: message"; }
    [ -c full.$e ] || fail "$cmd -o full.$e: the device became $(stat -c %F full.$e)"
    run $cmd null.$e
    [ $status = 0 ] || { cat err.txt; fail "$cmd -o null.$e: status $status"; }
    [ -c null.$e ] || fail "$cmd -o null.$e: the device became $(stat -c %F null.$e)"
    rm -f full.$e null.$e
  fi

  # a FIFO, read by cat
  mkfifo fifo.$e
  cat fifo.$e >fifo.out &
  reader=$!
  run $cmd fifo.$e
  wait $reader
  [ $status = 0 ] || { cat err.txt; fail "$cmd -o fifo.$e: status $status"; }
  [ -p fifo.$e ] || fail "$cmd -o fifo.$e: no longer a FIFO"
  same fifo.out "ref.$e" || fail "$cmd -o fifo.$e: contents differ"
  rm -f fifo.$e fifo.out

  # a 0600 file (owned by nobody when root) keeps its mode and owner
  echo old >secret.$e
  chmod 600 secret.$e
  [ "$(id -u)" != 0 ] || chown 65534:65534 secret.$e
  owner=$(stat -c %u:%g secret.$e)
  run $cmd secret.$e
  [ $status = 0 ] || { cat err.txt; fail "$cmd -o secret.$e: status $status"; }
  [ "$(stat -c %a secret.$e)" = 600 ] || fail "$cmd: mode became $(stat -c %a secret.$e)"
  [ "$(stat -c %u:%g secret.$e)" = "$owner" ] || fail "$cmd: owner became $(stat -c %u:%g secret.$e)"
  same secret.$e "ref.$e" || fail "$cmd -o secret.$e: contents differ"
  rm -f secret.$e

  # a symlink is written through and kept
  mkdir -p real
  echo old >real/target
  ln -sf real/target link.$e
  run $cmd link.$e
  [ $status = 0 ] || { cat err.txt; fail "$cmd -o link.$e: status $status"; }
  [ -L link.$e ] || fail "$cmd -o link.$e: the link.$e was replaced"
  same real/target "ref.$e" || fail "$cmd -o link.$e: the target was not written"
  rm -rf link.$e real

  # a read-only folder: refused, the old file kept
  mkdir -p ro
  echo old >ro/out.$e
  chmod 666 ro/out.$e
  chmod 555 ro
  if [ "$(id -u)" = 0 ]; then
    set +e
    case $cmd in
      status) setpriv --reuid=65534 --regid=65534 --clear-groups "$missionc" status m.mission --input actuals.csv $quiet -o ro/out.$e ;;
      export) setpriv --reuid=65534 --regid=65534 --clear-groups "$missionc" export m.mission $quiet -o ro/out.$e ;;
      graph) setpriv --reuid=65534 --regid=65534 --clear-groups "$missionc" graph m.mission $quiet -o ro/out.$e ;;
      explain) setpriv --reuid=65534 --regid=65534 --clear-groups "$missionc" explain m.mission --input rows.csv --row 2 $quiet -o ro/out.$e ;;
      *) TMPDIR=/tmp setpriv --reuid=65534 --regid=65534 --clear-groups "$missionc" eval m.mission --input rows.csv $quiet --engine interp -o ro/out.$e ;;
    esac >/dev/null 2>err.txt
    status=$?
    set -e
  else
    run $cmd ro/out.$e
  fi
  [ $status = 2 ] || { cat err.txt; fail "$cmd: read-only folder: status $status"; }
  [ "$(cat ro/out.$e)" = old ] || fail "$cmd: read-only folder: the file changed"
  chmod 755 ro
  [ "$(ls -A ro)" = out.$e ] || fail "$cmd: read-only folder: $(ls -A ro)"
  rm -rf ro
done
[ "$(ls -A "$scratch" | grep -Ev '^x\.o(\.json)?$' || true)" = "" ] || fail "stray files: $(ls -A "$scratch")"

# -o naming an input, by its name, a hard link or a symlink: refused, nothing changed
cp m.mission m.orig; cp lib.mission lib.orig; cp actuals.csv actuals.orig; cp rows.csv rows.orig
ln -f actuals.csv hard.csv
ln -sf m.mission soft.mission
check_refused() {
  [ $status = 2 ] || { cat err.txt; fail "$*: status $status"; }
  grep -q "refusing to overwrite it" err.txt || { cat err.txt; fail "$*: message"; }
}
for cmd in status eval explain build header llvm graph export; do
  for target in m.mission lib.mission soft.mission; do
    case $cmd:$target in build:*|llvm:*) continue ;; esac
    run $cmd $target; check_refused "$cmd -o $target"
  done
done
run status actuals.csv; check_refused "status -o actuals.csv"
run status hard.csv; check_refused "status -o hard.csv"
run eval rows.csv; check_refused "eval -o rows.csv"
run explain rows.csv; check_refused "explain -o rows.csv"
cmp -s m.mission m.orig && cmp -s lib.mission lib.orig && cmp -s actuals.csv actuals.orig &&
  cmp -s rows.csv rows.orig || fail "an input changed"
set +e
"$missionc" build m.mission $quiet -o same.o --header same.o >/dev/null 2>err.txt
status=$?
set -e
[ $status = 2 ] || fail "build -o X --header X: status $status"

# a full file system: the old file kept, no temporary, nothing in TMPDIR
if unshare -Urm true 2>/dev/null; then
  mkdir -p small tmp
  for cmd in status eval explain build header llvm graph export; do
    e=$(ext $cmd)
    set +e
    # shellcheck disable=SC2016
    unshare -Urm bash -c '
      set -e
      mount -t tmpfs -o size=64k tmpfs small
      head -c 1000 /dev/urandom >small/old.'"$e"'
      cp small/old.'"$e"' small/before
      head -c 10000000 /dev/zero >small/fill 2>/dev/null || true
      export TMPDIR=$PWD/tmp
      set +e
      case '"$cmd"' in
        status) "$0" status m.mission --input actuals.csv '"$quiet"' -o small/old.'"$e"' ;;
        eval) awk "BEGIN { print \"labelled\"; for (i = 0; i < 20000; i++) print i }" >big.csv
              "$0" eval m.mission --input big.csv '"$quiet"' --engine interp -o small/old.'"$e"' ;;
        explain) "$0" explain m.mission --input rows.csv --row 2 '"$quiet"' -o small/old.'"$e"' ;;
        build) "$0" build m.mission '"$quiet"' -o small/old.'"$e"' ;;
        header) "$0" build m.mission '"$quiet"' -o tmp/x.o --header small/old.'"$e"' ;;
        llvm) "$0" build m.mission '"$quiet"' --emit-llvm -o small/old.'"$e"' ;;
        graph) "$0" graph m.mission '"$quiet"' -o small/old.'"$e"' ;;
        export) "$0" export m.mission '"$quiet"' -o small/old.'"$e"' ;;
      esac 2>err.txt
      s=$?
      set -e
      cmp -s small/old.'"$e"' small/before || { echo "the old file changed"; exit 9; }
      [ "$(ls -A small)" = "$(printf "before\nfill\nold.'"$e"'")" ] || { echo "left: $(ls -A small)"; exit 9; }
      exit $s
    ' "$missionc"
    status=$?
    set -e
    [ $status = 2 ] || { cat err.txt; fail "$cmd on a full file system: status $status"; }
    grep -q 'No space left on device' err.txt || { cat err.txt; fail "$cmd on a full file system: message"; }
    [ "$(ls -A tmp | grep -v '^x.o$' || true)" = "" ] || fail "$cmd: left in TMPDIR: $(ls -A tmp)"
  done
else
  echo "note: no user namespaces here; the full file system case is skipped"
fi
echo ok
