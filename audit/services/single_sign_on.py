"""Single sign-on through an OpenID Connect provider (optional: `[oidc]` in audit.toml).

The authorization code flow with PKCE (RFC 7636), `state` and `nonce`:
1. `start` reads the provider's discovery document and returns the address to send the browser
   to, with the state, nonce and code verifier the callback will need (kept by the web edge in a
   short-lived signed cookie).
2. `finish` exchanges the code at the token endpoint (client_secret_basic), verifies the ID
   token's signature against the provider's published keys (JWKS), its issuer, audience,
   expiry and nonce, and finds the account: the one already linked to this issuer and subject,
   else the enabled account whose e-mail the provider says it has verified, which is then
   linked. Nobody gets an account by signing in: an admin makes it first (`users add
   --sso-only`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import select

from audit.errors import InputError, WorkspaceError
from audit.services import accounts
from audit.services.accounts import User
from audit.services.database import transaction
from audit.store.tables import UserRow, utcnow
from audit.workspace import Workspace

TIMEOUT = 10  # seconds for each call to the provider
CLOCK_SKEW = 120  # seconds of difference between the provider's clock and ours
ALGORITHMS = ["RS256", "ES256", "PS256"]


@dataclass(frozen=True, slots=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str


@dataclass(frozen=True, slots=True)
class Started:
    url: str  # where the browser goes to sign in
    state: str
    nonce: str
    verifier: str


def provider(workspace: Workspace) -> Provider | None:
    """The configured provider, or None when single sign-on is not set up."""
    settings = workspace.settings
    issuer, client = settings["oidc_issuer"], settings["oidc_client_id"]
    if not issuer or not client:
        return None
    secret = settings["oidc_client_secret"]
    if not secret:
        raise WorkspaceError(
            "[oidc] has an issuer and a client id but no client secret",
            hint="set AUDIT_OIDC_CLIENT_SECRET (or oidc.client_secret in audit.toml)",
        )
    base = str(settings["web_base_url"]).rstrip("/")
    return Provider(str(issuer).rstrip("/"), str(client), str(secret), f"{base}/login/sso/callback")


def _get(url: str) -> dict[str, Any]:
    if not url.startswith(("https://", "http://")):
        raise InputError(f"the provider gave an address that is not http(s): {url[:80]}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        data = json.loads(response.read(1_000_000))
    if not isinstance(data, dict):
        raise InputError(f"the provider's answer from {url[:80]} is not a JSON object")
    return data


_DISCOVERY: dict[str, tuple[float, dict[str, Any]]] = {}


def _discovery(issuer: str) -> dict[str, Any]:
    cached = _DISCOVERY.get(issuer)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    document = _get(f"{issuer}/.well-known/openid-configuration")
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise InputError(f"the provider at {issuer} names another issuer in its discovery document")
    _DISCOVERY[issuer] = (time.monotonic() + 3600, document)
    return document


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def start(workspace: Workspace) -> Started:
    found = provider(workspace)
    if found is None:
        raise InputError("single sign-on is not set up for this workspace")
    document = _discovery(found.issuer)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    query = {
        "response_type": "code",
        "client_id": found.client_id,
        "redirect_uri": found.redirect_uri,
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()),
        "code_challenge_method": "S256",
    }
    url = f"{document['authorization_endpoint']}?{urllib.parse.urlencode(query)}"
    return Started(url, state, nonce, verifier)


def _token(found: Provider, document: dict[str, Any], code: str, verifier: str) -> str:
    body = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": found.redirect_uri,
            "code_verifier": verifier,
        }
    ).encode()
    basic = base64.b64encode(
        f"{urllib.parse.quote(found.client_id)}:{urllib.parse.quote(found.client_secret)}".encode()
    ).decode()
    request = urllib.request.Request(  # noqa: S310 - the provider's own token endpoint
        str(document["token_endpoint"]),
        data=body,
        headers={
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            answer = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        raise InputError(f"the provider refused the sign-in code ({exc.code})") from None
    token = answer.get("id_token") if isinstance(answer, dict) else None
    if not isinstance(token, str):
        raise InputError("the provider returned no ID token")
    return token


def _claims(found: Provider, document: dict[str, Any], token: str, nonce: str) -> dict[str, Any]:
    keys = KeySet.import_key_set(_get(str(document["jwks_uri"])))  # type: ignore[arg-type]
    try:
        decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise InputError(f"the ID token's signature does not verify ({exc})") from None
    claims = dict(decoded.claims)
    now = time.time()
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    problems = [
        "its issuer is not the configured one"
        if str(claims.get("iss", "")).rstrip("/") != found.issuer
        else "",
        "it was not issued to this application" if found.client_id not in audiences else "",
        "it has expired"
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] < now - CLOCK_SKEW
        else "",
        "it is for another sign-in (nonce)"
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce)
        else "",
    ]
    wrong = [p for p in problems if p]
    if wrong:
        raise InputError("the ID token is refused: " + "; ".join(wrong))
    return claims


def finish(workspace: Workspace, code: str, nonce: str, verifier: str, address: str) -> User:
    found = provider(workspace)
    if found is None:
        raise InputError("single sign-on is not set up for this workspace")
    document = _discovery(found.issuer)
    claims = _claims(found, document, _token(found, document, code, verifier), nonce)
    subject = f"{found.issuer}|{claims.get('sub', '')}"
    email = str(claims.get("email", "")).strip().lower()
    with transaction(workspace) as session:
        row = session.exec(select(UserRow).where(UserRow.oidc_subject == subject)).first()
        if row is None:
            if not email or claims.get("email_verified") is not True:
                accounts.record(
                    session, email or subject, "sign-in refused", "sso", address=address
                )
                raise InputError(
                    "the provider did not give a verified e-mail address; nothing was signed in"
                )
            row = session.exec(select(UserRow).where(UserRow.email == email)).first()
            if row is None or row.oidc_subject is not None:
                accounts.record(session, email, "sign-in refused", "sso", address=address)
                raise InputError(
                    f"no account here for {email}",
                    hint="an admin makes one: audit users add EMAIL --role ROLE --sso-only",
                )
            row.oidc_subject = subject
        if row.disabled:
            accounts.record(session, row.email, "sign-in refused", "sso", address=address)
            raise InputError(f"the account {row.email} is disabled")
        row.last_login_at = utcnow()
        session.add(row)
        accounts.record(session, row.email, "signed in", "single sign-on", address=address)
        session.flush()
        return accounts.as_user(row)
