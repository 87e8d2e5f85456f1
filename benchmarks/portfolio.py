"""A quarter of a compliance team's work, run through the CLI as a user runs it, on generated
portfolios shaped like the sample one.

Each vendor is a copy of one of the eight sample vendors (so scopes, tiers and question counts
are the real ones), onboarded long enough ago to be due. The scheduler issues the questionnaires
(YAML, so that the harness can fill them); the harness answers each from its sample vendor's
cycle-1 answers, comments, cited files and declared evidence, with evidence files whose bytes
differ per vendor; then every step below runs as its own `audit` process, timed by the kernel:
CPU (user + system) and peak memory of that process, and its wall time.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "examples" / "portfolio"
ISSUED = dt.date(2025, 11, 3)
ASSESSED = dt.date(2025, 12, 15)
QUARTER = ASSESSED + dt.timedelta(days=90)
FILER = "529900AURMUTINS0DE19"  # the sample register's filing entity
AUDIT = [sys.executable, "-m", "audit"]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the harness reads 10,000 files


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    cpu: float
    wall: float
    peak_mb: float
    code: int


# A small process that starts the step and reports its rusage: a child forked from the harness
# itself (which holds the generated portfolio) would start with the harness's pages resident,
# and the kernel's peak memory of the step would include them.
_LAUNCHER = """
import json, os, subprocess, sys, time
command = json.loads(sys.stdin.read())
started = time.perf_counter()
process = subprocess.Popen(
    command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
)
error = process.stderr.read()
_, status, usage = os.wait4(process.pid, 0)
print(json.dumps({
    "code": os.waitstatus_to_exitcode(status),
    "cpu": usage.ru_utime + usage.ru_stime,
    "wall": time.perf_counter() - started,
    "maxrss_kb": usage.ru_maxrss,
    "error": error[-2000:].decode(errors="replace"),
}))
"""


def run(args: list[str], workspace: Path | None = None, env: dict[str, str] | None = None) -> Step:
    """One `audit` process: its CPU and peak memory from the kernel (wait4, in a small launcher
    process), and its wall time."""
    command = [*AUDIT, *(["--workspace", str(workspace)] if workspace else []), *args]
    return _launch(args[0], command, workspace, env)


def _launch(
    name: str, command: list[str], workspace: Path | None, env: dict[str, str] | None = None
) -> Step:
    launched = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", _LAUNCHER],
        input=json.dumps(command),  # the command on stdin: one argument holds at most 128 KiB
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "120", **(env or {})},
        cwd=workspace or REPO,
    )
    figures = json.loads(launched.stdout)
    if figures["code"] not in (0, 1):
        raise RuntimeError(
            f"`{' '.join(command[:6])}` failed ({figures['code']}): {figures['error']}"
        )
    return Step(name, figures["cpu"], figures["wall"], figures["maxrss_kb"] / 1024, figures["code"])


# What no command goes below, measured the same way: the interpreter; the libraries every
# database command needs (the ORM and its validation layer); the CLI's own modules; and a fixed
# pure-Python workload that says how fast this machine was during the run, so that figures
# taken on different days compare through it.
FLOORS = (
    ("python_cpu_s", "pass"),
    ("orm_import_cpu_s", "import sqlalchemy.orm, sqlmodel"),
    ("cli_import_cpu_s", "import audit.cli"),
    (
        "reference_cpu_s",
        "import hashlib, json\n"
        "rows = [json.dumps({'n': n, 'text': str(n) * 20}) for n in range(300_000)]\n"
        "hashlib.sha256(''.join(sorted(rows)).encode()).hexdigest()",
    ),
)


def floors(repeat: int = 5) -> dict[str, float]:
    """Median CPU of each floor in FLOORS."""
    figures = {}
    for label, code in FLOORS:
        samples = sorted(
            _launch(label, [sys.executable, "-c", code], None).cpu for _ in range(repeat)
        )
        figures[label] = round(samples[len(samples) // 2], 3)
    return figures


def _vendors(count: int) -> list[dict[str, Any]]:
    samples = yaml.safe_load((SAMPLES / "vendors.yaml").read_text())["vendors"]
    vendors = []
    for i in range(count):
        vendor = copy.deepcopy(samples[i % len(samples)])
        vendor["sample"] = vendor["id"]
        vendor["id"] = f"{vendor['id']}-{i:05d}"
        vendor["name"] = f"{vendor['name']} {i}"
        vendor["onboarded"] = "2020-01-06"  # due at the first quarter whatever the tier
        vendors.append(vendor)
    return vendors


def _register(vendors: list[dict[str, Any]]) -> dict[str, Any]:
    """The sample register of information grown with the portfolio: each vendor gets its
    sample's provider row, arrangement, services and subcontractors under ids of its own, and
    a generated LEI with valid check digits."""
    from audit.identifiers import lei_check_digits

    sample = yaml.safe_load((SAMPLES / "register-of-information.yaml").read_text())
    sample = json.loads(json.dumps(sample, default=str))
    providers = {p["id"]: p for p in sample["providers"]}
    register: dict[str, Any] = {
        "entities": sample["entities"],
        "functions": sample["functions"],
        **{k: [] for k in ("providers", "arrangements", "services", "supply_chain")},
    }
    serial = iter(range(10**9))

    def lei() -> str:
        prefix = f"5299{next(serial):014d}"
        return prefix + lei_check_digits(prefix)

    for index, vendor in enumerate(vendors):
        source = vendor["sample"]
        for arrangement in (a for a in sample["arrangements"] if a["provider"] == source):
            reference = f"{arrangement['reference']}-{index:05d}"
            renamed = {source: vendor["id"]}
            for link in sample["supply_chain"]:
                if link["arrangement"] == arrangement["reference"]:
                    renamed.setdefault(link["provider"], f"{link['provider']}-{index:05d}")
            for old, new in renamed.items():
                row = dict(providers[old], id=new, lei=lei())
                row.pop("ultimate_parent", None)
                if old != source:
                    row["name"] = f"{row['name']} {index}"
                register["providers"].append(row)
            register["arrangements"].append(
                dict(arrangement, reference=reference, provider=vendor["id"])
            )
            register["services"] += [
                dict(s, arrangement=reference)
                for s in sample["services"]
                if s["arrangement"] == arrangement["reference"]
            ]
            register["supply_chain"] += [
                dict(link, arrangement=reference, provider=renamed[link["provider"]])
                for link in sample["supply_chain"]
                if link["arrangement"] == arrangement["reference"]
            ]
    return register


def _fill(issued: Path, sample: dict[str, Any], inbox: Path, vendor_id: str) -> None:
    """Answer an issued questionnaire as the sample vendor answered it, with its own files."""
    data = yaml.load(issued.read_text(), Loader=_LOADER)  # noqa: S506 - a safe loader
    sample_answers = sample.get("answers") or {}
    for control_id, entry in data["answers"].items():
        given = sample_answers.get(control_id) or {}
        for key in ("answer", "comment", "evidence"):
            if given.get(key) is not None:
                entry[key] = given[key]
    data["evidence"] = [
        {k: str(v) if k != "file" else v for k, v in item.items()}
        for item in sample.get("evidence") or ()
        if item["kind"] in data["evidence_kinds"]
    ]
    listed = {item["file"] for item in data["evidence"]}
    for entry in data["answers"].values():
        entry["evidence"] = [n for n in entry.get("evidence") or () if n in listed]
    data["status"] = "final"
    folder = inbox / vendor_id
    folder.mkdir(parents=True)
    for name in listed:
        original = (SAMPLES / "cycle-1" / name).read_bytes()
        (folder / name).write_bytes(original + f"\nCopy held by {vendor_id}.\n".encode())
    (folder / issued.name).write_text(json.dumps(data))  # JSON is YAML: the reader takes both


def build(root: Path, count: int) -> tuple[Path, dict[str, Step]]:
    """A workspace with `count` vendors through a whole cycle; the timed steps by name."""
    workspace = root / f"portfolio-{count}"
    if workspace.exists():
        shutil.rmtree(workspace)
    run(["init", str(workspace), "--organisation", "Benchmark Mutual"])
    config = workspace / "audit.toml"
    config.write_text(config.read_text().replace('format = "xlsx"', 'format = "yaml"'))
    vendors = _vendors(count)
    register = root / f"vendors-{count}.yaml"
    register.write_text(
        yaml.safe_dump(
            {"vendors": [{k: v for k, v in vendor.items() if k != "sample"} for vendor in vendors]},
            sort_keys=False,
        )
    )
    steps: dict[str, Step] = {}
    steps["vendors import"] = run(["vendors", "import", str(register)], workspace)
    steps["scheduler (issues)"] = run(["scheduler", "--once", "--as-of", str(ISSUED)], workspace)
    inbox = root / f"inbox-{count}"
    if inbox.exists():
        shutil.rmtree(inbox)
    samples: dict[str, dict[str, Any]] = {}
    for vendor in vendors:
        sample_id = vendor["sample"]
        if sample_id not in samples:
            path = SAMPLES / "cycle-1" / f"Q-{sample_id}-20251103.yaml"
            samples[sample_id] = yaml.safe_load(path.read_text())
        issued = workspace / "questionnaires" / f"Q-{vendor['id']}-{ISSUED:%Y%m%d}.yaml"
        _fill(issued, samples[sample_id], inbox, vendor["id"])
    folders = sorted(p for p in inbox.iterdir())
    steps["questionnaire import"] = run(
        ["questionnaire", "import", *map(str, folders), "--allow-unanswered"], workspace
    )
    steps["assess --all"] = run(["assess", "--all", "--as-of", str(ASSESSED)], workspace)
    steps["report portfolio"] = run(
        ["report", "portfolio", "-o", str(root / f"portfolio-{count}.pdf")], workspace
    )
    steps["due"] = run(["due", "--as-of", str(ASSESSED)], workspace)
    steps["findings list --status open"] = run(["findings", "list", "--status", "open"], workspace)
    steps["vendors list"] = run(["vendors", "list"], workspace)
    steps["evidence list"] = run(["evidence", "list"], workspace)
    roi = root / f"register-of-information-{count}.yaml"
    roi.write_text(yaml.safe_dump(_register(vendors), sort_keys=False, allow_unicode=True))
    steps["roi import"] = run(["roi", "import", str(roi)], workspace)
    filed = root / f"dora-roi-{count}"
    steps["export dora-roi"] = run(
        [
            *("export", "dora-roi", "--entity", FILER),
            *("--reference-date", "2025-12-31"),
            *("-o", str(filed)),
        ],
        workspace,
    )
    if steps["export dora-roi"].code != 0:
        raise RuntimeError(f"the register of {count} vendors does not pass its check")
    steps["scheduler (quarter)"] = run(["scheduler", "--once", "--as-of", str(QUARTER)], workspace)
    steps["scheduler (idle)"] = run(["scheduler", "--once", "--as-of", str(QUARTER)], workspace)
    return workspace, steps


def startup(root: Path, repeat: int = 5) -> dict[str, float]:
    """Median CPU of `audit --help` and of `audit vendors list` on an empty workspace."""
    empty = root / "empty"
    if not empty.exists():
        run(["init", str(empty)])
    figures = {}
    for label, args, where in (
        ("help_cpu_s", ["--help"], None),
        ("empty_vendors_list_cpu_s", ["vendors", "list"], empty),
    ):
        samples = sorted(run(args, where).cpu for _ in range(repeat))
        figures[label] = round(samples[len(samples) // 2], 3)
    return figures


def one_import(root: Path) -> float:
    """CPU of importing one questionnaire (about 150 answers and 25 evidence files)."""
    workspace = root / "one"
    if workspace.exists():
        shutil.rmtree(workspace)
    run(["init", str(workspace)])
    vendor = _vendors(4)[3]  # a harbourline-like vendor: the largest scope of the samples
    register = root / "one.yaml"
    register.write_text(
        yaml.safe_dump({"vendors": [{k: v for k, v in vendor.items() if k != "sample"}]})
    )
    run(["vendors", "import", str(register)], workspace)
    issued = workspace / "q.yaml"
    run(
        ["questionnaire", "issue", vendor["id"], "-o", str(issued), "--issued", str(ISSUED)],
        workspace,
    )
    sample = yaml.safe_load(
        (SAMPLES / "cycle-1" / f"Q-{vendor['sample']}-20251103.yaml").read_text()
    )
    inbox = root / "one-inbox"
    if inbox.exists():
        shutil.rmtree(inbox)
    _fill(issued, sample, inbox, vendor["id"])
    (filled,) = (inbox / vendor["id"]).glob("q.yaml")
    return run(["questionnaire", "import", str(filled), "--allow-unanswered"], workspace).cpu
