"""The officers' dashboard on a whole portfolio: after the cycle has run on a generated
portfolio (benchmarks/portfolio.py), `audit serve` runs as its own process on that workspace,
an officer signs in over HTTP, and each page is asked for as a browser would: the portfolio, the
register (first page, a search, a filtered page deep in it), one vendor, the findings list and one
finding. The figure per page is the median of REPEATS requests, as the browser waits for it (the
first, with cold caches, is shown apart)."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import portal

REPEATS = 5
EMAIL = "bench.officer@example.com"
PASSWORD = "a benchmark password"  # noqa: S105 - a throwaway account in a throwaway workspace


def _pages(vendor_id: str, finding_id: int) -> list[tuple[str, str]]:
    return [
        ("portfolio", "/"),
        ("vendors", "/vendors"),
        ("vendors search", "/vendors?q=" + vendor_id[:6]),
        ("vendors filtered, page 3", "/vendors?tier=high&page=3"),
        ("vendor", f"/vendors/{vendor_id}"),
        ("findings unresolved", "/findings?status=unresolved"),
        ("finding", f"/findings/{finding_id}"),
    ]


def measure(workspace: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Median and first-request seconds per page of the dashboard over `workspace`."""
    import httpx2 as httpx

    environment = dict(env or os.environ)
    subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "audit",
            "--workspace",
            str(workspace),
            "users",
            "add",
            EMAIL,
            "--role",
            "officer",
            "--password-stdin",
        ],  # fmt: skip
        input=PASSWORD + "\n",
        text=True,
        env=environment,
        check=True,
        capture_output=True,
    )
    figures: dict[str, Any] = {}
    with portal.serving(workspace, environment, 1, workspace / "dashboard-serve.log") as (base, _):
        client = httpx.Client(base_url=base, trust_env=False, timeout=300, follow_redirects=True)
        signed = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
        if signed.status_code != 200 or "Portfolio" not in signed.text:
            raise RuntimeError(f"the benchmark could not sign in: {signed.status_code}")
        listing = client.get("/findings?status=unresolved").text
        finding = re.search(r'href="/findings/(\d+)"', listing)
        vendor = re.search(r'href="/vendors/([^"?]+)"', listing)
        if finding is None or vendor is None:
            raise RuntimeError("the benchmark found no finding to open")
        for name, path in _pages(vendor.group(1), int(finding.group(1))):
            times = []
            for _ in range(REPEATS + 1):
                start = time.perf_counter()
                got = client.get(path)
                times.append(time.perf_counter() - start)
                if got.status_code != 200:
                    raise RuntimeError(f"{path}: {got.status_code}")
            figures[name] = {
                "first_s": round(times[0], 3),
                "median_s": round(statistics.median(times[1:]), 3),
                "bytes": len(got.content),
            }
    return figures
