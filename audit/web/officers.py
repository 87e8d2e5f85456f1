"""The dashboard's sign-in: a signed session cookie of its own, separate from the portal's, that
names an account; the account is looked up on every request (a disabled account's sessions end
at once) and its role decides what the request may do. Forms carry the session's CSRF token.

The cookie holds the account's id, the CSRF token and when it was issued: HttpOnly,
SameSite=Strict, Secure behind https, and valid for 8 hours.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from audit.services import accounts
from audit.services.accounts import Role, User
from audit.web.threads import run
from audit.workspace import Workspace

COOKIE = "audit_officer"
SSO_COOKIE = "audit_sso"
MAX_AGE = 8 * 3600
FORM_FIELDS = 200


@dataclass(frozen=True, slots=True)
class Officer:
    """Who is asking, and the token their forms must carry."""

    user: User
    csrf: str

    @property
    def actor(self) -> str:
        return self.user.email


class SignInRequiredError(Exception):
    """No valid session: the page sends the browser to the sign-in form."""


class Sessions:
    def __init__(self, workspace: Workspace, secret: str) -> None:
        self.workspace = workspace
        self.secure = workspace.settings["web_base_url"].startswith("https://")
        self.signer = URLSafeTimedSerializer(secret, salt="audit-officer-session")

    def issue(self, response: Response, user: User) -> None:
        data = {"uid": user.id, "csrf": secrets.token_urlsafe(32), "at": int(time.time())}
        response.set_cookie(
            COOKIE,
            self.signer.dumps(data),
            max_age=MAX_AGE,
            path="/",
            httponly=True,
            samesite="strict",
            secure=self.secure,
        )

    def remember_sign_on(self, response: Response, data: dict[str, str]) -> None:
        """What the single sign-on callback needs (state, nonce, code verifier) for ten
        minutes. SameSite=Lax: the provider sends the browser back from another site."""
        response.set_cookie(
            SSO_COOKIE,
            self.signer.dumps(data, salt="audit-sso"),
            max_age=600,
            path="/login/sso",
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )

    def sign_on(self, request: Request) -> dict[str, str] | None:
        raw = request.cookies.get(SSO_COOKIE)
        if not raw:
            return None
        try:
            data = self.signer.loads(raw, max_age=600, salt="audit-sso")
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None

    def forget_sign_on(self, response: Response) -> None:
        response.delete_cookie(SSO_COOKIE, path="/login/sso", httponly=True, samesite="lax")

    def end(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")

    def _data(self, request: Request) -> dict[str, Any] | None:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data = self.signer.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None

    async def officer(self, request: Request, needed: Role = Role.VIEWER) -> Officer:
        """The signed-in account, if it may do what `needed` allows (refused otherwise: on the
        server, whatever the page showed)."""
        data = self._data(request)
        if data is None or not isinstance(data.get("uid"), int):
            raise SignInRequiredError
        user = await run(accounts.user_by_id, self.workspace, data["uid"])
        if user is None:
            raise SignInRequiredError
        if not user.role.may(needed):
            raise HTTPException(403, f"your role ({user.role}) may not do this; ask an {needed}")
        return Officer(user, str(data.get("csrf", "")))

    async def form(self, request: Request, needed: Role, files: int = 0) -> tuple[Officer, Any]:
        """The officer and their posted form (with at most `files` uploads), once role and
        CSRF token are checked."""
        officer = await self.officer(request, needed)
        form = await request.form(max_files=files, max_fields=FORM_FIELDS)
        given = form.get("csrf")
        if (
            not officer.csrf
            or not isinstance(given, str)
            or not hmac.compare_digest(given, officer.csrf)
        ):
            raise HTTPException(403, "this form is out of date; reload the page and try again")
        return officer, form
