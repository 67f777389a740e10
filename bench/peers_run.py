"""bench/peers_run.py MISSIONC BENCH_DIR WORK ROUNDS [BASELINE] - run by bench/peers.sh."""
import json
import os
import platform
import statistics
import subprocess
import sys

import numpy as np
import pandas as pd

missionc, here, work, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
baseline = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] else None
mission = os.path.join(here, "peers.mission")
shapes = os.environ.get("SHAPES", "short long17 int sci").split()


def tools(shape):
    """(label, threads, argv) of every run on one shape."""
    src = os.path.join(work, shape + ".csv")
    out = lambda name: os.path.join(work, f"{shape}.{name}.out.csv")
    runs = []
    for th in (1, 2):
        runs.append(("missionc", th, [missionc, "eval", mission, "--input", src, "-o", out(f"missionc{th}"),
                                      "--threads", str(th), "--no-progress"]))
        if baseline:
            runs.append(("baseline", th, [baseline, "eval", mission, "--input", src, "-o", out(f"baseline{th}"),
                                          "--threads", str(th), "--no-progress"]))
        runs.append(("duckdb", th, ["node", os.path.join(here, "peers.mjs"), "duckdb", src, out(f"duckdb{th}"), str(th)]))
        runs.append(("polars", th, ["env", f"POLARS_MAX_THREADS={th}", "node", os.path.join(here, "peers.mjs"),
                                    "polars", src, out(f"polars{th}"), str(th)]))
    runs.append(("pandas", 1, ["/usr/bin/python3", os.path.join(here, "peers_pandas.py"), src, out("pandas1")]))
    return runs


def timed(argv):
    """Seconds of one run, measured by hyperfine."""
    j = os.path.join(work, "h.json")
    subprocess.run(["hyperfine", "-N", "--runs", "1", "--export-json", j, " ".join(argv)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(j) as f:
        return json.load(f)["results"][0]["mean"]


def read_fit(path):
    return pd.read_csv(path, float_precision="round_trip")["fit"].to_numpy(dtype=np.float64)


def agreement(shape, runs):
    ref = read_fit(os.path.join(work, f"{shape}.missionc1.out.csv"))
    lines = []
    for label, th, _ in runs:
        if label == "missionc" and th == 1:
            continue
        name = f"{label}{th}"
        got = read_fit(os.path.join(work, f"{shape}.{name}.out.csv"))
        if got.shape != ref.shape:
            lines.append(f"{name}: {got.size} rows, missionc {ref.size}: DISAGREE")
            continue
        same = np.sum(ref.view(np.uint64) == got.view(np.uint64))
        rel = np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-300)) if same < ref.size else 0.0
        lines.append(f"{name}: {same}/{ref.size} identical bits" + ("" if same == ref.size else f", max rel diff {rel:.1e}"))
    return lines


load = os.getloadavg()
print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
      f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start")
for shape in shapes:
    src = os.path.join(work, shape + ".csv")
    size = os.path.getsize(src) / 1e6
    runs = tools(shape)
    times = {(label, th): [] for label, th, _ in runs}
    for r in range(rounds):
        for label, th, argv in runs:
            times[(label, th)].append(timed(argv))
        if r == 0:
            checks = agreement(shape, runs)
    rows = sum(1 for _ in open(src)) - 1
    print(f"\n{shape}: {rows} rows, {size:.0f} MB, medians of {rounds} interleaved rounds")
    print(f"  {'tool':10} {'threads':>7} {'median s':>9} {'MB/s':>7} {'x missionc':>10}")
    for (label, th), ts in times.items():
        med = statistics.median(ts)
        mc = statistics.median(times[("missionc", th)])
        print(f"  {label:10} {th:7d} {med:9.3f} {size / med:7.0f} {med / mc:10.2f}")
    for line in checks:
        print("  agreement with missionc: " + line)
load = os.getloadavg()
print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")
