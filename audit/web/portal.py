"""The vendor portal's pages: `/q/<token>` exchanges a link's token for a signed session cookie
scoped to that questionnaire alone, then redirects, so the token leaves the address bar (and the
browser's history and any Referer). Routes parse, call one service and render; pages work as
plain forms, and HTMX (shipped in the package) saves each answer as it is given where JavaScript
runs.
"""

from __future__ import annotations

import hmac
import secrets
import time
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from audit.errors import AuditError, ContentError, InputError, NotFoundError
from audit.questionnaire.filled import DATE_FIELDS
from audit.questionnaire.words import DATE_WORDS, follow_up_words
from audit.services import links, portal, portal_files, portal_submit
from audit.services.portal_view import PortalState, ShownSection
from audit.web.edge import Throttle, client_address
from audit.web.threads import on_disk, run
from audit.workspace import Workspace

HERE = Path(__file__).resolve().parent
COOKIE = "audit_portal"
LINK_RECHECK_SECONDS = 5.0
FORM_LIMITS = {"max_files": 1, "max_fields": 5000}


class Portal:
    """The portal's routes over one workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescapes
        self.templates.env.auto_reload = False  # shipped in the package: never re-read
        self.templates.env.globals.update(
            follow_up=follow_up_words,
            date_fields=[(k, DATE_WORDS[k][:1].upper() + DATE_WORDS[k][1:]) for k in DATE_FIELDS],
            date_words=DATE_WORDS,
            max_bytes=workspace.settings["max_evidence_bytes"],
        )
        self.throttle = Throttle(failures=20, window_seconds=600)
        self.open_links: dict[int, float] = {}  # link id -> until when it is known open

    # -- helpers -------------------------------------------------------------------------

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("csrf", request.session.get("csrf", ""))
        response: Response = self.templates.TemplateResponse(
            request, name, context, status_code=status
        )
        return response

    def refused(self, request: Request, message: str, status: int) -> Response:
        return self.page(request, "refused.html", status, message=message)

    async def visitor(self, request: Request) -> portal.Visitor:
        """The session's questionnaire, while the link that opened it is open."""
        session = request.session
        questionnaire_id, link_id = session.get("q"), session.get("link")
        if not isinstance(questionnaire_id, str) or not isinstance(link_id, int):
            raise HTTPException(403, "open the link you were sent to reach your questionnaire")
        if self.open_links.get(link_id, 0.0) < time.monotonic():
            if not await run(links.link_is_open, self.workspace, link_id, questionnaire_id):
                session.clear()
                raise HTTPException(403, "this link was revoked or has expired; ask for a new one")
            # Checked again after a few seconds: revoking a link ends its sessions that soon.
            self.open_links[link_id] = time.monotonic() + LINK_RECHECK_SECONDS
            if len(self.open_links) > 10_000:
                self.open_links.clear()
        return portal.Visitor(questionnaire_id, client_address(request))

    async def form(self, request: Request) -> Any:
        """The posted form, once its CSRF token is checked."""
        form = await request.form(**FORM_LIMITS)
        expected = request.session.get("csrf")
        given = form.get("csrf")
        if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
            raise HTTPException(403, "this form is out of date; reload the page and try again")
        return form

    # -- the front door ------------------------------------------------------------------

    async def open_link(self, request: Request) -> Response:
        address = client_address(request)
        if self.throttle.blocked(address):
            return self.refused(request, "too many attempts; wait a few minutes", 429)
        try:
            link = await run(links.resolve_link, self.workspace, request.path_params["token"])
        except NotFoundError as exc:
            self.throttle.failed(address)
            return self.refused(request, exc.message, 404)
        request.session.clear()
        request.session.update(
            {"q": link.questionnaire_id, "link": link.link_id, "csrf": secrets.token_urlsafe(32)}
        )
        await run(
            portal.record, self.workspace, portal.Visitor(link.questionnaire_id, address), "open"
        )
        return RedirectResponse("/portal", status_code=303)

    async def leave(self, request: Request) -> Response:
        visitor = await self.visitor(request)
        await self.form(request)
        await run(portal.record, self.workspace, visitor, "leave")
        request.session.clear()
        return self.page(request, "left.html")

    # -- answering -----------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        state = await run(portal.portal_state, self.workspace, await self.visitor(request))
        return self.page(request, "overview.html", s=state, notice=request.query_params.get("n"))

    async def section(self, request: Request) -> Response:
        state = await run(portal.portal_state, self.workspace, await self.visitor(request))
        section = self._section(state, request.path_params["number"])
        saved = request.query_params.get("saved") == "1"
        return self.page(request, "section.html", s=state, section=section, saved=saved)

    @staticmethod
    def _section(state: PortalState, number: int) -> ShownSection:
        if not 1 <= number <= len(state.sections):
            raise HTTPException(404, "no such section")
        return state.sections[number - 1]

    @staticmethod
    def _written(form: Any, control_ids: list[str]) -> dict[str, tuple[Any, Any]]:
        written = {}
        for cid in control_ids:
            values = form.getlist(f"a.{cid}")
            if f"a.{cid}" in form or f"c.{cid}" in form or f"m.{cid}" in form:
                written[cid] = (values, form.get(f"c.{cid}"))
        return written

    async def save_section(self, request: Request) -> Response:
        """The plain form post (no JavaScript): every question of the section at once."""
        visitor = await self.visitor(request)
        form = await self.form(request)
        state = await run(portal.portal_state, self.workspace, visitor)
        section = self._section(state, request.path_params["number"])
        ids = [q.question.id for q in section.questions]
        saved = await run(portal.save_answers, self.workspace, visitor, self._written(form, ids))
        after = self._section(saved.state, section.number)
        if saved.state.errors:
            return self.page(request, "section.html", 422, s=saved.state, section=after)
        return RedirectResponse(f"/portal/s/{section.number}?saved=1", status_code=303)

    async def save_answer(self, request: Request) -> Response:
        """HTMX: one question saved as it is answered; returns its status line, the progress,
        and the follow-ups it showed or hid."""
        visitor = await self.visitor(request)
        form = await self.form(request)
        cid = request.path_params["control"]
        saved = await run(
            portal.save_answers,
            self.workspace,
            visitor,
            self._written(form, [cid]) or {cid: ([], None)},
        )
        section = saved.state.section_of(cid)
        assert section is not None  # noqa: S101 - save_answers knows the question
        shown = {q.question.id: q for q in section.questions}
        return self.page(
            request,
            "saved.html",
            s=saved.state,
            section=section,
            q=shown[cid],
            toggled=[shown[t] for t in saved.toggled if t in shown],
        )

    async def submit(self, request: Request) -> Response:
        visitor = await self.visitor(request)
        form = await self.form(request)
        try:
            await run(
                portal_submit.submit, self.workspace, visitor, str(form.get("completed_by") or "")
            )
        except portal.IncompleteError as exc:
            state = await run(portal.portal_state, self.workspace, visitor)
            return self.page(request, "overview.html", 422, s=state, refusal=exc)
        return RedirectResponse("/portal?n=submitted", status_code=303)

    # -- documents and workbooks ---------------------------------------------------------

    async def documents(self, request: Request) -> Response:
        state = await run(portal.portal_state, self.workspace, await self.visitor(request))
        return self.page(request, "documents.html", s=state, notice=request.query_params.get("n"))

    async def upload(self, request: Request) -> Response:
        visitor = await self.visitor(request)
        form = await self.form(request)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._documents_error(request, visitor, "choose a file to upload")
        dates = {k: str(form.get(k) or "") for k in DATE_FIELDS}
        controls = [str(c) for c in form.getlist("controls")]
        try:
            result = await run(
                on_disk,
                upload,
                "",
                portal_files.upload_file,
                self.workspace,
                visitor,
                upload.filename,
                str(form.get("kind") or ""),
                dates,
                controls,
            )
        except InputError as exc:
            return await self._documents_error(request, visitor, exc.message)
        notice = "uploaded" if result.known is None else "known"
        return RedirectResponse(f"/portal/documents?n={notice}", status_code=303)

    async def _documents_error(
        self, request: Request, visitor: portal.Visitor, message: str
    ) -> Response:
        state = await run(portal.portal_state, self.workspace, visitor)
        return self.page(request, "documents.html", 422, s=state, error=message)

    async def remove(self, request: Request) -> Response:
        visitor = await self.visitor(request)
        await self.form(request)
        await run(portal_files.remove_file, self.workspace, visitor, request.path_params["file"])
        return RedirectResponse("/portal/documents?n=removed", status_code=303)

    async def download(self, request: Request) -> Response:
        name, path = await run(
            portal_files.portal_file,
            self.workspace,
            await self.visitor(request),
            request.path_params["file"],
        )
        return FileResponse(
            path,
            media_type="application/octet-stream",
            filename=name,
            content_disposition_type="attachment",
        )

    async def workbook(self, request: Request) -> Response:
        name, data = await run(
            portal_files.portal_workbook, self.workspace, await self.visitor(request)
        )
        return Response(
            data,
            media_type="application/octet-stream",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    async def load_workbook(self, request: Request) -> Response:
        visitor = await self.visitor(request)
        form = await self.form(request)
        upload = form.get("workbook")
        if not isinstance(upload, UploadFile) or not upload.filename:
            state = await run(portal.portal_state, self.workspace, visitor)
            return self.page(request, "overview.html", 422, s=state, load_error=["choose a file"])
        suffix = Path(upload.filename).suffix.lower()
        try:
            saved, notes = await run(
                on_disk,
                upload,
                suffix,
                portal_files.load_workbook,
                self.workspace,
                visitor,
                upload.filename,
            )
        except ContentError as exc:
            state = await run(portal.portal_state, self.workspace, visitor)
            lines = [str(p) for p in exc.problems]
            return self.page(request, "overview.html", 422, s=state, load_error=lines)
        except InputError as exc:
            state = await run(portal.portal_state, self.workspace, visitor)
            return self.page(request, "overview.html", 422, s=state, load_error=[exc.message])
        state = await run(portal.portal_state, self.workspace, visitor)
        return self.page(request, "overview.html", s=state, loaded=saved, load_notes=notes)

    # -- errors --------------------------------------------------------------------------

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)  # noqa: S101 - registered for HTTPException
        return self.refused(request, str(exc.detail), exc.status_code)

    async def audit_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AuditError)  # noqa: S101 - registered for AuditError
        status = (
            404
            if isinstance(exc, NotFoundError)
            else 409
            if isinstance(exc, portal.LockedError)
            else 422
        )
        return self.refused(request, exc.message, status)
