#!/usr/bin/env python3
"""play_sessions.py MISSIONC SOURCE_DIR - replay recorded JSON-RPC sessions against
`missionc lsp` and compare what it answers with what was recorded.

A session (tests/lsp/sessions/*.jsonl) is one JSON object per line:
  {"send": MESSAGE}      framed with Content-Length and sent
  {"raw": "TEXT"}        sent as is (broken framing, broken JSON)
  {"file": NAME, "text": TEXT}   written into the session's folder before what follows
  {"expect": MESSAGE}    the next message of the server must match: objects match when
                         every recorded key matches (extra keys are allowed), arrays
                         element by element with the same length, strings exactly or, when
                         recorded as "re:PATTERN", by regular expression
  {"exit": STATUS}       close the input; the server must exit with STATUS
"${DIR}" in any string is the session's folder (a file: URI path). The server answers in
order (one thread), so the recorded order is the order to expect. Standard library only."""
import json
import os
import re
import subprocess
import sys
import tempfile
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import LspClient  # noqa: E402


def substitute(value, folder):
    if isinstance(value, str):
        return value.replace("${DIR}", folder)
    if isinstance(value, list):
        return [substitute(v, folder) for v in value]
    if isinstance(value, dict):
        return {substitute(k, folder): substitute(v, folder) for k, v in value.items()}
    return value


def matches(expected, actual, path="$"):
    """None when actual matches expected, else where it differs."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return path + ": not an object"
        for k, v in expected.items():
            if k not in actual:
                return "%s.%s: missing" % (path, k)
            why = matches(v, actual[k], "%s.%s" % (path, k))
            if why:
                return why
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return "%s: expected %d elements, got %s" % (path, len(expected), json.dumps(actual)[:200])
        for i, (e, a) in enumerate(zip(expected, actual)):
            why = matches(e, a, "%s[%d]" % (path, i))
            if why:
                return why
        return None
    if isinstance(expected, str) and expected.startswith("re:"):
        ok = isinstance(actual, str) and re.search(expected[3:], actual)
        return None if ok else "%s: %r does not match /%s/" % (path, actual, expected[3:])
    return None if expected == actual else "%s: expected %r, got %r" % (path, expected, actual)


def play(missionc, session):
    with tempfile.TemporaryDirectory() as work:
        work = os.path.realpath(work)
        folder = quote(work)
        client = LspClient([missionc, "lsp"], cwd=work)
        for n, line in enumerate(open(session), 1):
            if not line.strip():
                continue
            step = substitute(json.loads(line), folder)
            where = "%s:%d" % (os.path.basename(session), n)
            if "file" in step:
                with open(os.path.join(work, step["file"]), "w") as f:
                    f.write(step["text"])
            elif "send" in step:
                client.send(step["send"])
            elif "raw" in step:
                client.send_raw(step["raw"].encode("utf-8"))
            elif "expect" in step:
                try:
                    got = client.wait(lambda m: True, timeout=20)
                except Exception as e:  # timeout or end of output
                    return "%s: no message from the server (%s)" % (where, type(e).__name__)
                why = matches(step["expect"], got)
                if why:
                    return "%s: %s\n  got: %s" % (where, why, json.dumps(got)[:600])
            elif "exit" in step:
                client.proc.stdin.close()
                status = client.proc.wait(timeout=20)
                if status != step["exit"]:
                    return "%s: exit status %d, expected %d" % (where, status, step["exit"])
        return None


def main():
    missionc = os.path.abspath(sys.argv[1])
    folder = os.path.join(os.path.abspath(sys.argv[2]), "tests/lsp/sessions")
    failed = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl"):
            continue
        why = play(missionc, os.path.join(folder, name))
        print(("ok   " if why is None else "FAIL ") + name + ("" if why is None else "\n  " + why))
        failed += why is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
