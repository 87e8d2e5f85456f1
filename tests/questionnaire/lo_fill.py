"""Fill a questionnaire workbook in LibreOffice Calc, through its UNO API, as a vendor would in the
program: type each answer into its cell (an option by its words, a number, a date as text that
Calc turns into a date), set the status, and save as .xlsx.

Run with the interpreter that has LibreOffice's `uno` module (Debian: /usr/bin/python3 with
python3-uno):  python3 lo_fill.py IN.xlsx OUT.xlsx ANSWERS.json PROFILE_DIR
ANSWERS.json: {"answers": {"SEC-IAM-01": "words or number"}, "status": "Final"}
"""

import contextlib
import json
import os
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def connect(profile):
    pipe = f"auditfill{os.getpid()}"
    process = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(240):
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return process, context
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.25)
    process.kill()
    raise SystemExit("LibreOffice did not start")


def header(sheet):
    for row in range(12):
        names = {sheet.getCellByPosition(c, row).getString(): c for c in range(20)}
        if "ID" in names and "Answer" in names:
            return row, names
    return None


def main(source, target, answers_file, profile):
    with open(answers_file, encoding="utf-8") as handle:
        wanted = json.load(handle)
    process, context = connect(profile)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0, (prop("Hidden", True),)
    )
    written = 0
    sheets = document.Sheets
    for index in range(sheets.Count):
        sheet = sheets.getByIndex(index)
        for row in range(40):
            if sheet.getCellByPosition(0, row).getString() == "Status (Draft or Final)":
                sheet.getCellByPosition(1, row).setString(wanted.get("status", "Draft"))
        found = header(sheet)
        if found is None:
            continue
        first, columns = found
        for row in range(first + 1, first + 400):
            control_id = sheet.getCellByPosition(columns["ID"], row).getString()
            if control_id not in wanted["answers"]:
                continue
            value = wanted["answers"][control_id]
            cell = sheet.getCellByPosition(columns["Answer"], row)
            if isinstance(value, (int, float)):
                cell.setValue(value)
            else:
                cell.setFormula(value)  # as typed: "2026-03-01" becomes a date
            written += 1
    document.storeToURL(
        uno.systemPathToFileUrl(os.path.abspath(target)),
        (prop("FilterName", "Calc MS Excel 2007 XML"),),
    )
    document.close(True)
    # The office process may already be going away when asked to stop.
    with contextlib.suppress(Exception):
        desktop.terminate()
    process.wait(timeout=60)
    print(f"written {written}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
