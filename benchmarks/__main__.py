"""Run the benchmarks: `python -m benchmarks [--quick] [--sizes N,M] [--only NAME]`.

`portfolio` (the default) runs a whole cycle through the CLI on generated portfolios of two
sizes (1,000 and 10,000 vendors; `--quick` 100 and 1,000), on SQLite, and on PostgreSQL as well
when AUDIT_BENCH_POSTGRES_URL is set. Every step is its own `audit` process: the figures are what
a user waits for, CPU seconds and peak memory from the kernel, and the growth from the small
portfolio to the large one. On each portfolio so built, `audit serve` then serves the officers'
dashboard, and each of its pages is timed as a signed-in browser waits for it. `reports` and
`hashing` are in-process ratios kept because their baseline does the same work on the same
input (see each module); the output says so. `portal`
runs `audit serve` and has 50 vendors answer in it at once (`--quick` 5), on PostgreSQL when
AUDIT_BENCH_POSTGRES_URL is set, else on SQLite: latencies of saves and uploads as a vendor's
browser sees them, and whether every answer sent was kept (see benchmarks/portal.py).

Prints tables for people and, last, one JSON object for tools.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from benchmarks import dashboard, hashing, portal, portfolio, reports

# (figure, operator, bound): checked at the large size of a full run.
TARGETS = [
    ("help_cpu_s", "<=", 0.3),
    ("empty_vendors_list_cpu_s", "<=", 0.3),
    ("one_import_cpu_s", "<=", 0.5),
    ("vendors list.cpu", "<=", 1.5),
    ("due.cpu", "<=", 1.5),
    ("findings list --status open.cpu", "<=", 1.5),
    ("evidence list.cpu", "<=", 1.5),  # not in the list of targets: the same bar
    ("assess --all.cpu", "<=", 60),
    ("report portfolio.cpu", "<=", 60),
    ("report portfolio.peak_mb", "<=", 1024),
]
GROWTH_BOUND = 11.0  # for 10x the vendors: no step worse than linear, with some slack


@contextmanager
def postgres_schema(size: int) -> Iterator[str | None]:
    """A schema of its own on the benchmark's PostgreSQL server, or None without one."""
    base = os.environ.get("AUDIT_BENCH_POSTGRES_URL")
    if not base:
        yield None
        return
    import sqlalchemy as sa

    schema = f"bench_{size}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def cycle(
    root: Path, sizes: list[int], backend: str, pages: dict[int, Any] | None = None
) -> dict[str, Any]:
    """The cycle's steps at each size; with `pages`, the dashboard's pages over the same
    workspace too (benchmarks/dashboard.py)."""
    figures: dict[str, Any] = {}
    for size in sizes:
        with postgres_schema(size) if backend == "postgresql" else _none() as url:
            if url:
                os.environ["AUDIT_DATABASE_URL"] = url
            try:
                workspace, steps = portfolio.build(root / backend, size)
                if pages is not None:
                    pages[size] = dashboard.measure(workspace)
            finally:
                os.environ.pop("AUDIT_DATABASE_URL", None)
        figures[size] = {
            name: {"cpu": round(s.cpu, 2), "wall": round(s.wall, 2), "peak_mb": round(s.peak_mb)}
            for name, s in steps.items()
        }
    return figures


@contextmanager
def _none() -> Iterator[None]:
    yield None


def _portal_database(workers: int) -> AbstractContextManager[str | None]:
    """A fresh schema per portal run on PostgreSQL when there is one; else the workspace's
    SQLite file."""
    return postgres_schema(workers) if os.environ.get("AUDIT_BENCH_POSTGRES_URL") else _none()


def _portal_load(args: argparse.Namespace) -> portal.Load:
    quick = portal.Load(vendors=5, saves=20, files=1, workers=(1,), think_ms=(0,))
    chosen = quick if args.quick else portal.Load()
    workers = (
        tuple(int(n) for n in args.portal_workers.split(","))
        if args.portal_workers
        else chosen.workers
    )
    return portal.Load(
        vendors=args.portal_vendors or chosen.vendors,
        saves=args.portal_saves or chosen.saves,
        files=chosen.files if args.portal_files is None else args.portal_files,
        workers=workers,
        seed=args.seed,
        think_ms=(
            tuple(int(n) for n in args.portal_think.split(","))
            if args.portal_think
            else chosen.think_ms
        ),
    )


def _print_cycle(backend: str, sizes: list[int], steps: dict[int, dict[str, Any]]) -> None:
    small, large = sizes[0], sizes[-1]
    print(f"\nWhole cycle through the CLI on {backend}: {small:,} and {large:,} vendors")
    header = (
        f"{'step':<30} {'CPU s':>8} {'wall s':>8} {'MB':>6}   {'CPU s':>8} {'wall s':>8} "
        f"{'MB':>6}  growth"
    )
    print(header)
    for name in steps[small]:
        a, b = steps[small][name], steps[large][name]
        growth = b["cpu"] / a["cpu"] if a["cpu"] else 0.0
        print(
            f"{name:<30} {a['cpu']:>8.2f} {a['wall']:>8.2f} {a['peak_mb']:>6} "
            f"  {b['cpu']:>8.2f} {b['wall']:>8.2f} {b['peak_mb']:>6}  {growth:>5.1f}x"
        )


