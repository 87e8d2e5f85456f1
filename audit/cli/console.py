"""The terminal consoles: text from users (vendor names, comments, file names) is printed as it
is, never read as Rich markup (`[/]`, `[blink]`) or emoji codes (`:100:`)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text


def console(*, stderr: bool = False, soft_wrap: bool = True) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=soft_wrap, markup=False, emoji=False)


def styled(*parts: str | tuple[str, str]) -> Text:
    """Text with some parts styled, e.g. styled(("Meridian", "bold"), " run #3"); the parts
    are never parsed, whatever they contain."""
    return Text.assemble(*parts)


def progress_console() -> Console:
    """Where progress bars draw: the terminal's error stream, so piped output stays clean."""
    return Console(stderr=True, highlight=False, markup=False, emoji=False)
