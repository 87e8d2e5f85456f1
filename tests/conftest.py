"""Shared fixtures: a fresh workspace per test and the CLI through typer's runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.workspace import Workspace, builtin_root, init_workspace

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def builtin() -> Path:
    return builtin_root()


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner, workspace: Workspace) -> Callable[..., object]:
    """Run `audit --workspace WS ARGS...` and return the result."""

    def invoke(*args: str) -> object:
        return runner.invoke(app, ["--workspace", str(workspace.root), *args])

    return invoke


def copy_content(target: Path) -> Path:
    """A throw-away copy of the built-in content for tests that break it."""
    for name in ("checklists", "policies"):
        shutil.copytree(builtin_root() / name, target / name)
    return target
