"""The register of information's own facts: import them (all or nothing), read the current
revision, and list the revisions (`audit.roi.sheets` writes them back out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from audit.content.schemas import validate
from audit.content.yamlsafe import Document
from audit.errors import ContentError, InputError
from audit.roi import consistency
from audit.roi.reading import Sections, read_files, sections
from audit.services.database import reading, transaction
from audit.store.tables import RoiRevision, VendorRow
from audit.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Register:
    """The current revision's document (0 and empty sections before the first import)."""

    revision: int
    data: dict[str, list[dict[str, Any]]]
    source: str | None = None
    changed_at: dt.datetime | None = None

    def rows(self, section: str) -> list[dict[str, Any]]:
        return self.data.get(section, [])


@dataclass(frozen=True, slots=True)
class Imported:
    revision: int  # unchanged when the files changed nothing
    replaced: dict[str, tuple[int, int]]  # section -> (rows before, rows now)


def _current(session: Session) -> Register:
    row = session.exec(select(RoiRevision).order_by(col(RoiRevision.revision).desc())).first()
    if row is None:
        return Register(0, {})
    return Register(row.revision, row.document, row.source, row.changed_at)


def current_register(workspace: Workspace) -> Register:
    with reading(workspace) as session:
        return _current(session)


def revisions(workspace: Workspace) -> list[RoiRevision]:
    with reading(workspace) as session:
        return list(session.exec(select(RoiRevision).order_by(col(RoiRevision.revision))).all())


def check_register(
    data: dict[str, Any], locate: consistency.Locate, vendor_ids: set[str], source: str = "register"
) -> None:
    """Refuse a register the schema or the consistency rules refuse, naming every problem."""
    problems = validate("roi", Document(source, data, {}), where=locate)
    said = {(p.source, p.line, p.path) for p in problems}
    problems += [
        p
        for p in consistency.problems(data, locate, vendor_ids)
        if (p.source, p.line, p.path) not in said
    ]
    if problems:
        raise ContentError(problems, hint="nothing was imported; fix the file and run it again")


def import_register(
    workspace: Workspace,
    paths: list[Path],
    *,
    by: str | None = None,
    names: list[str] | None = None,
) -> Imported:
    """The sections the files give replace the same sections of the register; the others stay.
    The whole result is checked before anything is kept, and kept as one new revision. `names`
    are the files as the person knows them (an upload's name, not where it was put)."""
    if not paths:
        raise InputError("no file given", hint="name the register's workbook, CSVs or YAML")
    sources = names or [workspace.relative(p) for p in paths]
    given = read_files(paths, sources, max_bytes=workspace.settings["max_register_bytes"])
    with transaction(workspace) as session:
        before = _current(session)
        merged = Sections(
            {s: before.rows(s) for s in sections() if before.rows(s)} | given.data,
            dict(given.where),
            given.sheet_columns,
            given.field_lines,
        )
        kept = f"the register of information, revision {before.revision}"
        for section, rows in merged.data.items():
            if section not in given.data:
                for index in range(len(rows) if isinstance(rows, list) else 0):
                    merged.where[(section, index)] = (kept, None)
        vendor_ids = set(session.exec(select(VendorRow.id)).all())
        check_register(merged.data, merged.locate, vendor_ids)
        replaced = {
            s: (len(before.rows(s)), len(given.data[s]))
            for s in sections()
            if s in given.data and given.data[s] != before.rows(s)
        }
        if not replaced:
            return Imported(before.revision, {})
        source = ", ".join(sources) + (f" by {by}" if by else "")
        changed = "; ".join(f"{s}: {old} -> {new} rows" for s, (old, new) in replaced.items())
        session.add(
            RoiRevision(
                revision=before.revision + 1,
                document={s: merged.data[s] for s in sections() if merged.data.get(s)},
                source=source[:500],
                changed=changed[:2000],
            )
        )
        try:
            session.flush()
        except IntegrityError:
            raise InputError(
                "the register was changed by someone else while this import ran; "
                "nothing was imported",
                hint="run the import again",
            ) from None
    return Imported(before.revision + 1, replaced)
