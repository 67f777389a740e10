"""Evaluator: a library made by `missionc build`, checked against its manifest and
run on columns.

A call hands every input column to the native batch function as a pointer to
contiguous doubles and gets the results in preallocated arrays: the rows never pass
through Python. With every rule asked for, the fused function P_all_batch computes
them all in one loop (values the rules share once per row); a subset of the rules
runs each rule's P_R_batch. ctypes releases the GIL during the call, so threads
(evaluate(threads=N), or a Dask worker's threads) run in parallel.
"""
from __future__ import annotations

import ctypes
import difflib
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from ._errors import (ColumnTypeError, ManifestError, MissingColumnError, UnknownRuleError,
                      VersionMismatchError)
from ._version import __version__

MANIFEST_FORMAT = "missionc-build-manifest"
MANIFEST_FORMAT_VERSION = 1      # the newest manifest format this package reads
_BLOCK_ROWS = 1 << 16            # the smallest block a thread gets with threads > 1

_PtrArray = ctypes.POINTER(ctypes.c_void_p)


@dataclass(frozen=True)
class Column:
    """An input column: its name, kind ("number", "bool" or "date"), unit and scale
    (1 unit in base units). Numbers are read in their unit (61.7 in a "%" column is
    61.7 %), dates as days since 1970-01-01 or datetime64, booleans as 0/1."""
    name: str
    kind: str
    unit: Optional[str] = None
    scale: float = 1.0

    def describe(self) -> str:
        if self.kind == "date":
            return "a date"
        if self.kind == "bool":
            return "a boolean"
        return f"a number in {self.unit}" if self.unit else "a number"


@dataclass(frozen=True)
class Rule:
    """A compiled score or condition, as the manifest describes it."""
    name: str
    kind: str                    # "score" or "condition"
    title: Optional[str]
    on: Optional[str]            # the record it reads, or None for the indicators
    result_kind: str             # "number", "bool" or "date"
    result_unit: Optional[str]   # the declared unit of a number (None: base units)
    inputs: Tuple[Column, ...]
    batch_symbol: str


# ---------------------------------------------------------------------------
# The manifest and the library
# ---------------------------------------------------------------------------

