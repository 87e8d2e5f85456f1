"""The portfolio report's view model (pure): every vendor's tier against its latest rating,
trends, overdue assessments, open findings by severity and age, concentration.

It holds every vendor (the appendix lists them all) and, for the first pages, what a committee
reads first whatever the portfolio's size: the vendors that need attention, the distribution of
scores, and the largest concentrations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit import words
from audit.organisation import Money
from audit.report.view import (
    ACTIVE_FINDINGS,
    RATING_ORDER,
    SEVERITY_ORDER,
    TIER_ORDER,
)

RunScore = tuple[dt.date, float, str]  # as_of, score, rating: all a portfolio needs of a run
SCORE_BANDS = (
    (90, "90-100"),
    (80, "80-89"),
    (70, "70-79"),
    (60, "60-69"),
    (50, "50-59"),
    (0, "below 50"),
)


@dataclass(frozen=True, slots=True)
class PortfolioVendor:
    id: str
    name: str
    tier: str
    rating: str
    score: float | None
    last_assessed: str
    next_due: str
    overdue: bool
    trend: tuple[float, ...]
    delivery: str
    countries: tuple[str, ...]
    services: tuple[str, ...]
    annual_value: float | None


@dataclass(frozen=True, slots=True)
class PortfolioReport:
    rendered_at: str
    as_of: str  # the day the report speaks for: what is due, overdue and how old
    vendors: tuple[PortfolioVendor, ...]
    matrix: tuple[tuple[str, tuple[int, ...]], ...]
    ratings: tuple[str, ...]
    overdue: tuple[PortfolioVendor, ...]
    findings_by_severity: tuple[tuple[str, tuple[int, ...]], ...]
    age_buckets: tuple[str, ...]
    concentration: tuple[tuple[str, tuple[tuple[str, int, float], ...]], ...]
    totals: tuple[tuple[str, str], ...] = field(default=())
    attention: tuple[PortfolioVendor, ...] = ()  # rated high or critical: worst first
    currency: str = "EUR"  # every spend figure is in it
    spend_note: str = ""  # the rates used, and what could not be converted
    score_bands: tuple[tuple[str, tuple[int, ...]], ...] = ()  # band -> vendors per tier


AGE_BUCKETS = ((30, "0-30 days"), (90, "31-90 days"), (180, "91-180 days"), (None, "over 180 days"))


def _bucket(age: int) -> int:
    for index, (limit, _) in enumerate(AGE_BUCKETS):
        if limit is None or age <= limit:
            return index
    return len(AGE_BUCKETS) - 1


def _score_bands(rows: Sequence[PortfolioVendor]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    counts = {label: [0] * len(TIER_ORDER) for _, label in SCORE_BANDS}
    tiers = [t.value for t in TIER_ORDER]
    for r in rows:
        if r.score is None:
            continue
        label = next(label for floor, label in SCORE_BANDS if r.score >= floor)
        counts[label][tiers.index(r.tier)] += 1
    return tuple((label, tuple(counts[label])) for _, label in SCORE_BANDS)


def _spend_note(money: Money, converted_from: set[str], unconverted: list[str]) -> str:
    """How the spend figures were made: one currency, the dated rates used, what was left out
    for want of a rate, and how a vendor's spend is shared."""
    note = f"Annual spend in {money.currency}"
    if converted_from:
        rates = ", ".join(
            f"1 {c} = {money.rates[c]:g} {money.currency}" for c in sorted(converted_from)
        )
        note += f", converted at the rates of {money.as_of} ({rates})"
    note += (
        ". A vendor's spend is shared equally among its delivery countries, and among its services."
    )
    if unconverted:
        note += (
            " Not included, for want of a rate in audit.toml [money]: "
            + "; ".join(unconverted)
            + "."
        )
    return note


@dataclass(frozen=True, slots=True)
class FindingTally:
    """How many findings share a severity, a status, the day the run that opened them looked
    at, and whether they are past due: all a portfolio needs of them, however many there are."""

    severity: str
    status: str
    opened_on: dt.date
    due_before: dt.date  # the earliest due date among them: late when before the day
    count: int


