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
for f in bin/missionc lib/libmission.so lib/libmission-native.so include/missionc/mission.h share/missionc/stdlib/std/units.mission \
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
# a program of its own builds against the installed headers and library alone
cat >"$work/embed.c" <<'C'
#include <missionc/mission.h>
#include <stdio.h>
int main(int argc, char **argv) {
  Compiler *c = compiler_new();
  Node *root = compiler_parse_path(c, argv[1]);
  Model *m = root ? check_program(c, root) : NULL;
  int errors = diag_error_count(c->diag);
  compiler_free(c);
  return m && errors == 0 ? 0 : 1;
}
C
# a sanitizer build's library needs the same runtime in the program that loads it
# (ldd's output is read whole first: with pipefail, `grep -q` closing the pipe early
# would make ldd die of SIGPIPE and the test read "no" at random)
sanitize=""
libs=$(ldd "$prefix/lib/libmission.so")
case "$libs" in *libasan*) sanitize="-fsanitize=address,undefined";; esac
cc -std=c17 $sanitize -I"$prefix/include" "$work/embed.c" -o "$work/embed" -L"$prefix/lib" -lmission \
   -Wl,-rpath,"$prefix/lib" || { echo "FAIL: a program cannot build against the installed headers"; exit 1; }
"$work/embed" "$work/climate_neutral_cities.mission" || { echo "FAIL: the embedding program failed"; exit 1; }
libs=$(ldd "$work/embed")
if [[ $libs == *libLLVM* ]]; then echo "FAIL: libmission pulls in libLLVM"; exit 1; fi
echo "install: command, library, headers and stdlib in place; the installed command works"
