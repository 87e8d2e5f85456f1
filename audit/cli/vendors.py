"""`audit vendors import | add | edit | export | list | show`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from audit import services
from audit.cli.app import state
from audit.cli.console import console, styled
from audit.cli.output import Format, emit, render
from audit.cli.params import FormatOption, LimitOption, OffsetOption, WideOption
from audit.cli.users import identity
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
    workspace = state(ctx).workspace()
    result = services.import_vendors(workspace, file, update=update, by=identity(workspace))
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


ListOption = Annotated[list[str] | None, typer.Option(help="Replaces the list (repeatable).")]


@app.command()
def edit(
    ctx: typer.Context,
    vendor_id: Annotated[str, typer.Argument(metavar="VENDOR")],
    name: Annotated[str | None, typer.Option(help="Legal or trading name.")] = None,
    criticality: Annotated[
        str | None, typer.Option(help="critical, important or standard.")
    ] = None,
    delivery: Annotated[str | None, typer.Option(help="onshore, nearshore or offshore.")] = None,
    service: ListOption = None,
    country: ListOption = None,
    data: ListOption = None,
    access: ListOption = None,
    owner: Annotated[str | None, typer.Option(help="E-mail of the relationship owner.")] = None,
    onboarded: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    contract_type: Annotated[str | None, typer.Option()] = None,
    contract_start: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    contract_end: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD, or 'none' to remove.")
    ] = None,
    notice_days: Annotated[int | None, typer.Option(min=0, max=36500)] = None,
    annual_value: Annotated[float | None, typer.Option(min=0)] = None,
    currency: Annotated[str | None, typer.Option(help="ISO 4217 code, e.g. EUR.")] = None,
    right_to_audit: Annotated[
        bool | None, typer.Option("--right-to-audit/--no-right-to-audit")
    ] = None,
) -> None:
    """Change the named facts of one vendor and nothing else: the change is a new revision, and
    what changed and the tier before and after are shown. Subcontractors, SLAs and contacts are
    edited in an export (`vendors export`) imported back with `vendors import --update`."""
    given: dict[str, Any] = {
        "name": name,
        "criticality": criticality,
        "delivery": delivery,
        "services": service,
        "countries": country,
        "data": data,
        "access": access,
        "owner": owner,
        "onboarded": onboarded,
        "contract.type": contract_type,
        "contract.start": contract_start,
        "contract.end": contract_end,
        "contract.notice_days": notice_days,
        "contract.annual_value": annual_value,
        "contract.currency": currency.upper() if currency else None,
        "contract.right_to_audit": right_to_audit,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if contract_end is not None and contract_end.lower() == "none":
        changes["contract.end"] = None
    workspace = state(ctx).workspace()
    edited = services.vendor_edits.edit_vendor(
        workspace, vendor_id, changes, by=identity(workspace)
    )
    out.print(f"vendor {edited.vendor.id}: revision {edited.revision}", markup=False)
    for line in edited.changes:
        out.print(f"  {line}", markup=False)
    before, after = edited.tier_before, edited.tier_after
    if (before.tier, before.points) == (after.tier, after.points):
        out.print(f"tier unchanged: {after.tier} ({after.points} points)", markup=False)
    else:
        out.print(
            f"re-tiered: {before.tier} ({before.points} points) -> {after.tier} "
            f"({after.points} points): {after.explanation}",
            markup=False,
        )


@app.command()
def export(
    ctx: typer.Context,
    vendor_ids: Annotated[
        list[str] | None, typer.Argument(metavar="[VENDOR]...", help="Default: every vendor.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="csv, yaml or json (default: from -o, else csv)."),
    ] = None,
) -> None:
    """Write the register in the columns `vendors import` reads (CSV, YAML or JSON): edit it in
    a spreadsheet and import it back with --update."""
    chosen = fmt or (output.suffix.lower().lstrip(".") if output else "csv")
    chosen = {"yml": "yaml"}.get(chosen, chosen)
    data = services.vendor_edits.export_register(state(ctx).workspace(), chosen, vendor_ids or ())
    emit(data, output, out, chosen)


def _register_lines(detail: Any) -> None:
    """What the DORA register of information says of the vendor, if anything."""
    provider = detail.provider or {}
    codes = [f"{k.upper()} {provider[k]}" for k in ("lei", "euid") if provider.get(k)]
    if provider.get("other_id"):
        codes.append(f"{provider.get('other_id_type', 'national')} id {provider['other_id']}")
    if codes or provider.get("headquarters"):
        where = f", headquarters {provider['headquarters']}" if provider.get("headquarters") else ""
        shown = ", ".join(codes) or "no identifier"
        out.print(f"register of information: {shown}{where}", markup=False)
    for arrangement, delivered in detail.arrangements:
        kinds = "; ".join(
            f"{s['type']} for {', '.join(s.get('functions', [])) or 'no function'}"
            for s in delivered
        )
        out.print(
            f"arrangement {arrangement['reference']} ({arrangement['type']}): "
            f"{kinds or 'no ICT service recorded'}",
            markup=False,
        )


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
    demo = state(ctx).workspace().root / ".audit" / "demo"
    if not rows and fmt is Format.TABLE and (demo / "checklists").is_dir():
        console(stderr=True).print(
            "the register is empty; `make demo` (or `audit demo`) keeps its portfolio in its own "
            "workspace: audit -w .audit/demo vendors list",
            markup=False,
        )


@app.command()
def show(
    ctx: typer.Context,
    vendor_id: Annotated[str, typer.Argument(metavar="VENDOR")],
    revisions: Annotated[
        bool, typer.Option("--revisions", help="Every revision of the facts and what it changed.")
    ] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Everything about one vendor: facts, contract, contacts, SLAs, tier and reasons, scope,
    questionnaires, evidence; with --revisions, the history of its facts."""
    if revisions:
        _revisions(ctx, vendor_id, fmt)
        return
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
        "register_of_information": {
            "provider": detail.provider,
            "arrangements": [
                {**arrangement, "services": list(delivered)}
                for arrangement, delivered in detail.arrangements
            ],
        },
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
    if contract.annual_value is not None or contract.notice_days is not None:
        value = (
            f"annual value {contract.annual_value:,.0f} {contract.currency or '(no currency)'}"
            if contract.annual_value is not None
            else "annual value not recorded"
        )
        notice = f"; notice {contract.notice_days} days" if contract.notice_days is not None else ""
        out.print(value + notice, markup=False)
    for sub in vendor.subcontractors:
        out.print(f"subcontractor {sub.name} ({sub.service}, {sub.country})", markup=False)
    _register_lines(detail)
    for contact in vendor.contacts:
        role = f", {contact.role}" if contact.role else ""
        out.print(f"contact {contact.name or ''} <{contact.email}>{role}", markup=False)
    for sla in vendor.sla:
        out.print(f"SLA {sla.metric}: {sla.target:g} {sla.unit or ''}".rstrip(), markup=False)
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


def _revisions(ctx: typer.Context, vendor_id: str, fmt: Format) -> None:
    shown = services.vendor_edits.revisions(state(ctx).workspace(), vendor_id)
    rows = [
        {
            "revision": r.revision,
            "changed_at": r.changed_at.isoformat(timespec="seconds"),
            "source": r.source,
            "changes": list(r.changes)
            if fmt is not Format.TABLE
            else ("\n".join(r.changes) if r.revision > 1 else "first recorded"),
        }
        for r in shown
    ]
    if fmt is not Format.TABLE:
        render(rows, list(rows[0]), fmt)
        return
    render(
        rows,
        ["revision", "changed_at", "source", "changes"],
        Format.TABLE,
        title=f"Revisions of {vendor_id}",
        console=out,
        wide=True,
    )
