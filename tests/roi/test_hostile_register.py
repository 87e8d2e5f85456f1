"""The register of information under hostile input, as property-based tests: generated values
in every field of every section, on SQLite and PostgreSQL, are imported or refused (exit 0 or
2, never an internal error) and a refusal changes nothing; the readers fed malformed bytes
refuse with a located problem or read the file, and raise nothing else."""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from audit.errors import AuditError
from audit.roi import sheets
from audit.roi.reading import Sections, read_csv, read_text, read_workbook
from audit.workspace import Workspace
from tests.conftest import EXAMPLES
from tests.test_hostile_battery import (
    BATTERY,
    FUZZ,
    _refusal_changes_nothing,
    hostile_value,
    mutated,
)

SAMPLE = EXAMPLES / "register-of-information.yaml"
DATA: dict[str, Any] = json.loads(json.dumps(yaml.safe_load(SAMPLE.read_text()), default=str))
# Every field of every section the sample fills, as (section, row, field).
FIELDS = sorted({(s, i, f) for s, rows in DATA.items() for i, row in enumerate(rows) for f in row})


@pytest.fixture
def portfolio(dcli: Callable[..., Any]) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0


@BATTERY
@given(where=st.sampled_from(FIELDS), value=hostile_value)
def test_any_value_in_any_field_is_imported_or_refused(
    dcli: Callable[..., Any],
    db_workspace: Workspace,
    portfolio: None,
    tmp_path: Path,
    where: tuple[str, int, str],
    value: Any,
) -> None:
    section, row, field = where
    data = copy.deepcopy(DATA)
    data[section][row][field] = value
    path = tmp_path / "register.json"
    try:
        path.write_text(json.dumps(data, allow_nan=True))
    except ValueError:
        return  # a number JSON cannot write
    _refusal_changes_nothing(dcli, db_workspace, "roi", "import", path)


def _only_audit_errors(read: Callable[[], object]) -> None:
    try:
        read()
    except AuditError as exc:
        assert exc.lines(), "a refusal names its problem"


SAMPLE_CSV = sheets.csv_files(DATA)["services.csv"]


@FUZZ
@given(seed=st.integers(0, 2**32), flips=st.integers(1, 12))
def test_the_csv_and_yaml_readers_survive_malformed_bytes(seed: int, flips: int) -> None:
    _only_audit_errors(
        lambda: read_csv(mutated(SAMPLE_CSV, seed, flips), "s.csv", "services", Sections())
    )
    text = mutated(SAMPLE.read_bytes(), seed, flips)
    _only_audit_errors(lambda: read_text(text, "r.yaml", 2**21, Sections()))


class Workbook(bytes):
    def __repr__(self) -> str:  # a failing example prints its seed, not kilobytes
        return f"<workbook of {len(self):,} bytes>"


WORKBOOK = Workbook(sheets.workbook(DATA))


@FUZZ
@given(seed=st.integers(0, 2**32), flips=st.integers(1, 6))
def test_the_workbook_reader_survives_malformed_bytes(
    tmp_path_factory: pytest.TempPathFactory, seed: int, flips: int
) -> None:
    path = tmp_path_factory.mktemp("wb") / "register.xlsx"
    path.write_bytes(mutated(WORKBOOK, seed, flips))
    _only_audit_errors(lambda: read_workbook(path, "register.xlsx", Sections()))


def test_a_huge_register_is_refused_by_size_and_a_large_one_is_read(
    cli: Callable[..., Any], workspace: Workspace, tmp_path: Path
) -> None:
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    config = workspace.root / "audit.toml"
    config.write_text(
        re.sub(r"register_bytes = \d+", "register_bytes = 2000000", config.read_text())
    )
    huge = tmp_path / "functions.csv"
    with huge.open("w") as out:
        out.write("id,name,entity,critical\n")
        for n in range(60_000):
            out.write(f"F-{n},{'x' * 40},529900AURMUTINS0DE19,no\n")
    refused = cli("roi", "import", huge)
    assert refused.exit_code == 2 and "the limit is 2,000,000" in refused.output
    large = tmp_path / "large" / "functions.csv"
    large.parent.mkdir()
    buffer = io.StringIO()
    buffer.write("id,name,entity,critical\n")
    for n in range(10_000):
        buffer.write(f"F-{n},Function {n},529900AURMUTINS0DE19,no\n")
    large.write_text(buffer.getvalue())
    assert cli("roi", "import", SAMPLE).exit_code == 0
    # the sample's services name functions that this file drops: refused, naming them
    dropped = cli("roi", "import", large)
    assert dropped.exit_code == 2 and "no function 'F-PAY' among the functions" in dropped.output
