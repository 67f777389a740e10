#!/usr/bin/env bash
# run.sh WHAT MISSIONC SOURCE_DIR - the language server's tests, with a visible skip
# (exit 77) when a tool is missing; in CI (CI set) that is a failure: .ci/setup installs them all.
#   client   the scripted stdio client (Python 3 standard library)
#   sessions recorded JSON-RPC sessions replayed (tests/lsp/sessions/*.jsonl)
#   vscode   VS Code's protocol library as the client (node, editors/vscode/node_modules)
#   grammar  the TextMate grammar's tests (vscode-tmgrammar-test)
#   neovim   Neovim's built-in LSP client, headless
set -uo pipefail
what=$1
missionc=$2
src=$3
ext=$src/editors/vscode
source "$src/tests/scripts/skip.bash"
skip() { skip_test "$*"; }
case $what in
client)
  command -v python3 >/dev/null || skip "python3 is not installed"
  exec python3 "$src/tests/lsp/test_lsp.py" "$missionc" "$src" ;;
sessions)
  command -v python3 >/dev/null || skip "python3 is not installed"
  exec python3 "$src/tests/lsp/play_sessions.py" "$missionc" "$src" ;;
vscode)
  command -v node >/dev/null || skip "node is not installed"
  [ -d "$ext/node_modules/vscode-languageserver-protocol" ] ||
    skip "run 'npm ci' in editors/vscode (installs vscode-languageclient)"
  cd "$ext" && MISSIONC=$missionc exec node test/client.test.mjs ;;
grammar)
  command -v node >/dev/null || skip "node is not installed"
  [ -x "$ext/node_modules/.bin/vscode-tmgrammar-test" ] || skip "run 'npm ci' in editors/vscode"
  cd "$ext" && exec node_modules/.bin/vscode-tmgrammar-test -g syntaxes/mission.tmLanguage.json 'test/grammar/*.mission' ;;
neovim)
  command -v nvim >/dev/null || skip "neovim is not installed"
  exec python3 "$src/tests/lsp/test_neovim.py" "$missionc" "$src" ;;
*) echo "run.sh: unknown test '$what'" >&2; exit 2 ;;
esac
