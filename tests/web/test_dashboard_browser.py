"""The dashboard in a real browser (headless Debian chromium), on SQLite and PostgreSQL: an officer
signs in, searches the register, triages a finding (accepting its risk), generates a signed
report, downloads it and verifies it by upload, issues a questionnaire with a link and the vendor
follows it; a viewer sees no form and its posts are refused on the server; an admin adds an
account. Screenshots of every page at desktop width; any console error (a CSP violation) fails."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from audit.services import accounts
from audit.web.serving import serving
from audit.workspace import Workspace
from tests.conftest import EXAMPLES
from tests.report.conftest import VENDOR, assess_archiva
from tests.web.browser import browser_or_skip, screenshot_dir

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "a long enough password"  # noqa: S105 - test accounts
USERS = {
    "officer": "officer@insurer.example",
    "viewer": "committee@insurer.example",
    "admin": "admin@insurer.example",
}


def _sign_in(page: Any, base: str, role: str) -> None:
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("#email", USERS[role])
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_officer_viewer_and_admin_in_the_browser(db_workspace: Workspace, tmp_path: Path) -> None:
    browser_or_skip()
    from playwright.sync_api import expect, sync_playwright

    shots = screenshot_dir(tmp_path)
    backend = db_workspace.database_url.split(":", 1)[0].split("+")[0]
    assess_archiva(db_workspace, tmp_path)
    for role, email in USERS.items():
        accounts.add_user(db_workspace, email, role, password=PASSWORD, name=role.title(), by="t")
    with serving(db_workspace) as base, sync_playwright() as play:
        browser = play.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        errors: list[str] = []

        def new_page() -> Any:
            context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            return page

        # -- the officer -----------------------------------------------------------------
        page = new_page()
        page.goto(f"{base}/login")
        page.screenshot(path=shots / f"{backend}-login.png", full_page=True)
        _sign_in(page, base, "officer")
        expect(page.locator("h1")).to_contain_text("Portfolio")
        expect(page.locator("svg.chart").first).to_be_visible()
        page.screenshot(path=shots / f"{backend}-portfolio.png", full_page=True)

        page.goto(f"{base}/vendors")
        page.fill("#q", "archiva")  # HTMX narrows the list as one types
        expect(page.locator("#vendor-count")).to_have_text("1 vendor")
        assert "q=archiva" in page.url
        page.screenshot(path=shots / f"{backend}-vendors.png", full_page=True)
        page.get_by_role("link", name="Archiva Document Solutions GmbH").click()
        expect(page.locator("h1")).to_contain_text("Archiva")
        expect(page.locator("#revisions")).to_be_visible()
        page.screenshot(path=shots / f"{backend}-vendor.png", full_page=True)

        page.goto(f"{base}/findings?vendor={VENDOR}&status=open")
        page.screenshot(path=shots / f"{backend}-findings.png", full_page=True)
        page.locator("table a[href^='/findings/']").first.click()
        expect(page.get_by_text("Recommended remediation")).to_be_visible()
        page.fill("#until", "2099-06-30")
        page.fill("#reason", "Compensating control: quarterly review by our own team.")
        page.get_by_role("button", name="Accept the risk").click()
        expect(page.locator(".banner.ok")).to_contain_text("accepted")
        expect(
            page.locator("dd", has_text="approved by Officer <officer@insurer.example>")
        ).to_be_visible()
        page.screenshot(path=shots / f"{backend}-finding.png", full_page=True)
        finding_url = page.url.split("?")[0]

        page.goto(f"{base}/reports")
        row = page.locator(
            "tr", has=page.get_by_role("link", name="Archiva Document Solutions GmbH")
        )
        row.get_by_role("button").click()
        expect(page.locator(".banner.ok")).to_contain_text(f"{VENDOR}-")
        with page.expect_download() as got:
            page.locator("a[href^='/reports/files/']").first.click()
        downloaded = tmp_path / "downloaded.pdf"
        got.value.save_as(downloaded)
        assert downloaded.read_bytes().startswith(b"%PDF")
        page.set_input_files("#pdf", str(downloaded))
        page.get_by_role("button", name="Verify").click()
        expect(page.locator("#verified")).to_contain_text("every check passed")
        page.screenshot(path=shots / f"{backend}-reports.png", full_page=True)

        page.goto(f"{base}/vendors/{VENDOR}")
        page.get_by_role("button", name="Issue questionnaire").click()
        link = page.locator("code.link-url").inner_text()  # at the configured web.base_url
        token = re.fullmatch(r"http://127\.0\.0\.1:8080/q/([A-Za-z0-9_-]{43})", link)
        assert token is not None, link
        for name in ("content", "activity"):
            page.goto(f"{base}/{name}")
            page.screenshot(path=shots / f"{backend}-{name}.png", full_page=True)

        page.goto(f"{base}/register")  # the register of information: imported and checked
        page.set_input_files("#register", str(EXAMPLES / "register-of-information.yaml"))
        page.get_by_role("button", name="Import", exact=True).click()
        expect(page.locator("p.banner.ok")).to_contain_text("revision 1")
        page.get_by_role("button", name="Check", exact=True).click()
        expect(page.locator("#filing h3")).to_contain_text("_DORA010100_DORA_")
        page.screenshot(path=shots / f"{backend}-register.png", full_page=True)

        vendor = new_page()  # the vendor, in its own browser, follows the link
        vendor.goto(f"{base}/q/{token.group(1)}")
        assert vendor.url == f"{base}/portal"
        expect(vendor.locator("#progress")).to_contain_text("0 of ")

        # -- the viewer: sees everything, can change nothing ------------------------------
        viewer = new_page()
        _sign_in(viewer, base, "viewer")
        viewer.goto(finding_url)
        expect(viewer.get_by_text("Recommended remediation")).to_be_visible()
        assert viewer.locator("form[action$='/accept']").count() == 0
        assert viewer.locator("nav a[href='/users']").count() == 0
        csrf = viewer.locator("form[action='/logout'] input[name=csrf]").get_attribute("value")
        posted = viewer.request.post(
            f"{finding_url}/update", form={"csrf": csrf, "status": "open", "stamp": "x"}
        )
        assert posted.status == 403  # refused on the server, not only hidden
        assert viewer.request.get(f"{base}/users").status == 403
        viewer.screenshot(path=shots / f"{backend}-viewer-finding.png", full_page=True)

        # -- the admin adds an account ----------------------------------------------------
        admin = new_page()
        _sign_in(admin, base, "admin")
        admin.goto(f"{base}/users")
        admin.fill("#email", "new.officer@insurer.example")
        admin.select_option("#role", "officer")
        admin.fill("#password", "another long password")
        admin.get_by_role("button", name="Add").click()
        expect(admin.locator(".banner.ok")).to_contain_text("new.officer@insurer.example")
        admin.screenshot(path=shots / f"{backend}-users.png", full_page=True)
        browser.close()
    assert not errors, errors
