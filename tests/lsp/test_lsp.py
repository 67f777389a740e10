#!/usr/bin/env python3
"""test_lsp.py MISSIONC SOURCE_DIR - drive `missionc lsp` over stdio as an editor does and
check each feature's answers: diagnostics (codes, notes, LANGUAGE.md links, imported files,
incremental edits), hover, definition (imports too), references, rename with the
one-namespace check, document symbols, completion, code actions, semantic tokens, and the
robustness of the framing (malformed JSON, wrong Content-Length, unknown methods).
Prints the latency from a change to its diagnostics. Python 3 standard library only."""
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import LspClient, file_uri, pos  # noqa: E402

MISSIONC, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


LIB = '''/// Actors shared by the missions of the workspace.
actor ec "European Commission" { sector public }
actor tno "TNO" { sector academia }
'''

SHARED = '''/// A library found through the workspace folder.
actor assemblies "Citizens' assemblies" { sector citizens }
'''

MAIN = '''/// 100 Climate-Neutral and Smart Cities by 2030
import "std/units"
import "lib/actors"
import "shared"

/// A city, as counted by the mission.
unit city

mission cities "100 Climate-Neutral and Smart Cities by 2030" {
  challenge "Climate change"
  owner     ec
  period    2021-09-29 .. 2030-12-31
  budget    360 MEUR
}

actor siemens "Siemens" { sector private }
actor eurocities "Eurocities" { sector third }

indicator neutral "Cities that reached climate neutrality" { unit city }
indicator ghg "Net GHG emissions" { unit MtCO2e }

/// Every mission city climate-neutral.
goal hundred "100 climate-neutral cities" {
  indicator neutral
  baseline  0 city at 2021
  target    100 city by 2030
}
goal cut "Net-zero emissions" {
  indicator ghg
  baseline  120 MtCO2e at 2019
  target    0 MtCO2e by 2030
}

record applicant {
  tax_haven    bool
  emission_cut %
}
condition no_tax_havens "Not registered in a tax haven" on applicant = not tax_haven
condition decarbonise "Cuts emissions 4.2% a year" on applicant = emission_cut >= 4.2%

instrument netzero "NetZeroCities grants" {
  kind     grant
  push     supply
  by       ec
  budget   110 MEUR
  requires no_tax_havens, decarbonise
}
instrument buying "Green public procurement" { kind procurement; push demand; by ec; budget 50 MEUR }

project pilots "Pilot cities programme" {
  lead        ec
  partners    eurocities, assemblies, tno, siemens
  funded_by   netzero: 32 MEUR
  disciplines engineering, urban_planning
  contributes hundred: 0.5, cut: 0.5
}
project more "More pilots" {
  lead        tno
  partners    siemens
  funded_by   netzero: 10 MEUR, buying: 5 MEUR
  disciplines engineering, economics
  contributes hundred: 0.5, cut: 0.5
}

score mission_score "Overall mission score" = 0.6 * progress(hundred) + 0.4 * progress(cut)
score applicant_fit on applicant = if tax_haven then 0 else clamp(emission_cut / 10%, 0, 1)
milestone midterm "Mid-term review" { kind review; date 2026-06-30; by ec }
'''

BROKEN = '''import "std/units"
mission m "Broken" {
  period 2021 .. 2030
  owner  ecc
  budgett 5 MEUR
}
actor ec "EC" { sector public }
goal g "G" {
  indicator nope
  baseline 0 MEUR at 2021
  target 5 MEUR by 2030
}
score s = 1 +
'''


def params(uri, text, needle, nth=0, delta=0, **extra):
    p = {"textDocument": {"uri": uri}, "position": pos(text, needle, nth, delta)}
    p.update(extra)
    return p


