#!/usr/bin/env bash
# build_manifest.sh MISSIONC SOURCE_DIR BINARY_DIR - the manifest `missionc build` writes
# next to a library (LANGUAGE.md, section 10.3): its exact content, its library and
# source hashes, the same bytes from the same build, --manifest, and the errors of the
# fused function (a rule named 'all'; inputs of one name but two kinds).
set -euo pipefail
missionc=$1 bin=$3
work=$bin/build-manifest
rm -rf "$work"
mkdir -p "$work/sub"
cd "$work"

cat >m.mission <<'MISSION'
import "std/units"
indicator spend { unit MEUR }
indicator jobs  { unit 1 }
record applicant { tax_haven bool; emission_cut % }
score per_job "Spend per job" : kEUR = spend / max(jobs, 1)
condition busy = jobs > 10
score review = date + 90 day
condition ok on applicant = emission_cut >= 4.2% and not tax_haven
MISSION
"$missionc" build m.mission -o libm.so --rules per_job,busy,review --header m.h

# The fields that depend on the machine, checked against it, then the rest exactly.
version=$("$missionc" --version | awk '{print $2}')
llvm=$("$missionc" --version | sed -n 's/.*(LLVM \(.*\)).*/\1/p')
jq -e --arg lib "$(sha256sum libm.so | cut -d' ' -f1)" --arg src "$(sha256sum m.mission | cut -d' ' -f1)" \
      --arg v "$version" --arg llvm "$llvm" \
  '.library.sha256 == $lib and .source.sha256 == $src and .missionc_version == $v and .llvm_version == $llvm' \
  libm.so.json >/dev/null || { echo "FAIL: hashes or versions"; cat libm.so.json; exit 1; }
jq 'del(.library.sha256, .missionc_version, .llvm_version)' libm.so.json >got.json
cat >want.json <<'JSON'
{
  "format": "missionc-build-manifest",
  "format_version": 1,
  "source": {"file": "m.mission", "sha256": "934d2fc4af3d147208de2f958f5525276f7d955abe334f6ccfd14ec7d51865c4"},
  "library": {"file": "libm.so", "kind": "shared"},
  "header": "m.h",
  "cpu": "generic",
  "opt": "O2",
  "vmath": "runtime",
  "prefix": "m",
  "rules": [
    {
      "name": "per_job",
      "kind": "score",
      "title": "Spend per job",
      "on": null,
      "result": {"kind": "number", "unit": "kEUR", "scale": 1000},
      "inputs": [
        {"name": "spend", "kind": "number", "unit": "MEUR", "scale": 1000000},
        {"name": "jobs", "kind": "number", "unit": "1", "scale": 1}
      ],
      "symbols": {"row": "m_per_job", "batch": "m_per_job_batch", "inputs": "m_per_job_inputs"}
    },
    {
      "name": "busy",
      "kind": "condition",
      "title": null,
      "on": null,
      "result": {"kind": "bool", "unit": null},
      "inputs": [
        {"name": "jobs", "kind": "number", "unit": "1", "scale": 1}
      ],
      "symbols": {"row": "m_busy", "batch": "m_busy_batch", "inputs": "m_busy_inputs"}
    },
    {
      "name": "review",
      "kind": "score",
      "title": null,
      "on": null,
      "result": {"kind": "date", "unit": null},
      "inputs": [
        {"name": "date", "kind": "date", "unit": null}
      ],
      "symbols": {"row": "m_review", "batch": "m_review_batch", "inputs": "m_review_inputs"}
    }
  ],
  "all": {
    "symbols": {"batch": "m_all_batch", "inputs": "m_all_inputs", "outputs": "m_all_outputs"},
    "inputs": [
      {"name": "spend", "kind": "number", "unit": "MEUR", "scale": 1000000},
      {"name": "jobs", "kind": "number", "unit": "1", "scale": 1},
      {"name": "date", "kind": "date", "unit": null}
    ],
    "outputs": ["per_job", "busy", "review"]
  }
}
JSON
jq -S . want.json >want.sorted
jq -S . got.json >got.sorted
diff -u want.sorted got.sorted || { echo "FAIL: manifest content"; exit 1; }

# The same build, the same bytes (library and manifest); --manifest puts it elsewhere;
# an object file gets one too.
"$missionc" build m.mission -o sub/libm.so --rules per_job,busy,review --header m.h --manifest again.json
cmp libm.so sub/libm.so || { echo "FAIL: the library differs between two builds"; exit 1; }
cmp libm.so.json again.json || { echo "FAIL: the manifest differs between two builds"; exit 1; }
[ ! -e sub/libm.so.json ] || { echo "FAIL: --manifest also wrote the default"; exit 1; }
"$missionc" build m.mission -o m.o --on applicant
jq -e '.library.kind == "object" and .all.outputs == ["ok"] and .rules[0].inputs[0].kind == "bool"' \
  m.o.json >/dev/null || { echo "FAIL: object manifest"; cat m.o.json; exit 1; }
grep -q 'void m_all_batch(size_t n, const double \*const \*cols, double \*const \*outs);' m.h

# A manifest that cannot be written is an error (exit 2) found before the library is
# written: the old library stays, with its manifest.
cp libm.so before.so
set +e
"$missionc" build m.mission -o libm.so --rules per_job --manifest nodir/x.json 2>err.txt; s1=$?
set -e
[ "$s1" = 2 ] && grep -q "cannot write 'nodir/x.json'" err.txt || { echo "FAIL: unwritable manifest gave $s1"; cat err.txt; exit 1; }
cmp libm.so before.so || { echo "FAIL: the library was replaced"; exit 1; }

# Inputs of one name but two kinds cannot share a column of the fused function.
cat >clash.mission <<'MISSION'
indicator tax_haven { unit 1 }
record applicant { tax_haven bool }
score a = tax_haven * 2
condition b on applicant = tax_haven
MISSION
set +e
"$missionc" build clash.mission -o libclash.so 2>err.txt; s2=$?
set -e
[ "$s2" = 1 ] && grep -q "two inputs named 'tax_haven' differ in kind or unit; build them separately" err.txt ||
  { echo "FAIL: an input clash gave $s2"; cat err.txt; exit 1; }
[ ! -e libclash.so ] && [ ! -e libclash.so.json ] || { echo "FAIL: files written on error"; exit 1; }
"$missionc" build clash.mission -o libclash.so --on applicant
echo ok
