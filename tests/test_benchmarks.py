"""`make bench` keeps working: the whole cycle through the CLI on tiny portfolios, and the
in-process ratios (no timing assertions: figures are for people)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_the_benchmarks_run_and_report_every_figure() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--sizes", "8,16"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    for key in ("help_cpu_s", "empty_vendors_list_cpu_s", "one_import_cpu_s", "report_ratio"):
        assert isinstance(figures[key], int | float) and figures[key] > 0, key
    steps = figures["sqlite"]["16"]
    for step in ("vendors import", "questionnaire import", "assess --all", "report portfolio"):
        assert steps[step]["cpu"] > 0 and steps[step]["peak_mb"] > 0, step
    assert "Whole cycle through the CLI on sqlite: 8 and 16 vendors" in result.stdout
    assert "In-process ratios (the baseline does the same work on the same input)" in result.stdout


def test_the_portal_benchmark_serves_vendors_and_keeps_every_answer() -> None:
    """A few vendors through `audit serve` (PostgreSQL when AUDIT_BENCH_POSTGRES_URL is set,
    else SQLite): latencies are reported and every answer sent is stored."""
    result = subprocess.run(
        [
            *(sys.executable, "-m", "benchmarks", "--only", "portal"),
            *("--portal-vendors", "3", "--portal-saves", "8", "--portal-files", "1"),
            *("--portal-workers", "1", "--portal-think", "0"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])["portal"]
    run = figures["workers"]["1"]
    said = result.stdout[-3000:]
    for request in ("save", "upload"):
        assert run[request]["p50_ms"] > 0 and run[request]["p95_ms"] > 0, said
    assert run["save"]["count"] == 3 * 8 and run["upload"]["count"] == 3, said
    assert run["answers_expected"] == run["answers_stored"] == 3 * 8, said
    assert run["answers_lost"] == 0 and run["failed"] == 0 and run["refused"] == 0, said
    assert run["files_stored"] == 3, said
    assert "Vendor portal under load through `audit serve`" in result.stdout
