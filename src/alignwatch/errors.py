"""One error type per concern, raised early and caught once in the CLI (shown as one line plus a hint)."""

from __future__ import annotations


class AlignwatchError(Exception):
    """Base class: everything the CLI turns into one line and a non-zero exit."""

    exit_code = 1
    hint: str | None = None

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class DataError(AlignwatchError):
    """Input data is missing or not what a reader expects.

    The message always names the file, the row and/or column, and what was expected, so a user can find and fix
    the problem without reading a traceback.
    """

    exit_code = 3

    def __init__(self, path, expected: str, *, row=None, column: str | None = None, hint: str | None = None):
        self.path = str(path)
        self.row = row
        self.column = column
        self.expected = expected
        where = self.path
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {expected}", hint)


class UsageError(AlignwatchError):
    """A command-line or API argument is not valid (unknown country, reversed years, ...)."""

    exit_code = 2


class WarehouseError(AlignwatchError):
    """The warehouse is missing a table or cannot be opened."""

    exit_code = 4


class FetchError(AlignwatchError):
    """A download failed or a file could not be located in mirror or cache."""

    exit_code = 5


class Interrupted(AlignwatchError):
    """The user pressed Ctrl+C (SIGINT); the message says what was left as it was."""

    exit_code = 130
