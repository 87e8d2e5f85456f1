"""The portal's edges, through HTTP: a link's token becomes a session scoped to its questionnaire
and leaves the address bar; every other address is refused; forms need their CSRF token; uploads
come back only as attachments; guessing is throttled; revoking a link ends its sessions; plain
form posts work without JavaScript; every vendor action is an event with its address."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from audit.services import issue_questionnaire
from audit.services.database import engine_for
from audit.services.links import issue_link, revoke_links
from audit.web.app import create_app
from audit.workspace import Workspace
from tests.conftest import EXAMPLES

VENDOR = "archiva-documents"


def _issue(workspace: Workspace, tmp_path: Any, vendor: str = VENDOR) -> tuple[str, str]:
    issued = issue_questionnaire(
        workspace,
        vendor,
        output=tmp_path / f"{vendor}.yaml",
        issued=dt.date.today(),
        due=dt.date.today() + dt.timedelta(days=30),
    )
    token = issue_link(workspace, issued.questionnaire.id).url.rsplit("/q/", 1)[1]
    return issued.questionnaire.id, token


def _open(app: Any, token: str) -> tuple[TestClient, str]:
    client = TestClient(app, base_url="http://127.0.0.1:8080")
    opened = client.get(f"/q/{token}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/portal"
    page = client.get("/portal")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    return client, csrf.group(1)


@pytest.fixture
def portal(dcli: Any, db_workspace: Workspace, tmp_path: Any) -> dict[str, Any]:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    first, token = _issue(db_workspace, tmp_path)
    other, other_token = _issue(db_workspace, tmp_path, "lexbridge-lpo")
    app = create_app(db_workspace)
    return {"app": app, "q": first, "token": token, "other": other, "other_token": other_token}


def _events(workspace: Workspace, questionnaire_id: str) -> list[tuple[str, str | None]]:
    with engine_for(workspace).connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT action, address FROM portal_event WHERE questionnaire_id = :q ORDER BY id"
            ),
            {"q": questionnaire_id},
        )
        return [(r[0], r[1]) for r in rows]


def test_a_link_opens_its_questionnaire_and_nothing_else(portal: dict[str, Any]) -> None:
    app = portal["app"]
    client = TestClient(app)
    opened = client.get(f"/q/{portal['token']}", follow_redirects=False)
    cookie = opened.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    page = client.get("/portal/s/1")
    assert page.status_code == 200
    assert "Archiva" in page.text and "Management-approved security policy" in page.text
    assert portal["token"] not in page.text
    for response in (opened, page):
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text.replace('<script src="/static/htmx.min.js" defer>', "")
    # Another questionnaire's question is not this session's to answer.
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    other_question = "REG-LEG-01"
    assert client.post(f"/portal/a/{other_question}-X", data={"csrf": csrf}).status_code == 404
    assert client.get("/portal/s/99").status_code == 404
    assert client.get("/portal/documents/1").status_code == 404  # no file of its own yet


def test_without_a_session_every_portal_address_is_refused(portal: dict[str, Any]) -> None:
    stranger = TestClient(portal["app"])
    for path in (
        "/portal",
        "/portal/s/1",
        "/portal/documents",
        "/portal/documents/1",
        "/portal/workbook",
    ):
        assert stranger.get(path).status_code == 403, path
    for path in (
        "/portal/s/1",
        "/portal/a/SEC-GOV-01",
        "/portal/submit",
        "/portal/documents",
        "/portal/documents/1/remove",
        "/portal/workbook",
    ):
        assert stranger.post(path, data={"csrf": "x"}).status_code == 403, path
    assert stranger.get("/q/" + "A" * 43).status_code == 404
    assert stranger.get("/q/" + "A" * 400).status_code == 404
    assert stranger.get("/anything/else").status_code == 404
    assert stranger.get("/static/../audit.toml").status_code == 404
    assert stranger.get("/static/htmx.min.js").status_code == 200


def test_forms_need_their_csrf_token(portal: dict[str, Any], db_workspace: Workspace) -> None:
    client, csrf = _open(portal["app"], portal["token"])
    for given in (None, "", "forged", csrf + "x"):
        data = {"a.SEC-GOV-01": "full", "m.SEC-GOV-01": "1"}
        if given is not None:
            data["csrf"] = given
        assert client.post("/portal/a/SEC-GOV-01", data=data).status_code == 403
    assert "0 of" in client.get("/portal").text  # nothing was saved
    saved = client.post(
        "/portal/a/SEC-GOV-01", data={"csrf": csrf, "a.SEC-GOV-01": "full", "m.SEC-GOV-01": "1"}
    )
    assert saved.status_code == 200 and "Saved" in saved.text
    assert 'id="progress" hx-swap-oob="true">1 of' in saved.text


def test_revoking_a_link_ends_its_sessions(
    portal: dict[str, Any], db_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = _open(portal["app"], portal["token"])
    assert client.get("/portal").status_code == 200
    assert revoke_links(db_workspace, portal["q"]) == 1
    assert client.get("/portal").status_code == 200  # a link known open is checked again...
    monkeypatch.setattr(time, "monotonic", lambda real=time.monotonic: real() + 6)
    assert client.get("/portal").status_code == 403  # ...after five seconds
    assert client.get(f"/q/{portal['token']}").status_code == 404


def test_guessing_tokens_is_throttled(portal: dict[str, Any]) -> None:
    guesser = TestClient(portal["app"])
    statuses = [guesser.get(f"/q/guess{n:040d}").status_code for n in range(20)]
    assert set(statuses) == {404}
    # Past the allowance even a valid token is refused from that address for a while.
    assert guesser.get(f"/q/{portal['token']}", follow_redirects=False).status_code == 429


def test_answers_are_read_like_an_import_and_plain_posts_work_without_javascript(
    portal: dict[str, Any], db_workspace: Workspace
) -> None:
    client, csrf = _open(portal["app"], portal["token"])
    # The number question refuses words, in the reader's words; nothing is stored.
    refused = client.post(
        "/portal/s/1",
        data={"csrf": csrf, "a.SEC-IAM-02": "twelve", "m.SEC-IAM-02": "1", "a.SEC-GOV-01": "full"},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "&#39;twelve&#39; is not a number" in refused.text
    assert 'value="twelve"' in refused.text  # what was typed stays on screen
    saved = client.post(
        "/portal/s/1",
        data={
            "csrf": csrf,
            "a.SEC-IAM-02": "24",
            "m.SEC-IAM-02": "1",
            "a.SEC-GOV-01": "Approved by senior management, reviewed in the last 12 months and "
            "communicated to staff serving us",
            "m.SEC-GOV-01": "1",
            "c.SEC-GOV-01": "<script>alert(1)</script> see policy v4",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/portal/s/1?saved=1"
    page = client.get("/portal/s/1?saved=1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; see policy v4" in page
    assert 'value="full" id="a-SEC-GOV-01-1" checked' in page  # its words became its code
    assert re.search(r'id="a-SEC-IAM-02" value="24"', page)
    assert "2 of" in client.get("/portal").text
    actions = _events(db_workspace, portal["q"])
    assert actions[0][0] == "open" and ("save", "testclient") in actions


def test_documents_are_stored_once_and_served_only_as_attachments(
    portal: dict[str, Any], db_workspace: Workspace
) -> None:
    client, csrf = _open(portal["app"], portal["token"])
    html = b"<html><script>alert(document.cookie)</script></html>"
    sent = client.post(
        "/portal/documents",
        data={"csrf": csrf, "kind": "information_security_policy", "issued": "2026-02-01"},
        files={"file": ("../../policy.html", html, "text/html")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    listing = client.get("/portal/documents").text
    assert "policy.html" in listing and "../" not in listing
    file_id = re.search(r'href="/portal/documents/(\d+)"', listing).group(1)  # type: ignore[union-attr]
    served = client.get(f"/portal/documents/{file_id}")
    assert served.content == html
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["content-disposition"].startswith("attachment")
    assert served.headers["x-content-type-options"] == "nosniff"
    # The same bytes again are recognised, not stored twice.
    again = client.post(
        "/portal/documents",
        data={"csrf": csrf, "kind": "information_security_policy", "issued": "2026-02-01"},
        files={"file": ("copy.html", html, "text/html")},
        follow_redirects=False,
    )
    assert again.headers["location"].endswith("n=known")
    assert client.get("/portal/documents").text.count('href="/portal/documents/') == 1
    # Missing dates and unknown kinds are refused in words, nothing stored.
    bad = client.post(
        "/portal/documents",
        data={"csrf": csrf, "kind": "pentest_report", "issued": "31/02/2026"},
        files={"file": ("pentest.pdf", b"%PDF-1.4 report", "application/pdf")},
    )
    assert bad.status_code == 422 and "is not a date" in bad.text
    # Another questionnaire's session cannot fetch or remove this one's document.
    other, other_csrf = _open(portal["app"], portal["other_token"])
    assert other.get(f"/portal/documents/{file_id}").status_code == 404
    removed = other.post(f"/portal/documents/{file_id}/remove", data={"csrf": other_csrf})
    assert removed.status_code == 404
    assert client.get(f"/portal/documents/{file_id}").status_code == 200


def test_bodies_over_the_limit_are_refused_before_they_are_read(portal: dict[str, Any]) -> None:
    client, csrf = _open(portal["app"], portal["token"])
    huge = client.post(
        "/portal/a/SEC-GOV-01", data={"csrf": csrf, "c.SEC-GOV-01": "x" * (3 * 1024 * 1024)}
    )
    assert huge.status_code == 413


def test_submitting_refuses_missing_answers_then_locks(
    portal: dict[str, Any], db_workspace: Workspace
) -> None:
    client, csrf = _open(portal["app"], portal["token"])
    refused = client.post("/portal/submit", data={"csrf": csrf, "completed_by": "Dana"})
    assert refused.status_code == 422
    assert "are not answered yet" in refused.text and "SEC-GOV-01" in refused.text
    # Answer everything through the workbook round trip: download, fill, upload.
    book = openpyxl.load_workbook(io.BytesIO(client.get("/portal/workbook").content))
    _fill(book)
    data = io.BytesIO()
    book.save(data)
    loaded = client.post(
        "/portal/workbook",
        data={"csrf": csrf},
        files={"workbook": ("answers.xlsx", data.getvalue(), "application/octet-stream")},
    )
    assert loaded.status_code == 200, re.sub(r"\s+", " ", loaded.text)[-3000:]
    assert "The file was read" in loaded.text
    done = client.post(
        "/portal/submit", data={"csrf": csrf, "completed_by": "Dana Vendor"}, follow_redirects=False
    )
    assert done.status_code == 303, re.sub(r"\s+", " ", done.text)[-2000:]
    assert "read-only" in client.get("/portal").text
    locked = client.post("/portal/a/SEC-GOV-01", data={"csrf": csrf, "a.SEC-GOV-01": "none"})
    assert locked.status_code == 409
    assert ("submit", "testclient") in _events(db_workspace, portal["q"])
    outbox = list(db_workspace.outbox_dir.rglob("*.eml"))
    assert any("submitted questionnaire" in p.read_text() for p in outbox)
    # The next questionnaire shows these answers as last cycle's.
    issued = issue_questionnaire(
        db_workspace,
        VENDOR,
        output=db_workspace.root / "next.yaml",
        issued=dt.date.today() + dt.timedelta(days=1),
        due=dt.date.today() + dt.timedelta(days=40),
    )
    token = issue_link(db_workspace, issued.questionnaire.id).url.rsplit("/q/", 1)[1]
    following, _ = _open(portal["app"], token)
    page = following.get("/portal/s/1").text
    assert "Last cycle's answer: Approved by senior management" in page


def _fill(book: Any) -> None:
    """Answer every question of a downloaded workbook: the first option, or a value."""
    lists = book["Lists"] if "Lists" in book.sheetnames else None
    del lists
    for sheet in book.worksheets:
        header = [c.value for c in sheet[3]] if sheet.max_row >= 3 else []
        if "Answer" not in header or "ID" not in header:
            continue
        answer = header.index("Answer") + 1
        how = header.index("How to answer") + 1
        for row in range(4, sheet.max_row + 1):
            cid = sheet.cell(row, 1).value
            if not cid:
                continue
            guide = str(sheet.cell(row, how).value or "")
            sheet.cell(row, answer).value = _value_for(guide)


def _value_for(how: str) -> Any:
    options = re.findall(r"^\s*[-•]\s*(.+)$", how, flags=re.MULTILINE)
    if options:
        return options[0].strip()
    if "date" in how.lower():
        return dt.date(2026, 3, 31)
    if "number" in how.lower() or "percent" in how.lower():
        return 12
    return "Described in our operating procedures."


def test_follow_ups_appear_and_disappear_as_the_answers_they_depend_on_change(
    portal: dict[str, Any], db_workspace: Workspace, tmp_path: Any
) -> None:
    from audit.content.conditions import Leaf, evaluate
    from audit.services.portal_view import issued_questionnaire

    def leaves(condition: Any) -> list[Leaf]:
        if isinstance(condition, Leaf):
            return [condition]
        inner = getattr(condition, "items", None) or [getattr(condition, "item", None)]
        return [leaf for c in inner if c is not None for leaf in leaves(c)]

    # The contact centre takes card payments: its card-recording question has a follow-up.
    questionnaire_id, token = _issue(db_workspace, tmp_path, "harbourline-contact")
    questionnaire = issued_questionnaire(db_workspace, questionnaire_id).questionnaire
    follow, parent = next(
        (q, p)
        for q in questionnaire.questions
        if q.follow_up is not None
        for leaf in leaves(q.follow_up)
        if leaf.on_answer and (p := questionnaire.question(leaf.subject)) is not None
    )
    assert follow.follow_up is not None
    holds = {o.value: evaluate(follow.follow_up, {}, {parent.id: o.value}) for o in parent.choices}
    opens = next(v for v, h in holds.items() if h)
    closes = next(v for v, h in holds.items() if not h)
    client, csrf = _open(portal["app"], token)
    page = next(
        n for n in range(1, 10) if f'id="q-{follow.id}"' in client.get(f"/portal/s/{n}").text
    )

    def shown_after(value: str) -> bool:
        response = client.post(
            f"/portal/a/{parent.id}",
            data={"csrf": csrf, f"a.{parent.id}": value, f"m.{parent.id}": "1"},
        )
        assert response.status_code == 200 and "Saved" in response.text
        html = client.get(f"/portal/s/{page}").text
        block = html.split(f'id="q-{follow.id}"', 1)[1].split(">", 1)[0]
        return "hidden" not in block

    assert shown_after(opens) is True
    assert shown_after(closes) is False
    assert shown_after(opens) is True


def test_the_portals_working_copy_can_be_previewed_and_is_never_assessed(
    portal: dict[str, Any], dcli: Any
) -> None:
    client, csrf = _open(portal["app"], portal["token"])
    for cid, value in (("SEC-GOV-01", "full"), ("SEC-IAM-02", "24")):
        client.post(f"/portal/a/{cid}", data={"csrf": csrf, f"a.{cid}": value, f"m.{cid}": "1"})
    preview = dcli("assess", VENDOR, "--include-draft", "--format", "json")
    assert preview.exit_code == 0, preview.output
    assert portal["q"] in preview.output and "portal draft saved" in preview.output
    record = json.loads(preview.output)[0]
    assert record["run"] is None and record["preview"] is True
    scored = {c["id"]: c["status"] for c in record["controls"]}
    assert scored["SEC-GOV-01"] != "unanswered" and scored["SEC-GOV-02"] == "unanswered"
    final = dcli("assess", VENDOR)
    assert final.exit_code == 2 and "no submission" in final.output


def test_a_filled_copy_with_mistakes_is_refused_naming_the_file_and_cell(
    portal: dict[str, Any],
) -> None:
    client, csrf = _open(portal["app"], portal["token"])
    filled = (
        f"questionnaire: {portal['q']}\n"
        "answers:\n"
        "  SEC-IAM-02: {answer: about a day}\n"
        "  SEC-GOV-01: {answer: full, comment: reviewed in March}\n"
    )
    refused = client.post(
        "/portal/workbook",
        data={"csrf": csrf},
        files={"workbook": ("our-answers.yaml", filled.encode(), "application/yaml")},
    )
    assert refused.status_code == 422
    assert "our-answers.yaml:3" in refused.text and "is not a number" in refused.text
    assert "0 of" in client.get("/portal").text  # nothing was stored
    fixed = filled.replace("about a day", "24")
    loaded = client.post(
        "/portal/workbook",
        data={"csrf": csrf},
        files={"workbook": ("our-answers.yaml", fixed.encode(), "application/yaml")},
    )
    assert loaded.status_code == 200 and "The file was read" in loaded.text
    assert "2 of" in client.get("/portal").text
