"""Every rule a register of information's package breaks, before anyone submits it (pure).

The check reads the package as a supervisor's validator does, from the zip: its name and root
folder, the metadata files, the filing indicators, each table's header, and every row. Rules
(the sources are named in `dora_taxonomy` and `dora_package`; the numbers 103 to 809 are the
technical checks as the EBA's overview of the register's checks numbers them, via the reporting
guides that quote it):
- package: name pattern and module code (105, 106), one root folder named like the zip (103),
  `reportPackage.json` and `report.json` with the DORA 4.0 module (505, 701), `parameters.csv`
  agreeing with the name (320, 714), filing indicators for every template, `true` exactly for
  the tables sent (702 to 705, 808; filing rule v5.8 on negative indicators), no stray file
  (720), each header exactly the template's column codes (801, 802), no ragged row (809);
- rows: key columns filled (805) and unique (806), references between templates R1 to R22 of
  the taxonomy (807), the columns the EBA's validation rules make mandatory, codes from their
  closed lists (503), dates, integers, amounts and booleans in their lexical forms (305, 330,
  331, 333), LEIs in the EBA's pattern and with valid ISO 17442 check digits (the EBA checks
  only the pattern; a wrong check digit is a typing slip all the same);
- meaning: a subsequent arrangement names its overarching one (v22912_m), a provider hard or
  impossible to substitute says why (v8825_m), total assets come with their currency (v8803_m)
  and a financial entity reports them (v8804_m), a critical function gives its reasons, an
  arrangement does not end before it starts, an entity does not leave before it enters, the
  filing entity is in scope and is the package's subject, a Latin-alphabet name is in Latin
  letters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from audit.exports import dora_taxonomy as tx
from audit.exports.dora_package import (
    MODULE,
    MODULE_CODE,
    NAME,
    PARAMETERS,
    REPORT_PACKAGE,
    XBRL_CSV,
    Package,
)
from audit.exports.dora_words import LABELS, REGISTER_FIELDS
from audit.identifiers import lei_problem
from audit.words import is_country, is_currency

EBA_LEI = re.compile(r"[A-Z0-9]{18}[0-9]{2}")
DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
INTEGER = re.compile(r"-?[0-9]+")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PROVIDER_CODES = {  # provider code column -> its type column
    ("B_02.02", "c0030"): "c0040",
    ("B_03.02", "c0020"): "c0030",
    ("B_05.01", "c0010"): "c0020",
    ("B_05.01", "c0030"): "c0040",
    ("B_05.01", "c0110"): "c0120",
    ("B_05.02", "c0030"): "c0040",
    ("B_05.02", "c0060"): "c0070",
    ("B_07.01", "c0020"): "c0030",
}


@dataclass(frozen=True, slots=True)
class Breach:
    """One rule broken, where, and (for a package this tool made) the register fact behind it."""

    rule: str
    where: str
    message: str
    origin: str | None = None

    def __str__(self) -> str:
        behind = f" ({self.origin})" if self.origin else ""
        return f"{self.where}{behind}: {self.message} [{self.rule}]"


class _Check:
    def __init__(self, package: Package, origins: Mapping[str, list[str]] | None) -> None:
        self.p, self.origins = package, origins or {}
        self.breaches: list[Breach] = []
        self.tables: dict[str, list[dict[str, str]]] = {}
        self.name = package.file_name.removesuffix(".zip")
        self.named = NAME.fullmatch(self.name)

    def say(self, rule: str, where: str, message: str, origin: str | None = None) -> None:
        self.breaches.append(Breach(rule, where, message, origin))

    def cell(self, rule: str, table: str, index: int, column: str | None, message: str) -> None:
        origin = self.origins.get(table, [])
        label = LABELS[table].get(column or "", "")
        where = f"{tx.TEMPLATES[table].file} row {index + 1}" + (
            f" {column} {label}".rstrip() if column else ""
        )
        self.say(rule, where, message, origin[index] if index < len(origin) else None)

    # -- the package ---------------------------------------------------------------------
    def structure(self) -> None:
        for problem in self.p.unreadable:
            self.say("103", self.p.file_name, problem)
        if self.named is None:
            self.say(
                "105",
                self.p.file_name,
                "the name is not {LEI}.{IND|CON}_{CC}_DORA010100_DORA_{date}_{17-digit time}.zip",
            )
        elif self.named["module"] != MODULE_CODE:
            self.say("106", self.p.file_name, f"module {self.named['module']}, not {MODULE_CODE}")
        if self.p.root is not None and self.p.root != self.name:
            self.say("103", self.p.root, f"the root folder is not named {self.name}")
        expected = {
            "META-INF/reportPackage.json",
            "reports/report.json",
            "reports/parameters.csv",
            "reports/FilingIndicators.csv",
        }
        self._json("META-INF/reportPackage.json", "documentType", REPORT_PACKAGE)
        self._json("reports/report.json", "documentType", XBRL_CSV)
        report = self._load("reports/report.json")
        info = report.get("documentInfo") if report else None
        extends = info.get("extends") if isinstance(info, dict) else None
        if report is not None and extends != [MODULE]:
            self.say("505", "reports/report.json", f"must extend exactly [{MODULE}]")
        self.parameters()
        indicated = self.indicators()
        for table, template in tx.TEMPLATES.items():
            path = f"reports/{template.file}"
            sent = path in self.p.files
            if indicated.get(table) is False and sent:
                self.say("808", path, f"sent although {table}'s filing indicator is false")
            if indicated.get(table) is True and not sent:
                self.say("808", path, f"missing although {table}'s filing indicator is true")
            if sent:
                expected.add(path)
                self.read_table(table, path)
                if indicated.get(table) is True and not self.tables.get(table):
                    self.say("808", path, f"{table} is indicated true but has no row")
        for stray in sorted(set(self.p.files) - expected):
            self.say("720", stray, "not a file of the DORA module; remove it")

    def _load(self, path: str) -> dict[str, object] | None:
        if path not in self.p.files:
            self.say("701", path, "missing")
            return None
        try:
            value = json.loads(self.p.files[path].decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self.say("701", path, "not JSON in UTF-8")
            return None
        return value if isinstance(value, dict) else {}

    def _json(self, path: str, key: str, wanted: str) -> None:
        value = self._load(path)
        info = value.get("documentInfo") if value else None
        if value is not None and (not isinstance(info, dict) or info.get(key) != wanted):
            self.say("701", path, f"documentInfo.{key} must be {wanted}")

    def _rows(self, path: str) -> tuple[list[str], list[list[str]]] | None:
        data = self.p.files.get(path)
        if data is None:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.say("306", path, "not UTF-8")
            return None
        lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
        if not lines:
            self.say("801", path, "no header row")
            return None
        return lines[0], lines[1:]

    def parameters(self) -> None:
        path = "reports/parameters.csv"
        read = self._rows(path)
        if read is None:
            if path not in self.p.files:
                self.say("701", path, "missing")
            return
        header, rows = read
        if header != ["name", "value"]:
            self.say("723", path, "the header must be name,value")
        given = {r[0]: r[1] for r in rows if len(r) == 2}
        for name in PARAMETERS:
            if name not in given:
                self.say("320", path, f"{name} is missing")
        if self.named is not None:
            subject = f"rs:{self.named['lei']}.{self.named['scope']}"
            if given.get("entityID") not in (None, subject):
                self.say("714", path, f"entityID must be {subject}, as the package's name says")
            if given.get("refPeriod") not in (None, self.named["date"]):
                self.say("320", path, f"refPeriod must be {self.named['date']}, as the name says")
        currency = given.get("baseCurrency", "")
        if currency and not re.fullmatch(r"iso4217:[A-Z]{3}", currency):
            self.say("320", path, f"baseCurrency '{currency}' is not iso4217:XXX")
        if given.get("decimalsInteger") not in (None, "0"):
            self.say("320", path, "decimalsInteger must be 0")
        monetary = given.get("decimalsMonetary")
        if monetary is not None and not (INTEGER.fullmatch(monetary) and int(monetary) >= -4):
            self.say("320", path, "decimalsMonetary must be a whole number, -4 or more")

    def indicators(self) -> dict[str, bool]:
        path = "reports/FilingIndicators.csv"
        read = self._rows(path)
        if read is None:
            if path not in self.p.files:
                self.say("701", path, "missing")
            return {}
        header, rows = read
        if header != ["templateID", "reported"]:
            self.say("702", path, "the header must be templateID,reported")
        found: dict[str, bool] = {}
        for number, row in enumerate(rows, start=2):
            if len(row) != 2 or row[0] not in tx.TEMPLATES or row[1] not in ("true", "false"):
                self.say("704", f"{path} line {number}", f"'{','.join(row)}' is not an indicator")
                continue
            if row[0] in found:
                self.say("703", f"{path} line {number}", f"{row[0]} is given twice")
            found[row[0]] = row[1] == "true"
        for table in tx.TEMPLATES:
            if table not in found:
                self.say("705", path, f"no filing indicator for {table}")
        return found

    def read_table(self, table: str, path: str) -> None:
        read = self._rows(path)
        if read is None:
            return
        header, rows = read
        columns = tx.TEMPLATES[table].columns
        if sorted(header) != sorted(columns) or len(set(header)) != len(header):
            self.say("801", path, f"the header must be {','.join(columns)}")
            return
        parsed = []
        for number, row in enumerate(rows, start=2):
            if len(row) != len(header):
                self.say("809", f"{path} line {number}", f"{len(row)} cells for {len(header)}")
                continue
            parsed.append(dict(zip(header, row, strict=True)))
        self.tables[table] = parsed

    # -- the rows ------------------------------------------------------------------------
    def rows(self) -> None:
        for table, rows in self.tables.items():
            template = tx.TEMPLATES[table]
            seen: dict[tuple[str, ...], int] = {}
            for index, row in enumerate(rows):
                for column in template.key:
                    if not row[column]:
                        self.cell(
                            "805",
                            table,
                            index,
                            column,
                            self.empty("a key column is", table, column),
                        )
                key = tuple(row[c] for c in template.key)
                if template.key and all(key) and key in seen:
                    self.cell("806", table, index, None, f"the same key as row {seen[key] + 1}")
                seen.setdefault(key, index)
                for column in tx.MANDATORY.get(table, ()):
                    if not row[column]:
                        words = self.empty("required, and", table, column)
                        self.cell("EBA mandatory", table, index, column, words)
                for column, value in row.items():
                    if value:
                        self.value(table, index, column, value, row)

    def empty(self, what: str, table: str, column: str) -> str:
        """`required, and empty`, and for a package this tool made, which register field (or
        vendor fact) fills it."""
        source = REGISTER_FIELDS.get((table, column)) if self.origins else None
        return f"{what} empty" + (f": give {source}" if source else "")

    def value(self, table: str, index: int, column: str, value: str, row: dict[str, str]) -> None:
        template = tx.TEMPLATES[table]

        def say(rule: str, message: str) -> None:
            self.cell(rule, table, index, column, message)

        if value != value.strip() or value.startswith("#"):
            say("330", f"'{value}' has spaces at an end or starts with #")
        if column in template.dates:
            try:
                valid = bool(DATE.fullmatch(value)) and bool(dt.date.fromisoformat(value))
            except ValueError:
                valid = False
            if not valid:
                say("330", f"'{value}' is not a date YYYY-MM-DD")
        elif column in template.integers and not INTEGER.fullmatch(value):
            say("331", f"'{value}' is not a whole number")
        elif column in template.amounts:
            if not DECIMAL.fullmatch(value):
                say("305", f"'{value}' is not an amount such as 1250000.50")
            elif float(value) < 0:
                say("v22913_s", f"{value} is negative")
        elif column in template.booleans and value not in ("true", "false"):
            say("333", f"'{value}' is not true or false")
        allowed = tx.ENUMERATED.get((table, column))
        if allowed is not None:
            self.code(table, index, column, value, allowed)
        if column in tx.LEI_COLUMNS.get(table, ()):
            self.lei(table, index, column, value)
        kind = PROVIDER_CODES.get((table, column))
        if kind is not None and row.get(kind) == tx.CODE_TYPE["lei"]:
            self.lei(table, index, column, value)

    def code(self, table: str, index: int, column: str, value: str, allowed: object) -> None:
        ok = value in allowed if isinstance(allowed, frozenset) else False
        if allowed == tx.COUNTRIES:
            code = value.removeprefix("eba_GA:")
            ok = value.startswith("eba_GA:") and (
                code in ("XK", "x28") or (len(code) == 2 and is_country(code))
            )
            location_key = table == "B_02.02" and column in ("c0130", "c0150", "c0160")
            ok = ok or (location_key and value == tx.NOT_APPLICABLE_PLACE)
        elif allowed == tx.CURRENCIES:
            code = value.removeprefix("eba_CU:")
            ok = value.startswith("eba_CU:") and (code == "x46" or is_currency(code))
        if not ok:
            self.cell("503", table, index, column, f"'{value}' is not in the column's code list")

    def lei(self, table: str, index: int, column: str, value: str) -> None:
        if not EBA_LEI.fullmatch(value):
            self.cell("LEI", table, index, column, f"'{value}' is not an LEI (EBA pattern)")
        elif (wrong := lei_problem(value)) is not None:
            self.cell("LEI", table, index, column, wrong)

    def references(self) -> None:
        for name, source, columns, target, keys in tx.REFERENCES:
            if source not in self.tables:
                continue
            known = {tuple(r[k] for k in keys) for r in self.tables.get(target, [])}
            for index, row in enumerate(self.tables[source]):
                value = tuple(row[c] for c in columns)
                if all(value) and value not in known:
                    shown = ", ".join(value)
                    self.cell(name, source, index, ",".join(columns), f"{shown} not in {target}")

    def meaning(self) -> None:
        t = self.tables
        for i, row in enumerate(t.get("B_02.01", [])):
            if row["c0020"] == tx.ARRANGEMENT_TYPE["subsequent"] and not row["c0030"]:
                self.cell("v22912_m", "B_02.01", i, "c0030", "a subsequent arrangement names it")
        for i, row in enumerate(t.get("B_07.01", [])):
            hard = {tx.SUBSTITUTABILITY["not_substitutable"], tx.SUBSTITUTABILITY["highly_complex"]}
            if row["c0050"] in hard and not row["c0060"]:
                self.cell("v8825_m", "B_07.01", i, "c0060", "say why it is hard to substitute")
        for i, row in enumerate(t.get("B_01.02", [])):
            if row["c0110"] and not row["c0100"]:
                self.cell("v8803_m", "B_01.02", i, "c0100", "total assets need their currency")
            if row["c0040"] not in tx.NON_FINANCIAL and not row["c0110"]:
                self.cell("v8804_m", "B_01.02", i, "c0110", "a financial entity's total assets")
            self.order("B_01.02", i, row, "c0080", "c0090", "it leaves before it enters")
        for i, row in enumerate(t.get("B_02.02", [])):
            self.order("B_02.02", i, row, "c0070", "c0080", "the arrangement ends before it starts")
        for i, row in enumerate(t.get("B_06.01", [])):
            if row["c0050"] == tx.YES_NO_NOT_ASSESSED["yes"] and not row["c0060"]:
                self.cell("ITS B_06.01", "B_06.01", i, "c0060", "a critical function's reasons")
        for i, row in enumerate(t.get("B_05.01", [])):
            if row["c0060"] and not _latin(row["c0060"]):
                self.cell("ITS B_05.01", "B_05.01", i, "c0060", "not in the Latin alphabet")
        filer = t.get("B_01.01", [])
        if "B_01.01" in t and len(filer) != 1:
            self.say("B_01.01", "b_01.01.csv", "one row: the entity maintaining the register")
        scope = {r["c0010"] for r in t.get("B_01.02", [])}
        for i, row in enumerate(filer):
            if row["c0010"] not in scope:
                self.cell("B_01.01", "B_01.01", i, "c0010", "the filing entity is not in B_01.02")
            if self.named is not None and row["c0010"] != self.named["lei"]:
                self.cell("714", "B_01.01", i, "c0010", "not the LEI the package is named for")

    def order(self, table: str, i: int, row: dict[str, str], a: str, b: str, words: str) -> None:
        if DATE.fullmatch(row[a]) and DATE.fullmatch(row[b]) and row[b] < row[a]:
            self.cell("date order", table, i, b, words)


def _latin(text: str) -> bool:
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in text)


def check_package(package: Package, origins: Mapping[str, list[str]] | None = None) -> list[Breach]:
    """Every rule the package breaks; an empty list for a package fit to submit."""
    check = _Check(package, origins)
    check.structure()
    check.rows()
    check.references()
    check.meaning()
    return check.breaches