def _print_pages(backend: str, sizes: list[int], pages: dict[int, Any]) -> None:
    small, large = sizes[0], sizes[-1]
    print(
        f"\nThe dashboard over `audit serve` on {backend}: seconds a browser waits, median of "
        f"{dashboard.REPEATS} (first request apart), at {small:,} and {large:,} vendors"
    )
    print(f"{'page':<28} {'first':>8} {'median':>8}   {'first':>8} {'median':>8}")
    for name in pages[small]:
        a, b = pages[small][name], pages[large][name]
        print(
            f"{name:<28} {a['first_s']:>8.3f} {a['median_s']:>8.3f}   "
            f"{b['first_s']:>8.3f} {b['median_s']:>8.3f}"
        )


def _verdicts(figures: dict[str, Any], sizes: list[int], full: bool) -> list[str]:
    missed = []
    steps = figures["sqlite"][sizes[-1]]
    flat = {
        "help_cpu_s": figures["help_cpu_s"],
        "empty_vendors_list_cpu_s": figures["empty_vendors_list_cpu_s"],
        "one_import_cpu_s": figures["one_import_cpu_s"],
        **{f"{name}.{k}": v for name, values in steps.items() for k, v in values.items()},
    }
    print(
        "\nTargets"
        + ("" if full else " (at the sizes run; the 10,000-vendor ones need a full run)")
    )
    for key, op, bound in TARGETS:
        value = flat.get(key)
        if value is None:
            continue
        ok = value <= bound if op == "<=" else value >= bound
        print(f"  {key:<38} {value:>10}  {op} {bound:<6} {'met' if ok else 'MISSED'}")
        if not ok:
            missed.append(key)
    small, large = figures["sqlite"][sizes[0]], figures["sqlite"][sizes[-1]]
    ratio = sizes[-1] / sizes[0]
    for name in small:
        growth = large[name]["cpu"] / small[name]["cpu"] if small[name]["cpu"] else 0.0
        bound = GROWTH_BOUND * ratio / 10
        ok = growth <= bound
        print(f"  growth {name:<31} {growth:>10.1f}x <= {bound:<5.1f} {'met' if ok else 'MISSED'}")
        if not ok:
            missed.append(f"growth {name}")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 vendors")
    parser.add_argument("--sizes", help="the two portfolio sizes, e.g. 20,200")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--only",
        choices=["portfolio", "reports", "hashing", "portal"],
        action="append",
        default=None,
    )
    parser.add_argument("--portal-vendors", type=int, help="vendors answering at once (50)")
    parser.add_argument("--portal-saves", type=int, help="answers each vendor saves (150)")
    parser.add_argument("--portal-files", type=int, help="files each vendor uploads (5)")
    parser.add_argument("--portal-workers", help="server worker counts to run, e.g. 1,4")
    parser.add_argument(
        "--portal-think", help="pauses between a vendor's requests in ms, e.g. 0,1000"
    )
    parser.add_argument("--dir", type=Path, help="where to build (default a temporary folder)")
    args = parser.parse_args(argv)
    sizes = (
        [int(n) for n in args.sizes.split(",")]
        if args.sizes
        else [100, 1000]
        if args.quick
        else [1000, 10000]
    )
    chosen = args.only or ["portfolio", "reports", "hashing", "portal"]
    figures: dict[str, Any] = {"sizes": sizes}
    missed: list[str] = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        if "portfolio" in chosen:
            figures |= portfolio.floors() | portfolio.startup(root)
            figures["one_import_cpu_s"] = round(portfolio.one_import(root), 3)
            backends = ["sqlite"] + (
                ["postgresql"] if os.environ.get("AUDIT_BENCH_POSTGRES_URL") else []
            )
            for backend in backends:
                pages: dict[int, Any] = {}
                figures[backend] = cycle(root, sizes, backend, pages)
                figures[f"dashboard_{backend}"] = pages
                _print_cycle(backend, sizes, figures[backend])
                _print_pages(backend, sizes, pages)
            print(
                f"\nStart-up: audit --help {figures['help_cpu_s']} s CPU, vendors list on an "
                f"empty workspace {figures['empty_vendors_list_cpu_s']} s; one questionnaire "
                f"of about 150 answers and 25 files imported in {figures['one_import_cpu_s']} s"
            )
            print(
                f"Floors: the interpreter {figures['python_cpu_s']} s; importing SQLAlchemy's ORM "
                f"and SQLModel {figures['orm_import_cpu_s']} s; importing the CLI "
                f"{figures['cli_import_cpu_s']} s; reference workload {figures['reference_cpu_s']}"
                " s (this machine's speed during the run: compare runs through it)"
            )
            missed = _verdicts(figures, sizes, sizes == [1000, 10000])
        if "portal" in chosen:
            figures["portal"] = portal.run(root, _portal_load(args), _portal_database)
            missed += portal.show(figures["portal"])
    if "reports" in chosen or "hashing" in chosen:
        print("\nIn-process ratios (the baseline does the same work on the same input):")
        for name, module in (("reports", reports), ("hashing", hashing)):
            if name in chosen:
                found = module.run(args.quick, args.seed)
                figures |= found
                for key, value in found.items():
                    print(f"  {key:<28} {value}")
    print(json.dumps(figures, sort_keys=True, default=str))
    if missed:
        print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
