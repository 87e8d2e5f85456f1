"""The DORA register of information's report package: the sample insurer's package has the
layout, names and headers of the EBA's DORA 4.0 taxonomy and passes the check; broken registers
and tampered packages are caught, each by the rule a supervisor's validator applies."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from audit.exports.dora_check import Breach, check_package
from audit.exports.dora_package import read_package, write_package
from audit.exports.dora_roi import build_tables
from audit.exports.dora_tables import Filing
from audit.organisation import Money
from audit.register import read_vendor_file
from tests.conftest import EXAMPLES

ENTITY = "529900AURMUTINS0DE19"
MADE = dt.datetime(2026, 1, 20, 9, 30, 5, 123000, tzinfo=dt.UTC)
FILING = Filing(ENTITY, dt.date(2025, 12, 31), MADE)
AUDITED = dt.date(2025, 12, 15)
NAME = "529900AURMUTINS0DE19.IND_DE_DORA010100_DORA_2025-12-31_20260120093005123"

# The header of every table file, as the taxonomy's tab/b_XX.YY/b_XX.YY.json defines its columns
# (written out here, not taken from the code under test).
HEADERS = {
    "b_01.01.csv": "c0010,c0020,c0030,c0040,c0050,c0060",
    "b_01.02.csv": "c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110",
    "b_02.01.csv": "c0010,c0020,c0030,c0040,c0050",
    "b_02.02.csv": "c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110,c0120,"
    "c0130,c0140,c0150,c0160,c0170,c0180",
    "b_03.01.csv": "c0010,c0020,c0030",
    "b_03.02.csv": "c0010,c0020,c0030",
    "b_04.01.csv": "c0010,c0020,c0030,c0040",
    "b_05.01.csv": "c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110,c0120",
    "b_05.02.csv": "c0010,c0020,c0030,c0040,c0050,c0060,c0070",
    "b_06.01.csv": "c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100",
    "b_07.01.csv": "c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110,c0120",
    "b_99.01.csv": ",".join(f"c{n:04d}" for n in range(10, 200, 10)),
}
EMPTY = {"b_01.03.csv": "B_01.03", "b_02.03.csv": "B_02.03", "b_03.03.csv": "B_03.03"}


def sample_register() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "register-of-information.yaml").read_text())
    return json.loads(json.dumps(data, default=str))


VENDORS = {
    v.id: v for v in read_vendor_file(EXAMPLES / "vendors.yaml", "vendors.yaml", max_bytes=2**21)
}


def package(register: dict[str, Any] | None = None) -> tuple[str, bytes, dict[str, list[str]]]:
    tables = build_tables(
        sample_register() if register is None else register,
        VENDORS,
        FILING,
        dict.fromkeys(VENDORS, AUDITED),
        Money(),
    )
    name, data = write_package(tables, FILING, "DE")
    return name, data, tables.origins


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def rezip(data: bytes, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, content in change(members(data)).items():
            archive.writestr(path, content)
    return out.getvalue()


def edit_csv(files: dict[str, bytes], table: str, old: str, new: str) -> dict[str, bytes]:
    path = f"{NAME}/reports/{table}"
    assert old in files[path].decode(), old
    return files | {path: files[path].decode().replace(old, new, 1).encode()}


def breaches(data: bytes, name: str = f"{NAME}.zip") -> list[Breach]:
    return check_package(read_package(name, data))


def rules(found: list[Breach]) -> set[str]:
    return {b.rule for b in found}


def test_the_sample_package_has_the_eba_layout_and_passes_the_check() -> None:
    name, data, origins = package()
    assert name == f"{NAME}.zip"
    assert re.fullmatch(
        r"[A-Z0-9]{18}[0-9]{2}\.(IND|CON)_[A-Z]{2}_DORA010100_DORA_\d{4}-\d{2}-\d{2}_\d{17}\.zip",
        name,
    )
    files = members(data)
    assert sorted(files) == sorted(
        [
            f"{NAME}/META-INF/reportPackage.json",
            f"{NAME}/reports/report.json",
            f"{NAME}/reports/parameters.csv",
            f"{NAME}/reports/FilingIndicators.csv",
            *(f"{NAME}/reports/{table}" for table in HEADERS),
        ]
    )
    assert json.loads(files[f"{NAME}/META-INF/reportPackage.json"]) == {
        "documentInfo": {"documentType": "https://xbrl.org/report-package/2023"}
    }
    assert json.loads(files[f"{NAME}/reports/report.json"]) == {
        "documentInfo": {
            "documentType": "https://xbrl.org/2021/xbrl-csv",
            "extends": ["http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json"],
        }
    }
    assert files[f"{NAME}/reports/parameters.csv"] == (
        b"name,value\r\nentityID,rs:529900AURMUTINS0DE19.IND\r\nrefPeriod,2025-12-31\r\n"
        b"baseCurrency,iso4217:EUR\r\ndecimalsInteger,0\r\ndecimalsMonetary,-3\r\n"
    )
    indicators = files[f"{NAME}/reports/FilingIndicators.csv"].decode().split("\r\n")
    assert indicators[0] == "templateID,reported"
    assert len(indicators) == 17 and indicators[-1] == ""
    for table, header in HEADERS.items():
        text = files[f"{NAME}/reports/{table}"].decode("utf-8")
        assert text.split("\r\n", 1)[0] == header, table
        assert f"{table[:-4].upper()},true" in indicators
        assert not text.startswith("\ufeff")
    for table, template in EMPTY.items():  # nothing to report: false, and no file
        assert f"{template},false" in indicators
        assert f"{NAME}/reports/{table}" not in files
    assert check_package(read_package(name, data), origins) == []


def test_the_sample_package_reports_what_the_register_says() -> None:
    _, data, _ = package()
    files = members(data)

    def rows(table: str) -> list[list[str]]:
        return [
            line.split(",")
            for line in files[f"{NAME}/reports/{table}"].decode().split("\r\n")[1:-1]
        ]

    (filer,) = rows("b_01.01.csv")
    assert filer == [
        ENTITY,
        "Aurora Mutual Insurance VVaG",
        "eba_GA:DE",
        "eba_CT:x309",
        "BaFin",
        "2026-01-20",
    ]
    arrangements = {r[0]: r for r in rows("b_02.01.csv")}
    # the vendor's contract value, when the register gives none for its only arrangement
    assert arrangements["AMI-ICT-2022-004"] == [
        "AMI-ICT-2022-004",
        "eba_CO:x1",
        "",
        "eba_CU:EUR",
        "2300000",
    ]
    archiva = [r for r in rows("b_02.02.csv") if r[0] == "AMI-ICT-2021-007"]
    assert archiva[0][6:8] == ["2021-09-01", "9999-12-31"]  # no end: open
    nordlys = [r for r in rows("b_02.02.csv") if r[5] == "eba_TA:S14"]
    assert {(r[12], r[14], r[15]) for r in nordlys} == {
        ("eba_GA:PL", "eba_GA:qx2007", "eba_GA:PL"),  # stores no data: storage not applicable
        ("eba_GA:EE", "eba_GA:qx2007", "eba_GA:EE"),
    }
    chain = [r for r in rows("b_05.02.csv") if r[0] == "AMI-ICT-2023-001"]
    assert [(r[2], r[4], r[5]) for r in chain] == [
        ("335800MERIDPAYR01N58", "1", "335800MERIDPAYR01N58"),
        ("254900CLOUDHSTAS0163", "2", "335800MERIDPAYR01N58"),
    ]
    providers = {r[0]: r for r in rows("b_05.01.csv")}
    assert providers["335800MERIDPAYR01N58"][10] == "9845002MERIDHLDG0188"  # ultimate parent
    assert "9845002MERIDHLDG0188" in providers  # which has its own row (R18)
    quantia = providers["U72900KA2015PTC081234"]
    assert quantia[1] == "eba_qCO:qx2003"  # no LEI or EUID: its company registration number
    assessed = {(r[0], r[3]): r for r in rows("b_07.01.csv")}
    assert set(assessed) == {  # only services supporting a critical or important function
        ("AMI-ICT-2022-004", "eba_TA:S19"),
        ("AMI-ICT-2024-002", "eba_TA:S14"),
        ("AMI-ICT-2024-002", "eba_TA:S04"),
        ("AMI-ICT-2021-007", "eba_TA:S07"),
        ("AMI-ICT-2023-011", "eba_TA:S06"),
    }
    assert assessed[("AMI-ICT-2021-007", "eba_TA:S07")][6] == "2025-12-15"  # the last audit


def test_an_arrangement_ended_before_the_year_is_left_out_and_amounts_are_converted() -> None:
    register = sample_register()
    register["arrangements"][0] |= {"end": "2024-06-30", "ended_because": "expired"}
    register["arrangements"][1] |= {"annual_expense": 100000, "currency": "GBP"}
    tables = build_tables(
        register, VENDORS, FILING, {}, Money("EUR", {"GBP": 1.17}, dt.date(2025, 12, 31))
    )
    references = [r["c0010"] for r in tables.rows["B_02.01"]]
    assert "AMI-ICT-2023-001" not in references
    harbourline = next(r for r in tables.rows["B_02.01"] if r["c0010"] == "AMI-ICT-2022-004")
    assert (harbourline["c0040"], harbourline["c0050"]) == ("eba_CU:EUR", "117000")


@pytest.mark.parametrize(
    ("change", "rule", "says"),
    [
        (  # a provider the register identifies by nothing
            lambda r: r["providers"].pop(0),
            "805",
            "b_03.02.csv row 1 c0020 provider code (arrangement AMI-ICT-2023-001, provider "
            "meridian-payroll): a key column is empty",
        ),
        (  # a subsequent arrangement that does not name its overarching one
            lambda r: r["arrangements"][2].update(type="subsequent"),
            "v22912_m",
            "b_02.01.csv row 3 c0030 overarching reference (arrangement AMI-ICT-2024-002)",
        ),
        (  # a critical function without the date of its assessment
            lambda r: r["functions"][4].pop("assessed"),
            "EBA mandatory",
            "b_06.01.csv row 5 c0070 date of the last criticality assessment (function F-CUS)",
        ),
        (  # a service used by an entity whose own function it is not
            lambda r: r["services"][2].update(used_by=["529900AURLEBEN00DE90"]),
            "R7",
            "F-ITO, 529900AURLEBEN00DE90 not in B_06.01",
        ),
        (  # hard to substitute, and no reason given
            lambda r: r["services"][2].pop("not_substitutable_because"),
            "v8825_m",
            "reason it is hard to substitute",
        ),
        (  # a service that stores data, with no storage location
            lambda r: r["services"][1].pop("storage_countries"),
            "805",
            "c0150 location of data at rest",
        ),
        (  # a financial entity's total assets left out
            lambda r: r["entities"][1].pop("total_assets"),
            "v8804_m",
            "b_01.02.csv row 2 c0110 total assets (entity 529900AURLEBEN00DE90)",
        ),
        (  # a legal name in another script, with no Latin-alphabet name
            lambda r: r["providers"][2].update(name="云主机亚洲有限公司"),
            "ITS B_05.01",
            "c0060 name in Latin alphabet (provider cloudhost-asia): not in the Latin alphabet",
        ),
    ],
)
def test_a_broken_register_breaks_the_rule_a_validator_applies(
    change: Callable[[dict[str, Any]], Any], rule: str, says: str
) -> None:
    register = copy.deepcopy(sample_register())
    change(register)
    name, data, origins = package(register)
    found = check_package(read_package(name, data), origins)
    assert rule in rules(found), found
    assert any(says in str(b) for b in found), "\n".join(map(str, found))


def test_without_an_assessment_the_last_audit_is_missing() -> None:
    tables = build_tables(sample_register(), VENDORS, FILING, {}, Money())
    name, data = write_package(tables, FILING, "DE")
    found = check_package(read_package(name, data), tables.origins)
    assert {str(b).split(" (")[0] for b in found} == {
        f"b_07.01.csv row {n} c0070 date of the last audit" for n in range(1, 6)
    }


@pytest.mark.parametrize(
    ("tamper", "rule"),
    [
        (
            lambda f: edit_csv(f, "b_05.01.csv", "335800MERIDPAYR01N58", "335800MERIDPAYR01N57"),
            "LEI",
        ),
        (lambda f: edit_csv(f, "b_01.01.csv", ENTITY, "529900AURMUTINS0DE1"), "LEI"),
        (lambda f: edit_csv(f, "b_02.01.csv", "eba_CO:x1", "eba_CO:x9"), "503"),
        (lambda f: edit_csv(f, "b_02.02.csv", "eba_GA:IN", "eba_GA:XX"), "503"),
        (lambda f: edit_csv(f, "b_02.02.csv", "2028-01-14", "2020-01-14"), "date order"),
        (lambda f: edit_csv(f, "b_02.02.csv", "2023-01-15", "2023-02-30"), "330"),
        (lambda f: edit_csv(f, "b_06.01.csv", ",72,", ",72h,"), "331"),
        (lambda f: edit_csv(f, "b_02.01.csv", "2300000", "2.300.000"), "305"),
        (
            lambda f: edit_csv(
                f,
                "b_03.02.csv",
                "\r\n",
                "\r\nAMI-ICT-2022-004,549300HARBLINEPT0106,eba_qCO:qx2000\r\n",
            ),
            "806",
        ),
        (
            lambda f: edit_csv(f, "b_05.01.csv", "254900CLOUDHSTAS0163,", "529900AURLEBEN00DE90,"),
            "R20",
        ),
        (lambda f: edit_csv(f, "b_02.02.csv", "c0010,c0020", "c0010,c0021"), "801"),
        (
            lambda f: edit_csv(
                f, "parameters.csv", "rs:529900AURMUTINS0DE19.IND", "rs:529900AURLEBEN00DE90.IND"
            ),
            "714",
        ),
        (lambda f: edit_csv(f, "FilingIndicators.csv", "B_01.03,false", "B_01.03,true"), "808"),
        (lambda f: edit_csv(f, "FilingIndicators.csv", "B_99.01,true\r\n", ""), "705"),
        (lambda f: f | {f"{NAME}/reports/b_01.03.csv": b"c0010,c0020,c0030,c0040\r\n"}, "808"),
        (lambda f: f | {f"{NAME}/reports/notes.txt": b"draft"}, "720"),
        (lambda f: {k.replace(NAME, "register"): v for k, v in f.items()}, "103"),
        (lambda f: {k: v for k, v in f.items() if "report.json" not in k}, "701"),
    ],
)
def test_a_tampered_package_is_caught(
    tamper: Callable[[dict[str, bytes]], dict[str, bytes]], rule: str
) -> None:
    _, data, _ = package()
    assert breaches(data) == []
    found = breaches(rezip(data, tamper))
    assert rule in rules(found), "\n".join(map(str, found))


def test_a_package_under_another_name_is_caught() -> None:
    _, data, _ = package()
    found = breaches(data, "register-2025.zip")
    assert {"105", "103"} <= rules(found)
    assert breaches(b"not a zip", f"{NAME}.zip")[0].rule == "103"


def test_the_cli_files_checks_and_refuses(cli: Any, tmp_path: Path) -> None:
    assert cli("vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    no_register = cli("export", "dora-roi", "--entity", ENTITY, "--check")
    assert no_register.exit_code == 2
    assert "import your entities first" in no_register.output
    assert cli("roi", "import", EXAMPLES / "register-of-information.yaml").exit_code == 0
    stranger = cli("export", "dora-roi", "--entity", "529900AURLEBEN00DE90X", "--check")
    assert stranger.exit_code == 2 and "Aurora Mutual Insurance VVaG" in stranger.output
    checked = cli(
        "export", "dora-roi", "--entity", ENTITY, "--reference-date", "2025-12-31", "--check"
    )
    assert checked.exit_code == 1  # nobody assessed yet: B_07.01's last audit is empty
    assert "b_07.01.csv row 1 c0070 date of the last audit" in checked.output
    assert "5 rule(s) broken" in checked.output
    assert not list(tmp_path.glob("*.zip"))
    written = cli(
        "export",
        "dora-roi",
        "--entity",
        ENTITY,
        "--reference-date",
        "2025-12-31",
        "-o",
        tmp_path / "out",
    )
    assert written.exit_code == 1
    (zip_path,) = (tmp_path / "out").glob("*.zip")
    assert zip_path.name.startswith("529900AURMUTINS0DE19.IND_DE_DORA010100_DORA_2025-12-31_")
    for country in ("D/E", "de", "XX"):
        odd = cli("export", "dora-roi", "--entity", ENTITY, "--check", "--country", country)
        assert odd.exit_code == 2 and "is not an ISO 3166 country code" in odd.output
    again = cli("export", "dora-roi", "--check", "--package", zip_path)
    assert again.exit_code == 1 and "5 rule(s) broken" in again.output


def test_a_service_used_through_a_branch_is_reported_as_the_branchs() -> None:
    register = sample_register()
    register["branches"] = [
        {
            "code": "AMI-AT",
            "entity": ENTITY,
            "name": "Aurora Mutual Zweigniederlassung Wien",
            "country": "AT",
        }
    ]
    register["services"][1]["branches"] = ["AMI-AT"]  # Harbourline serves the Vienna branch
    name, data, origins = package(register)
    assert check_package(read_package(name, data), origins) == []
    files = members(data)
    assert f"{NAME}/reports/b_01.03.csv" in files
    users = files[f"{NAME}/reports/b_04.01.csv"].decode().split("\r\n")
    assert f"AMI-ICT-2022-004,{ENTITY},eba_ZZ:x838,AMI-AT" in users
    assert f"AMI-ICT-2023-001,{ENTITY},eba_ZZ:x839,Not Applicable" in users
    assert "B_01.03,true" in files[f"{NAME}/reports/FilingIndicators.csv"].decode()


def test_a_subcontractor_the_vendor_declared_is_missed_from_a_critical_chain() -> None:
    from audit.exports.dora_gaps import unlisted_subcontractors

    assert unlisted_subcontractors(sample_register(), VENDORS) == []
    register = sample_register()
    register["supply_chain"] = [
        link for link in register["supply_chain"] if link["provider"] != "voxcloud-telephony"
    ]
    (gap,) = unlisted_subcontractors(register, VENDORS)
    assert str(gap).startswith(
        "arrangement AMI-ICT-2022-004 (vendor harbourline-contact): Harbourline Contact Centres "
        "S.A. declares subcontractor VoxCloud Telephony (contact-centre telephony and call "
        "recording, IE), and no supply chain of its service(s) S19 for a critical or important "
        "function names it"
    )
    # Meridian's printer is not in the register, and payroll is not a critical function here
    assert all("SecurePrint" not in str(b) for b in unlisted_subcontractors(register, VENDORS))
