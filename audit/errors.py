"""One error tree for the whole tool; each error carries the exit code the CLI returns.

Only `audit.cli` (and later the scheduler and web layer) turn these into exits or responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the CLI contract (DESIGN section 9)."""

    OK = 0
    CHECK_FAILED = 1
    INPUT_REFUSED = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    source: str
    message: str
    line: int | None = None
    path: str = ""

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class AuditError(Exception):
    """Base of every error the tool reports to a user."""

    exit_code: ExitCode = ExitCode.INPUT_REFUSED
    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if hint:
            self.hint = hint

    def lines(self) -> list[str]:
        """The message as the lines a user reads."""
        return [self.message, *([f"hint: {self.hint}"] if self.hint else [])]


class InputError(AuditError):
    """Input refused: nothing was changed."""


class ContentError(InputError):
    """Checklists, policies or framework indexes that do not load; lists every problem found."""

    def __init__(self, problems: list[Problem], *, hint: str = "") -> None:
        self.problems = sorted(problems, key=lambda p: (p.source, p.line or 0, p.path, p.message))
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found", hint=hint)

    def lines(self) -> list[str]:
        return [*(str(p) for p in self.problems), *super().lines()]


class WorkspaceError(InputError):
    """The workspace is missing, incomplete or not writable."""


class NotFoundError(InputError):
    """A vendor, checklist, control, run or finding that does not exist."""


class CheckFailedError(AuditError):
    """A check ran and did not hold (verify, a gate)."""

    exit_code = ExitCode.CHECK_FAILED
