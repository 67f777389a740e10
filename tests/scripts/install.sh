#!/usr/bin/env bash
# install.sh MISSIONC SOURCE_DIR BINARY_DIR - `cmake --install` puts the command, the
# library, its headers and the standard library in place, and the installed command
# finds its own stdlib and checks a mission from an unrelated folder.
set -euo pipefail
src=$(cd "$2" && pwd)
bin=$(cd "$3" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$bin" --prefix "$prefix" >/dev/null
for f in bin/missionc lib/libmission.a include/missionc/mission.h share/missionc/stdlib/std/units.mission \
         share/missionc/stdlib/std/scoring.mission; do
  [ -e "$prefix/$f" ] || { echo "FAIL: $f was not installed"; exit 1; }
done
work=$prefix/work
mkdir -p "$work"
cp "$src/examples/climate_neutral_cities.mission" "$work/"
(cd "$work" && "$prefix/bin/missionc" check --color=never -Wno-idle-instrument climate_neutral_cities.mission) ||
  { echo "FAIL: the installed missionc cannot check the flagship"; exit 1; }
# the installed command must use the installed stdlib, not the source tree's
out=$(cd "$work" && printf 'import "std/units"\nunit EUR\n' >dup.mission &&
      "$prefix/bin/missionc" check --color=never dup.mission 2>&1 || true)
case "$out" in
  *"$prefix/"*"share/missionc/stdlib/std/units.mission"*) ;;
  *) echo "FAIL: the installed missionc did not read the installed stdlib:"; echo "$out"; exit 1;;
esac
echo "install: command, library, headers and stdlib in place; the installed command works"
