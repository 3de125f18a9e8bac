"""Problems found in rule files and articles, and the one exception family that carries them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at a 1-based ``line:col`` of a file (``line`` 0 means the whole file)."""

    path: str
    line: int
    col: int
    message: str
    level: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}: {self.message}"
        return f"{self.path}: {self.message}"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


class AttribError(Exception):
    """Base of every error attrib reports to a user; ``problems`` holds the details."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()):
        super().__init__(message)
        self.problems = tuple(problems)

    def lines(self) -> list[str]:
        """The lines to print for this error: one per problem, or the message."""
        return [str(p) for p in self.problems] or [str(self)]


class RuleFileError(AttribError):
    """The rule files have problems; nothing was run."""


class InputError(AttribError):
    """The inputs given on the command line cannot be used."""


class NlpUnavailableError(AttribError):
    """The requested NLP backend cannot be loaded."""
