"""Debian's chromium driven by Playwright for the browser tests (never `playwright install`), and
where their screenshots go. The portal itself is served by `audit.web.serving`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = bool(os.environ.get("AUDIT_REQUIRE_BROWSER"))


def browser_or_skip() -> None:
    """Skip where no browser is installed, unless the run requires one (CI)."""
    missing = []
    if not CHROMIUM.exists():
        missing.append("Debian's chromium (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install playwright)")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)


def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: AUDIT_SCREENSHOTS when set (to look at them), else the test's."""
    folder = Path(os.environ.get("AUDIT_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
