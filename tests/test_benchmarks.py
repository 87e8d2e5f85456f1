"""`make bench --quick` keeps working (no timing assertions: figures are for humans)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_quick_benchmarks_run_and_report_every_figure() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    for key in (
        "ingest_ratio",
        "score_evals_per_s",
        "score_peak_mb",
        "report_ratio",
        "sign_ms",
        "hash_ratio",
        "list_scaling",
        "due_scaling",
    ):
        assert isinstance(figures[key], int | float) and figures[key] > 0, key
