"""The ASGI application `audit serve` runs: the vendor portal (web/portal.py) and the officers'
dashboard (web/dashboard.py), one application with two front doors and two sessions. This module
assembles them: routes, the edge's middleware, and which error page a path gets.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from audit.errors import AuditError, NotFoundError
from audit.web.dashboard_forms import UPLOAD_LIMIT, DashboardForms
from audit.web.edge import BodyLimit, SecurityHeaders, session_secret
from audit.web.officers import Sessions, SignInRequiredError
from audit.web.portal import COOKIE, HERE, Portal
from audit.web.register_pages import RegisterPages
from audit.workspace import Workspace, open_workspace, resolve_root


def _portal_path(path: str) -> bool:
    return path.startswith("/portal") or path.startswith("/q/")


def dashboard_routes(desk: DashboardForms) -> list[Route]:
    """The officers' pages and forms (what each role may do is checked in each)."""
    register = RegisterPages(desk)
    return [
        Route("/login", desk.login_form, methods=["GET"]),
        Route("/login", desk.login, methods=["POST"]),
        Route("/logout", desk.logout, methods=["POST"]),
        Route("/login/sso", desk.sso_start, methods=["GET"]),
        Route("/login/sso/callback", desk.sso_callback, methods=["GET"]),
        Route("/", desk.home, methods=["GET"]),
        Route("/vendors", desk.vendors, methods=["GET"]),
        Route("/vendors/{vendor}", desk.vendor, methods=["GET"]),
        Route("/vendors/{vendor}/questionnaires", desk.issue, methods=["POST"]),
        Route("/questionnaires/{qid}/link", desk.link, methods=["POST"]),
        Route("/questionnaires/{qid}/revoke", desk.revoke, methods=["POST"]),
        Route("/questionnaires/{qid}/answer", desk.answer, methods=["POST"]),
        Route("/evidence/{id:int}", desk.evidence_file, methods=["GET"]),
        Route("/findings", desk.findings_list, methods=["GET"]),
        Route("/findings/{id:int}", desk.finding, methods=["GET"]),
        Route("/findings/{id:int}/accept", desk.accept, methods=["POST"]),
        Route("/findings/{id:int}/update", desk.update, methods=["POST"]),
        Route("/reports", desk.reports_page, methods=["GET"]),
        Route("/reports/verify", desk.verify, methods=["POST"]),
        Route("/reports/files/{name}", desk.report_file, methods=["GET"]),
        Route("/reports/{target}", desk.generate, methods=["POST"]),
        Route("/content", desk.content_page, methods=["GET"]),
        Route("/content/checklists/{id}", desk.checklist, methods=["GET"]),
        Route("/content/frameworks/{id}", desk.coverage, methods=["GET"]),
        Route("/users", desk.users, methods=["GET"]),
        Route("/users", desk.add_user, methods=["POST"]),
        Route("/users/change", desk.change_user, methods=["POST"]),
        Route("/activity", desk.activity, methods=["GET"]),
        Route("/register", register.page, methods=["GET"]),
        Route("/register/workbook", register.workbook, methods=["GET"]),
        Route("/register/import", register.import_file, methods=["POST"]),
        Route("/register/package", register.package, methods=["POST"]),
    ]


def create_app(workspace: Workspace) -> Starlette:
    routes = Portal(workspace)
    secret = session_secret(workspace)
    desk = DashboardForms(workspace, Sessions(workspace, secret))
    secure = workspace.settings["web_base_url"].startswith("https://")
    upload_limit = workspace.settings["max_evidence_bytes"] + 1024 * 1024

    async def http_error(request: Request, exc: Exception) -> Response:
        if _portal_path(request.url.path):
            return await routes.http_error(request, exc)
        assert isinstance(exc, HTTPException)  # noqa: S101 - registered for HTTPException
        return desk.refused(request, str(exc.detail), exc.status_code)

    async def audit_error(request: Request, exc: Exception) -> Response:
        if _portal_path(request.url.path):
            return await routes.audit_error(request, exc)
        assert isinstance(exc, AuditError)  # noqa: S101 - registered for AuditError
        status = 404 if isinstance(exc, NotFoundError) else 422
        return desk.page(request, "refused.html", None, status, message=exc.message, hint=exc.hint)

    async def signed_out(request: Request, exc: Exception) -> Response:
        return await desk.signed_out(request)

    return Starlette(
        routes=[
            Route("/q/{token}", routes.open_link, methods=["GET"]),
            Route("/portal", routes.overview, methods=["GET"]),
            Route("/portal/s/{number:int}", routes.section, methods=["GET"]),
            Route("/portal/s/{number:int}", routes.save_section, methods=["POST"]),
            Route("/portal/a/{control}", routes.save_answer, methods=["POST"]),
            Route("/portal/submit", routes.submit, methods=["POST"]),
            Route("/portal/leave", routes.leave, methods=["POST"]),
            Route("/portal/documents", routes.documents, methods=["GET"]),
            Route("/portal/documents", routes.upload, methods=["POST"]),
            Route("/portal/documents/{file:int}", routes.download, methods=["GET"]),
            Route("/portal/documents/{file:int}/remove", routes.remove, methods=["POST"]),
            Route("/portal/workbook", routes.workbook, methods=["GET"]),
            Route("/portal/workbook", routes.load_workbook, methods=["POST"]),
            *dashboard_routes(desk),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                BodyLimit,
                limits={
                    "/portal/documents": upload_limit,
                    "/portal/workbook": 25 * 1024 * 1024,
                    "/reports/verify": UPLOAD_LIMIT + 1024 * 1024,
                    "/register/import": workspace.settings["max_register_bytes"] + 1024 * 1024,
                },
                default=2 * 1024 * 1024,
            ),
            Middleware(
                SessionMiddleware,
                secret_key=secret,
                session_cookie=COOKIE,
                same_site="strict",
                https_only=secure,
                max_age=8 * 3600,
            ),
        ],
        exception_handlers={
            HTTPException: http_error,
            AuditError: audit_error,
            SignInRequiredError: signed_out,
        },
    )


def app_from_environment() -> Starlette:
    """The application for the workspace AUDIT_WORKSPACE names (or the current folder): what
    each worker process builds when `audit serve --workers N` runs several."""
    return create_app(open_workspace(resolve_root(None)))
