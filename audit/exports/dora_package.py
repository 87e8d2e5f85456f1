"""The register of information as an EBA xBRL-CSV report package (pure: bytes in, bytes out),
and the package read back for the check.

What a package is, and where each rule comes from:
- Name: `{LEI}.{IND|CON}_{CC}_DORA010100_DORA_{reference date}_{YYYYMMDDhhmmssfff}.zip`, the EBA
  Filing Rules' naming for remittance (report subject, country, framework code and module
  version 1.1.0 as 010100, module, reference date, creation time to the millisecond), as in the
  EBA's sample package `DUMMYLEI123456789012.CON_FR_DORA010100_DORA_2024-12-31_20241213174803429`
  (EBA, "Preparations for reporting of DORA registers of information", eba.europa.eu/node/16835).
- One root folder named like the zip; in it `META-INF/reportPackage.json`, whose document type
  is the XBRL Report Package 1.0 one, and `reports/` (xBRL Report Package 1.0, xbrl.org).
- `reports/report.json`: an xBRL-CSV report (https://xbrl.org/2021/xbrl-csv) extending the DORA
  4.0 module `http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json`, which names
  `parameters.csv`, `FilingIndicators.csv` and the fifteen `b_XX.YY.csv` table files.
- `parameters.csv`: `entityID` as `rs:{LEI}.{IND|CON}` (a module without _ind/_con in its name
  carries the suffix in the subject), `refPeriod`, `baseCurrency` as `iso4217:EUR`,
  `decimalsInteger` 0 and `decimalsMonetary` -3 (the module's parameters; EBA Filing Rules on
  decimals: monetary at least -4, integers 0).
- `FilingIndicators.csv`: `templateID,reported`, one row per template of the module. A table
  with rows is `true`; an empty one is `false` and its CSV is left out of the package (EBA
  Filing Rules v5.8, "{table}.csv must not be included in the csv reporting package if its
  filing indicator is negative", blocking at the ECB and DNB since 21 May 2026).
- Every CSV is UTF-8 without a byte-order mark, comma-separated, with CRLF line ends and a
  header of the column codes; an empty cell is a fact not reported.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from audit.exports import dora_taxonomy as tx
from audit.exports.dora_tables import Filing, Tables

MODULE = "http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json"
REPORT_PACKAGE = "https://xbrl.org/report-package/2023"
XBRL_CSV = "https://xbrl.org/2021/xbrl-csv"
MODULE_CODE = "DORA010100"
NAME = re.compile(
    r"(?P<lei>[A-Z0-9]{18}[0-9]{2})\.(?P<scope>IND|CON)_(?P<country>[A-Z]{2})_"
    r"(?P<module>DORA[0-9]{6})_DORA_(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})_(?P<made>[0-9]{17})"
)
PARAMETERS = ("entityID", "refPeriod", "baseCurrency", "decimalsInteger", "decimalsMonetary")
MAX_PACKAGE = 200 * 1024 * 1024


def package_name(filing: Filing, country: str) -> str:
    made = filing.made_at.strftime("%Y%m%d%H%M%S") + f"{filing.made_at.microsecond // 1000:03d}"
    return (
        f"{filing.entity}.{filing.consolidation}_{country}_{MODULE_CODE}_DORA_"
        f"{filing.reference_date.isoformat()}_{made}"
    )


def _csv(
    header: tuple[str, ...] | list[str], rows: list[dict[str, str]] | list[list[str]]
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[c] for c in header] if isinstance(row, dict) else row)
    return out.getvalue().encode("utf-8")


def parameters(filing: Filing) -> list[list[str]]:
    return [
        ["entityID", f"rs:{filing.entity}.{filing.consolidation}"],
        ["refPeriod", filing.reference_date.isoformat()],
        ["baseCurrency", f"iso4217:{filing.currency}"],
        ["decimalsInteger", "0"],
        ["decimalsMonetary", "-3"],
    ]


def write_package(tables: Tables, filing: Filing, country: str) -> tuple[str, bytes]:
    """The zip's file name and bytes. Entries are written in a fixed order with the creation
    time of the filing, so that the same register makes the same bytes."""
    name = package_name(filing, country)
    stamp = filing.made_at.timetuple()[:6]
    members: list[tuple[str, bytes]] = [
        ("META-INF/reportPackage.json", _json({"documentInfo": {"documentType": REPORT_PACKAGE}})),
        (
            "reports/report.json",
            _json({"documentInfo": {"documentType": XBRL_CSV, "extends": [MODULE]}}),
        ),
        ("reports/parameters.csv", _csv(["name", "value"], parameters(filing))),
        (
            "reports/FilingIndicators.csv",
            _csv(
                ["templateID", "reported"],
                [[t, "true" if tables.rows[t] else "false"] for t in tx.TEMPLATES],
            ),
        ),
    ]
    members += [
        (f"reports/{template.file}", _csv(template.columns, tables.rows[t]))
        for t, template in tx.TEMPLATES.items()
        if tables.rows[t]
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in members:
            info = zipfile.ZipInfo(f"{name}/{path}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return f"{name}.zip", out.getvalue()


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=2) + "\n").encode("utf-8")


@dataclass
class Package:
    """A package as read back: its files by path inside the root folder, and what could not
    be read at all (each a message naming the file)."""

    file_name: str
    root: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)


def read_package(file_name: str, data: bytes) -> Package:
    """The members of a package zip under its root folder; nothing is extracted to disk."""
    package = Package(file_name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        package.unreadable.append(f"{file_name} is not a zip archive")
        return package
    with archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > MAX_PACKAGE or len(infos) > 1000:
            package.unreadable.append(f"{file_name} unpacks to more than {MAX_PACKAGE:,} bytes")
            return package
        roots = {i.filename.split("/", 1)[0] for i in infos}
        loose = [i.filename for i in infos if "/" not in i.filename.rstrip("/")]
        if len(roots) != 1 or loose:
            package.unreadable.append(
                "the zip must hold exactly one root folder (EBA error 103); it holds "
                + ", ".join(sorted(roots))
            )
        package.root = sorted(roots)[0] if roots else None
        for info in infos:
            if info.is_dir():
                continue
            inner = info.filename.split("/", 1)[1] if "/" in info.filename else info.filename
            package.files[inner] = archive.read(info)
    return package
