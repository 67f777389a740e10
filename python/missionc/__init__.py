"""Compiled missionc evaluators in Python.

`missionc build FILE -o libNAME.so` compiles a mission's scores and conditions into a
shared library and writes a manifest next to it (libNAME.so.json: the rules, their
inputs with units, the symbols, the missionc version and SHA-256s). This package
loads both and runs the rules on numpy columns, pandas DataFrames and, with
missionc.dask, Dask DataFrames:

    import missionc
    ev = missionc.Evaluator("libscores.so")
    results = ev.evaluate(df)                  # a DataFrame, one column per rule

The columns are handed to the native batch functions as pointers and the results
written into preallocated arrays: there is no Python code per row, and the values
are those of `missionc eval`, bit for bit.
"""
from ._errors import (ColumnTypeError, ManifestError, MissingColumnError, MissionError,
                      UnknownRuleError, VersionMismatchError)
from ._evaluator import Column, Evaluator, Rule
from ._version import __version__

__all__ = [
    "Evaluator", "Rule", "Column", "MissionError", "ManifestError", "VersionMismatchError",
    "MissingColumnError", "ColumnTypeError", "UnknownRuleError", "__version__",
]
