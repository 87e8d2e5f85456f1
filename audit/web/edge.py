"""What every request passes through: security headers, a bound on the body, throttling of
failed link attempts, the client's address, and the session secret."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from audit.workspace import Workspace

SECRET_ENV = "AUDIT_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret
HEADERS = {
    # No inline script or style anywhere: htmx is a file served from here, configured by a
    # meta tag, and never evaluates code.
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cache-control": "no-store",
}


def session_secret(workspace: Workspace) -> str:
    """From AUDIT_SECRET_KEY, or generated once into .audit/keys/ with mode 0600."""
    given = os.environ.get(SECRET_ENV)
    if given:
        return given
    path = workspace.state_dir / "keys" / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process wrote it first
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode().lower() not in HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses a request body over its path's limit (413), by its declared length before a byte
    is read, and by counting while it streams (a chunked upload declares none)."""

    def __init__(self, app: ASGIApp, limits: Mapping[str, int], default: int) -> None:
        self.app = app
        self.limits = dict(limits)
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.default)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLargeError
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLargeError:
            await _too_large(limit)(scope, receive, send)


class _TooLargeError(Exception):
    pass


def _too_large(limit: int) -> PlainTextResponse:
    return PlainTextResponse(
        f"The upload is larger than {limit:,} bytes, the limit here.", status_code=413
    )


class Throttle:
    """Failed attempts per address in a sliding window: past the allowance, refuse for a while.
    Kept per process; behind several processes each keeps its own count."""

    def __init__(self, failures: int, window_seconds: float) -> None:
        self.failures = failures
        self.window = window_seconds
        self.seen: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self.seen.setdefault(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        with self.lock:
            return len(self._recent(address, time.monotonic())) >= self.failures

    def failed(self, address: str) -> None:
        with self.lock:
            now = time.monotonic()
            self._recent(address, now).append(now)
            if len(self.seen) > 100_000:  # a spray from many addresses: forget the quiet ones
                for key in [k for k, v in self.seen.items() if not v][:50_000]:
                    del self.seen[key]


def client_address(request: Request) -> str:
    """The client's address (uvicorn resolves X-Forwarded-For from trusted proxies only)."""
    return request.client.host if request.client else "unknown"
