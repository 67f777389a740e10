#!/usr/bin/env python3
"""test_neovim.py MISSIONC SOURCE_DIR - Neovim's built-in LSP client, headless, against
`missionc lsp`: open a file with an error, wait for its diagnostics, check hover,
definition, completion, a typed fix and a rename applied by Neovim (neovim_client.lua)."""
import json
import os
import subprocess
import sys
import tempfile

missionc, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
TEXT = """import "std/units"
mission m "M" {
  period 2021 .. 2030
  owner  ecc
  budget 5 MEUR
}
/// The European Commission.
actor ec "European Commission" { sector public }
instrument grants "Grants" { kind grant; by ec; budget 2 MEUR }
"""
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as work:
    path = os.path.join(work, "broken.mission")
    with open(path, "w") as f:
        f.write(TEXT)
    results = os.path.join(work, "results.json")
    env = dict(os.environ, MISSIONC=missionc, MISSION_FILE=path, RESULTS=results, HOME=work,
               XDG_CONFIG_HOME=work, XDG_DATA_HOME=work, XDG_STATE_HOME=work, XDG_CACHE_HOME=work)
    lua = os.path.join(src, "tests/lsp/neovim_client.lua")
    proc = subprocess.run(["nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile " + lua],
                          env=env, cwd=work, timeout=120, capture_output=True, text=True)
    if not os.path.exists(results):
        print(proc.stdout, proc.stderr)
        print("FAIL neovim wrote no results")
        sys.exit(1)
    r = json.load(open(results))
    check("error" not in r, "the Lua script ran: " + str(r.get("error")))
    check(r.get("attached"), "client started and initialized")
    check(r.get("got_diagnostics"), "diagnostics arrived")
    unknown = [d for d in r.get("diagnostics", []) if d["code"] == "E0201"]
    check(len(unknown) == 1 and unknown[0]["lnum"] == 3 and unknown[0]["col"] == 9, "E0201 at line 4, column 10")
    check("actor ec" in (r.get("hover") or "") and "The European Commission." in r.get("hover", ""), "hover")
    check(r.get("definition_line") == 7, "definition: line 8")
    check("ec" in r.get("completion", []), "completion after 'by' offers the actor")
    check(r.get("fixed"), "typing the fix clears the error (%.1f ms)" % r.get("fix_ms", -1))
    lines = r.get("after_rename", [])
    check(len(lines) > 8 and "owner  commission" in lines[3] and lines[7].startswith("actor commission")
          and "by commission" in lines[8], "rename applied by Neovim in three places")
    check(r.get("stopped"), "client stopped (shutdown, exit)")
sys.exit(1 if failures else 0)