def robustness(client):
    """Malformed input gets JSON-RPC errors and the server keeps serving."""
    client.send_raw(b"Content-Length: 9\r\n\r\n{bad json")
    m = client.wait(lambda m: "error" in m and m["error"]["code"] == -32700)
    check(m["id"] is None, "malformed JSON: parse error -32700 with id null")
    client.send_raw(b"X-Nonsense\r\n\r\n")
    m = client.wait(lambda m: "error" in m and m["error"]["code"] == -32700)
    check("Content-Length" in m["error"]["message"], "missing Content-Length: parse error, server goes on")
    client.send_raw(b"Content-Length: abc\r\n\r\n")
    client.wait(lambda m: "error" in m and m["error"]["code"] == -32700)
    check(True, "invalid Content-Length value: parse error")
    # a Content-Length one byte short: the JSON is cut, the stray byte starts the next header
    body = json.dumps({"jsonrpc": "2.0", "id": 900, "method": "shutdownx"}).encode()
    client.send_raw(b"Content-Length: %d\r\n\r\n" % (len(body) - 1) + body + b"\r\n\r\n")
    client.wait(lambda m: "error" in m and m["error"]["code"] == -32700)
    check(True, "Content-Length too short: parse error, then resynchronised")
    rid = client.request_async("textDocument/noSuchThing", {})
    m = client.response(rid)
    check(m.get("error", {}).get("code") == -32601, "unknown request: method not found -32601")
    client.notify("$/noSuchNotification", {})
    client.send({"jsonrpc": "2.0", "id": 901, "method": 42})
    m = client.response(901)
    check(m.get("error", {}).get("code") == -32600, "method of the wrong type: invalid request -32600")
    client.send({"jsonrpc": "1.0", "id": 902, "method": "textDocument/hover"})
    check(client.response(902).get("error", {}).get("code") == -32600, "jsonrpc 1.0: invalid request")
    client.send_raw(b"Content-Length: 2\r\n\r\n[]")
    client.wait(lambda m: "error" in m and m["error"]["code"] == -32600)
    check(True, "a batch (array): invalid request")
    rid = client.request_async("textDocument/hover", {"textDocument": {"uri": "file:///not/open.mission"},
                                                      "position": {"line": 0, "character": 0}})
    check(client.response(rid).get("error", {}).get("code") == -32602, "hover on a document never opened: invalid params")
    deep = b"[" * 100000
    client.send_raw(b"Content-Length: %d\r\n\r\n" % len(deep) + deep)
    client.wait(lambda m: "error" in m and m["error"]["code"] == -32700)
    check(True, "100000 nested brackets: parse error, no stack overflow")


def main():
    work = tempfile.mkdtemp(prefix="missionc-lsp-")
    try:
        run(work)
    finally:
        shutil.rmtree(work)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all LSP checks passed")
    return 0


