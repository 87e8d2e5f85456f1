"""The dashboard's register of information page: what the register holds, its check for a
filing entity and reference date, the workbook to download and fill in, an import of it, and
the EBA report package to download. Reading and checking are for every role; importing and
filing are for officers (checked here on the server, with the CSRF token)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from audit.errors import ContentError, InputError
from audit.inputs import date_given
from audit.roi import sheets
from audit.roi.reading import sections
from audit.services import dora_export, officer_actions, roi
from audit.services.accounts import Role
from audit.web.dashboard import Dashboard
from audit.web.dashboard_forms import _actor, _text
from audit.web.threads import on_disk, run

SUFFIXES = (".xlsx", ".yaml", ".yml", ".json", ".csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _previous_year_end() -> dt.date:
    return dt.date(dt.date.today().year - 1, 12, 31)


class RegisterPages:
    def __init__(self, desk: Dashboard) -> None:
        self.desk = desk
        self.workspace = desk.workspace
        self.sessions = desk.sessions

    async def page(self, request: Request, **extra: Any) -> Response:
        officer = await self.sessions.officer(request)
        register = await run(roi.current_register, self.workspace)
        entities = register.rows("entities")
        query = request.query_params
        entity = query.get("entity", "")[:20] or (entities[0]["lei"] if entities else "")
        checked = None
        try:
            day = date_given(query.get("date") or None, "date") or _previous_year_end()
            if query.get("check") and entity:
                checked = await run(
                    partial(
                        dora_export.build_package,
                        self.workspace,
                        entity=entity,
                        reference_date=day,
                        made_at=dt.datetime.now(dt.UTC),
                    )
                )
        except InputError as exc:
            extra.setdefault("error", exc.message)
            day = _previous_year_end()
        status = int(extra.pop("status", 200))
        return self.desk.page(
            request,
            "register.html",
            officer,
            status,
            register=register,
            counts=[(s, len(register.rows(s))) for s in sections()],
            entities=entities,
            entity=entity,
            day=day,
            checked=checked,
            imported=query.get("imported"),
            **extra,
        )

    async def workbook(self, request: Request) -> Response:
        await self.sessions.officer(request)
        register = await run(roi.current_register, self.workspace)
        data = await run(sheets.workbook, register.data)
        name = f"register-of-information-r{register.revision}.xlsx"
        return Response(
            data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    async def import_file(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.OFFICER, files=1)
        upload = form.get("register")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self.page(request, error="choose the register's file", status=422)
        name = Path(upload.filename).name
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            return await self.page(
                request, error="a workbook (.xlsx), YAML, JSON or one section's CSV", status=422
            )
        try:  # the edge limits the upload, the reader the file (max_register_bytes)
            made = await run(
                on_disk,
                upload,
                suffix,
                officer_actions.import_register,
                self.workspace,
                _actor(officer, request),
                name,
            )
        except ContentError as exc:
            return await self.page(request, problems=[str(p) for p in exc.problems], status=422)
        return RedirectResponse(f"/register?imported={made.revision}", 303)

    async def package(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.OFFICER)
        try:
            day = date_given(_text(form, "date", 20), "date") or _previous_year_end()
            made = await run(
                officer_actions.file_register,
                self.workspace,
                _actor(officer, request),
                _text(form, "entity", 20),
                day,
            )
        except InputError as exc:
            return await self.page(request, error=exc.message, status=422)
        return Response(
            made.data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{made.file_name}"'},
        )
