"""For the demo: the insurer's register of information, filed as the EBA report package for the
year the first cycle closed and checked as a supervisor's validator would; and one vendor's
assessment as OSCAL assessment results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

from audit.services.dora_export import build_package
from audit.services.roi import import_register
from audit.workspace import Workspace

FILING_ENTITY = "529900AURMUTINS0DE19"  # Aurora Mutual Insurance VVaG (invented LEI)
REFERENCE_DATE = dt.date(2025, 12, 31)


def register_of_information(
    workspace: Workspace, portfolio: Path, target: Path, out: Console
) -> Path:
    """Import the sample register, write the package for 2025 into `target`, and show its
    check; returns the package's path."""
    out.rule(f"The DORA register of information as of {REFERENCE_DATE}, filed and checked")
    source = portfolio / "register-of-information.yaml"
    imported = import_register(workspace, [source], by="audit demo")
    sections = ", ".join(f"{s} {now}" for s, (_, now) in imported.replaced.items())
    out.print(f"imported {source.name}: {sections}", markup=False)
    package = build_package(
        workspace,
        entity=FILING_ENTITY,
        reference_date=REFERENCE_DATE,
        made_at=dt.datetime.now(dt.UTC),
    )
    for earlier in target.glob(f"{FILING_ENTITY}.IND_*_DORA_{REFERENCE_DATE}_*.zip"):
        earlier.unlink()  # an earlier demo's package, named by its creation time
    path = target / package.file_name
    path.write_bytes(package.data)
    sent = [t for t, n in package.rows().items() if n]
    out.print(
        f"wrote {path.name}: {len(sent)} templates with rows "
        f"({', '.join(f'{t} {n}' for t, n in package.rows().items() if n)}); the others are "
        "indicated false and left out",
        markup=False,
    )
    if package.breaches:
        for breach in package.breaches:
            out.print(f"FAIL {breach}", markup=False)
    else:
        out.print(
            "check: passes every rule (`audit export dora-roi --check --package FILE`)",
            markup=False,
        )
    return path


def oscal_results(workspace: Workspace, vendor_id: str, target: Path, out: Console) -> Path:
    """The vendor's latest assessment as OSCAL assessment results, for other GRC tools."""
    from audit.services.oscal_export import assessment_results_json

    path = target / f"{vendor_id}-oscal-assessment-results.json"
    path.write_bytes(
        assessment_results_json(workspace, vendor_id, generated_at=dt.datetime.now(dt.UTC))
    )
    out.print(
        f"wrote {path.name}: {vendor_id}'s latest run as OSCAL 1.1.3 assessment results "
        f"(`audit export oscal {vendor_id}`)",
        markup=False,
    )
    return path
