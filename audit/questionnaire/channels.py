"""The file formats of a questionnaire, as a registry: how each is written and read back.

Every format carries the same document; `read_filled` turns any of them into a `Filled` for the
one reader."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from audit.content.yamlsafe import parse_yaml
from audit.errors import ContentError, InputError, Problem
from audit.inputs import one_line
from audit.questionnaire.document import Questionnaire
from audit.questionnaire.filled import Filled, from_document
from audit.questionnaire.text import render_json, render_yaml

ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")  # as issued: Q-VENDOR-YYYYMMDD[-N]


class NotAQuestionnaireError(ContentError):
    """A readable file that is not a questionnaire (a folder import passes it by)."""


@dataclass(frozen=True, slots=True)
class Channel:
    suffix: str
    mime: str
    write: Callable[[Questionnaire], bytes]
    read: Callable[[Path, str, int], Filled]


def _read_text(path: Path, source: str, max_bytes: int) -> Filled:
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    document = parse_yaml(raw, source, max_bytes=max_bytes)
    if not isinstance(document.data, dict):
        raise NotAQuestionnaireError(
            [
                Problem(
                    source, "not a questionnaire: expected `questionnaire:`, `answers:` ...", line=1
                )
            ]
        )
    return from_document(document)


def _read_workbook(path: Path, source: str, max_bytes: int) -> Filled:
    from audit.questionnaire.sheets import read_workbook  # openpyxl only for workbooks

    return read_workbook(path, source)


def _write_workbook(questionnaire: Questionnaire) -> bytes:
    from audit.questionnaire.workbook import render_workbook

    return render_workbook(questionnaire)


CHANNELS: dict[str, Channel] = {
    channel.suffix: channel
    for channel in (
        Channel(
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _write_workbook,
            _read_workbook,
        ),
        Channel(".yaml", "application/yaml", lambda q: render_yaml(q).encode(), _read_text),
        Channel(".yml", "application/yaml", lambda q: render_yaml(q).encode(), _read_text),
        Channel(".json", "application/json", lambda q: render_json(q).encode(), _read_text),
    )
}


def channel_for(path: Path) -> Channel:
    channel = CHANNELS.get(path.suffix.lower())
    if channel is None:
        raise InputError(
            f"{path.name}: a questionnaire is a workbook (.xlsx), YAML (.yaml) or JSON (.json) "
            "file",
            hint="keep the file name and type the questionnaire was sent with",
        )
    return channel


def read_filled(path: Path, source: str, max_bytes: int) -> Filled:
    """A filled questionnaire in any format; refuses what is not a regular, bounded file."""
    channel = channel_for(path)
    if path.is_symlink() or not path.is_file():
        raise InputError(f"{source}: not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{source}: the file is {size:,} bytes; the limit is {max_bytes:,}")
    filled = channel.read(path, source, max_bytes)
    questionnaire_id = filled.value("questionnaire")
    if not isinstance(questionnaire_id, str):
        raise NotAQuestionnaireError(
            [Problem(source, "not a questionnaire: it names no questionnaire id", line=1)],
            hint="send or import the file `audit questionnaire issue` wrote, with its id unchanged",
        )
    if not ID.fullmatch(questionnaire_id):  # never looked up: ids are short and plain
        where = filled.header["questionnaire"].where
        raise ContentError(
            [where.problem(f"'{one_line(questionnaire_id)[:60]}' is not a questionnaire id")],
            hint="send or import the file `audit questionnaire issue` wrote, with its id unchanged",
        )
    return filled
