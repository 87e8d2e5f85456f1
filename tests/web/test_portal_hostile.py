"""The hostile-input battery through the portal: generated and nasty strings posted as answers,
comments, document kinds, dates and file names, on SQLite and PostgreSQL. Whatever is posted,
the portal answers with a page (saved, or refused in words beside the field), never a server
error; what it stores comes back escaped; a refusal stores nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from audit.services import issue_questionnaire
from audit.services.links import issue_link
from audit.web.app import create_app
from audit.workspace import Workspace
from tests.conftest import EXAMPLES
from tests.test_hostile_battery import BATTERY, hostile_text

VENDOR = "harbourline-contact"  # choices, numbers, percentages, dates, text and follow-ups
QUESTIONS = ("SEC-GOV-01", "SEC-GOV-02", "SEC-IAM-02", "DAT-PCI-01", "DAT-PCI-03")


@pytest.fixture
def session(dcli: Any, db_workspace: Workspace, tmp_path: Any) -> tuple[TestClient, str]:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    issued = issue_questionnaire(
        db_workspace,
        VENDOR,
        output=tmp_path / "q.yaml",
        due=dt.date.today() + dt.timedelta(days=30),
    )
    token = issue_link(db_workspace, issued.questionnaire.id).url.rsplit("/q/", 1)[1]
    client = TestClient(create_app(db_workspace), raise_server_exceptions=False)
    client.get(f"/q/{token}")
    page = client.get("/portal").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    return client, csrf.group(1)


@BATTERY
@given(
    question=st.sampled_from(QUESTIONS),
    answer=st.one_of(hostile_text, st.lists(hostile_text, max_size=3)),
    comment=hostile_text,
)
def test_answers_and_comments(
    session: tuple[TestClient, str], question: str, answer: Any, comment: str
) -> None:
    client, csrf = session
    values = answer if isinstance(answer, list) else [answer]
    data: dict[str, Any] = {
        "csrf": csrf,
        f"m.{question}": "1",
        f"a.{question}": values,
        f"c.{question}": comment,
    }
    response = client.post(f"/portal/a/{question}", data=data)
    assert response.status_code in (200, 413), response.text[-500:]
    if response.status_code == 200:
        assert f'id="msg-{question}"' in response.text  # its status line: saved, refused, cleared
        page = client.get("/portal/s/1")
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "\x1b" not in page.text


@BATTERY
@given(kind=hostile_text, issued=hostile_text, name=hostile_text, data=st.binary(max_size=64))
def test_document_uploads(
    session: tuple[TestClient, str], kind: str, issued: str, name: str, data: bytes
) -> None:
    client, csrf = session
    before = client.get("/portal/documents").text.count('href="/portal/documents/')
    response = client.post(
        "/portal/documents",
        data={"csrf": csrf, "kind": kind, "issued": issued},
        files={"file": (name or "x", data, "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code in (303, 422, 413), response.text[-500:]
    after = client.get("/portal/documents").text.count('href="/portal/documents/')
    if response.status_code != 303:
        assert after == before  # a refusal stores nothing
        assert "Not uploaded" in response.text or response.status_code == 413
