"""The whole vendor flow in a real browser (headless Debian chromium), on SQLite and PostgreSQL:
the officer issues a link; the vendor opens it, answers (a bad value is refused in words, then
corrected), uploads a document, leaves, comes back to the draft, submits; the scheduler assesses;
the signed report shows the answers. Screenshots at a desktop and a phone width."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from audit.web.serving import serving
from audit.workspace import Workspace
from tests.conftest import EXAMPLES
from tests.web.browser import browser_or_skip, screenshot_dir

VENDOR = "archiva-documents"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _answer_visible(page: Any) -> int:
    """Answer every question shown on the page the way a person would (first option, a
    number, a date, a sentence), waiting for each to say Saved; follow-ups that appear are
    answered on the next pass. Returns how many were answered."""
    from playwright.sync_api import expect

    done = 0
    for _ in range(4):
        todo = page.locator(".question:not([hidden])").filter(
            has=page.locator("p.status:not(.error)", has_text=re.compile(r"^$"))
        )
        ids = [todo.nth(i).get_attribute("id") for i in range(todo.count())]
        if not ids:
            break
        for block_id in ids:
            block = page.locator(f"#{block_id}")
            choice = block.locator("input[type=radio], input[type=checkbox]")
            field = block.locator("input[name^='a.'][type=text], textarea[name^='a.']")
            if choice.count():
                block.locator(".options label").first.click()
            elif field.count():
                label = block.locator("label.field").first.inner_text()
                value = (
                    "12"
                    if field.get_attribute("inputmode") == "decimal"
                    else "2026-03-31"
                    if "a date" in label
                    else "Described in our operating procedures, section 4."
                )
                field.fill(value)
                field.press("Tab")
            expect(block.locator("p.status")).to_have_text("Saved", timeout=10_000)
            done += 1
    return done


def _issue_link(dcli: Any) -> tuple[str, str]:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    issued = dcli("questionnaire", "issue", VENDOR, "--due", due, "--link")
    assert issued.exit_code == 0, issued.output
    questionnaire_id = re.search(r"issued questionnaire (\S+):", issued.output).group(1)
    url = re.search(r"link \(opens until [0-9-]+\): (\S+)", issued.output).group(1)
    return questionnaire_id, url.rsplit("/q/", 1)[1]


def test_a_vendor_answers_uploads_leaves_returns_and_submits(
    dcli: Any, db_workspace: Workspace, tmp_path: Path
) -> None:
    browser_or_skip()
    from playwright.sync_api import expect, sync_playwright

    shots = screenshot_dir(tmp_path)
    backend = db_workspace.database_url.split(":", 1)[0].split("+")[0]
    questionnaire_id, token = _issue_link(dcli)
    evidence = tmp_path / "security-policy.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% our information security policy, approved 2026-02-01\n")
    with serving(db_workspace) as base, sync_playwright() as play:
        browser = play.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        # The link opens the questionnaire; the token leaves the address bar.
        page.goto(f"{base}/q/{token}")
        assert page.url == f"{base}/portal"
        expect(page.locator("h1")).to_contain_text(questionnaire_id)
        expect(page.locator("#progress")).to_contain_text("0 of ")
        page.screenshot(path=shots / f"{backend}-overview-desktop.png", full_page=True)

        # A bad value is refused in the reader's words, and kept on screen; then corrected.
        page.goto(f"{base}/portal/s/1")
        number = page.locator("input[inputmode=decimal]").first
        block_id = number.locator("xpath=ancestor::div[contains(@class,'question')]").get_attribute(
            "id"
        )
        number.fill("twelve")
        number.press("Tab")
        status = page.locator(f"#{block_id} p.status")
        expect(status).to_contain_text("'twelve' is not a number")
        page.screenshot(path=shots / f"{backend}-refused-value.png")
        number.fill("24")
        number.press("Tab")
        expect(status).to_have_text("Saved")

        # The keyboard alone: into a question's options, and an arrow key picks the next one.
        page.locator("#a-SEC-GOV-01-1").focus()
        page.keyboard.press("ArrowDown")
        expect(page.locator("#msg-SEC-GOV-01")).to_have_text("Saved")
        assert page.locator("#a-SEC-GOV-01-2").is_checked()

        # Answer the first part on screen, and a document it asks for.
        answered = _answer_visible(page)
        assert answered >= 3
        page.screenshot(path=shots / f"{backend}-section-desktop.png", full_page=True)
        page.goto(f"{base}/portal/documents")
        page.set_input_files("#file", str(evidence))
        page.select_option("#kind", "information_security_policy")
        page.fill("#d-issued", "2026-02-01")
        page.locator("details.supports summary").click()
        page.locator("input[name=controls][value='SEC-GOV-01']").check()
        page.get_by_role("button", name="Upload").click()
        expect(page.locator(".banner.ok")).to_contain_text("uploaded")
        expect(page.locator("#uploaded")).to_contain_text("security-policy.pdf")
        page.screenshot(path=shots / f"{backend}-documents-desktop.png", full_page=True)

        # Leave, come back with the same link: the draft is there.
        before = page.locator("#progress").inner_text()
        page.get_by_role("button", name="Leave").click()
        expect(page.locator("h1")).to_contain_text("You have left")
        assert page.goto(f"{base}/portal").status == 403  # the session ended with the visit
        page.goto(f"{base}/q/{token}")
        expect(page.locator("#progress")).to_have_text(before)

        # Submitting early is refused, naming what is missing.
        page.fill("#completed_by", "Dana Vendor")
        page.get_by_role("button", name="Submit the answers").click()
        expect(page.locator("#missing")).to_contain_text("are not answered yet")

        # Every remaining section, at a phone's width for the look of it.
        phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        mobile = phone.new_page()
        mobile.goto(f"{base}/q/{token}")
        mobile.screenshot(path=shots / f"{backend}-overview-phone.png", full_page=True)
        sections = mobile.locator(".sections li a").count()
        for number_ in range(1, sections + 1):
            mobile.goto(f"{base}/portal/s/{number_}")
            _answer_visible(mobile)
            if number_ == 1:
                mobile.screenshot(path=shots / f"{backend}-section-phone.png", full_page=False)
        mobile.goto(f"{base}/portal")
        asked = re.search(r"(\d+) of (\d+)", mobile.locator("#progress").inner_text())
        assert asked and asked.group(1) == asked.group(2), asked
        mobile.fill("#completed_by", "Dana Vendor")
        mobile.get_by_role("button", name="Submit the answers").click()
        expect(mobile.locator(".banner.ok")).to_contain_text("submitted")
        expect(mobile.locator(".banner").first).to_contain_text("read-only")
        mobile.screenshot(path=shots / f"{backend}-submitted-phone.png", full_page=True)
        # Read-only now: the fields are disabled, the workbook of what was sent downloads.
        mobile.goto(f"{base}/portal/s/1")
        assert mobile.locator("fieldset[disabled]").count() >= 1
        with mobile.expect_download() as download:
            mobile.goto(f"{base}/portal")
            mobile.get_by_role("link", name=re.compile("Download what you submitted")).click()
        saved = tmp_path / "submitted.xlsx"
        download.value.save_as(saved)
        assert saved.stat().st_size > 5000
        browser.close()
        assert not [e for e in errors if "Content Security Policy" in e], errors

    # The scheduler assesses it on its next run; the signed report shows the answers.
    ran = dcli("scheduler", "--once")
    assert ran.exit_code == 0, ran.output
    assert f"reassess {VENDOR}" in ran.output or VENDOR in ran.output
    out = tmp_path / "report.pdf"
    made = dcli("report", VENDOR, "-o", out)
    assert made.exit_code == 0, made.output
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "security-policy.pdf" in text or "Information security policy" in text
        assert f"{questionnaire_id} version 1 (final, completed by Dana Vendor; submitted" in text
        assert "in the portal), sha256 of the answers" in " ".join(text.split())


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests must not go through a proxy the machine may configure."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
