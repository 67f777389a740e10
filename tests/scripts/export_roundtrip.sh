#!/usr/bin/env bash
# export_roundtrip.sh MISSIONC SOURCE_DIR BINARY_DIR - `missionc export` round-trips the facts.
#
# For every example, the complete lint mission and the export golden cases without errors:
#   - the export is valid JSON (python3's json module) and byte-identical across runs, and
#     `-o FILE` writes the same bytes as standard output;
#   - an independent reader of the mission source (a small tokenizer below, not the
#     compiler) finds the same declarations (kinds, names, titles, doc comments) and the
#     same attribute values (references by name, quantities with their units, ISO dates,
#     weights, formulas) as the export, and every base value is value x scale; the
#     reader's comparison is itself tested on exports with one fact changed;
#   - every export validates against the JSON Schema in LANGUAGE.md (section 10.1)
#     (python-jsonschema through tests/sarif/validate.py; Debian's python3-jsonschema).
# Then the command's contract: a model with errors is refused (exit 1, no output file),
# a bad --format is a usage error (exit 2), --help exits 0.
set -euo pipefail
missionc=$1 src=$2 bin=$3
work=$bin/export-out
rm -rf "$work"
mkdir -p "$work"

cases=("$src"/examples/*.mission "$src/tests/golden/lint/complete.mission")
for f in "$src"/tests/golden/export/*.mission; do
  grep -q '^// EXIT: [12]' "$f" || cases+=("$f")
done

# The independent reader and the comparison.
cat >"$work/roundtrip.py" <<'EOF'
import calendar, json, math, re, sys

source_path, export_path = sys.argv[1], sys.argv[2]
text = open(source_path, encoding="utf-8").read()
try:
    doc = json.load(open(export_path, encoding="utf-8"))
except ValueError as e:
    print(f"FAIL: {export_path} is not valid JSON: {e}")
    sys.exit(1)

def fail(msg):
    print(f"FAIL: {source_path}: {msg}")
    sys.exit(1)

# ---- an independent reader of the mission syntax -------------------------------------
TOKEN = re.compile(r'''
   (?P<doc>///[^\n]*)
 | (?P<comment>//[^\n]*|/\*.*?\*/)
 | (?P<string>"(?:\\.|[^"\\\n])*")
 | (?P<date>\d{4}-\d{2}(?:-\d{2})?(?!\d))
 | (?P<number>\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)
 | (?P<ident>[A-Za-z_]\w*)
 | (?P<punct>\.\.|==|!=|<=|>=|[-+*/^(){}<>:;,.=%])
 | (?P<newline>\n)
 | (?P<space>[ \t\r]+)
