"""The officers' dashboard: the audit in the browser, for a team with roles (DESIGN.md section 12).

Pages read through services/dashboard.py and the services the CLI uses; forms change things
through services/officer_actions.py (dashboard_forms.py). Every page needs a signed-in account;
what a role may do is checked on the server for every request, whatever the page shows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from audit import words
from audit.errors import AuditError, NotFoundError
from audit.evidence.store import BlobStore
from audit.services import accounts, content, dashboard, findings, single_sign_on
from audit.services.accounts import Role
from audit.services.database import reading
from audit.store.tables import EvidenceRow
from audit.web import svg
from audit.web.edge import Throttle, client_address
from audit.web.officers import Officer, Sessions
from audit.web.threads import run
from audit.workspace import Workspace

HERE = Path(__file__).resolve().parent
PER_PAGE = 50


class Dashboard:
    """The dashboard's pages over one workspace."""

    def __init__(self, workspace: Workspace, sessions: Sessions) -> None:
        self.workspace = workspace
        self.sessions = sessions
        self.templates = Jinja2Templates(directory=str(HERE / "templates" / "dashboard"))
        self.templates.env.auto_reload = False
        self.templates.env.filters.update(
            service=words.service, country=words.country, data=words.data, access=words.access
        )
        self.templates.env.globals.update(
            words=words,
            rating_colour=svg.RATING,
            severity_colour=svg.SEVERITY,
            Role=Role,
        )
        self.throttle = Throttle(failures=10, window_seconds=600)
        # checked once, when the application starts: a half-configured provider stops `serve`
        self.single_sign_on = single_sign_on.provider(workspace) is not None

    # -- helpers -------------------------------------------------------------------------

    def page(
        self,
        request: Request,
        name: str,
        officer: Officer | None,
        status: int = 200,
        **context: Any,
    ) -> Response:
        context.update(
            me=officer.user if officer else None,
            csrf=officer.csrf if officer else "",
            today=dt.date.today(),
            path=request.url.path,
        )
        response: Response = self.templates.TemplateResponse(
            request, name, context, status_code=status
        )
        return response

    def refused(
        self, request: Request, message: str, status: int, officer: Officer | None = None
    ) -> Response:
        return self.page(request, "refused.html", officer, status, message=message)

    # -- signing in ----------------------------------------------------------------------

    async def login_form(self, request: Request) -> Response:
        return self.page(
            request, "login.html", None, next=_safe_next(request), sso=self.single_sign_on
        )

    async def sso_start(self, request: Request) -> Response:
        started = await run(single_sign_on.start, self.workspace)
        response = RedirectResponse(started.url, 303)
        self.sessions.remember_sign_on(
            response,
            {"state": started.state, "nonce": started.nonce, "verifier": started.verifier},
        )
        return response

    async def sso_callback(self, request: Request) -> Response:
        address = client_address(request)
        remembered = self.sessions.sign_on(request)
        state, code = request.query_params.get("state", ""), request.query_params.get("code", "")
        if (
            remembered is None
            or not code
            or not secrets.compare_digest(state, remembered.get("state", ""))
        ):
            self.throttle.failed(address)
            return self.page(
                request,
                "login.html",
                None,
                401,
                error="this sign-in did not start here, or took too long; try again",
                sso=self.single_sign_on,
            )
        try:
            user = await run(
                single_sign_on.finish,
                self.workspace,
                code,
                remembered["nonce"],
                remembered["verifier"],
                address,
            )
        except AuditError as exc:
            self.throttle.failed(address)
            return self.page(
                request, "login.html", None, 403, error=exc.message, sso=self.single_sign_on
            )
        response = RedirectResponse("/", 303)
        self.sessions.forget_sign_on(response)
        self.sessions.issue(response, user)
        return response

    async def login(self, request: Request) -> Response:
        address = client_address(request)
        if self.throttle.blocked(address):
            return self.page(
                request, "login.html", None, 429, error="too many attempts; wait a few minutes"
            )
        form = await request.form(max_files=0, max_fields=10)
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        user = await run(accounts.authenticate, self.workspace, email, password, address)
        if user is None:
            self.throttle.failed(address)
            return self.page(
                request,
                "login.html",
                None,
                401,
                error="that e-mail and password do not open an enabled account",
                email=email[:254],
            )
        response = RedirectResponse(_safe_next(request, str(form.get("next", ""))), 303)
        self.sessions.issue(response, user)
        return response

    async def logout(self, request: Request) -> Response:
        officer, _ = await self.sessions.form(request, Role.VIEWER)
        response = RedirectResponse("/login", 303)
        self.sessions.end(response)
        await run(accounts.signed_out, self.workspace, officer.actor, client_address(request))
        return response

    # -- pages ---------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        officer = await self.sessions.officer(request)
        today = dt.date.today()
        try:
            seen = await run(dashboard.overview, self.workspace, today)
        except AuditError as exc:  # an empty register: say so, and how to fill it
            return self.page(request, "empty.html", officer, message=exc.message)
        report = seen.portfolio
        ages = report.age_buckets
        charts = {
            "severity": svg.bars(
                "Open findings by severity",
                [(s, float(sum(c)), svg.SEVERITY[s]) for s, c in report.findings_by_severity],
            ),
            "countries": svg.bars(
                "Vendors by delivery country",
                [(name, float(n), "#334e68") for name, n, _ in report.concentration[0][1][:12]],
            ),
            "services": svg.bars(
                "Vendors by service",
                [(name, float(n), "#627d98") for name, n, _ in report.concentration[2][1][:12]],
            ),
        }
        return self.page(
            request, "home.html", officer, seen=seen, report=report, ages=ages, charts=charts
        )

    async def vendors(self, request: Request) -> Response:
        officer = await self.sessions.officer(request)
        query = request.query_params
        search = dashboard.VendorSearch(
            text=query.get("q", "")[:200],
            tier=query.get("tier", ""),
            rating=query.get("rating", ""),
            due=query.get("due", ""),
            service=query.get("service", ""),
            country=query.get("country", "")[:2],
        )
        number = _page_number(query.get("page"))
        rows, total = await run(
            dashboard.search_vendors, self.workspace, search, dt.date.today(), number, PER_PAGE
        )
        context: dict[str, Any] = {
            "rows": rows,
            "total": total,
            "search": search,
            "number": number,
            "pages": max(1, -(-total // PER_PAGE)),
            "query": {k: v for k, v in query.items() if k != "page" and v},
            "urlencode": urlencode,
        }
        partial = request.headers.get("HX-Request") == "true"
        name = "vendor_rows.html" if partial else "vendors.html"
        return self.page(request, name, officer, **context)

    async def vendor(self, request: Request) -> Response:
        officer = await self.sessions.officer(request)
        return await self.vendor_view(request, officer, request.path_params["vendor"])

    async def vendor_view(
        self, request: Request, officer: Officer, vendor_id: str, **extra: Any
    ) -> Response:
        seen = await run(dashboard.vendor_page, self.workspace, vendor_id, dt.date.today())
        trend = svg.trend("Score over runs", [(f"#{i} {a}", s, r) for i, a, s, r, _ in seen.runs])
        return self.page(request, "vendor.html", officer, seen=seen, trend=trend, **extra)

    async def evidence_file(self, request: Request) -> Response:
        await self.sessions.officer(request)
        row = await run(_evidence_row, self.workspace, int(request.path_params["id"]))
        store = BlobStore(self.workspace.evidence_dir)
        path = store.path_for(row.sha256)
        if store.problem(row.sha256) is not None:
            raise NotFoundError(f"evidence #{row.id}: the stored copy is missing or changed")
        return FileResponse(
            path,
            media_type="application/octet-stream",
            filename=Path(row.file_name).name,
            content_disposition_type="attachment",
        )

    async def findings_list(self, request: Request) -> Response:
        officer = await self.sessions.officer(request)
        query = request.query_params
        number = _page_number(query.get("page"))
        status = query.get("status") or None
        views, total = await run(
            lambda: findings.list_findings(
                self.workspace,
                vendor_id=query.get("vendor") or None,
                status=status,
                overdue=query.get("overdue") == "1",
                severity=query.get("severity") or None,
                limit=PER_PAGE,
                offset=(number - 1) * PER_PAGE,
            )
        )
        return self.page(
            request,
            "findings.html",
            officer,
            views=views,
            total=total,
            number=number,
            pages=max(1, -(-total // PER_PAGE)),
            query={k: v for k, v in query.items() if k != "page" and v},
            urlencode=urlencode,
        )

    async def finding(self, request: Request, **extra: Any) -> Response:
        officer = await self.sessions.officer(request)
        detail = await run(findings.finding_detail, self.workspace, int(request.path_params["id"]))
        status = int(extra.pop("status", 200))
        return self.page(
            request,
            "finding.html",
            officer,
            status,
            detail=detail,
            stamp=findings.stamp(detail.finding),
            saved=request.query_params.get("saved"),
            **extra,
        )

    async def reports_page(self, request: Request, **extra: Any) -> Response:
        officer = await self.sessions.officer(request)
        query = request.query_params
        number = _page_number(query.get("page"))
        search = dashboard.VendorSearch(text=query.get("q", "")[:200])
        listed = await run(
            dashboard.search_vendors, self.workspace, search, dt.date.today(), number, PER_PAGE
        )
        folder = self.workspace.reports_dir
        files = sorted(
            (
                (p.name, p.stat().st_size, dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC))
                for p in folder.glob("*.pdf")
                if p.is_file()
            ),
            key=lambda f: f[2],
            reverse=True,
        )
        status = int(extra.pop("status", 200))
        return self.page(
            request,
            "reports.html",
            officer,
            status,
            vendors=listed[0],
            files=files[:PER_PAGE],
            more_files=max(0, len(files) - PER_PAGE),
            search=search,
            number=number,
            pages=max(1, -(-listed[1] // PER_PAGE)),
            **extra,
        )

    async def report_file(self, request: Request) -> Response:
        await self.sessions.officer(request)
        name = request.path_params["name"]
        path = self.workspace.reports_dir / name
        if "/" in name or not name.endswith(".pdf") or not path.is_file():
            raise NotFoundError(f"no report '{name[:80]}'")
        return FileResponse(
            path, media_type="application/pdf", filename=name, content_disposition_type="attachment"
        )

    async def content_page(self, request: Request) -> Response:
        officer = await self.sessions.officer(request)
        loaded = await run(content.workspace_content, self.workspace)
        coverage = await run(content.all_coverage, loaded)
        return self.page(request, "content.html", officer, loaded=loaded, coverage=coverage)

    async def checklist(self, request: Request) -> Response:
        officer = await self.sessions.officer(request)
        loaded = await run(content.workspace_content, self.workspace)
        found = loaded.checklist(request.path_params["id"])
        if found is None:
            raise NotFoundError(f"no checklist '{request.path_params['id'][:80]}'")
        return self.page(request, "checklist.html", officer, checklist=found)

    async def coverage(self, request: Request) -> Response:
        officer = await self.sessions.officer(request)
        loaded = await run(content.workspace_content, self.workspace)
        found = content.framework_coverage(loaded, request.path_params["id"])
        return self.page(request, "coverage.html", officer, found=found)

    async def users(self, request: Request, **extra: Any) -> Response:
        officer = await self.sessions.officer(request, Role.ADMIN)
        listed = await run(accounts.list_users, self.workspace)
        status = int(extra.pop("status", 200))
        return self.page(request, "users.html", officer, status, users=listed, **extra)

    async def activity(self, request: Request) -> Response:
        officer = await self.sessions.officer(request)
        rows = await run(accounts.recent_activity, self.workspace, 200)
        return self.page(request, "activity.html", officer, rows=rows)

    # -- errors --------------------------------------------------------------------------

    async def signed_out(self, request: Request) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            return self.refused(request, "your session has ended; sign in again", 401)
        return RedirectResponse("/login?" + urlencode({"next": target}), 303)


def _evidence_row(workspace: Workspace, evidence_id: int) -> EvidenceRow:
    with reading(workspace) as session:
        row = session.get(EvidenceRow, evidence_id)
    if row is None:
        raise NotFoundError(f"no evidence #{evidence_id}")
    return row


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1_000_000))
    except ValueError:
        return 1


def _safe_next(request: Request, given: str = "") -> str:
    """Where to go after signing in: a path on this site only, never another site."""
    target = given or request.query_params.get("next", "") or "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:500]
