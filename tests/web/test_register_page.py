"""The dashboard's register of information page, on SQLite and PostgreSQL: every role reads and
checks it; only an officer imports or files (refused on the server, CSRF checked); an import
that breaks the register is refused whole with its problems shown; the package downloaded is
the one the CLI writes, and passes its check once the vendors are assessed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from audit.exports.dora_check import check_package
from audit.exports.dora_package import read_package
from audit.roi import sheets
from audit.services import accounts, import_vendors
from audit.services.roi import current_register
from audit.web.app import create_app
from audit.workspace import Workspace
from tests.conftest import EXAMPLES
from tests.web.test_dashboard import PASSWORD, USERS, _count, signed_in

ENTITY = "529900AURMUTINS0DE19"


@pytest.fixture
def desk(db_workspace: Workspace) -> dict[str, Any]:
    import_vendors(db_workspace, EXAMPLES / "vendors.yaml")
    for role, email in USERS.items():
        accounts.add_user(db_workspace, email, role, password=PASSWORD, by="test")
    return {"workspace": db_workspace, "app": create_app(db_workspace)}


def _upload(client: Any, csrf: str, name: str, data: bytes) -> Any:
    return client.post(
        "/register/import",
        data={"csrf": csrf},
        files={"register": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def test_an_officer_imports_checks_and_files_the_register(
    desk: dict[str, Any], tmp_path: Path
) -> None:
    workspace = desk["workspace"]
    client, csrf = signed_in(desk["app"], "officer")
    empty = client.get("/register")
    assert empty.status_code == 200 and "No register yet" in empty.text
    blank = client.get("/register/workbook")
    assert blank.headers["content-disposition"].endswith('register-of-information-r0.xlsx"')
    assert zipfile.is_zipfile(io.BytesIO(blank.content))

    broken = (
        (EXAMPLES / "register-of-information.yaml")
        .read_text()
        .replace("529900AURLEBEN00DE90", "529900AURLEBEN00DE91")
    )
    refused = _upload(client, csrf, "register.yaml", broken.encode())
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.text
    assert "register.yaml:22: entities[1].lei: 529900AURLEBEN00DE91 fails its ISO 17442" in (
        refused.text
    )
    assert str(tmp_path) not in refused.text and "/tmp" not in refused.text
    assert current_register(workspace).revision == 0

    done = _upload(
        client, csrf, "register.yaml", (EXAMPLES / "register-of-information.yaml").read_bytes()
    )
    assert done.status_code == 303 and done.headers["location"] == "/register?imported=1"
    functions = sheets.csv_files(current_register(workspace).data)["functions.csv"]
    same = _upload(client, csrf, "Functions.csv", functions)  # the name says the section
    assert same.status_code == 303 and same.headers["location"] == "/register?imported=1"
    page = client.get("/register?imported=1")
    assert "Imported: the register is at revision 1." in page.text
    assert "from register.yaml by officer@insurer.example" in page.text
    assert "Aurora Mutual Insurance VVaG (529900AURMUTINS0DE19)" in page.text

    checked = client.get(f"/register?check=1&entity={ENTITY}&date=2025-12-31")
    # nobody is assessed in this workspace: B_07.01's last audit is empty, and the page says so
    assert "5 rules broken: do not submit this package." in checked.text
    assert "give services.last_audit, or assess the vendor by the reference date" in checked.text

    filed = client.post(
        "/register/package", data={"csrf": csrf, "entity": ENTITY, "date": "2025-12-31"}
    )
    assert filed.status_code == 200 and filed.headers["content-type"] == "application/zip"
    name = filed.headers["content-disposition"].split('filename="')[1].rstrip('"')
    assert name.startswith(f"{ENTITY}.IND_DE_DORA010100_DORA_2025-12-31_")
    found = check_package(read_package(name, filed.content))
    assert {b.rule for b in found} == {"EBA mandatory"}
    activity = client.get("/activity").text
    assert "register imported" in activity and "register filed" in activity


@pytest.mark.parametrize("role", [None, "viewer"])
def test_only_an_officer_imports_or_files(desk: dict[str, Any], role: str | None) -> None:
    workspace = desk["workspace"]
    client, csrf = signed_in(desk["app"], role)
    page = client.get("/register", follow_redirects=False)
    if role is None:
        assert page.status_code == 303
    else:
        assert page.status_code == 200
        assert 'action="/register/import"' not in page.text  # a viewer sees no form
    before = _count(workspace, "roi_revision")
    sample = (EXAMPLES / "register-of-information.yaml").read_bytes()
    refused = _upload(client, csrf or "x", "register.yaml", sample)
    assert refused.status_code in (401, 403)
    filed = client.post(
        "/register/package",
        data={"csrf": csrf or "x", "entity": ENTITY, "date": "2025-12-31"},
        follow_redirects=False,
    )
    assert filed.status_code in (401, 403)
    assert _count(workspace, "roi_revision") == before


def test_a_post_without_its_csrf_token_is_refused(desk: dict[str, Any]) -> None:
    client, csrf = signed_in(desk["app"], "officer")
    sample = (EXAMPLES / "register-of-information.yaml").read_bytes()
    assert _upload(client, "forged", "register.yaml", sample).status_code == 403
    assert current_register(desk["workspace"]).revision == 0
    odd = _upload(client, csrf, "notes.txt", b"hello")
    assert odd.status_code == 422
