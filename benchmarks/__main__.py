"""Run the benchmarks: `python -m benchmarks [--quick] [--seed N] [--only NAME]`.

Prints one table and one JSON object. Each figure is a ratio against a raw baseline measured
in the same process (or an absolute rate where the issue sets one), with its target.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from benchmarks import hashing, ingest, listing, reports, scoring

BENCHMARKS: dict[str, Callable[[bool, int], dict[str, Any]]] = {
    "ingest": ingest.run,
    "scoring": scoring.run,
    "reports": reports.run,
    "hashing": hashing.run,
    "listing": listing.run,
}
TARGETS: dict[str, tuple[str, float]] = {
    "ingest_ratio": (">=", 0.5),
    "score_evals_per_s": (">=", 1_000_000),
    "score_peak_mb": ("<=", 300),
    "report_ratio": (">=", 0.7),
    "hash_ratio": (">=", 0.8),
    "list_scaling": ("<=", 3),
    "due_scaling": ("<=", 3),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds not minutes")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {"quick": args.quick, "seed": args.seed}
    for name in args.only or BENCHMARKS:
        figures |= BENCHMARKS[name](args.quick, args.seed)
    width = max(len(k) for k in figures)
    print(f"{'figure':<{width}}  {'value':>14}  target")
    failed = []
    for key, value in figures.items():
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            op, bound = target
            ok = value >= bound if op == ">=" else value <= bound
            verdict = f"{op} {bound}  {'met' if ok else 'MISSED'}"
            if not ok:
                failed.append(key)
        print(f"{key:<{width}}  {value!s:>14}  {verdict}")
    print(json.dumps(figures, sort_keys=True))
    if failed and not args.quick:
        print(f"targets missed: {', '.join(failed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
