"""The register of information's own facts: every file shape reads back to the same register,
and a broken file is refused whole, with every problem named where a person can fix it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from audit.errors import ContentError, InputError
from audit.roi import sheets
from audit.services import import_vendors
from audit.services.roi import current_register, import_register, revisions
from audit.workspace import Workspace
from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "register-of-information.yaml"


def sample() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SAMPLE.read_text())
    return json.loads(json.dumps(data, default=str))  # dates as the text the files carry


@pytest.fixture
def filed(db_workspace: Workspace) -> Workspace:
    import_vendors(db_workspace, EXAMPLES / "vendors.yaml")
    result = import_register(db_workspace, [SAMPLE], by="test")
    assert result.revision == 1
    return db_workspace


def _messages(exc: pytest.ExceptionInfo[ContentError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_the_sample_register_is_stored_as_given(filed: Workspace) -> None:
    register = current_register(filed)
    assert register.data == {k: v for k, v in sample().items() if v}
    assert [len(register.rows(s)) for s in ("entities", "functions", "supply_chain")] == [2, 8, 5]
    (revision,) = revisions(filed)
    assert "register-of-information.yaml by test" in revision.source
    assert "functions: 0 -> 8 rows" in revision.changed


@pytest.mark.parametrize("shape", ["register.xlsx", "register.json", "register.yaml", "csv"])
def test_every_shape_reads_back_to_the_same_register(
    filed: Workspace, tmp_path: Path, shape: str
) -> None:
    data = current_register(filed).data
    if shape == "csv":
        folder = tmp_path / "csv"
        folder.mkdir()
        for name, content in sheets.csv_files(data).items():
            (folder / name).write_bytes(content)
        files = sorted(folder.iterdir())
    else:
        path = tmp_path / shape
        if shape.endswith(".xlsx"):
            path.write_bytes(sheets.workbook(data))
        else:
            path.write_bytes(sheets.text(data, path.suffix.lstrip(".")))
        files = [path]
    result = import_register(filed, files)
    assert result.replaced == {}, "the same facts made a new revision"
    assert current_register(filed).revision == 1


def test_a_blank_workbook_is_the_form_to_fill_in(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    path.write_bytes(sheets.workbook({}))
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["Instructions", "Lists", "entities"]
    entities = book["entities"]
    assert [c.value for c in entities[1]][:4] == ["lei", "name", "country", "type"]
    assert entities["A1"].font.b  # required fields are in bold
    assert any(
        "insurance_undertaking" in str(v.formula1) or v.formula1.startswith("'Lists'")
        for v in entities.data_validations.dataValidation
    )


def test_a_section_given_alone_replaces_only_that_section(filed: Workspace, tmp_path: Path) -> None:
    functions = tmp_path / "functions.csv"
    functions.write_text(
        "id,name,entity,critical,rto_hours\n"
        "F-PAY,Payroll,529900AURMUTINS0DE19,no,48\n"
        "F-PAY,Payroll,529900AURLEBEN00DE90,no,48\n"
        "F-HRB,Benefits,529900AURMUTINS0DE19,no,\n"
        "F-HRB,Benefits,529900AURLEBEN00DE90,no,\n"
        "F-CUS,Customer service,529900AURMUTINS0DE19,yes,4\n"
        "F-CLM,Claims,529900AURMUTINS0DE19,yes,8\n"
        "F-ITO,IT operations,529900AURMUTINS0DE19,yes,4\n"
        "F-ACT,Reserving,529900AURMUTINS0DE19,yes,120\n"
    )
    result = import_register(filed, [functions])
    assert result.replaced == {"functions": (8, 8)}
    register = current_register(filed)
    assert register.revision == 2
    assert register.rows("functions")[0] == {
        "id": "F-PAY",
        "name": "Payroll",
        "entity": "529900AURMUTINS0DE19",
        "critical": "no",
        "rto_hours": 48,
    }
    assert len(register.rows("providers")) == 12  # untouched


def test_a_broken_register_is_refused_whole_with_every_problem(
    filed: Workspace, tmp_path: Path
) -> None:
    data = sample()
    data["entities"][1]["lei"] = "529900AURLEBEN00DE91"  # a mistyped check digit
    data["entities"][0]["currency"] = "EUX"
    data["providers"][0]["headquarters"] = "ZZ"
    data["arrangements"][0]["end"] = "2020-01-01"
    data["arrangements"][0]["start"] = "2023-01-15"
    data["arrangements"][1]["provider"] = "no-such-vendor"
    data["arrangements"].append(dict(data["arrangements"][2]))  # its reference twice
    data["services"][0]["functions"] = ["F-NONE"]
    data["services"][1]["type"] = "S20"
    data["supply_chain"][0]["rank"] = 3
    data["functions"][0]["assessed"] = "2025-02-30"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(ContentError) as refused:
        import_register(filed, [path])
    messages = "\n".join(_messages(refused))
    for expected in (
        "entities[1].lei: 529900AURLEBEN00DE91 fails its ISO 17442 check digits",
        "entities[0].currency: 'EUX' is not an ISO 4217 currency code",
        "providers[meridian-payroll].headquarters: 'ZZ' is not an ISO 3166 country code",
        "arrangements[0].end: the arrangement ends before it starts",
        "arrangements[1].provider: no vendor 'no-such-vendor'; add the vendor first",
        "arrangements[6].reference: reference AMI-ICT-2024-002 is given twice (first at",
        "services[0].functions: no function 'F-NONE' among the functions",
        "functions[F-PAY].entity: no entity '529900AURLEBEN00DE90' among the entities",
        "services[1].type: 'S20' is not an EBA ICT service type: S01 to S19",
        "supply_chain[0].rank: delivers to 'meridian-payroll' of rank 1, so its rank is 2",
        "functions[F-PAY].assessed: '2025-02-30' is not a date",
    ):
        assert expected in messages, expected
    assert all(m.split("/")[-1].startswith("broken.yaml:") for m in _messages(refused))
    # a field's own line, not its row's
    line = path.read_text().splitlines().index("  assessed: '2025-02-30'") + 1
    assert f"broken.yaml:{line}: functions[F-PAY].assessed: '2025-02-30' is not a date" in messages
    assert current_register(filed).revision == 1  # nothing was kept


def test_a_workbook_names_the_cell_to_change(filed: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(sheets.workbook(current_register(filed).data))
    book = load_workbook(path)
    providers = book["providers"]
    header = [c.value for c in providers[1]]
    providers.cell(2, header.index("lei") + 1, "335800MERIDPAYR01N59")
    book["services"]["B3"] = "S99"
    book.create_sheet("Notes")
    book.save(path)
    with pytest.raises(ContentError) as refused:
        import_register(filed, [path])
    assert [m.split("/")[-1] for m in _messages(refused)] == [
        "register.xlsx!Notes: 'Notes' is not a section of the register; name it after one of: "
        "entities, branches, functions, providers, arrangements, services, supply_chain, "
        "definitions",
    ]
    del book["Notes"]
    book.save(path)
    with pytest.raises(ContentError) as refused:
        import_register(filed, [path])
    messages = [m.split("/")[-1] for m in _messages(refused)]
    lei = f"register.xlsx!providers!{chr(ord('A') + header.index('lei'))}2"
    assert any(
        m.startswith(f"{lei}: providers[meridian-payroll].lei: 335800MERIDPAYR01N59 fails")
        for m in messages
    )
    assert any(m.startswith("register.xlsx!services!B3: services[1].type: 'S99'") for m in messages)


def test_files_that_are_not_a_register_are_refused(filed: Workspace, tmp_path: Path) -> None:
    fake = tmp_path / "register.xlsx"
    fake.write_bytes(b"PK not really a zip")
    unknown = tmp_path / "contracts.csv"
    unknown.write_text("reference\nX-1\n")
    odd = tmp_path / "functions.csv"
    odd.write_text("id,name,entity,critical,colour\nF-1,Payroll,529900AURMUTINS0DE19,no,red\n")
    twice = tmp_path / "again.yaml"
    twice.write_text("functions: []\n")
    with pytest.raises(ContentError) as refused:
        import_register(filed, [fake, unknown, odd])
    messages = "\n".join(_messages(refused))
    assert "register.xlsx: not a workbook (.xlsx): the file is not a zip archive" in messages
    assert "contracts.csv: 'contracts' is not a section of the register" in messages
    assert "functions.csv:1: unknown column(s) 'colour'; the columns of functions are:" in messages
    with pytest.raises(ContentError) as refused:
        import_register(filed, [SAMPLE, twice])
    assert "again.yaml: functions is also given by" in "\n".join(_messages(refused))
    with pytest.raises(InputError):
        import_register(filed, [])
    assert current_register(filed).revision == 1


def test_the_cli_imports_shows_and_exports(cli: Any, workspace: Workspace, tmp_path: Path) -> None:
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    shown = cli("roi", "show")
    assert "no register of information yet" in shown.output
    result = cli("roi", "import", SAMPLE)
    assert result.exit_code == 0, result.output
    assert "providers: 0 -> 12 rows" in result.output
    assert "revision 1" in cli("roi", "show").output
    out = tmp_path / "r.xlsx"
    assert cli("roi", "export", "-o", out).exit_code == 0
    again = cli("roi", "import", out)
    assert "nothing changed: the register stays at revision 1" in again.output
    assert cli("roi", "export", "-o", tmp_path / "r.txt").exit_code == 2
    assert "#1 " in cli("roi", "show", "--revisions").output
    shown = cli("vendors", "show", "harbourline-contact").output
    assert "register of information: LEI 549300HARBLINEPT0106, headquarters PT" in shown
    assert "arrangement AMI-ICT-2022-004 (standalone): S19 for F-CUS" in shown


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    data = sample()
    data["providers"][1]["name"] = '=HYPERLINK("https://evil.example","Meridian")'
    path = tmp_path / "register.xlsx"
    path.write_bytes(sheets.workbook(data))
    book = load_workbook(path)
    assert not [c for s in book.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"]
    assert book["providers"]["B3"].value == data["providers"][1]["name"]
