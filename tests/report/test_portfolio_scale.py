"""The portfolio report at the size of a real portfolio. It used to fail above about 42 scored
vendors: the score chart was one drawing 16 points tall per vendor, taller than a page."""

from __future__ import annotations

import copy
import datetime as dt
import random
import subprocess
from pathlib import Path

import yaml

from audit import services
from audit.services import reports
from audit.services.database import transaction
from audit.store.tables import AuditRunRow, FindingRow
from audit.workspace import Workspace
from tests.conftest import EXAMPLES

VENDORS = 300


def build_portfolio(workspace: Workspace, count: int, seed: int = 7) -> list[str]:
    """`count` vendors shaped like the sample ones, each with two runs and some findings."""
    sample = yaml.safe_load((EXAMPLES / "vendors.yaml").read_text())["vendors"]
    vendors = []
    for i in range(count):
        vendor = copy.deepcopy(sample[i % len(sample)])
        vendor["id"] = f"{vendor['id']}-{i:05d}"
        vendor["name"] = f"{vendor['name']} {i}"
        vendors.append(vendor)
    path = workspace.root / "register.yaml"
    path.write_text(yaml.safe_dump({"vendors": vendors}))
    services.import_vendors(workspace, path)
    rnd = random.Random(seed)
    with transaction(workspace) as session:
        for vendor in vendors:
            for cycle, as_of in enumerate((dt.date(2025, 12, 15), dt.date(2026, 12, 14))):
                score = round(rnd.uniform(35, 100), 1)
                rating = (
                    "low"
                    if score >= 90
                    else "moderate"
                    if score >= 75
                    else "high"
                    if score >= 60
                    else "critical"
                )
                run = AuditRunRow(
                    vendor_id=vendor["id"],
                    as_of=as_of,
                    tier="high",
                    score=score,
                    rating=rating,
                    band_rating=rating,
                    sha256="0" * 64,
                    inputs={},
                    result={},
                )
                session.add(run)
                session.flush()
                for j in range(rnd.randint(0, 12) if cycle == 0 else 0):
                    session.add(
                        FindingRow(
                            vendor_id=vendor["id"],
                            control_id=f"SEC-IAM-{j + 1:02d}",
                            severity=rnd.choice(["low", "medium", "high", "critical"]),
                            status=rnd.choice(["open", "in_progress", "accepted", "closed"]),
                            due=as_of + dt.timedelta(days=rnd.randint(-120, 200)),
                            opened_run_id=run.id,
                            last_seen_run_id=run.id,
                        )
                    )
    return [v["id"] for v in vendors]


def test_the_portfolio_report_holds_hundreds_of_vendors(
    workspace: Workspace, tmp_path: Path
) -> None:
    ids = build_portfolio(workspace, VENDORS)
    when = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)
    result = reports.portfolio_report(workspace, output=tmp_path / "p.pdf", rendered_at=when)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(result.path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # the first pages summarise, the appendix lists every vendor
    assert "2. Scores" in pages and "Vendors by latest score, stacked by inherent tier" in pages
    assert "3. Vendors that need attention" in pages
    assert "Appendix A. Every vendor" in pages
    appendix = pages.split("Appendix A. Every vendor", 1)[1]
    assert all(vendor_id in appendix for vendor_id in ids)
    assert "The first 25 of" in pages  # long lists are cut with a pointer to the appendix
    assert (
        subprocess.run(["qpdf", "--check", str(result.path)], capture_output=True).returncode == 0
    )
    checked = reports.verify_report(workspace, result.path)
    assert all(check.ok for check in checked.checks)