def _sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_manifest(manifest_path: str, library_path: str) -> dict:
    """The manifest's JSON, or a ManifestError saying what is wrong."""
    if not os.path.exists(library_path):
        raise ManifestError(f"no library {library_path}")
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except FileNotFoundError:
        raise ManifestError(
            f"no manifest {manifest_path} next to {library_path}: `missionc build` writes it "
            f"beside the library (missionc {__version__} and later); rebuild the library, or "
            f"copy the manifest with it") from None
    except (OSError, ValueError) as e:
        raise ManifestError(f"cannot read the manifest {manifest_path}: {e}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ManifestError(f"{manifest_path} is not a missionc build manifest")
    return manifest


def _check_manifest(manifest: dict, library_path: str, manifest_path: str,
                    library_sha256: str, check_version: bool) -> None:
    """The manifest's format, version and library hash against this package and file."""
    fmt = manifest.get("format_version")
    built_by = manifest.get("missionc_version")
    if not isinstance(fmt, int) or fmt > MANIFEST_FORMAT_VERSION:
        raise VersionMismatchError(
            f"{library_path} was built by missionc {built_by} with manifest format {fmt}; "
            f"this missionc package ({__version__}) reads format {MANIFEST_FORMAT_VERSION}: "
            f"install the package of missionc {built_by} (pip install ./python from its source)")
    if check_version and built_by != __version__:
        raise VersionMismatchError(
            f"{library_path} was built by missionc {built_by}, but this missionc package is "
            f"{__version__}: rebuild it with missionc {__version__} (`missionc build`), or "
            f"install the package of missionc {built_by} (pip install ./python from its source)")
    lib = manifest.get("library") or {}
    if lib.get("kind") != "shared":
        raise ManifestError(f"{library_path} is not a shared library (the manifest says "
                            f"{lib.get('kind')!r}): build it with -o NAME.so")
    if lib.get("sha256") != library_sha256:
        raise ManifestError(
            f"{manifest_path} does not describe {library_path}: the library's SHA-256 is "
            f"{library_sha256}, the manifest's {lib.get('sha256')} (was one of them rebuilt or "
            f"copied without the other?)")


def _column(obj: dict) -> Column:
    return Column(obj["name"], obj["kind"], obj.get("unit"), float(obj.get("scale", 1.0)))


def _rules(manifest: dict) -> "dict[str, Rule]":
    out = {}
    for r in manifest.get("rules", []):
        out[r["name"]] = Rule(r["name"], r["kind"], r.get("title"), r.get("on"),
                              r["result"]["kind"], r["result"].get("unit"),
                              tuple(_column(c) for c in r["inputs"]), r["symbols"]["batch"])
    return out


_loaded_lock = threading.Lock()
_loaded: "dict[str, Tuple[str, ctypes.CDLL]]" = {}   # path -> (sha256, library)


def _load(path: str, sha256: str) -> ctypes.CDLL:
    """dlopen the library once per process and content. The dynamic loader returns the
    library already loaded from a path even if the file was rebuilt since; a rebuilt
    file is therefore loaded from a copy named by its hash."""
    with _loaded_lock:
        seen = _loaded.get(path)
        if seen and seen[0] == sha256:
            return seen[1]
        target = path
        if seen:
            folder = os.path.join(tempfile.gettempdir(), f"missionc-{os.getuid()}", sha256)
            os.makedirs(folder, exist_ok=True)
            target = os.path.join(folder, os.path.basename(path))
            if not os.path.exists(target):
                tmp = f"{target}.{os.getpid()}.tmp"
                shutil.copyfile(path, tmp)
                os.replace(tmp, target)
        try:
            lib = ctypes.CDLL(target)
        except OSError as e:
            raise ManifestError(f"cannot load {path}: {e}") from None
        if not seen:
            _loaded[path] = (sha256, lib)
        return lib


def _names_at(lib: ctypes.CDLL, symbol: str) -> "list[str]":
    """A NULL-terminated `const char *const NAME[]` of the library."""
    first = ctypes.c_char_p.in_dll(lib, symbol)
    names = ctypes.cast(ctypes.addressof(first), ctypes.POINTER(ctypes.c_char_p))
    out = []
    while names[len(out)] is not None:
        out.append(names[len(out)].decode())
    return out


# ---------------------------------------------------------------------------
# Columns: whatever the data holds, as contiguous float64
# ---------------------------------------------------------------------------

_EXPECTED = {
    "number": "a numeric dtype (float64 is used as it is; integers and booleans are converted)",
    "bool": "bool, or numbers (non-zero is true)",
    "date": "datetime64 (pandas.to_datetime, or read_csv(parse_dates=[...])), "
            "or numbers counting days since 1970-01-01",
}


def _type_error(col: Column, dtype, readers: Sequence[str]) -> ColumnTypeError:
    who = ", ".join(f"'{r}'" for r in readers)
    return ColumnTypeError(
        f"column '{col.name}' has dtype {dtype}, but rule{'s' if len(readers) > 1 else ''} "
        f"{who} read{'' if len(readers) > 1 else 's'} it as {col.describe()}: "
        f"expected {_EXPECTED[col.kind]}")


def _dates_as_days(arr: np.ndarray) -> np.ndarray:
    """datetime64 values as days since 1970-01-01 (the day they fall in); NaT is NaN."""
    days = arr.astype("datetime64[D]")
    out = days.astype(np.int64).astype(np.float64)
    out[np.isnat(days)] = np.nan
    return out


def _as_float64(value, col: Column, readers: Sequence[str], n: int) -> np.ndarray:
    """A column as contiguous float64 in the form the compiled code reads; the data's
    own array when it already is one."""
    dtype = getattr(value, "dtype", None)
    if isinstance(value, (pd.Series, pd.Index)):
        if not isinstance(dtype, np.dtype):            # pandas extension dtypes
            if col.kind != "date" and (pd.api.types.is_numeric_dtype(dtype)
                                       or pd.api.types.is_bool_dtype(dtype)):
                value = value.to_numpy(dtype=np.float64, na_value=np.nan)
            else:
                raise _type_error(col, dtype, readers)
        else:
            value = value.to_numpy()
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"column '{col.name}' is not one-dimensional (shape {arr.shape})")
    if len(arr) != n:
        raise ValueError(f"column '{col.name}' has {len(arr)} values, the others {n}")
    kind = arr.dtype.kind
    if col.kind == "date":
        if kind == "M":
            return _dates_as_days(arr)
        if kind not in "fiu":
            raise _type_error(col, arr.dtype, readers)
    elif kind not in "fiub":
        raise _type_error(col, arr.dtype, readers)
    return np.ascontiguousarray(arr, dtype=np.float64)


