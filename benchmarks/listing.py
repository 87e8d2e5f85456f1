"""list_scaling: how `vendors list` and `due` grow. Each is timed at 10,000 vendors with 40,000
runs (and a finding for every other vendor) over 1,000 vendors with 4,000 runs; ten times the
data must cost less than three times the time (indexed lookups, no per-vendor queries)."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from audit.services import due, vendors
from audit.services.database import engine_for, forget_engines
from audit.store.tables import AuditRunRow, FindingRow, VendorRevision, VendorRow
from audit.workspace import Workspace, init_workspace

SERVICES = ["payroll", "customer_service", "it_services", "legal", "analytics", "marketing"]
DATA = ["personal", "financial", "payment_card", "health", "internal"]
COUNTRIES = ["IN", "PH", "PL", "DE", "PT", "MA", "US", "LK"]


def _record(i: int, rng: random.Random) -> dict[str, Any]:
    return {
        "id": f"vendor-{i:05d}",
        "name": f"Vendor {i}",
        "services": rng.sample(SERVICES, 2),
        "delivery": rng.choice(["onshore", "nearshore", "offshore"]),
        "countries": rng.sample(COUNTRIES, rng.randint(1, 3)),
        "data": rng.sample(DATA, 2),
        "access": [rng.choice(["application", "network", "privileged"])],
        "criticality": rng.choice(["critical", "important", "standard"]),
        "contract": {
            "type": "fixed_price",
            "start": "2023-01-01",
            "right_to_audit": rng.random() < 0.8,
            "annual_value": rng.randint(10, 3000) * 1000,
        },
        "owner": "owner@client.example",
    }


def _populate(workspace: Workspace, count: int, rng: random.Random) -> None:
    engine = engine_for(workspace)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    records = [_record(i, rng) for i in range(count)]
    with Session(engine) as session, session.begin():
        session.execute(
            sa.insert(VendorRow),
            [
                {
                    "id": r["id"],
                    "name": r["name"],
                    "criticality": r["criticality"],
                    "delivery": r["delivery"],
                    "owner": r["owner"],
                    "onboarded": None,
                    "record": r,
                    "revision": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for r in records
            ],
        )
        session.execute(
            sa.insert(VendorRevision),
            [
                {
                    "vendor_id": r["id"],
                    "revision": 1,
                    "record": r,
                    "source": "bench",
                    "changed_at": now,
                }
                for r in records
            ],
        )
        runs = [
            {
                "vendor_id": r["id"],
                "as_of": dt.date(2023 + k, rng.randint(1, 12), 15),
                "tier": "high",
                "score": rng.uniform(40, 100),
                "rating": "moderate",
                "band_rating": "moderate",
                "sha256": "0" * 64,
                "submission_id": None,
                "inputs": {},
                "result": {},
                "created_at": now,
            }
            for r in records
            for k in range(4)
        ]
        session.execute(sa.insert(AuditRunRow), runs)
        first_run = session.execute(sa.select(sa.func.min(AuditRunRow.id))).scalar_one()
        session.execute(
            sa.insert(FindingRow),
            [
                {
                    "vendor_id": r["id"],
                    "control_id": "SEC-IAM-01",
                    "severity": "high",
                    "status": "open",
                    "due": dt.date(2026, rng.randint(1, 12), 1),
                    "opened_run_id": first_run,
                    "last_seen_run_id": first_run,
                    "updated_at": now,
                }
                for r in records[::2]
            ],
        )


def _time(fn: Any, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(quick: bool, seed: int) -> dict[str, Any]:
    small, large = (100, 1000) if quick else (1000, 10000)
    timings: dict[int, tuple[float, float]] = {}
    as_of = dt.date(2026, 12, 14)
    for count in (small, large):
        rng = random.Random(seed + count)
        with tempfile.TemporaryDirectory() as folder:
            workspace = init_workspace(Path(folder) / "ws")
            _populate(workspace, count, rng)
            listed = vendors.vendor_listing(workspace)  # also stores the tiers once
            assert len(listed) == count
            timings[count] = (
                _time(lambda w=workspace: vendors.vendor_listing(w), 3),
                _time(lambda w=workspace: due.due_items(w, as_of), 3),
            )
            forget_engines()
    return {
        "list_vendors_small_s": round(timings[small][0], 3),
        "list_vendors_large_s": round(timings[large][0], 3),
        "due_small_s": round(timings[small][1], 3),
        "due_large_s": round(timings[large][1], 3),
        "list_scaling": round(timings[large][0] / timings[small][0], 2),
        "due_scaling": round(timings[large][1] / timings[small][1], 2),
    }