def build_portfolio_report(
    vendors: Sequence[Any],
    tiers: Mapping[str, str],
    runs: Mapping[str, Sequence[RunScore]],
    next_due: Mapping[str, dt.date],
    findings: Sequence[FindingTally],
    rendered_at: dt.datetime,
    as_of: dt.date | None = None,
    money: Money | None = None,
) -> PortfolioReport:
    """The risk committee's view of every vendor on `as_of` (by default the day it is
    rendered): tiers against ratings, trends, what is late."""
    today = as_of or rendered_at.date()
    money = money or Money()
    rows = []
    unconverted: list[str] = []
    converted_from: set[str] = set()
    tier_rank = {t.value: i for i, t in enumerate(TIER_ORDER)}
    for v in sorted(vendors, key=lambda v: (tier_rank[tiers[v.id]], v.id)):
        history = runs.get(v.id, ())
        last = history[-1] if history else None
        due = next_due[v.id]
        value, currency = v.contract.annual_value, v.contract.currency
        spend = None if value is None else money.convert(value, currency)
        if value is not None and spend is None:
            unconverted.append(f"{v.id} {value:,.0f} {currency}")
        elif value is not None and currency not in (None, money.currency):
            converted_from.add(str(currency))
        rows.append(
            PortfolioVendor(
                id=v.id,
                name=v.name,
                tier=tiers[v.id],
                rating=last[2] if last else "not assessed",
                score=last[1] if last else None,
                last_assessed=last[0].isoformat() if last else "never",
                next_due=due.isoformat(),
                overdue=due < today,
                trend=tuple(r[1] for r in history),
                delivery=v.delivery.value,
                countries=tuple(v.countries),
                services=tuple(s.value for s in v.services),
                annual_value=spend,
            )
        )
    ratings = (*(r.value for r in RATING_ORDER), "not assessed")
    matrix = tuple(
        (
            t.value,
            tuple(
                sum(1 for r in rows if r.tier == t.value and r.rating == rating)
                for rating in ratings
            ),
        )
        for t in TIER_ORDER
    )
    active = [f for f in findings if f.status in ACTIVE_FINDINGS]
    by_severity = []
    for severity in SEVERITY_ORDER:
        counts = [0] * len(AGE_BUCKETS)
        for f in active:
            if f.severity == severity.value:
                counts[_bucket((today - f.opened_on).days)] += f.count
        by_severity.append((severity.value, tuple(counts)))

    def concentration(key: str) -> tuple[tuple[str, int, float], ...]:
        tally: dict[str, list[float]] = {}
        for r in rows:
            values = {
                "country": tuple(words.country(c) for c in r.countries),
                "delivery": (r.delivery,),
                "service": tuple(words.service(s) for s in r.services),
            }[key]
            for value in values:
                entry = tally.setdefault(value, [0, 0.0])
                entry[0] += 1
                entry[1] += (r.annual_value or 0.0) / len(values)
        return tuple(
            (name, int(count), round(spend, 2))
            for name, (count, spend) in sorted(tally.items(), key=lambda kv: (-kv[1][0], kv[0]))
        )

    rating_rank = {r.value: i for i, r in enumerate(RATING_ORDER)}
    attention = sorted(
        (r for r in rows if r.rating in ("high", "critical")),
        key=lambda r: (-rating_rank[r.rating], tier_rank[r.tier], r.score or 0.0, r.id),
    )
    scored = [r.score for r in rows if r.score is not None]
    late = sum(f.count for f in active if f.status != "accepted" and f.due_before < today)
    accepted = sum(f.count for f in active if f.status == "accepted")
    open_count = sum(f.count for f in active)
    rated = {rating: sum(1 for r in rows if r.rating == rating) for rating in ("high", "critical")}
    totals = (
        ("Vendors", str(len(rows))),
        ("Assessed", str(len(scored))),
        # an average hides the vendors that matter: it is shown with them, never alone
        (
            "Average score",
            (
                f"{sum(scored) / len(scored):.1f} (rated high: {rated['high']}, "
                f"critical: {rated['critical']})"
            )
            if scored
            else "-",
        ),
        ("Assessments overdue", str(sum(1 for r in rows if r.overdue))),
        ("Open findings", f"{open_count} ({accepted} risk-accepted)"),
        (
            "Findings past due",
            f"{late} of {open_count} open ({round(100 * late / open_count) if open_count else 0}%)",
        ),
    )
    return PortfolioReport(
        rendered_at=rendered_at.strftime("%Y-%m-%d %H:%M UTC"),
        as_of=today.isoformat(),
        vendors=tuple(rows),
        matrix=matrix,
        ratings=ratings,
        overdue=tuple(r for r in rows if r.overdue),
        findings_by_severity=tuple(by_severity),
        age_buckets=tuple(label for _, label in AGE_BUCKETS),
        concentration=(
            ("Delivery country", concentration("country")),
            ("Delivery model", concentration("delivery")),
            ("Service", concentration("service")),
        ),
        totals=totals,
        attention=tuple(attention),
        currency=money.currency,
        spend_note=_spend_note(money, converted_from, unconverted),
        score_bands=_score_bands(rows),
    )
