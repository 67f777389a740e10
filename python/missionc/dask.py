"""Compiled evaluators over Dask DataFrames.

    import dask.dataframe as dd, missionc.dask
    ddf = dd.read_csv("rows-*.csv", float_precision="round_trip")
    results = missionc.dask.evaluate(ddf, "libscores.so", rules=["fit"], keep=["id"])
    results.to_csv("out-*.csv", index=False)

evaluate() checks the library, its manifest and the columns on the client (on the
DataFrame's meta), so a mistake fails before anything runs; then it maps the
evaluator over the partitions with map_partitions. Every worker process loads the
library once and keeps it (a cache per process, keyed by the library's SHA-256).

The library reaches the workers in one of two ways:
- ship=True (the default): its bytes and its manifest's travel in the task graph,
  once per worker, as one shared dependency of every partition's task. A worker
  writes them to its temporary directory under their hash and loads them. Nothing
  has to be installed or shared beforehand, and a library rebuilt under the same
  name cannot be confused with the old one.
- ship=False: every worker opens the path given, which must be the same file there
  (a shared file system), or the file sent by client.upload_file (looked up by its
  base name in the worker's local directory when the path does not exist there).
"""
from __future__ import annotations

import os
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from ._errors import ManifestError
from ._evaluator import Evaluator

__all__ = ["evaluate", "loaded_libraries"]


@dataclass(frozen=True)
class _Library:
    """What a task needs to find the library on a worker: its name and hash, and its
    bytes and manifest when shipped."""
    name: str
    path: str
    manifest_path: str
    sha256: str
    check_version: bool
    data: Optional[bytes] = None
    manifest: Optional[bytes] = None

    def __repr__(self):   # short, for dashboards and task names
        return f"<missionc library {self.name} {self.sha256[:12]}>"


_lock = threading.Lock()
_evaluators: "dict[str, Evaluator]" = {}   # sha256 -> Evaluator, in this process
_loads: Counter = Counter()                # sha256 -> times loaded in this process


def loaded_libraries() -> "dict[str, int]":
    """The libraries this process has loaded for Dask tasks: {"NAME SHA256": times}.
    Run it on every worker with client.run(missionc.dask.loaded_libraries)."""
    with _lock:
        return {f"{e.manifest['library']['file']} {sha}": _loads[sha] for sha, e in _evaluators.items()}


def _write_once(path: str, data: bytes) -> None:
    """Write data to path unless it is there: a temporary file renamed into place, so a
    process that races us never loads half a library."""
    if os.path.exists(path):
        return
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _local_path(lib: _Library) -> "tuple[str, str]":
    """Where this worker finds the library and its manifest."""
    if lib.data is not None:
        folder = os.path.join(tempfile.gettempdir(), f"missionc-{os.getuid()}", lib.sha256)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, lib.name)
        _write_once(path + ".json", lib.manifest)
        _write_once(path, lib.data)
        return path, path + ".json"
    if os.path.exists(lib.path):
        return lib.path, lib.manifest_path
    try:   # client.upload_file puts files in the worker's local directory
        from distributed import get_worker
        folder = get_worker().local_directory
    except (ImportError, ValueError):
        folder = None
    if folder and os.path.exists(os.path.join(folder, lib.name)):
        path = os.path.join(folder, lib.name)
        manifest = os.path.join(folder, os.path.basename(lib.manifest_path))
        return path, manifest
    raise ManifestError(f"{lib.path} is not on this worker: use ship=True, a path every "
                        f"worker shares, or client.upload_file for the library and its manifest")


def _evaluator(lib: _Library) -> Evaluator:
    """This process's evaluator for the library, loaded on first use."""
    with _lock:
        ev = _evaluators.get(lib.sha256)
        if ev is None:
            path, manifest = _local_path(lib)
            ev = Evaluator(path, manifest, check_version=lib.check_version)
            if ev.sha256 != lib.sha256:
                raise ManifestError(f"{path} on this worker is not the client's {lib.name} "
                                    f"(SHA-256 {ev.sha256}, expected {lib.sha256})")
            _evaluators[lib.sha256] = ev
            _loads[lib.sha256] += 1
        return ev


def _evaluate_partition(df: pd.DataFrame, lib: _Library, rules, keep, raw) -> pd.DataFrame:
    return _evaluator(lib).evaluate(df, rules, keep=keep, raw=raw)


def evaluate(ddf, library, rules=None, keep=None, *, raw: bool = False, ship: bool = True,
             manifest=None, check_version: bool = True):
    """Evaluate the rules of a library built by `missionc build` on every partition of
    a Dask DataFrame; returns a Dask DataFrame with the `keep` columns, then one
    column per rule, on the partitions' index (see Evaluator.evaluate for the
    columns, dtypes and errors, which are raised here, on the client, for the
    DataFrame's meta)."""
    import dask

    ev = Evaluator(library, manifest, check_version=check_version)
    meta = ev.evaluate(ddf._meta, rules, keep=keep, raw=raw)   # checks columns and dtypes
    lib = _Library(os.path.basename(ev.path), ev.path, ev.manifest_path, ev.sha256, check_version)
    if ship:
        with open(ev.path, "rb") as f:
            data = f.read()
        with open(ev.manifest_path, "rb") as f:
            man = f.read()
        lib = _Library(lib.name, lib.path, lib.manifest_path, lib.sha256, check_version, data, man)
    shared = dask.delayed(lib, pure=True, traverse=False)
    return ddf.map_partitions(_evaluate_partition, shared, rules, keep, raw, meta=meta,
                              align_dataframes=False)
