#!/usr/bin/env python3
"""bench/lsp_latency.py MISSIONC [LINES...] - the time from a change to its diagnostics in
`missionc lsp` (what an editor waits for), on the flagship example, a broken copy of it and
generated missions (bench/gen_mission.py), against `missionc check` of the same text as the
baseline measured in the same run. Prints medians (ms) and the ratio lsp / check, then the time a burst of edits takes."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "tests/lsp"))
from lspclient import LspClient, file_uri  # noqa: E402

RUNS = int(os.environ.get("RUNS", "15"))


def check_ms(missionc, path):
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run([missionc, "check", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def lsp_ms(client, path, text):
    uri = file_uri(path)
    client.open(uri, text)
    client.diagnostics(uri, timeout=120)
    times = []
    for v in range(2, RUNS + 2):
        t0 = time.perf_counter()
        client.change(uri, v, text + ("\n" if v % 2 else ""))   # a full-text change
        client.diagnostics(uri, version=v, timeout=120)
        times.append((time.perf_counter() - t0) * 1000)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    client.diagnostics(uri)
    return statistics.median(times)


def main():
    missionc = os.path.abspath(sys.argv[1])
    sizes = [int(n) for n in sys.argv[2:]] or [25000, 100000]
    with tempfile.TemporaryDirectory() as work:
        cases = []
        flagship = os.path.join(root, "examples/climate_neutral_cities.mission")
        text = open(flagship).read()
        cases.append(("flagship", os.path.join(work, "flagship.mission"), text))
        cases.append(("flagship, broken", os.path.join(work, "broken.mission"),
                      text.replace("owner     ec", "owner     ecx").replace("budget    360 MEUR", "budget 360 MEUR +")))
        for n in sizes:
            gen = subprocess.run([sys.executable, os.path.join(root, "bench/gen_mission.py"), str(n)],
                                 capture_output=True, text=True, check=True).stdout
            cases.append(("generated %d lines" % n, os.path.join(work, "g%d.mission" % n), gen))
        client = LspClient([missionc, "lsp"], cwd=work)
        client.initialize(file_uri(work))
        print("%-26s %8s %12s %12s %7s" % ("case", "lines", "lsp ms", "check ms", "ratio"))
        for name, path, text in cases:
            with open(path, "w") as f:
                f.write(text)
            lm = lsp_ms(client, path, text)
            cm = check_ms(missionc, path)
            print("%-26s %8d %12.2f %12.2f %7.2f" % (name, text.count("\n"), lm, cm, lm / cm))
        # a burst: 40 one-character edits sent without waiting (fast typing) on the largest
        # file; the server compiles once no more input waits, not once per edit
        name, path, text = cases[-1]
        uri = file_uri(path)
        client.open(uri, text)
        client.diagnostics(uri, timeout=120)
        t0 = time.perf_counter()
        for v in range(2, 42):
            client.change(uri, v, "x", {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}})
        client.diagnostics(uri, version=41, timeout=300)
        between = sum(1 for m in client.pending if m.get("method") == "textDocument/publishDiagnostics")
        print("burst of 40 edits, %s: last diagnostics after %.0f ms, %d compilations in between"
              % (name, (time.perf_counter() - t0) * 1000, between))
        client.close()


if __name__ == "__main__":
    main()
