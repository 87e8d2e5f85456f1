"""`audit vendors import | add | list | show`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from audit import services
from audit.cli.app import state
from audit.cli.console import console, styled
from audit.cli.output import Format, render
from audit.cli.params import FormatOption, LimitOption, OffsetOption, WideOption
from audit.model import Tier
from audit.vendor import vendor_record

app = typer.Typer(help="The vendor register.", no_args_is_help=True)
out = console()


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV, YAML or JSON file of vendors.")],
    update: Annotated[
        bool, typer.Option("--update", help="Record new facts for vendors that exist.")
    ] = False,
) -> None:
    """Import vendors: all of them in one transaction, or none (every bad row is listed)."""
    result = services.import_vendors(state(ctx).workspace(), file, update=update)
    out.print(
        f"imported {len(result.added)} new vendor(s), updated {len(result.updated)}", markup=False
    )


@app.command()
def add(
    ctx: typer.Context,
    vendor_id: Annotated[str, typer.Option("--id", help="Slug, e.g. acme-payroll.")],
    name: Annotated[str, typer.Option(help="Legal or trading name.")],
    service: Annotated[list[str], typer.Option(help="A service (repeatable).")],
    delivery: Annotated[str, typer.Option(help="onshore, nearshore or offshore.")],
    country: Annotated[list[str], typer.Option(help="ISO 3166 delivery country (repeatable).")],
    data: Annotated[list[str], typer.Option(help="A data category (repeatable).")],
    access: Annotated[list[str], typer.Option(help="An access type (repeatable).")],
    criticality: Annotated[str, typer.Option(help="critical, important or standard.")],
    contract_type: Annotated[str, typer.Option(help="fixed_price or time_and_materials.")],
    contract_start: Annotated[str, typer.Option(help="YYYY-MM-DD.")],
    right_to_audit: Annotated[bool, typer.Option("--right-to-audit/--no-right-to-audit")],
    owner: Annotated[str, typer.Option(help="E-mail of the relationship owner.")],
    contract_end: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    notice_days: Annotated[int | None, typer.Option()] = None,
    annual_value: Annotated[float | None, typer.Option()] = None,
    currency: Annotated[str | None, typer.Option()] = None,
    onboarded: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    update: Annotated[
        bool, typer.Option("--update", help="Replace an existing vendor's facts.")
    ] = False,
) -> None:
    """Add (or with --update, revise) one vendor."""
    contract: dict[str, Any] = {
        "type": contract_type,
        "start": contract_start,
        "right_to_audit": right_to_audit,
    }
    optional: dict[str, Any] = {"end": contract_end, "notice_days": notice_days}
    optional |= {"annual_value": annual_value, "currency": currency}
    contract |= {k: v for k, v in optional.items() if v is not None}
    record: dict[str, Any] = {
        "id": vendor_id,
        "name": name,
        "services": service,
        "delivery": delivery,
        "countries": country,
        "data": data,
        "access": access,
        "criticality": criticality,
        "contract": contract,
        "owner": owner,
    }
    if onboarded:
        record["onboarded"] = onboarded
    vendor = services.add_vendor(state(ctx).workspace(), record, update=update)
    out.print(f"vendor {vendor.id} saved", markup=False)


@app.command("list")
def list_(
    ctx: typer.Context,
    tier: Annotated[Tier | None, typer.Option(help="Only vendors of this tier.")] = None,
    limit: LimitOption = None,
    offset: OffsetOption = 0,
    wide: WideOption = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Vendors with their inherent tier and why, last rating and next assessment date."""
    rows = [
        {
            "vendor": v.id,
            "name": v.name,
            "tier": v.tier,
            "points": v.points,
            "tier_reasons": "; ".join(v.reasons) or "no risk factors",
            "last_assessed": v.last_assessed.isoformat() if v.last_assessed else None,
            "last_rating": v.last_rating,
            "last_score": v.last_score,
            "next_due": v.next_due.isoformat(),
        }
        for v in services.vendor_listing(state(ctx).workspace(), tier)
    ]
    columns = ["vendor", "tier", "tier_reasons", "last_rating", "next_due"]
    render(rows, columns, fmt, title="Vendors", wide=wide, paged=True, limit=limit, offset=offset)


@app.command()
def show(
    ctx: typer.Context,
    vendor_id: Annotated[str, typer.Argument(metavar="VENDOR")],
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Everything about one vendor: facts, tier and reasons, scope, questionnaires, evidence."""
    detail = services.show_vendor(state(ctx).workspace(), vendor_id)
    summary = detail.summary
    record = vendor_record(summary.vendor)
    data = {
        **record,
        "tier": summary.tier.tier.value,
        "tier_points": summary.tier.points,
        "tier_reasons": [str(r) for r in summary.tier.reasons],
        "last_assessed": summary.last_assessed.isoformat() if summary.last_assessed else None,
        "last_rating": summary.last_rating,
        "next_due": summary.next_due.isoformat(),
        "scope": {
            part.checklist.id: {"reason": part.reason, "controls": len(part.controls)}
            for part in detail.scope.checklists
        },
        "revisions": [
            {"revision": r.revision, "changed_at": r.changed_at.isoformat(), "source": r.source}
            for r in detail.revisions
        ],
        "questionnaires": [
            {
                "id": q.id,
                "part": q.part,
                "issued": q.issued.isoformat(),
                "due": q.due.isoformat(),
                "submissions": [s.version for s in subs],
                "statuses": [s.status for s in subs],
            }
            for q, subs in detail.questionnaires
        ],
        "evidence": len(detail.evidence),
    }
    if fmt is not Format.TABLE:
        render([data], list(data), fmt)
        return
    vendor = summary.vendor
    out.print(styled((vendor.name, "bold"), f" ({vendor.id})"))
    out.print(
        f"tier {summary.tier.tier} ({summary.tier.points} points): {summary.tier.explanation}",
        markup=False,
    )
    out.print(
        f"services {', '.join(record['services'])}; {vendor.delivery} delivery from "
        f"{', '.join(vendor.countries)}; data {', '.join(record['data'])}; "
        f"access {', '.join(record['access'])}; criticality {vendor.criticality}",
        markup=False,
    )
    contract = vendor.contract
    out.print(
        f"contract {contract.type} from {contract.start}"
        + (f" to {contract.end}" if contract.end else "")
        + f"; right to audit: {'yes' if contract.right_to_audit else 'no'}; owner {vendor.owner}",
        markup=False,
    )
    for sub in vendor.subcontractors:
        out.print(f"subcontractor {sub.name} ({sub.service}, {sub.country})", markup=False)
    last = (
        f"last assessed {summary.last_assessed}, residual risk {summary.last_rating}; "
        if summary.last_assessed
        else "never assessed; "
    )
    out.print(f"{last}next assessment due {summary.next_due}", markup=False)
    rows = [
        {"checklist": part.checklist.id, "controls": len(part.controls), "why": part.reason}
        for part in detail.scope.checklists
    ]
    render(rows, ["checklist", "controls", "why"], Format.TABLE, title="Scope", console=out)
    for item in data["questionnaires"]:
        versions = (
            ", ".join(
                f"v{v} {s}" for v, s in zip(item["submissions"], item["statuses"], strict=True)
            )
            or "no submission yet"
        )
        what = "assessor's review" if item["part"] == "assessor" else "questionnaire"
        out.print(f"{what} {item['id']} due {item['due']}: {versions}", markup=False)
    out.print(
        f"{len(detail.evidence)} evidence file(s); revisions: {len(detail.revisions)}", markup=False
    )
