"""Shared by the Python package's tests: the compiler, a work folder, the missions
and rows they evaluate, and the comparison with `missionc eval`, bit for bit.

Each test is a script run by ctest (CMakeLists.txt) with MISSIONC=path/to/missionc
and PYTHONPATH=python; a Python module it needs that is missing makes it exit 77,
which ctest reports as skipped, or, in CI (where .ci/setup installs them all),
fails.
"""
import csv
import importlib
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

SKIP = 77


def require(*modules):
    """Exit 77 (skipped) unless every module imports; in CI (CI set, as .ci/test does,
    after .ci/setup installed them all) a missing module is a failure instead."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as e:
            if os.environ.get("CI"):
                print(f"FAIL: no Python module {name} ({e}); .ci/setup installs it, and "
                      f"nothing may be skipped in CI")
                sys.exit(1)
            print(f"SKIP: no Python module {name} ({e}); bash .ci/setup installs it")
            sys.exit(SKIP)


def missionc():
    path = os.environ.get("MISSIONC")
    if not path or not os.access(path, os.X_OK):
        print("error: set MISSIONC to the missionc binary", file=sys.stderr)
        sys.exit(2)
    return path


def workdir(name):
    """An empty folder for a test, under the build tree when ctest gives one."""
    root = os.environ.get("MISSIONC_TEST_TMP") or tempfile.gettempdir()
    path = os.path.join(root, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def run(*args, cwd=None):
    """Run a command; its stdout, or an AssertionError with its stderr."""
    p = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {p.returncode}:\n{p.stderr}")
    return p.stdout


# Indicator rules: units and scales, pow/exp/log/sqrt, if, min/max/clamp, a fn,
# rules that use each other, the date, a goal's expected value, a condition.
INDICATORS = """\
import "std/units"
indicator spend { unit MEUR }
indicator jobs  { unit 1 }
indicator ghg   { unit MtCO2e }
indicator share { unit % }
goal cut { indicator ghg; baseline 120 MtCO2e at 2019; target 0 MtCO2e by 2030 }
fn part(a, b) = a / max(b, 1)
score per_job : kEUR = part(spend, jobs)
score growth = pow(1.05, jobs / 1000) * exp(-share / 100%) + log(1 + abs(jobs)) - sqrt(abs(ghg / 1 MtCO2e))
score mix = if share > 50% then clamp(per_job / 1 kEUR, -10, 10) else min(growth, round(jobs / 7))
condition on_track_cut = ghg <= expected(cut, date)
score review = date + 90 day
score blend = 0.25 * mix + 0.75 * growth + floor(share / 1%) - ceil(jobs / 3)
"""

# Record rules: booleans, percentages.
RECORD = """\
record applicant { tax_haven bool; emission_cut %; employees 1 }
condition decarbonise on applicant = emission_cut >= 4.2% and not tax_haven
score fit on applicant = if tax_haven then 0 else clamp(emission_cut / 10%, 0, 1) + pow(2, employees / 1000)
"""


def _number(rng):
    """A double of a random shape: short, 17 digits, tiny, huge, negative, zero."""
    shape = rng.randrange(8)
    if shape == 0:
        return round(rng.uniform(-100, 100), 2)
    if shape == 1:
        return rng.uniform(-1e6, 1e6)
    if shape == 2:
        return math.ldexp(rng.uniform(-1, 1), rng.randrange(-1070, 1023))   # any magnitude
    if shape == 3:
        return rng.choice([0.0, -0.0, 1.0, 0.1, 1e-300, 5e-324, 1e300, -2.5])
    if shape == 4:
        return float(rng.randrange(-10**6, 10**6))
    if shape == 5:
        return rng.uniform(0, 1) * 10 ** rng.randrange(-20, 20)
    return rng.gauss(0, 1000)


def write_indicator_rows(path, n, seed=1):
    """n rows of id,date,spend,jobs,ghg,share, numbers printed with repr (17 digits)."""
    rng = random.Random(seed)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "date", "spend", "jobs", "ghg", "share"])
        for i in range(n):
            y, m, d = rng.randrange(1990, 2040), rng.randrange(1, 13), rng.randrange(1, 29)
            w.writerow([i, f"{y:04d}-{m:02d}-{d:02d}"] + [repr(_number(rng)) for _ in range(4)])


def write_applicant_rows(path, n, seed=2):
    rng = random.Random(seed)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "tax_haven", "emission_cut", "employees"])
        for i in range(n):
            w.writerow([i, rng.choice(["true", "false"]), repr(_number(rng)), repr(_number(rng))])


def read_eval_csv(path):
    """`missionc eval` output: {column: [text, ...]}."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return {name: [r[i] for r in rows[1:]] for i, name in enumerate(rows[0])}


def bits(x):
    """The 64 bits of a double; every NaN is one value (NaNs compare equal)."""
    if math.isnan(x):
        return "nan"
    return struct.pack("<d", x).hex()


def assert_same_as_eval(testcase, frame, expected, manifest_rules):
    """Every result of frame (raw=False) equals eval's text for the same rule, bit for
    bit: numbers by their 64 bits, conditions 0/1, dates as YYYY-MM-DD."""
    import numpy as np
    import pandas as pd
    kinds = {r["name"]: r["result"]["kind"] for r in manifest_rules}
    for name, want in expected.items():
        got = frame[name].to_numpy()
        testcase.assertEqual(len(got), len(want), name)
        kind = kinds[name]
        for i, text in enumerate(want):
            if kind == "number":
                ok = bits(float(got[i])) == bits(float(text))
            elif kind == "bool":   # a condition on a missing value: <NA>, "nan" in eval
                ok = text == "nan" if got[i] is pd.NA else text != "nan" and bool(got[i]) == (text == "1")
            else:
                ok = (str(np.datetime64(got[i], "D")) == text) if not np.isnat(got[i]) else text == "nan"
            if not ok:
                testcase.fail(f"rule {name}, row {i}: Python gives {got[i]!r}, eval {text}")
