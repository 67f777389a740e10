#!/usr/bin/env bash
# build_python.sh MISSIONC SOURCE_DIR BINARY_DIR - a shared library from `missionc build`
# used from Python through ctypes, as LANGUAGE.md (section 10.3) shows.
#
# Loads the library, reads P_R_inputs, calls P_R on one row and P_R_batch on columns
# (array.array buffers, no numpy needed), and compares with `missionc eval`.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/build-python
rm -rf "$work"
mkdir -p "$work"
cd "$work"
source "$2/tests/scripts/skip.bash"
command -v python3 >/dev/null || skip_test "no python3 (apt-get install python3)"

cat >rules.mission <<'MISSION'
indicator b { unit 1 }
indicator e { unit 1 }
indicator t { unit 1 }
indicator r { unit % }
score fit = 0.4 * clamp((b - e) / (b - t), 0, 1) + 0.3 * min(1, r / 42%)
condition good = fit > 0.5
MISSION
printf 'b,e,t,r\n10,5,0,21\n1,2,3,50\n-4,0.5,7,100\n0,0,0,0\n' >rows.csv
"$missionc" build rules.mission -o librules.so --header rules.h --prefix mission
"$missionc" eval rules.mission --input rows.csv >expected.csv

cat >use.py <<'PY'
import array, ctypes, csv

lib = ctypes.CDLL("./librules.so")

def inputs(rule):                          # the NULL-terminated P_R_inputs array
    first = ctypes.c_char_p.in_dll(lib, f"mission_{rule}_inputs")
    names = ctypes.cast(ctypes.addressof(first), ctypes.POINTER(ctypes.c_char_p))
    out = []
    while names[len(out)] is not None:
        out.append(names[len(out)].decode())
    return out

def row_function(rule):
    f = getattr(lib, f"mission_{rule}")
    f.restype = ctypes.c_double
    f.argtypes = [ctypes.POINTER(ctypes.c_double)]
    return lambda values: f((ctypes.c_double * len(values))(*values))

def batch_function(rule):
    f = getattr(lib, f"mission_{rule}_batch")
    f.restype = None
    f.argtypes = [ctypes.c_size_t, ctypes.POINTER(ctypes.POINTER(ctypes.c_double)),
                  ctypes.POINTER(ctypes.c_double)]
    def run(columns):                       # columns: one array.array("d") per input
        n = len(columns[0])
        ptrs = (ctypes.POINTER(ctypes.c_double) * len(columns))(
            *[ctypes.cast(c.buffer_info()[0], ctypes.POINTER(ctypes.c_double)) for c in columns])
        out = array.array("d", bytes(8 * n))
        f(n, ptrs, ctypes.cast(out.buffer_info()[0], ctypes.POINTER(ctypes.c_double)))
        return out
    return run

rows = list(csv.DictReader(open("rows.csv")))
expected = list(csv.DictReader(open("expected.csv")))
assert inputs("fit") == ["b", "e", "t", "r"], inputs("fit")
for rule in ("fit", "good"):
    names = inputs(rule)
    columns = [array.array("d", [float(row[n]) for row in rows]) for n in names]
    batch = batch_function(rule)(columns)
    one = row_function(rule)
    for i, row in enumerate(rows):
        want = float(expected[i][rule])
        got_row = one([float(row[n]) for n in names])
        assert repr(got_row) == repr(want) and repr(batch[i]) == repr(want), (rule, i, got_row, batch[i], want)
print("ok")
PY
python3 use.py
