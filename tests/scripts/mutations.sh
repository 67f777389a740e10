#!/usr/bin/env bash
# mutations.sh MISSIONC SOURCE_DIR BINARY_DIR - thousands of mutated mission files
# (bytes flipped, inserted or deleted, lines deleted, duplicated or swapped) through
# `missionc check`: every run must end with exit 0 or 1, within 10 s, with no
# crash, sanitizer report or internal error.
set -euo pipefail
missionc=$1
src=$2
exec python3 - "$missionc" "$src" "${MUTATIONS:-1500}" <<'PY'
import glob, os, random, subprocess, sys, tempfile
missionc, src, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
seeds = sorted(glob.glob(os.path.join(src, "examples", "*.mission")) +
               glob.glob(os.path.join(src, "tests", "golden", "*", "*.mission")))
texts = [open(p, "rb").read() for p in seeds]
rng = random.Random(20261130)
tokens = [b"{", b"}", b"(", b")", b"\n", b"..", b",", b":", b"=", b"%", b"\"", b"/*", b"*/", b"///",
          b"2030-02-30", b"1e999", b"if", b"then", b"else", b"not", b"goal", b"on", b"@", b"\xff", b"\x00"]

def mutate(t):
    lines = t.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        if op == 0:                             # flip a byte
            b = bytearray(b"\n".join(lines))
            if b:
                i = rng.randrange(len(b)); b[i] ^= 1 << rng.randrange(8)
                lines = bytes(b).split(b"\n")
        elif op == 1 and len(lines) > 1:        # delete a line
            del lines[rng.randrange(len(lines))]
        elif op == 2 and lines:                 # duplicate a line
            i = rng.randrange(len(lines)); lines.insert(i, lines[i])
        elif op == 3 and len(lines) > 1:        # swap two lines
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines)); lines[i], lines[j] = lines[j], lines[i]
        elif op == 4:                           # insert a token
            b = b"\n".join(lines); i = rng.randrange(len(b) + 1)
            lines = (b[:i] + rng.choice(tokens) + b[i:]).split(b"\n")
        elif op == 5:                           # delete a run of bytes
            b = b"\n".join(lines)
            if b:
                i = rng.randrange(len(b)); lines = (b[:i] + b[i + rng.randint(1, 20):]).split(b"\n")
        else:                                   # truncate
            b = b"\n".join(lines); lines = b[:rng.randrange(len(b) + 1)].split(b"\n")
    return b"\n".join(lines)

bad = 0
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "m.mission")
    for n in range(count):
        data = mutate(rng.choice(texts))
        with open(path, "wb") as f:
            f.write(data)
        try:
            r = subprocess.run([missionc, "check", "--color=never", "-I", os.path.join(src, "stdlib"), path],
                               capture_output=True, timeout=10)
        except subprocess.TimeoutExpired:
            keep = os.path.join(tempfile.gettempdir(), f"hang-{n}.mission"); open(keep, "wb").write(data)
            print(f"HANG on mutant {n} (kept as {keep})"); bad += 1; continue
        err = r.stderr.decode("utf-8", "replace")
        if r.returncode not in (0, 1) or "Sanitizer" in err or "internal error" in err or "runtime error" in err:
            bad += 1
            keep = os.path.join(tempfile.gettempdir(), f"mutant-{n}.mission")
            open(keep, "wb").write(data)
            print(f"FAIL: mutant {n} (kept as {keep}): exit {r.returncode}\n{err[-2000:]}")
            if bad > 5: break
print(f"{count} mutants: {count - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
