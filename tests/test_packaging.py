"""The built-in content ships inside the wheel: a non-editable install can `audit init`."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("vendor_audit-*.whl")
    return built


def test_wheel_carries_content_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "audit/_builtin/policies/default.yaml" in names
    assert "audit/_builtin/checklists/security.yaml" in names
    assert "audit/_builtin/checklists/frameworks/gdpr.yaml" in names
    assert "audit/content/schemas/checklist.schema.json" in names
    assert "audit/_builtin/examples/portfolio/vendors.yaml" in names
    assert "audit/store/migrations/versions/0001_register.py" in names


def test_installed_wheel_inits_a_workspace_outside_the_repo(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = "import audit, sys; print(audit.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(target))
    workspace = tmp_path / "ws"
    for args in (
        ["init", str(workspace)],
        ["--workspace", str(workspace), "checklists", "validate"],
    ):
        run = subprocess.run(
            [sys.executable, "-m", "audit", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stdout + run.stderr
    assert (workspace / "checklists" / "frameworks" / "dora.yaml").is_file()


def test_services_name_every_function_they_export() -> None:
    import audit.services as services

    assert sorted(services.__all__) == sorted(services._WHERE)
    for name in services.__all__:
        assert callable(getattr(services, name)), name
