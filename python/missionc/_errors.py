"""The exceptions of the missionc package: every one is a MissionError."""


class MissionError(Exception):
    """Base class of the package's errors."""


class ManifestError(MissionError):
    """The library or its manifest is missing, unreadable, or they do not match."""


class VersionMismatchError(ManifestError):
    """The library was built by another version of missionc than this package's."""


class MissingColumnError(MissionError, KeyError):
    """The data lacks a column that the rules read (or that `keep` names)."""

    def __str__(self):  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class ColumnTypeError(MissionError, TypeError):
    """A column's dtype cannot hold what the rules read from it."""


class UnknownRuleError(MissionError, KeyError):
    """A rule name that the library does not hold."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""