def _table(data):
    """(row count, column getter, index, column names) of a DataFrame or a mapping of
    arrays; the count of a mapping is None (its columns say it)."""
    if isinstance(data, pd.DataFrame):
        cols = data.columns

        def get(name):
            if name not in cols:
                return None
            v = data[name]
            if isinstance(v, pd.DataFrame):
                raise ValueError(f"the data has {v.shape[1]} columns named '{name}'")
            return v
        return len(data), get, data.index, [str(c) for c in cols]
    if isinstance(data, Mapping):   # the row count: that of the first column read
        return None, data.get, None, [str(k) for k in data]
    raise TypeError(f"evaluate() takes a pandas DataFrame or a mapping of column name to "
                    f"1-D array, not {type(data).__name__}")


# ---------------------------------------------------------------------------
# The evaluator
# ---------------------------------------------------------------------------

class Evaluator:
    """The rules of a library built by `missionc build`, ready to run.

    Evaluator("libNAME.so") reads the manifest written next to it (libNAME.so.json,
    or `manifest=`), checks that this package reads its format, that the library was
    built by the same version of missionc (check_version=False skips that) and that
    the library's SHA-256 is the manifest's, then loads it. Raises ManifestError or
    VersionMismatchError.
    """

    def __init__(self, library, manifest=None, *, check_version: bool = True):
        self.path = os.path.abspath(os.fspath(library))
        self.manifest_path = (os.path.abspath(os.fspath(manifest)) if manifest is not None
                              else self.path + ".json")
        self.manifest = _read_manifest(self.manifest_path, self.path)
        self.sha256 = _sha256_file(self.path)
        _check_manifest(self.manifest, self.path, self.manifest_path, self.sha256, check_version)
        self._check_version = check_version
        self.rules: "dict[str, Rule]" = _rules(self.manifest)
        self._lib = _load(self.path, self.sha256)
        self._batch = {name: self._function(r.batch_symbol, fused=False)
                       for name, r in self.rules.items()}
        self._fused = None
        fused = self.manifest.get("all")
        if fused:
            self._fused = self._function(fused["symbols"]["batch"], fused=True)
            self._fused_inputs = tuple(_column(c) for c in fused["inputs"])
            self._fused_outputs = tuple(fused["outputs"])
            if (_names_at(self._lib, fused["symbols"]["inputs"]) != [c.name for c in self._fused_inputs]
                    or _names_at(self._lib, fused["symbols"]["outputs"]) != list(self._fused_outputs)):
                raise ManifestError(f"the columns or rules of {self.path} are not its manifest's")

    def _function(self, symbol: str, fused: bool):
        """A batch function of the library: (n, cols, out) or, fused, (n, cols, outs)."""
        try:
            fn = getattr(self._lib, symbol)
        except AttributeError:
            raise ManifestError(f"{self.path} has no function {symbol}, which its manifest "
                                f"names") from None
        fn.restype = None
        fn.argtypes = [ctypes.c_size_t, _PtrArray, _PtrArray if fused else ctypes.c_void_p]
        return fn

    def __repr__(self):
        return f"Evaluator({self.path!r}, rules={list(self.rules)})"

    def __reduce__(self):   # pickles as its paths: the receiver loads the library itself
        return (_rebuild, (self.path, self.manifest_path, self._check_version))

    @property
    def version(self) -> str:
        """The missionc version that built the library."""
        return self.manifest["missionc_version"]

    @property
    def has_fused(self) -> bool:
        """True when the library has the fused all-rules function (P_all_batch)."""
        return self._fused is not None

    def _select(self, rules) -> "list[str]":
        if rules is None:
            return list(self.rules)
        if isinstance(rules, str):
            rules = [r.strip() for r in rules.split(",")]
        names = list(rules)
        for name in names:
            if name not in self.rules:
                close = difflib.get_close_matches(name, list(self.rules), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise UnknownRuleError(f"{os.path.basename(self.path)} has no rule '{name}'"
                                       f"{hint} (it has: {', '.join(self.rules)})")
        if len(set(names)) != len(names):
            raise ValueError(f"a rule is named twice in {names}")
        return names

    def inputs(self, rules=None) -> "list[Column]":
        """The columns the rules read (all rules by default), one per name, in order."""
        return self._plan(self._select(rules))[1]

    def _plan(self, names):
        """(use the fused function?, columns, per computed output: the rule, and the
        index in the computed outputs of each asked rule)."""
        if self._fused is not None and set(names) == set(self._fused_outputs):
            outputs = list(self._fused_outputs)
            return True, list(self._fused_inputs), outputs, [outputs.index(n) for n in names]
        cols, seen = [], set()
        for name in names:
            for c in self.rules[name].inputs:
                if c.name not in seen:
                    seen.add(c.name)
                    cols.append(c)
        return False, cols, names, list(range(len(names)))

    def evaluate(self, data, rules=None, *, keep=None, raw: bool = False,
                 threads: int = 1) -> pd.DataFrame:
        """Run the rules (all by default, or a list of names in the order wanted) on
        every row of data: a pandas DataFrame, or a mapping of column names to 1-D
        arrays. Returns a DataFrame with the `keep` columns of the data first, then one
        column per rule, on the data's index. Numbers are float64 in the rule's unit,
        conditions bool, dates datetime64[ns]; raw=True gives every result as float64
        as the C functions return it (dates in days since 1970-01-01, booleans 0/1).
        A missing input (NaN, NaT, <NA>) is a missing value (LANGUAGE.md 7.5): numbers
        give NaN, dates NaT, and a condition column that has one is pandas' nullable
        "boolean" with <NA> there (NaN with raw=True).
        threads > 1 splits the rows among threads.

        Raises MissingColumnError, ColumnTypeError, UnknownRuleError.
        """
        names = self._select(rules)
        keep = [keep] if isinstance(keep, str) else list(keep or [])
        n, get, index, have = _table(data)
        fused, cols, outputs, pick = self._plan(names)
        if n is None:
            first = next((get(k) for k in [c.name for c in cols] + keep if get(k) is not None),
                         None)
            if first is None and data:             # rules that read nothing: any column
                first = next(iter(data.values()))
            n = len(first) if first is not None else 0
        arrays = []
        for c in cols:
            value = get(c.name)
            readers = [r for r in outputs if any(i.name == c.name for i in self.rules[r].inputs)]
            if value is None:
                raise MissingColumnError(
                    f"the data has no column '{c.name}' ({c.describe()}), which rule"
                    f"{'s' if len(readers) > 1 else ''} {', '.join(repr(r) for r in readers)} "
                    f"read{'' if len(readers) > 1 else 's'}; it has: {', '.join(have) or 'no columns'}")
            arrays.append(_as_float64(value, c, readers, n))
        kept = {}
        for k in keep:
            value = get(k)
            if value is None:
                raise MissingColumnError(f"keep: the data has no column '{k}'; it has: "
                                         f"{', '.join(have) or 'no columns'}")
            if k in names:
                raise ValueError(f"keep: '{k}' is also the name of a rule's result")
            kept[k] = value.to_numpy() if isinstance(value, pd.Series) else np.asarray(value)
            if len(kept[k]) != n:
                raise ValueError(f"keep: column '{k}' has {len(kept[k])} values, the others {n}")
        out = np.empty((len(outputs), n), dtype=np.float64)
        if n:
            self._run(fused, cols, outputs, arrays, out, n, max(1, int(threads)))
        if index is None:
            index = pd.RangeIndex(n)
        if (not kept and pick == list(range(len(outputs))) and
                (raw or all(self.rules[r].result_kind == "number" for r in names))):
            return pd.DataFrame(out.T, index=index, columns=names, copy=False)   # no copy
        return self._frame(names, [out[i] for i in pick], kept, index, raw)

    def _run(self, fused, cols, outputs, arrays, out, n, threads):
        """Call the batch functions on rows [start, end) of every column, per block."""
        col_index = {c.name: i for i, c in enumerate(cols)}
        rule_cols = [[col_index[c.name] for c in self.rules[r].inputs] for r in outputs]
        base_in = [a.ctypes.data for a in arrays]
        base_out = [out[r].ctypes.data for r in range(len(outputs))]

        def block(bounds):
            start, end = bounds
            off = 8 * start
            if fused:
                ins = (ctypes.c_void_p * (len(arrays) + 1))(*[p + off for p in base_in])
                outs = (ctypes.c_void_p * (len(outputs) + 1))(*[p + off for p in base_out])
                self._fused(end - start, ins, outs)
                return
            for r, name in enumerate(outputs):
                ins = (ctypes.c_void_p * (len(rule_cols[r]) + 1))(
                    *[base_in[c] + off for c in rule_cols[r]])
                self._batch[name](end - start, ins, base_out[r] + off)

        parts = min(threads, max(1, n // _BLOCK_ROWS))
        bounds = [(n * i // parts, n * (i + 1) // parts) for i in range(parts)]
        if parts == 1:
            block(bounds[0])
        else:
            with ThreadPoolExecutor(parts) as pool:
                list(pool.map(block, bounds))

    def _frame(self, names, values, kept, index, raw):
        """The result DataFrame: kept columns, then the rules' values in their dtypes."""
        columns = dict(kept)
        for name, v in zip(names, values):
            kind = self.rules[name].result_kind
            if raw or kind == "number":
                columns[name] = v
            elif kind == "bool":
                columns[name] = _as_booleans(v)
            else:
                columns[name] = _days_as_dates(v, name)
        return pd.DataFrame(columns, index=index, copy=False)


def _as_booleans(v: np.ndarray):
    """1/0 as bool; a NaN (a condition on a missing value, LANGUAGE.md 7.5) is neither
    true nor false: then the column is pandas' nullable "boolean", with <NA> there."""
    missing = np.isnan(v)
    if not missing.any():
        return v != 0.0
    return pd.arrays.BooleanArray(v != 0.0, missing)


_NS_DAYS = (pd.Timestamp.min.value // 86_400_000_000_000 + 1,
            pd.Timestamp.max.value // 86_400_000_000_000)


def _days_as_dates(v: np.ndarray, rule: str) -> np.ndarray:
    """Days since 1970-01-01 as datetime64[ns] (the day they fall in, like `missionc
    eval`); NaN is NaT. A day outside pandas' range (1677-2262) is an error."""
    days = np.floor(v)
    finite = np.isfinite(days)
    bad = finite & ((days < _NS_DAYS[0]) | (days > _NS_DAYS[1]))
    if bad.any():
        i = int(np.argmax(bad))
        raise OverflowError(f"rule '{rule}' gives day {days[i]:.0f} (row {i}), outside the dates "
                            f"pandas holds (1677-2262): use raw=True for days since 1970-01-01")
    out = np.where(finite, days, 0).astype(np.int64).astype("datetime64[D]").astype("datetime64[ns]")
    out[~finite] = np.datetime64("NaT")
    return out


def _rebuild(path, manifest_path, check_version):
    return Evaluator(path, manifest_path, check_version=check_version)
