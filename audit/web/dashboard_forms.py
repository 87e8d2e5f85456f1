"""The dashboard's forms: each checks the role and the CSRF token on the server, calls one
action (services/officer_actions.py) and redirects, or shows the page again with what was
refused and why. A viewer's post is refused here, whatever the page showed it."""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from audit.errors import InputError
from audit.inputs import date_given
from audit.services import officer_actions
from audit.services.accounts import Role
from audit.services.findings import ChangedMeanwhileError
from audit.services.officer_actions import Actor
from audit.web.dashboard import Dashboard
from audit.web.edge import client_address
from audit.web.officers import Officer
from audit.web.threads import run

UPLOAD_LIMIT = 25 * 1024 * 1024  # a signed report to verify


def _actor(officer: Officer, request: Request) -> Actor:
    return Actor(officer.user.email, officer.user.shown, client_address(request))


def _text(form: FormData, name: str, limit: int = 4000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _date(value: str, name: str) -> dt.date:
    day = date_given(value, name)
    assert day is not None  # noqa: S101 - a string was given
    return day


class DashboardForms(Dashboard):
    # -- findings ------------------------------------------------------------------------

    async def accept(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.OFFICER)
        return await self._triage(
            request,
            "accepted",
            lambda finding_id: officer_actions.accept(
                self.workspace,
                _actor(officer, request),
                finding_id,
                until=_date(_text(form, "until", 20), "until"),
                reason=_text(form, "reason"),
                expected=_text(form, "stamp", 64),
            ),
        )

    async def update(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.OFFICER)
        return await self._triage(
            request,
            "updated",
            lambda finding_id: officer_actions.update(
                self.workspace,
                _actor(officer, request),
                finding_id,
                status=_text(form, "status", 20) or None,
                owner=_text(form, "owner", 254) or None,
                note=_text(form, "note") or None,
                expected=_text(form, "stamp", 64),
            ),
        )

    async def _triage(
        self, request: Request, done: str, change: Callable[[int], object]
    ) -> Response:
        """Make the change; the finding's page again with what was refused and why (409 when
        someone changed it meanwhile), or back to it saying it was saved."""
        finding_id = int(request.path_params["id"])
        try:
            await run(change, finding_id)
        except InputError as exc:
            status = 409 if isinstance(exc, ChangedMeanwhileError) else 422
            return await self.finding(request, error=exc.message, hint=exc.hint, status=status)
        return RedirectResponse(f"/findings/{finding_id}?saved={done}", 303)

    # -- questionnaires and links --------------------------------------------------------

    async def issue(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.OFFICER)
        vendor_id = request.path_params["vendor"]
        if form.get("part") == "assessor":
            review = await run(
                officer_actions.issue_review, self.workspace, _actor(officer, request), vendor_id
            )
            return RedirectResponse(f"/vendors/{vendor_id}?issued={review.questionnaire.id}", 303)
        issued = await run(
            officer_actions.issue,
            self.workspace,
            _actor(officer, request),
            vendor_id,
            form.get("send") == "1",
        )
        link = (issued.questionnaire.id, issued.link.url) if issued.link else None
        return await self.vendor_view(request, officer, vendor_id, new_link=link)

    async def link(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.OFFICER)
        questionnaire_id = request.path_params["qid"]
        until = _text(form, "until", 20)
        made, _ = await run(
            officer_actions.new_link,
            self.workspace,
            _actor(officer, request),
            questionnaire_id,
            form.get("send") == "1",
            _date(until, "until") if until else None,
        )
        # shown once, on this page: only the link's hash is kept
        return await self.vendor_view(
            request, officer, _text(form, "vendor", 64), new_link=(questionnaire_id, made.url)
        )

    async def answer(self, request: Request) -> Response:
        """The assessor's part, in the portal's pages, for the signed-in officer: a portal
        session scoped to that questionnaire, as a vendor's link would give."""
        officer, _ = await self.sessions.form(request, Role.OFFICER)
        questionnaire_id = request.path_params["qid"]
        link_id = await run(
            officer_actions.answer_review,
            self.workspace,
            _actor(officer, request),
            questionnaire_id,
        )
        request.session.clear()
        request.session.update(
            {"q": questionnaire_id, "link": link_id, "csrf": secrets.token_urlsafe(32)}
        )
        return RedirectResponse("/portal", 303)

    async def revoke(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.OFFICER)
        questionnaire_id = request.path_params["qid"]
        await run(
            officer_actions.revoke, self.workspace, _actor(officer, request), questionnaire_id
        )
        vendor_id = _text(form, "vendor", 64)
        return RedirectResponse(f"/vendors/{vendor_id}?revoked={questionnaire_id}", 303)

    # -- reports -------------------------------------------------------------------------

    async def generate(self, request: Request) -> Response:
        officer, _ = await self.sessions.form(request, Role.OFFICER)
        target = request.path_params["target"]
        made = await run(officer_actions.report, self.workspace, _actor(officer, request), target)
        return RedirectResponse(f"/reports?made={made.path.name}", 303)

    async def verify(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.VIEWER, files=1)
        upload = form.get("pdf")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self.reports_page(request, error="choose a PDF to verify", status=422)
        name = Path(upload.filename).name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.pdf"
            size = 0
            with path.open("wb") as out:
                while chunk := await upload.read(1024 * 1024):
                    size += len(chunk)
                    if size > UPLOAD_LIMIT:
                        return await self.reports_page(
                            request, error="the file is over 25 MB", status=413
                        )
                    out.write(chunk)
            checked = await run(
                officer_actions.verify, self.workspace, _actor(officer, request), path, name
            )
        return await self.reports_page(request, verified=(name, checked))

    # -- accounts ------------------------------------------------------------------------

    async def add_user(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.ADMIN)
        try:
            made = await run(
                officer_actions.add_user,
                self.workspace,
                _actor(officer, request),
                _text(form, "email", 254),
                _text(form, "role", 10),
                _text(form, "name", 200),
                _text(form, "password", 1024),
            )
        except InputError as exc:
            return await self.users(request, error=exc.message, status=422)
        return RedirectResponse(f"/users?added={made.email}", 303)

    async def change_user(self, request: Request) -> Response:
        officer, form = await self.sessions.form(request, Role.ADMIN)
        try:
            await run(
                officer_actions.set_user,
                self.workspace,
                _actor(officer, request),
                _text(form, "email", 254),
                _text(form, "change", 10),
            )
        except InputError as exc:
            return await self.users(request, error=exc.message, status=422)
        return RedirectResponse("/users?changed=1", 303)
