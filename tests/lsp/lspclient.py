"""lspclient.py - a minimal LSP client over stdio (Python 3 standard library only).

Starts `missionc lsp`, frames JSON-RPC messages with Content-Length headers and
reads the server's messages on a thread, so a test can wait for a response or a
notification with a timeout instead of hanging.
"""
import json
import os
import queue
import subprocess
import threading
import time


class LspClient:
    def __init__(self, cmd, cwd=None, env=None):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.next_id = 1
        self.messages = queue.Queue()
        self.pending = []          # messages read but not yet consumed
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    # -- framing ---------------------------------------------------------
    def _read_loop(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.decode("ascii").rstrip("\r\n")
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def send_raw(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    # -- messages --------------------------------------------------------
    def notify(self, method, params=None):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def request_async(self, method, params=None):
        rid = self.next_id
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return rid

    def wait(self, pred, timeout=10.0):
        """The first message (pending or new) for which pred holds."""
        for i, m in enumerate(self.pending):
            if pred(m):
                return self.pending.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching message from the server")
            m = self.messages.get(timeout=left)
            if m is None:
                raise EOFError("the server closed its output")
            if pred(m):
                return m
            self.pending.append(m)

    def response(self, rid, timeout=10.0):
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def request(self, method, params=None, timeout=10.0):
        """The result of a request; raises on an error response."""
        m = self.response(self.request_async(method, params), timeout)
        if "error" in m:
            raise RuntimeError("%s: %s" % (method, m["error"]))
        return m["result"]

    def diagnostics(self, uri, timeout=10.0, version=None):
        def match(m):
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            p = m["params"]
            return p["uri"] == uri and (version is None or p.get("version") == version)
        return self.wait(match, timeout)["params"]["diagnostics"]

    # -- life cycle ------------------------------------------------------
    def initialize(self, root_uri=None, utf8=False):
        caps = {"general": {"positionEncodings": ["utf-8", "utf-16"] if utf8 else ["utf-16"]}}
        res = self.request("initialize", {"processId": os.getpid(), "rootUri": root_uri,
                                          "capabilities": caps})
        self.notify("initialized", {})
        return res

    def open(self, uri, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "mission", "version": version, "text": text}})

    def change(self, uri, version, text, rng=None):
        change = {"text": text}
        if rng is not None:
            change["range"] = rng
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [change]})

    def close(self, timeout=10.0):
        """shutdown, exit; the exit status of the server."""
        self.request("shutdown")
        self.notify("exit")
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.proc.stdin.close()
            self.proc.stdout.close()
            self.proc.stderr.close()


def file_uri(path):
    from urllib.parse import quote
    return "file://" + quote(os.path.realpath(path))


def pos(text, needle, nth=0, delta=0):
    """The LSP position (UTF-16) of the nth occurrence of needle, plus delta characters."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += delta
    line = text.count("\n", 0, i)
    col_text = text[text.rfind("\n", 0, i) + 1:i]
    return {"line": line, "character": len(col_text.encode("utf-16-le")) // 2}
