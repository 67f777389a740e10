"""bench/dask_bench.py MISSIONC MISSION WORK ROWS ROUNDS - run by bench/dask.sh."""
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd

import missionc

missionc_bin, mission, work, rows, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
csv = os.path.join(work, "rows.csv")
lib = os.path.join(work, "libbench.so")
size_mb = os.path.getsize(csv) / 1e6


def eval_cli(threads):
    subprocess.run([missionc_bin, "eval", mission, "--input", csv, "-o", os.path.join(work, "eval.csv"),
                    "--threads", str(threads), "--no-progress"], check=True)


ev = missionc.Evaluator(lib)
frame = pd.read_csv(csv, float_precision="round_trip")


def kernel_fused():
    ev.evaluate(frame)


def kernel_per_rule():
    for rule in ev.rules:
        ev.evaluate(frame, rules=[rule])


def kernel_threads():
    ev.evaluate(frame, threads=2)


def pandas_end_to_end():
    df = pd.read_csv(csv, float_precision="round_trip")
    ev.evaluate(df).to_csv(os.path.join(work, "pandas.csv"), index=False)


def dask_run(client, write):
    import dask.dataframe as dd
    import missionc.dask
    ddf = dd.read_csv(csv, blocksize=32_000_000, float_precision="round_trip")
    out = missionc.dask.evaluate(ddf, lib)
    if write:
        out.to_csv(os.path.join(work, "dask-out", "part-*.csv"), index=False)
    else:
        out.sum().compute()


def main():
    from distributed import Client, LocalCluster
    clusters = {}
    for n in (1, 2):
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=":0", local_directory=os.path.join(work, f"dask{n}"))
        clusters[n] = (cluster, Client(cluster, set_as_default=False))
    cases = [
        ("missionc eval, 1 thread (CSV in, CSV out)", lambda: eval_cli(1)),
        ("missionc eval, 2 threads", lambda: eval_cli(2)),
        ("Evaluator, in memory, fused, 1 thread", kernel_fused),
        ("Evaluator, in memory, per rule (3 calls)", kernel_per_rule),
        ("Evaluator, in memory, fused, 2 threads", kernel_threads),
        ("pandas read_csv + Evaluator + to_csv", pandas_end_to_end),
    ]
    for n in (1, 2):
        client = clusters[n][1]
        cases.append((f"Dask, {n} worker{'s' if n > 1 else ''}: read_csv, evaluate, to_csv",
                      lambda c=client: _with(c, True)))
        cases.append((f"Dask, {n} worker{'s' if n > 1 else ''}: read_csv, evaluate, sum",
                      lambda c=client: _with(c, False)))
    only = os.environ.get("MISSIONC_BENCH_ONLY")   # e.g. "eval|Evaluator": those cases only
    if only:
        import re
        cases = [cases[0]] + [c for c in cases[1:] if re.search(only, c[0])]
    for _, fn in cases:      # warm up: page cache, JIT cache, worker imports, library loads
        fn()
    times = {label: [] for label, _ in cases}
    for _ in range(rounds):  # interleaved rounds
        for label, fn in cases:
            # a case in memory takes milliseconds: 5 calls a round, each timed, so the
            # first call's page faults (fresh output arrays after a big process) do not
            # decide the median
            for _ in range(5 if "in memory" in label else 1):
                t0 = time.perf_counter()
                fn()
                times[label].append(time.perf_counter() - t0)
    base = statistics.median(times[cases[0][0]])
    load = os.getloadavg()
    print(f"{rows:,} rows x 6 columns ({size_mb:.0f} MB of CSV), 3 rules; {rounds} interleaved rounds, "
          f"medians; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs")
    print(f"| {'what':<52} | {'median s':>8} | {'rows/s':>12} | {'vs eval, 1 thread':>17} |")
    print(f"|{'-' * 54}|{'-' * 10}|{'-' * 14}|{'-' * 19}|")
    for label, _ in cases:
        t = statistics.median(times[label])
        print(f"| {label:<52} | {t:8.3f} | {rows / t:12,.0f} | {base / t:16.2f}x |")
    for what in ("to_csv", "sum"):
        one, two = (f"Dask, 1 worker: read_csv, evaluate, {what}",
                    f"Dask, 2 workers: read_csv, evaluate, {what}")
        if one in times and two in times:
            print(f"Dask, 2 workers against 1 ({what}): "
                  f"{statistics.median(times[one]) / statistics.median(times[two]):.2f}x")
    for cluster, client in clusters.values():
        client.close()
        cluster.close()


def _with(client, write):
    import dask
    with dask.config.set(scheduler=client.get):
        dask_run(client, write)


if __name__ == "__main__":
    main()