def run(work):
    os.makedirs(os.path.join(work, "sub/lib"))
    os.makedirs(os.path.join(work, "mpath"))
    paths = {"main": os.path.join(work, "sub/main.mission"),
             "lib": os.path.join(work, "sub/lib/actors.mission"),
             "shared": os.path.join(work, "shared.mission"),
             "broken": os.path.join(work, "sub/broken.mission")}
    for key, text in (("main", MAIN), ("lib", LIB), ("shared", SHARED), ("broken", BROKEN)):
        with open(paths[key], "w") as f:
            f.write(text)
    with open(os.path.join(work, "mpath/viapath.mission"), "w") as f:
        f.write('actor far "Found through MISSION_PATH" { sector third }\n')
    env = dict(os.environ, MISSION_PATH=os.path.join(work, "mpath"))
    client = LspClient([MISSIONC, "lsp", "--stdio"], cwd="/", env=env)

    # before initialize: requests are refused
    rid = client.request_async("textDocument/hover", {})
    check(client.response(rid)["error"]["code"] == -32002, "request before initialize: -32002")
    init = client.initialize(file_uri(work))
    caps = init["capabilities"]
    check(caps["textDocumentSync"]["change"] == 2, "incremental sync advertised")
    for cap in ("hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider"):
        check(caps.get(cap) is True, cap)

    main_uri, broken_uri = file_uri(paths["main"]), file_uri(paths["broken"])

    # -- diagnostics ------------------------------------------------------
    client.open(main_uri, MAIN)
    diags = client.diagnostics(main_uri)
    check(diags == [], "flagship-like mission with imports from the folder, the workspace and std: clean "
          + json.dumps(diags)[:300])

    client.open(broken_uri, BROKEN)
    diags = client.diagnostics(broken_uri)
    codes = sorted(d["code"] for d in diags)
    check("E0102" in codes, "broken file: syntax error E0102 reported " + str(codes))
    by_code = {d["code"]: d for d in diags}
    syntax = by_code.get("E0102", {})
    check(syntax.get("range", {}).get("start", {}).get("line") == 13, "syntax error at the end of the file (line 14)")
    unknown = [d for d in diags if d["code"] == "E0201" and "ecc" in d["message"]]
    check(len(unknown) == 1 and unknown[0]["range"]["start"] == {"line": 3, "character": 9}
          and unknown[0]["range"]["end"] == {"line": 3, "character": 12}, "unknown actor 'ecc' at 4:10-4:13")
    if unknown:
        rel = unknown[0].get("relatedInformation", [])
        check(any("did you mean 'ec'" in r["message"] and r["location"]["range"]["start"]["line"] == 6 for r in rel),
              "relatedInformation: did you mean 'ec', at its declaration")
        href = unknown[0].get("codeDescription", {}).get("href", "")
        check(href.endswith("LANGUAGE.md#e0201-unknown-name"), "codeDescription links LANGUAGE.md#e0201-unknown-name: " + href)
        check(unknown[0]["severity"] == 1 and unknown[0]["source"] == "missionc", "severity error, source missionc")
    check("E0701" in codes, "unknown attribute budgett: E0701")

    # code actions: did-you-mean fix-its
    rng = unknown[0]["range"] if unknown else {"start": {"line": 3, "character": 9}, "end": {"line": 3, "character": 12}}
    actions = client.request("textDocument/codeAction", {"textDocument": {"uri": broken_uri}, "range": rng,
                                                         "context": {"diagnostics": unknown}})
    titles = [a["title"] for a in actions]
    check("replace with 'ec'" in titles, "code action: replace with 'ec' " + str(titles))
    for a in actions:
        if a["title"] == "replace with 'ec'":
            edit = a["edit"]["changes"][broken_uri][0]
            check(edit["newText"] == "ec" and edit["range"] == rng and a["kind"] == "quickfix", "its edit replaces ecc")
    attr_rng = {"start": {"line": 4, "character": 2}, "end": {"line": 4, "character": 9}}
    actions = client.request("textDocument/codeAction", {"textDocument": {"uri": broken_uri}, "range": attr_rng,
                                                         "context": {"diagnostics": []}})
    check(any(a["title"] == "replace with 'budget'" for a in actions), "code action: budgett -> budget")

    # a unit that std/units declares, without the import: the fix adds the import
    nounits = os.path.join(work, "sub/nounits.mission")
    text = 'indicator x "X" { unit MEUR }\n'
    open(nounits, "w").write(text)
    nuri = file_uri(nounits)
    client.open(nuri, text)
    d = client.diagnostics(nuri)
    acts = client.request("textDocument/codeAction", {"textDocument": {"uri": nuri},
                                                      "range": d[0]["range"] if d else rng, "context": {"diagnostics": d}})
    check(any(a["title"] == 'add import "std/units"' for a in acts), "code action: add import \"std/units\"")

    # fixing the file by an incremental edit clears that diagnostic
    client.change(broken_uri, 2, "ec", {"start": {"line": 3, "character": 9}, "end": {"line": 3, "character": 12}})
    diags = client.diagnostics(broken_uri, version=2)
    check(not any("ecc" in d["message"] for d in diags), "incremental edit ecc -> ec: the error is gone")
    check(any(d["code"] == "E0102" for d in diags), "the syntax error stays")

    # an error in an imported library shows at the import, linked to its place
    with open(paths["lib"], "a") as f:
        f.write("actor bad { sector nowhere }\n")
    client.change(broken_uri, 3, 'import "lib/actors"\nmission m "M" { period 2021 .. 2030 }\n')
    client.diagnostics(broken_uri, version=3)
    client.notify("textDocument/didSave", {"textDocument": {"uri": broken_uri}})
    diags = client.diagnostics(broken_uri, version=3)
    imp = [d for d in diags if d["code"] == "E0706"]
    check(len(imp) == 1 and imp[0]["range"]["start"]["line"] == 0 and "in imported file" in imp[0]["message"]
          and imp[0]["relatedInformation"][0]["location"]["uri"] == file_uri(paths["lib"]),
          "error in an imported file: at the import, related to the library line")
    with open(paths["lib"], "w") as f:
        f.write(LIB)

    # MISSION_PATH
    client.change(broken_uri, 4, 'import "viapath"\nactor x "X" { sector public; parent far }\n')
    diags = client.diagnostics(broken_uri, version=4)
    check(not any(d["severity"] == 1 for d in diags), "import found through MISSION_PATH " + json.dumps(diags)[:200])

    # -- hover --------------------------------------------------------------
    h = client.request("textDocument/hover", params(main_uri, MAIN, "progress(cut)", delta=10))
    v = h["contents"]["value"] if h else ""
    check("goal cut" in v and "120 MtCO2e at 2019-01-01 → 0 MtCO2e by 2030-12-31" in v,
          "hover goal: baseline -> target with units and dates")
    h = client.request("textDocument/hover", params(main_uri, MAIN, "progress(hundred)", delta=10))
    v = h["contents"]["value"]
    check("Every mission city climate-neutral." in v and "100 climate-neutral cities" in v, "hover goal: /// doc and title")
    h = client.request("textDocument/hover", params(main_uri, MAIN, "funded_by   netzero", delta=13))
    v = h["contents"]["value"]
    check("kind grant" in v and "budget 110 MEUR" in v and "no_tax_havens" in v and "Not registered in a tax haven" in v,
          "hover instrument: kind, budget, conditions")
    h = client.request("textDocument/hover", params(main_uri, MAIN, "360 MEUR", delta=5))
    v = h["contents"]["value"]
    check("unit MEUR" in v and "dimension EUR" in v and "1 MEUR = 1000000 EUR" in v, "hover unit: dimension and scale: " + v)
    h = client.request("textDocument/hover", params(main_uri, MAIN, "owner     ec", delta=10))
    v = h["contents"]["value"]
    check("actor ec" in v and "sector public" in v and "declared in" in v, "hover imported actor")
    h = client.request("textDocument/hover", params(main_uri, MAIN, "not tax_haven", delta=5))
    check("field of record `applicant`" in h["contents"]["value"], "hover record field")
    h = client.request("textDocument/hover", params(main_uri, MAIN, "challenge", delta=2))
    check(h is None, "hover on an attribute name: null")

    # -- definition ---------------------------------------------------------
    loc = client.request("textDocument/definition", params(main_uri, MAIN, "requires no_tax_havens", delta=10))
    check(loc and loc["uri"] == main_uri and loc["range"]["start"] == pos(MAIN, "no_tax_havens"), "definition: condition")
    loc = client.request("textDocument/definition", params(main_uri, MAIN, "partners    eurocities, assemblies", delta=26))
    check(loc and loc["uri"] == file_uri(paths["shared"]), "definition: actor in a workspace library")
    loc = client.request("textDocument/definition", params(main_uri, MAIN, 'import "lib/actors"', delta=9))
    check(loc and loc["uri"] == file_uri(paths["lib"]), "definition: import opens the library")
    loc = client.request("textDocument/definition", params(main_uri, MAIN, "360 MEUR", delta=5))
    check(loc and loc["uri"].endswith("/std/units.mission"), "definition: unit in std/units")
    loc = client.request("textDocument/definition", params(main_uri, MAIN, "emission_cut >=", delta=2))
    check(loc and loc["range"]["start"] == pos(MAIN, "emission_cut %"), "definition: record field")

    # -- references -----------------------------------------------------------
    refs = client.request("textDocument/references", params(main_uri, MAIN, "actor siemens", delta=7,
                                                            context={"includeDeclaration": True}))
    check(len(refs) == 3, "references of siemens: declaration and two uses (%d)" % len(refs))
    refs = client.request("textDocument/references", params(main_uri, MAIN, "actor siemens", delta=7,
                                                            context={"includeDeclaration": False}))
    check(len(refs) == 2, "references without the declaration")
    refs = client.request("textDocument/references", params(main_uri, MAIN, "unit city", delta=6,
                                                            context={"includeDeclaration": True}))
    check(len(refs) == 4, "references of unit city (%d)" % len(refs))

    # -- rename -----------------------------------------------------------------
    prep = client.request("textDocument/prepareRename", params(main_uri, MAIN, "goal cut", delta=6))
    check(prep and prep["placeholder"] == "cut", "prepareRename: placeholder")
    edit = client.request("textDocument/rename", params(main_uri, MAIN, "goal cut", delta=6, newName="emissions"))
    edits = edit["changes"][main_uri]
    check(len(edits) == 4 and all(e["newText"] == "emissions" for e in edits), "rename goal: 4 edits (%d)" % len(edits))
    rid = client.request_async("textDocument/rename", params(main_uri, MAIN, "goal cut", delta=6, newName="ghg"))
    err = client.response(rid).get("error", {})
    check("already declared, as an indicator" in err.get("message", "") and "one namespace" in err["message"],
          "rename onto an indicator's name: refused, one namespace")
    for kw in ("score", "risk", "source", "test", "per"):   # the last four were missing from the server's own list
        rid = client.request_async("textDocument/rename", params(main_uri, MAIN, "goal cut", delta=6, newName=kw))
        check("keyword" in client.response(rid).get("error", {}).get("message", ""), "rename to keyword %s: refused" % kw)
    rid = client.request_async("textDocument/rename", params(main_uri, MAIN, "360 MEUR", delta=5, newName="X"))
    check("outside the workspace" in client.response(rid).get("error", {}).get("message", ""),
          "rename of a std/units unit: refused")
    edit = client.request("textDocument/rename", params(main_uri, MAIN, "owner     ec", delta=10, newName="commission"))
    check(set(edit["changes"]) == {main_uri, file_uri(paths["lib"])}, "rename of a library actor edits both files")

    # -- document symbols -------------------------------------------------------
    syms = client.request("textDocument/documentSymbol", {"textDocument": {"uri": main_uri}})
    names = [s["name"] for s in syms]
    check(names[:3] == ["city", "cities", "siemens"] and "applicant_fit" in names, "document symbols in order")
    app = [s for s in syms if s["name"] == "applicant"][0]
    check([c["name"] for c in app["children"]] == ["tax_haven", "emission_cut"], "record fields as children")

    # -- completion ---------------------------------------------------------
    def labels(text, needle, delta):
        fname = os.path.join(work, "sub/completion.mission")
        curi = file_uri(fname)
        client.open(curi, text)
        client.diagnostics(curi)
        res = client.request("textDocument/completion", params(curi, text, needle, delta=delta))
        client.notify("textDocument/didClose", {"textDocument": {"uri": curi}})
        client.diagnostics(curi)
        return [i["label"] for i in res["items"]], res["items"]

    base = MAIN.replace("  push     supply\n", "  push     supply\n  by  \n", 1)
    got, _ = labels(base, "  by  \n", 5)
    check("siemens" in got and "ec" in got and "cut" not in got and "netzero" not in got,
          "completion after 'by': actors only " + str(got[:8]))
    base = MAIN.replace("  requires no_tax_havens, decarbonise", "  requires no_tax_havens, ", 1)
    got, _ = labels(base, "requires no_tax_havens, ", 24)
    check(set(got) == {"no_tax_havens", "decarbonise"}, "completion after 'requires': conditions " + str(got))
    base = MAIN.replace("  indicator ghg\n", "  indicator ghg\n  ta\n", 1)
    got, _ = labels(base, "  ta\n", 4)
    check({"target", "baseline", "weight", "parent"} <= set(got) and "lead" not in got, "completion: goal attributes")
    base = MAIN.replace("budget    360 MEUR", "budget    360 ", 1)
    got, _ = labels(base, "budget    360 ", 14)
    check("MEUR" in got and "city" in got and "%" in got, "completion after a number: units")
    base = MAIN + "score extra = cl\n"
    got, items = labels(base, "score extra = cl", 16)
    sig = [i.get("detail") for i in items if i["label"] == "clamp"]
    check("clamp" in got and "progress" in got and "ghg" in got and "mission_score" in got and sig == ["clamp(x, lo, hi)"],
          "completion in a formula: built-ins with signatures and readable names")
    base = MAIN + "score fit2 on applicant = em\n"
    got, _ = labels(base, "on applicant = em", 17)
    check("emission_cut" in got, "completion in a rule on a record: its fields")
    base = MAIN + "sc"
    got, _ = labels(base, "\nsc", 3)
    check("score" in got and "goal" in got and "import" in got, "completion at the top level: declaration kinds")
    base = MAIN.replace("{ sector private }", "{ sector pr }", 1)
    got, _ = labels(base, "{ sector pr", 11)
    check(set(got) == {"public", "private", "third", "academia", "citizens"}, "completion of a choice: sectors")
    base = MAIN.replace("/// A city, as counted", "/// A ci, as counted", 1)
    got, _ = labels(base, "/// A ci", 8)
    check(got == [], "no completion inside a comment")

    # -- semantic tokens --------------------------------------------------------
    toks = client.request("textDocument/semanticTokens/full", {"textDocument": {"uri": main_uri}})["data"]
    check(len(toks) % 5 == 0 and len(toks) // 5 > 40, "semantic tokens: %d names" % (len(toks) // 5))

    # -- formatting: the layout of `missionc fmt`, one whole-document edit ------
    furi_fmt = main_uri + ".fmt.mission"
    messy = 'unit city\nindicator   cities "Cities" {  unit city }\n'
    client.open(furi_fmt, messy)
    client.diagnostics(furi_fmt)
    edits = client.request("textDocument/formatting", {"textDocument": {"uri": furi_fmt},
                                                       "options": {"tabSize": 2, "insertSpaces": True}})
    check(isinstance(edits, list) and len(edits) == 1 and
          edits[0]["newText"] == 'unit city\nindicator cities "Cities" { unit city }\n',
          "formatting: one edit with fmt's layout, got %r" % (edits,))
    client.change(furi_fmt, 2, edits[0]["newText"])
    client.diagnostics(furi_fmt, version=2)
    again = client.request("textDocument/formatting", {"textDocument": {"uri": furi_fmt},
                                                       "options": {"tabSize": 2, "insertSpaces": True}})
    check(again == [], "formatting a formatted document: no edit")
    client.change(furi_fmt, 3, messy + "goal = {\n")
    client.diagnostics(furi_fmt, version=3)
    broken = client.request("textDocument/formatting", {"textDocument": {"uri": furi_fmt},
                                                        "options": {"tabSize": 2, "insertSpaces": True}})
    check(broken == [], "formatting a document with syntax errors: no edit")

    # -- latency: a change to its diagnostics -----------------------------------
    flagship = os.path.join(SRC, "examples/climate_neutral_cities.mission")
    ftext = open(flagship).read()
    furi = file_uri(flagship)
    client.open(furi, ftext)
    client.diagnostics(furi)
    times, version = [], 1
    for i in range(30):
        version += 1
        t0 = time.perf_counter()
        # type a character at the end of a comment line, or delete it again
        client.change(furi, version, ftext if i % 2 else ftext + "//x\n")
        client.diagnostics(furi, version=version)
        times.append((time.perf_counter() - t0) * 1000)
    broken_times = []
    btext = ftext.replace("  budget    360 MEUR", "  budget    360 MEUR +", 1)
    for i in range(30):
        version += 1
        t0 = time.perf_counter()
        client.change(furi, version, btext if i % 2 else btext.replace("owner     ec", "owner     ecx"))
        d = client.diagnostics(furi, version=version)
        broken_times.append((time.perf_counter() - t0) * 1000)
    check(len(d) > 0, "broken flagship: diagnostics published")
    print("latency change -> diagnostics, flagship (%d lines): median %.2f ms, max %.2f ms" %
          (ftext.count("\n"), statistics.median(times), max(times)))
    print("latency change -> diagnostics, broken flagship: median %.2f ms, max %.2f ms" %
          (statistics.median(broken_times), max(broken_times)))

    # -- random edits: the server never crashes or wedges -----------------------
    rnd = random.Random(18)
    text = MAIN
    uri = file_uri(os.path.join(work, "sub/fuzzed.mission"))
    client.open(uri, text)
    for version in range(2, 202):
        lines = text.split("\n")
        line = rnd.randrange(len(lines))
        col = rnd.randrange(len(lines[line]) + 1)
        end_line = min(len(lines) - 1, line + rnd.choice([0, 0, 0, 1, 3]))
        end_col = rnd.randrange(len(lines[end_line]) + 1)
        if (end_line, end_col) < (line, col):
            end_line, end_col = line, col
        ins = rnd.choice(["", "{", "}", "\"", "/*", "ä€😀", "x", "\n", " 3 MEUR", ": ", "=", "..", "goal"])
        client.change(uri, version, ins, {"start": {"line": line, "character": col},
                                          "end": {"line": end_line, "character": end_col}})
        # mirror the edit (UTF-16 positions equal code points here except for the emoji)
        def off(li, ch):
            o = sum(len(x) + 1 for x in lines[:li])
            s = lines[li]
            u = 0
            k = 0
            while k < len(s) and u < ch:
                u += 2 if ord(s[k]) > 0xFFFF else 1
                k += 1
            return o + k
        a, b = off(line, col), off(end_line, end_col)
        text = text[:a] + ins + text[b:]
        if version % 20 == 0:
            p = {"line": rnd.randrange(text.count("\n") + 1), "character": rnd.randrange(40)}
            for method in ("textDocument/hover", "textDocument/completion", "textDocument/definition",
                           "textDocument/documentSymbol", "textDocument/semanticTokens/full"):
                client.request(method, {"textDocument": {"uri": uri}, "position": p,
                                        "context": {"includeDeclaration": True}})
    client.diagnostics(uri, version=201)
    # the server's copy matches ours: a full resync gives the same diagnostics
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    check(True, "200 random edits with queries in between: the server answered throughout")

    robustness(client)
    status = client.close()
    check(status == 0, "shutdown then exit: status 0")


if __name__ == "__main__":
    sys.exit(main())
