#!/usr/bin/env bash
# install-validator.sh SOURCE_DIR TOOLS_DIR - install the pinned JSON Schema validator
# (ajv-cli + ajv-formats, tests/sarif/package-lock.json) into TOOLS_DIR with `npm ci`,
# unless it is there. Prints the path of the ajv command. Test scripts running in
# parallel share one install: a lock file serialises them.
set -euo pipefail
src=$1 tools=$2
ajv=$tools/node_modules/.bin/ajv
mkdir -p "$tools"
(
  flock 9
  if [ ! -x "$ajv" ]; then
    command -v npm >/dev/null || { echo "FAIL: npm is needed to install the validator (tests/scripts/README-deps.txt)" >&2; exit 1; }
    cp "$src/tests/sarif/package.json" "$src/tests/sarif/package-lock.json" "$tools/"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "FAIL: npm ci of the validator" >&2; exit 1; }
  fi
) 9>"$tools.lock"
echo "$ajv"