''', re.X | re.S)
ENDS = {"ident", "number", "string", "date"}

def tokens(s):
    out, doc, last = [], [], None
    for m in TOKEN.finditer(s):
        kind, val = m.lastgroup, m.group()
        if kind == "space":
            continue
        if kind == "doc":
            body = val[3:]
            doc.append(body[1:] if body.startswith(" ") else body)
            continue
        if kind == "comment":
            if "\n" in val and last_ends(out):
                out.append(("term", "\n", m.start(), m.end(), None))
            continue
        if kind == "newline":
            if last_ends(out):
                out.append(("term", "\n", m.start(), m.end(), None))
            continue
        if kind == "punct" and val == ";":
            out.append(("term", ";", m.start(), m.end(), None))
            continue
        out.append((kind, val, m.start(), m.end(), "\n".join(doc) if doc else None))
        doc = []
    out.append(("term", "", len(s), len(s), None))
    return out

def last_ends(out):
    if not out:
        return False
    k, v = out[-1][0], out[-1][1]
    return k in ENDS or v in ("%", ")", "}")

KINDS = {"mission", "actor", "indicator", "goal", "phase", "milestone", "instrument",
         "condition", "project", "record", "score", "test", "unit", "fn", "risk", "source"}

def split_top(toks, sep):
    parts, cur, depth = [], [], 0
    for t in toks:
        if t[1] in "({":
            depth += 1
        elif t[1] in ")}":
            depth -= 1
        if depth == 0 and t[0] == "punct" and t[1] == sep:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    return [p for p in parts if p]

def parse(s):
    toks, i, decls = tokens(s), 0, []
    while i < len(toks):
        t = toks[i]
        if t[0] == "term":
            i += 1
            continue
        if t[1] == "import":
            i += 2
            continue
        if t[1] not in KINDS:
            fail(f"the test's reader cannot read {t[1]!r} at byte {t[2]}")
        d = {"kind": t[1], "name": toks[i + 1][1], "doc": t[4], "title": None, "on": None,
             "attrs": [], "body": None, "start": t[2]}
        i += 2
        if toks[i][0] == "string":
            d["title"] = json.loads(toks[i][1])
            i += 1
        if toks[i][1] == "on":
            d["on"] = toks[i + 1][1]
            i += 2
        if toks[i][1] == "(":
            depth = 0
            while True:
                depth += {"(": 1, ")": -1}.get(toks[i][1], 0)
                i += 1
                if depth == 0:
                    break
        if toks[i][1] == ":":
            i += 1
            while toks[i][1] not in ("{", "=") and toks[i][0] != "term":
                i += 1
        if toks[i][1] == "{":
            i += 1
            attr = []
            while toks[i][1] != "}":
                if toks[i][0] == "term":
                    if attr:
                        d["attrs"].append(attr)
                    attr = []
                else:
                    attr.append(toks[i])
                i += 1
            if attr:
                d["attrs"].append(attr)
            i += 1
        elif toks[i][1] == "=":
            i += 1
            start = toks[i][2]
            depth = 0
            while toks[i][0] != "term" or depth > 0:
                depth += {"(": 1, ")": -1}.get(toks[i][1], 0)
                end = toks[i][3]
                i += 1
            d["body"] = s[start:end]
        decls.append(d)
    return decls

def number(tok):
    return float(tok[1].replace("_", ""))

def quantity(toks):
    """NUMBER [UNIT|%] -> (value, unit)"""
    if not toks or toks[0][0] != "number":
        fail(f"expected a quantity, found {[t[1] for t in toks]}")
    unit = toks[1][1] if len(toks) > 1 else "1"
    return number(toks[0]), unit

def as_written(toks):
    """A value as written (R2): [>= | <=] NUMBER [UNIT | %] [/ PER] [.. NUMBER [UNIT | %] [/ PER]]
    -> {"bound": None|">="|"<="|"range", "lo", "hi", "unit", "per"}"""
    vals = [t[1] for t in toks]
    bound = None
    if vals and vals[0] in (">=", "<="):
        bound, toks = vals[0], toks[1:]
    vals = [t[1] for t in toks]
    parts = [toks]
    if ".." in vals:
        k = vals.index("..")
        parts, bound = [toks[:k], toks[k + 1:]], "range"
    ends = []
    for part in parts:
        pv = [t[1] for t in part]
        per = None
        if "/" in pv:
            k = pv.index("/")
            per, part = pv[k + 1], part[:k]
        v, u = quantity(part)
        ends.append((v, u, per))
    return {"bound": bound, "lo": ends[0][0], "hi": ends[-1][0], "unit": ends[0][1], "per": ends[0][2]}

def check_written(where, q, toks):
    w = as_written(toks)
    if q is None:
        fail(f"{where}: missing in the export")
    if w["per"]:
        r = q.get("rate")
        if r is None or r["unit"] != f"{w['unit']}/{w['per']}" or not close(r["value"], w["lo"]):
            fail(f"{where}: export has rate {r}, source {w['lo']} {w['unit']}/{w['per']}")
        if w["bound"] == "range" and not close(r["max"], w["hi"]):
            fail(f"{where}: export has rate max {r['max']}, source {w['hi']}")
        return
    if w["bound"] is None:
        check_quantity(where, q, w["lo"], w["unit"])
        return
    if q.get("bound") != w["bound"] or q["unit"] != w["unit"]:
        fail(f"{where}: export has {q.get('bound')} {q['unit']}, source {w['bound']} {w['unit']}")
    lo = w["lo"] if w["bound"] in (">=", "range") else None
    hi = w["hi"] if w["bound"] in ("<=", "range") else None
    if not close(q["min"], lo) or not close(q["max"], hi):
        fail(f"{where}: export has {q['min']} .. {q['max']}, source {lo} .. {hi}")

def date(tok, last):
    if tok[0] == "number":
        y, m, d = int(tok[1]), None, None
    else:
        parts = [int(p) for p in tok[1].split("-")]
        y, m, d = parts[0], parts[1], parts[2] if len(parts) > 2 else None
    if m is None:
        m = 12 if last else 1
    if d is None:
        d = calendar.monthrange(y, m)[1] if last else 1
    return f"{y:04d}-{m:02d}-{d:02d}"

def period(toks):
    k = [t[1] for t in toks].index("..")
    return {"start": date(toks[0], False), "end": date(toks[k + 1], True)}

def names(args):
    return [a[0][1] for a in args]

def links(args):
    """`name: value` arguments -> [(name, tokens of value)]"""
    return [(a[0][1], a[2:]) for a in args]

def noper(toks):
    """An argument's tokens without its `per SOURCE`."""
    w = [t[1] for t in toks]
    return toks[:w.index("per")] if "per" in w else toks

def per(toks):
    """The source of an argument's `per SOURCE`, or None."""
    w = [t[1] for t in toks]
    return w[w.index("per") + 1] if "per" in w else None

def strings(args):
    return [json.loads(a[0][1]) for a in args]

def attributes(d):
    out = {}
    for a in d["attrs"]:
        if a[0][1] in ("allow", "roles"):   # repeatable: the lists add up
            out.setdefault(a[0][1], []).extend(split_top(a[1:], ","))
        else:
            out[a[0][1]] = split_top(a[1:], ",")
    return out

def check_common(where, at, a, kind):
    """roles and allow (R3, R6)."""
    if kind in ("mission", "goal", "milestone", "instrument", "project"):
        expect(f"{where} roles", [(r["actor"], r["role"]) for r in at["roles"]],
               [(x[0][1], x[2][1]) for x in a.get("roles", [])])
    if "allow" in at:
        expect(f"{where} allow", [(x["code"], x["reason"]) for x in at["allow"]],
               [(x[0][1], json.loads(x[2][1])) for x in a.get("allow", [])])

def check_money_links(where, got, src, key):
    """funded_by / cofunded_by: names in order, amounts as written (none: null)."""
    expect(f"{where}", [x[key] for x in got], [x[0][1] for x in src])
    for x, arg in zip(got, src):
        if len(arg) == 1:
            expect(f"{where} {arg[0][1]} amount", x["amount"], None)
        else:
            check_written(f"{where} {arg[0][1]}", x["amount"], arg[2:])

# ---- compare --------------------------------------------------------------------------
close = lambda a, b: a == b or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300))
units = {u["name"]: u for u in doc["units"]}
declared = {d["name"]: d for d in doc["declarations"] if not d["imported"]}

def check_quantity(where, q, value, unit):
    if q is None:
        fail(f"{where}: missing in the export")
    if q["unit"] != unit or not close(q["value"], value):
        fail(f"{where}: export has {q['value']} {q['unit']}, source {value} {unit}")
    if q["unit"] in units and not close(q["base_value"], q["value"] * units[q["unit"]]["scale"]):
        fail(f"{where}: base value {q['base_value']} is not {q['value']} x {units[q['unit']]['scale']}")

def expect(where, got, want):
    if got != want:
        fail(f"{where}: export has {got!r}, source {want!r}")

decls = parse(text)
src_units = [d for d in decls if d["kind"] == "unit"]
src_decls = [d for d in decls if d["kind"] != "unit"]
expect("declarations (kind, name)", sorted((d["kind"], d["name"]) for d in declared.values()),
       sorted((d["kind"], d["name"]) for d in src_decls))
own_units = sorted(u["name"] for u in doc["units"] if not u["builtin"] and not u["imported"])
expect("declared units", own_units, sorted(d["name"] for d in src_units))
for d in src_units:
    u = units[d["name"]]
    expect(f"unit {d['name']} doc", u["doc"], d["doc"])

checked = 0
for d in src_decls:
    e = declared[d["name"]]
    at, where = e["attributes"], f"{d['kind']} {d['name']}"
    expect(f"{where} title", e["title"], d["title"])
    expect(f"{where} doc", e["doc"], d["doc"])
    expect(f"{where} span line", e["span"]["line"], text.count("\n", 0, d["start"]) + 1)
    a = attributes(d)
    k = d["kind"]
    if k not in ("record", "condition", "score", "fn"):
        expect(f"{where} sources", e["sources"], names(a.get("sources", [])))
    if k == "mission":
        for key in ("challenge", "statement"):
            expect(f"{where} {key}", at[key], json.loads(a[key][0][0][1]) if key in a else None)
        expect(f"{where} owner", at["owner"], a["owner"][0][0][1] if "owner" in a else None)
        expect(f"{where} period", at["period"], period(a["period"][0]))
        if "budget" in a:
            check_written(f"{where} budget", at["budget"], noper(a["budget"][0]))
            expect(f"{where} budget source", at["budget"]["source"], per(a["budget"][0]))
    elif k == "actor":
        expect(f"{where} sector", at["sector"], a["sector"][0][0][1])
        expect(f"{where} level", at["level"], a["level"][0][0][1] if "level" in a else None)
        expect(f"{where} parent", at["parent"], a["parent"][0][0][1] if "parent" in a else None)
    elif k == "indicator":
        expect(f"{where} unit", at["unit"], "".join(t[1] for t in a["unit"][0]))
        expect(f"{where} source", at["source"], json.loads(a["source"][0][0][1]) if "source" in a else None)
    elif k == "goal":
        expect(f"{where} indicator", at["indicator"], a["indicator"][0][0][1])
        for key, word, last in (("baseline", "at", False), ("target", "by", True)):
            toks = a[key][0]
            w = [t[1] for t in toks].index(word)
            check_written(f"{where} {key}", at[key], toks[:w])
            expect(f"{where} {key} {word}", at[key][word], date(toks[w + 1], last))
            expect(f"{where} {key} source", at[key]["source"], per(toks))
        expect(f"{where} level", at["level"], a["level"][0][0][1] if "level" in a else None)
        expect(f"{where} assumes", at["assumes"], strings(a.get("assumes", [])))
        expect(f"{where} contributes",
               [(x["goal"], x["weight"], x["source"]) for x in at["contributes"]],
               [(g, -number(v[1]) if v[0][1] == "-" else number(v[0]), per(v))
                for g, v in links(a.get("contributes", []))])
        expect(f"{where} deadline", at["deadline"], at["target"]["by"])
        expect(f"{where} parent", at["parent"], a["parent"][0][0][1] if "parent" in a else None)
        if "weight" in a:
            expect(f"{where} weight", at["weight"], number(a["weight"][0][0]))
    elif k == "phase":
        expect(f"{where} period", at["period"], period(a["period"][0]))
        expect(f"{where} after", at["after"], names(a.get("after", [])))
    elif k == "milestone":
        expect(f"{where} date", at["date"], date(a["date"][0][0], True))
        expect(f"{where} phase", at["phase"], a["phase"][0][0][1] if "phase" in a else None)
        expect(f"{where} after", at["after"], names(a.get("after", [])))
        src_links = links(a.get("expects", []))
        expect(f"{where} expects", [x["goal"] for x in at["expects"]], [g for g, _ in src_links])
        for x, (g, v) in zip(at["expects"], src_links):
            check_written(f"{where} expects {g}", x["value"], noper(v))
            expect(f"{where} expects {g} source", x["source"], per(v))
        expect(f"{where} kind", at["kind"], a["kind"][0][0][1] if "kind" in a else "event")
        expect(f"{where} by", at["by"], a["by"][0][0][1] if "by" in a else None)
        expect(f"{where} reviews", at["reviews"], names(a.get("reviews", [])))
        expect(f"{where} options", at["options"], names(a.get("options", [])))
        expect(f"{where} decided", at["decided"], a["decided"][0][0][1] if "decided" in a else None)
    elif k == "instrument":
        expect(f"{where} kind", at["kind"], a["kind"][0][0][1])
        expect(f"{where} push", at["push"], a["push"][0][0][1] if "push" in a else None)
        expect(f"{where} by", at["by"], a["by"][0][0][1])
        expect(f"{where} by_all", at["by_all"], names(a["by"]))
        check_money_links(f"{where} cofunded_by", at["cofunded_by"], a.get("cofunded_by", []), "actor")
        expect(f"{where} requires", at["requires"], names(a.get("requires", [])))
        expect(f"{where} period", at["period"], period(a["period"][0]) if "period" in a else None)
        if "budget" in a:
            check_written(f"{where} budget", at["budget"], a["budget"][0])
        else:
            expect(f"{where} budget", at["budget"], None)
    elif k == "project":
        expect(f"{where} lead", at["lead"], a["lead"][0][0][1])
        expect(f"{where} partners", at["partners"], names(a.get("partners", [])))
        expect(f"{where} disciplines", at["disciplines"], names(a.get("disciplines", [])))
        expect(f"{where} period", at["period"], period(a["period"][0]) if "period" in a else None)
        check_money_links(f"{where} funded_by", at["funded_by"], [noper(x) for x in a.get("funded_by", [])], "instrument")
        check_money_links(f"{where} cofunded_by", at["cofunded_by"], [noper(x) for x in a.get("cofunded_by", [])], "actor")
        expect(f"{where} supported_by", at["supported_by"], names(a.get("supported_by", [])))
        for key in ("funded_by", "cofunded_by"):
            expect(f"{where} {key} sources", [x["source"] for x in at[key]], [per(x) for x in a.get(key, [])])
        src_links = links(a.get("contributes", []))
        expect(f"{where} contributes",
               [(x["goal"], x["weight"]) for x in at["contributes"]],
               [(g, -number(v[1]) if v[0][1] == "-" else number(v[0])) for g, v in src_links])
        expect(f"{where} assumes", at["assumes"], strings(a.get("assumes", [])))
    elif k == "risk":
        toks = a["likelihood"][0]
        expect(f"{where} likelihood", round(at["likelihood"], 12), round(number(toks[0]) / 100, 12))
        src_links = links(a.get("affects", []))
        expect(f"{where} affects", [x["goal"] for x in at["affects"]], [g for g, _ in src_links])
        for x, (g, v) in zip(at["affects"], src_links):
            value, unit = quantity(v[1:]) if v[0][1] == "-" else quantity(v)
            check_quantity(f"{where} affects {g}", x["change"], -value if v[0][1] == "-" else value, unit)
        expect(f"{where} owner", at["owner"], a["owner"][0][0][1] if "owner" in a else None)
        expect(f"{where} mitigated_by", at["mitigated_by"], names(a.get("mitigated_by", [])))
    elif k == "source":
        for key in ("url", "publisher"):
            expect(f"{where} {key}", at[key], json.loads(a[key][0][0][1]) if key in a else None)
        for key in ("published", "retrieved"):
            expect(f"{where} {key}", at[key], date(a[key][0][0], True) if key in a else None)
    elif k == "record":
        expect(f"{where} fields", [f["name"] for f in at["fields"]], [x[0][1] for x in d["attrs"]])
        for f, x in zip(at["fields"], d["attrs"]):
            written = "".join(t[1] for t in x[1:])
            want = {"bool": ("bool", None), "date": ("date", None)}.get(written, ("number", written))
            expect(f"{where} field {f['name']}", (f["type"], f["unit"]), want)
    elif k == "test":
        expect(f"{where} on", at["on"], d["on"])
        for key in ("given", "expect"):
            src_links = links(a.get(key, []))
            expect(f"{where} {key}", [x["name"] for x in at[key]], [n for n, _ in src_links])
            for x, (n, v) in zip(at[key], src_links):
                expect(f"{where} {key} {n}", re.sub(r"\s+", "", x["value"]), "".join(t[1] for t in v))
        expect(f"{where} within", at["within"], number(a["within"][0][0]) if "within" in a else 0)
    elif k in ("condition", "score", "fn"):
        if k != "fn":
            expect(f"{where} on", at["on"], d["on"])
        squash = lambda s: re.sub(r"\s+", " ", s.strip())
        expect(f"{where} formula", squash(at["formula"]), squash(d["body"]))
    check_common(where, at, a, k)
    checked += 1

counts = {}
for d in src_decls:
    counts[d["kind"]] = counts.get(d["kind"], 0) + 1
print(f"  {source_path.split('/')[-1]}: {checked} declarations and {len(src_units)} units match "
      f"({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))})")
EOF

n=0
for f in "${cases[@]}"; do
  name=$(basename "$(dirname "$f")")-$(basename "$f" .mission)
  dir=$(dirname "$f")
  if ! (cd "$dir" && "$missionc" export "$(basename "$f")" >"$work/$name.json" 2>"$work/$name.err"); then
    echo "FAIL: missionc export $f exited non-zero:"; cat "$work/$name.err"; exit 1
  fi
  (cd "$dir" && "$missionc" export "$(basename "$f")" 2>/dev/null) >"$work/$name.again.json"
  cmp -s "$work/$name.json" "$work/$name.again.json" || { echo "FAIL: $f: two exports differ"; exit 1; }
  (cd "$dir" && "$missionc" export --format json -o "$work/$name.o.json" "$(basename "$f")" 2>/dev/null)
  cmp -s "$work/$name.json" "$work/$name.o.json" || { echo "FAIL: $f: -o differs from stdout"; exit 1; }
  python3 "$work/roundtrip.py" "$f" "$work/$name.json" || exit 1
  n=$((n + 1))
done
[ "$n" -ge 4 ] || { echo "FAIL: only $n missions exported"; exit 1; }

# Every export validates against the JSON Schema documented in LANGUAGE.md (section 10.1), with the
# validator of tests/sarif/.
py=/usr/bin/python3
"$py" -c 'import jsonschema' 2>/dev/null || py=python3
validate() { "$py" "$src/tests/sarif/validate.py" "$@"; }
sed -n '/<!-- export-schema: begin -->/,/<!-- export-schema: end -->/p' "$src/LANGUAGE.md" |
  sed '1,2d;$d' | sed '$d' >"$work/export-schema.json"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/export-schema.json" ||
  { echo "FAIL: the schema in LANGUAGE.md (section 10.1) is not JSON"; exit 1; }
mkdir -p "$work/valid"
for f in "$work"/*.json; do
  case $f in *.again.json|*.o.json|*/export-schema.json|*/mutated.json) continue;; esac
  cp "$f" "$work/valid/"
done
if ! validate "$work/export-schema.json" "$work"/valid/*.json >"$work/validate.txt" 2>&1; then
  echo "FAIL: exports do not validate against the schema of LANGUAGE.md (section 10.1):"; grep -v ' valid$' "$work/validate.txt"; exit 1
fi
[ "$(grep -c ' valid$' "$work/validate.txt")" -eq "$n" ] || { echo "FAIL: not every export was validated"; cat "$work/validate.txt"; exit 1; }
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["declarations"][1]["attributes"]["sector"] = "pubic"; json.dump(d, open(sys.argv[2], "w"))' \
  "$work/valid/export-all-kinds.json" "$work/mutated.json"
if validate "$work/export-schema.json" "$work/mutated.json" >/dev/null 2>&1; then
  echo "FAIL: the schema accepted sector \"pubic\""; exit 1
fi

# The comparison must catch a wrong fact: change one value at a time in an export.
ak=$src/tests/golden/export/all-kinds.mission
for change in 'd["declarations"][-1]["attributes"]["contributes"][0]["weight"] = 0.35' \
              'd["declarations"][0]["attributes"]["budget"]["base_value"] *= 10' \
              'd["declarations"][0]["attributes"]["period"]["end"] = "2030-12-30"' \
              'd["declarations"][1]["title"] = "Vaxjo kommun"' \
              'd["declarations"].pop()'; do
  python3 -c "import json, sys; d = json.load(open(sys.argv[1])); $change; json.dump(d, open(sys.argv[2], 'w'))" \
    "$work/export-all-kinds.json" "$work/mutated.json"
  if python3 "$work/roundtrip.py" "$ak" "$work/mutated.json" >/dev/null; then
    echo "FAIL: the round-trip check missed: $change"; exit 1
  fi
done

# A model with errors is refused: exit 1, the diagnostics, no output file.
bad=$work/bad.mission
printf 'mission m { period 2024 .. 2030 }\nactor a { sector pubic }\n' >"$bad"
set +e
"$missionc" export -o "$work/bad.json" "$bad" 2>"$work/bad.err"
status=$?
set -e
[ "$status" -eq 1 ] || { echo "FAIL: export of a model with errors exited $status, not 1"; exit 1; }
grep -q 'error\[' "$work/bad.err" || { echo "FAIL: no diagnostic for the model with errors"; exit 1; }
[ ! -e "$work/bad.json" ] || { echo "FAIL: a model with errors was written"; exit 1; }

# Usage: a format other than json is exit 2; --help is exit 0.
set +e
"$missionc" export --format xml "$src/tests/golden/lint/complete.mission" >/dev/null 2>&1
status=$?
set -e
[ "$status" -eq 2 ] || { echo "FAIL: --format xml exited $status, not 2"; exit 1; }
grep -q 'usage: missionc export' <<<"$("$missionc" export --help)" || { echo "FAIL: export --help"; exit 1; }
echo "export_roundtrip: $n missions exported and read back"
