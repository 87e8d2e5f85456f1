"""Single sign-on through OpenID Connect, against a provider this test runs (tests/web/
oidc_provider.py), on SQLite and PostgreSQL: the authorization code flow with PKCE signs in the
account whose verified e-mail the provider gives and links it; a token signed with another key,
for another audience, or with an unverified e-mail is refused; nobody without an account gets
one; a callback that did not start here is refused."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx2 as httpx
import pytest

from audit.services import accounts
from audit.settings import load_settings
from audit.web.serving import serving
from audit.workspace import Workspace
from tests.web.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sso(db_workspace: Workspace) -> dict[str, object]:
    accounts.add_user(db_workspace, "sso.officer@insurer.example", "officer", password=None,
                      name="SSO Officer", by="test")  # fmt: skip
    provider = Provider(email="sso.officer@insurer.example")
    port = _free_port()
    with running(provider) as issuer:
        config = db_workspace.root / "audit.toml"
        config.write_text(
            config.read_text()
            + f'\n[oidc]\nissuer = "{issuer}"\nclient_id = "{CLIENT_ID}"\n'
            + f'client_secret = "{CLIENT_SECRET}"\n'
            + f'\n[web]\nbase_url = "http://127.0.0.1:{port}"\n'
        )
        workspace = Workspace(db_workspace.root, load_settings(config))
        provider.redirect_uri = f"http://127.0.0.1:{port}/login/sso/callback"
        with serving(workspace, port) as base:
            yield {"provider": provider, "base": base, "workspace": workspace}


def _sign_in(base: str) -> tuple[httpx.Client, httpx.Response]:
    client = httpx.Client(follow_redirects=True, timeout=20)
    page = client.get(f"{base}/login")
    assert "Sign in with your organisation" in page.text
    return client, client.get(f"{base}/login/sso")


def test_a_verified_e_mail_signs_in_its_account_and_links_it(sso: dict) -> None:
    client, done = _sign_in(sso["base"])
    assert done.status_code == 200 and str(done.url) == f"{sso['base']}/", done.text[:300]
    assert "Portfolio" in done.text and "SSO Officer" in done.text
    linked = {u.email: u for u in accounts.list_users(sso["workspace"])}
    assert linked["sso.officer@insurer.example"].single_sign_on
    # linked by issuer and subject: a later change of e-mail at the provider still signs in
    sso["provider"].email = "renamed@insurer.example"
    _, again = _sign_in(sso["base"])
    assert str(again.url) == f"{sso['base']}/"


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("other-key", "signature does not verify"),
        ("other-audience", "not issued to this application"),
        ("unverified", "did not give a verified e-mail address"),
    ],
)
def test_a_bad_token_is_refused(sso: dict, mode: str, said: str) -> None:
    sso["provider"].mode = mode
    _, refused = _sign_in(sso["base"])
    assert refused.status_code == 403 and said in refused.text
    assert not accounts.list_users(sso["workspace"])[0].single_sign_on


def test_no_account_is_made_by_signing_in(sso: dict) -> None:
    sso["provider"].email = "stranger@insurer.example"
    sso["provider"].sub = "someone-else"
    _, refused = _sign_in(sso["base"])
    assert refused.status_code == 403 and "no account here for stranger@insurer.example" in (
        refused.text
    )
    assert [u.email for u in accounts.list_users(sso["workspace"])] == [
        "sso.officer@insurer.example"
    ]


def test_a_callback_that_did_not_start_here_is_refused(sso: dict) -> None:
    client = httpx.Client(follow_redirects=False, timeout=20)
    forged = client.get(f"{sso['base']}/login/sso/callback?code=abc&state=xyz")
    assert forged.status_code == 401 and "did not start here" in forged.text
    assert client.get(f"{sso['base']}/", follow_redirects=False).status_code == 303


def test_a_half_configured_provider_stops_the_application(tmp_path: Path) -> None:
    from audit.errors import WorkspaceError
    from audit.services.single_sign_on import provider
    from audit.settings import settings_from_text

    settings = settings_from_text(
        '[oidc]\nissuer = "https://login.example.com"\nclient_id = "x"\n', environ={}
    )
    with pytest.raises(WorkspaceError, match="no client secret"):
        provider(Workspace(tmp_path, settings))
