"""The terminal consoles: text from users (vendor names, comments, file names) is printed as it
is, never read as Rich markup (`[/]`, `[blink]`) or emoji codes (`:100:`), and its control
characters (escape sequences that clear the screen, recolour it or open a hidden link) are
shown as escapes (`\x1b`) rather than sent to the terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from audit.inputs import printable


class SafeConsole(Console):
    """A console whose plain strings are printed with their control characters escaped (the
    styles Rich itself writes are not affected: they are added after)."""

    def print(self, *objects: Any, **options: Any) -> None:
        super().print(*(printable(o) if isinstance(o, str) else o for o in objects), **options)


def console(*, stderr: bool = False, soft_wrap: bool = True) -> Console:
    return SafeConsole(
        stderr=stderr, highlight=False, soft_wrap=soft_wrap, markup=False, emoji=False
    )


def styled(*parts: str | tuple[str, str]) -> Text:
    """Text with some parts styled, e.g. styled(("Meridian", "bold"), " run #3"); the parts
    are never parsed, whatever they contain, and their control characters are escaped."""
    return Text.assemble(
        *(printable(p) if isinstance(p, str) else (printable(p[0]), p[1]) for p in parts)
    )


@contextmanager
def progress(
    label: str, total: int | None = None, *, shown: bool = True
) -> Iterator[Callable[..., None]]:
    """A progress bar on the error stream (piped output stays clean), gone when done; yields
    the function to call once per item."""
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn()]
    if total is not None:
        columns.append(TimeRemainingColumn())
    stream = Console(stderr=True, highlight=False, markup=False, emoji=False)
    with Progress(*columns, console=stream, transient=True, disable=not shown) as bar:
        task = bar.add_task(label, total=total)
        yield lambda *_: bar.advance(task)
