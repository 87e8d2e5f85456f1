"""The officers' dashboard over HTTP, on SQLite and PostgreSQL: what each role may and may not do
(refused on the server, whatever the page shows), sign-in and its cookie, sessions that end when
an account is disabled, CSRF, a safe redirect after sign-in, and two officers changing one finding
at once (the second is told, not laid over the first)."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from audit.services import accounts
from audit.services.database import engine_for
from audit.web.app import create_app
from audit.workspace import Workspace
from tests.report.conftest import VENDOR, assess_archiva

PASSWORD = "a long enough password"  # noqa: S105 - a test account
USERS = {
    "viewer": "committee@insurer.example",
    "officer": "officer@insurer.example",
    "admin": "admin@insurer.example",
}


@pytest.fixture
def desk(db_workspace: Workspace, tmp_path: Path) -> dict[str, Any]:
    assess_archiva(db_workspace, tmp_path)
    for role, email in USERS.items():
        accounts.add_user(db_workspace, email, role, password=PASSWORD, by="test")
    with engine_for(db_workspace).connect() as connection:
        finding = connection.execute(
            sa.text("SELECT min(id) FROM finding WHERE vendor_id = :v AND status = 'open'"),
            {"v": VENDOR},
        ).scalar_one()
    return {"workspace": db_workspace, "app": create_app(db_workspace), "finding": finding}


def signed_in(app: Any, role: str | None) -> tuple[TestClient, str]:
    client = TestClient(app, base_url="http://127.0.0.1:8080")
    if role is None:
        return client, ""
    done = client.post(
        "/login", data={"email": USERS[role], "password": PASSWORD}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    page = client.get("/activity")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    return client, token.group(1)


def _count(workspace: Workspace, table: str) -> int:
    with engine_for(workspace).connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608


READS = [
    *("/", "/vendors", f"/vendors/{VENDOR}", "/findings", "/reports", "/register", "/content"),
    "/activity",
]


@pytest.mark.parametrize("role", [None, "viewer", "officer", "admin"])
def test_the_role_matrix(desk: dict[str, Any], role: str | None) -> None:
    app, workspace, finding = desk["app"], desk["workspace"], desk["finding"]
    client, csrf = signed_in(app, role)
    for path in [*READS, f"/findings/{finding}"]:
        got = client.get(path, follow_redirects=False)
        if role is None:
            assert got.status_code == 303 and got.headers["location"].startswith("/login"), path
        else:
            assert got.status_code == 200, (path, got.status_code)
    users_page = client.get("/users", follow_redirects=False)
    assert users_page.status_code == {None: 303, "viewer": 403, "officer": 403, "admin": 200}[role]

    posts = [
        ("officer", f"/findings/{finding}/update", {"status": "in_progress", "stamp": "stale"}),
        ("officer", f"/findings/{finding}/accept", {"until": "2099-01-01", "reason": "r"}),
        ("officer", f"/vendors/{VENDOR}/questionnaires", {}),
        ("officer", "/reports/portfolio", {}),
        ("admin", "/users", {"email": "new@insurer.example", "role": "viewer", "password": ""}),
        ("admin", "/users/change", {"email": USERS["viewer"], "change": "officer"}),
    ]
    rank = {None: -1, "viewer": 0, "officer": 1, "admin": 2}
    for needed, path, data in posts:
        before = {t: _count(workspace, t) for t in ("finding_event", "questionnaire", "activity")}
        got = client.post(path, data={"csrf": csrf, **data}, follow_redirects=False)
        if rank[role] < rank[needed]:
            assert got.status_code in (401, 403), (role, path, got.status_code)
            after = {t: _count(workspace, t) for t in ("finding_event", "questionnaire")}
            assert after == {k: before[k] for k in after}, (role, path)  # nothing changed
        else:
            assert got.status_code not in (401, 403), (role, path, got.status_code)


def test_sign_in_cookie_redirect_throttle_and_sign_out(desk: dict[str, Any]) -> None:
    app = desk["app"]
    client = TestClient(app, base_url="http://127.0.0.1:8080")
    wrong = client.post("/login", data={"email": USERS["officer"], "password": "not it at all"})
    assert wrong.status_code == 401 and "do not open an enabled account" in wrong.text
    unknown = client.post("/login", data={"email": "nobody@insurer.example", "password": "x" * 12})
    assert unknown.status_code == 401  # the same answer: nothing says which accounts exist
    done = client.post(
        "/login",
        data={"email": USERS["officer"], "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"  # never another site
    cookie = done.headers["set-cookie"].lower()
    assert "audit_officer=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    page = client.get("/")
    assert (
        "content-security-policy" in page.headers
        and "script-src 'self'" in page.headers["content-security-policy"]
    )
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    forged = client.post("/logout", data={"csrf": "forged"})
    assert forged.status_code == 403
    out = client.post("/logout", data={"csrf": token.group(1)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.clear()
    assert client.get("/", follow_redirects=False).status_code == 303
    throttled = TestClient(app, base_url="http://127.0.0.1:8080")
    codes = [
        throttled.post("/login", data={"email": "x@y.example", "password": "wrong"}).status_code
        for _ in range(12)
    ]
    assert codes[-1] == 429


def test_a_disabled_account_loses_its_session_at_once(desk: dict[str, Any]) -> None:
    client, _ = signed_in(desk["app"], "officer")
    assert client.get("/findings").status_code == 200
    accounts.set_disabled(desk["workspace"], USERS["officer"], True, by="admin@insurer.example")
    assert client.get("/findings", follow_redirects=False).status_code == 303
    again = client.post("/login", data={"email": USERS["officer"], "password": PASSWORD})
    assert again.status_code == 401


def test_triage_records_the_signed_in_officer(desk: dict[str, Any]) -> None:
    client, csrf = signed_in(desk["app"], "officer")
    finding = desk["finding"]
    page = client.get(f"/findings/{finding}")
    stamp = re.search(r'name="stamp" value="([^"]+)"', page.text)
    assert stamp is not None
    accepted = client.post(
        f"/findings/{finding}/accept",
        data={"csrf": csrf, "stamp": stamp.group(1), "until": "2099-06-30", "reason": "cover"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    shown = client.get(f"/findings/{finding}").text
    assert "accepted until 2099-06-30, approved by officer@insurer.example: cover" in shown


def test_two_officers_change_one_finding_at_once(desk: dict[str, Any]) -> None:
    """Two dashboards (two `audit serve` processes) on one database: both opened the finding;
    both save at the same moment; one is saved and the other is told, not overwritten."""
    finding = desk["finding"]
    first, first_csrf = signed_in(desk["app"], "officer")
    second_app = create_app(desk["workspace"])  # another process's application
    second, second_csrf = signed_in(second_app, "admin")
    stamp = re.search(r'name="stamp" value="([^"]+)"', first.get(f"/findings/{finding}").text)
    assert stamp is not None
    results: dict[str, Any] = {}
    ready = threading.Barrier(2)

    def save(name: str, client: TestClient, csrf: str, owner: str) -> None:
        ready.wait()
        results[name] = client.post(
            f"/findings/{finding}/update",
            data={"csrf": csrf, "stamp": stamp.group(1), "owner": owner},
            follow_redirects=False,
        )

    threads = [
        threading.Thread(target=save, args=("a", first, first_csrf, "a@insurer.example")),
        threading.Thread(target=save, args=("b", second, second_csrf, "b@insurer.example")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [303, 409], codes
    told = next(r for r in results.values() if r.status_code == 409)
    assert "was changed by" in told.text and "nothing was saved" in told.text
    with engine_for(desk["workspace"]).connect() as connection:
        owners = connection.execute(
            sa.text("SELECT note FROM finding_event WHERE finding_id = :f AND action = 'updated'"),
            {"f": finding},
        ).all()
    assert len(owners) == 1  # one change recorded, the other refused


def test_reports_are_generated_downloaded_and_verified(desk: dict[str, Any]) -> None:
    client, csrf = signed_in(desk["app"], "officer")
    made = client.post(f"/reports/{VENDOR}", data={"csrf": csrf}, follow_redirects=False)
    assert made.status_code == 303
    name = made.headers["location"].split("made=")[1]
    pdf = client.get(f"/reports/files/{name}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    checked = client.post(
        "/reports/verify",
        data={"csrf": csrf},
        files={"pdf": (name, pdf.content, "application/pdf")},
    )
    assert checked.status_code == 200 and "every check passed" in checked.text
    tampered = bytearray(pdf.content)
    tampered[len(tampered) // 3] ^= 0x01
    failed = client.post(
        "/reports/verify",
        data={"csrf": csrf},
        files={"pdf": ("t.pdf", bytes(tampered), "application/pdf")},
    )
    assert "verification failed" in failed.text
    assert client.get("/reports/files/..%2Faudit.toml").status_code == 404


def test_an_officer_answers_the_assessors_part_in_the_browser(desk: dict[str, Any]) -> None:
    client, csrf = signed_in(desk["app"], "officer")
    issued = client.post(
        f"/vendors/{VENDOR}/questionnaires",
        data={"csrf": csrf, "part": "assessor"},
        follow_redirects=False,
    )
    assert issued.status_code == 303
    page = client.get(issued.headers["location"])
    questionnaire = re.search(r"/questionnaires/(R-[^/]+)/answer", page.text)
    assert questionnaire is not None
    opened = client.post(
        f"/questionnaires/{questionnaire.group(1)}/answer",
        data={"csrf": csrf},
        follow_redirects=False,
    )
    assert opened.status_code == 303 and opened.headers["location"] == "/portal"
    portal = client.get("/portal")
    assert portal.status_code == 200 and questionnaire.group(1) in portal.text
    viewer, viewer_csrf = signed_in(desk["app"], "viewer")
    refused = viewer.post(
        f"/questionnaires/{questionnaire.group(1)}/answer", data={"csrf": viewer_csrf}
    )
    assert refused.status_code == 403
    assert viewer.get("/portal").status_code == 403  # no portal session for the viewer


def test_findings_filter_by_severity_and_unresolved(desk: dict[str, Any]) -> None:
    client, _ = signed_in(desk["app"], "viewer")
    page = client.get("/findings?severity=high&status=unresolved")
    assert page.status_code == 200
    rows = re.findall(r'<span class="sev sev-(\w+)">', page.text)
    assert rows and set(rows) == {"high"}
    assert "resolved</td>" not in page.text.replace("unresolved", "")
    assert client.get("/findings?severity=bogus").status_code == 422
