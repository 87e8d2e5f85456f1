"""Rewrite the sample portfolio's filled questionnaires for the current checklists.

The vendors' answers, comments, cited files and declared evidence are carried over from the
files already here (`Q-*.yaml`, and `R-*.yaml` for the assessor's part); the questions, options
and hashes come from issuing the questionnaires afresh, as `audit demo` will. Controls answered
by the assessor go to `R-<vendor>-<date>.yaml`, answered from the executed contracts listed in
`contracts.yaml` (the clause each answer rests on becomes the assessor's comment).

Answers to questions a content change adds can be given once in `additions.yaml` (per cycle and
vendor: `answers` and `evidence` as in a filled questionnaire); they fill only questions the files
do not answer yet, and live in the files from then on, so the additions file is deleted after use.

Run it from the repository after changing a checklist or the policy:

    .venv/bin/python examples/portfolio/regenerate.py
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import yaml

from audit.cli.demo import COUNTRY, ORGANISATION, REGIMES
from audit.model import Respondent
from audit.questionnaire.document import Questionnaire
from audit.questionnaire.text import Filling, render_yaml
from audit.services import import_questionnaire, import_vendors, issue_questionnaire
from audit.workspace import init_workspace

HERE = Path(__file__).resolve().parent
CYCLES = {
    1: (dt.date(2025, 11, 3), dt.date(2025, 12, 3)),
    2: (dt.date(2026, 11, 2), dt.date(2026, 12, 2)),
}
ADDITIONS = HERE / "additions.yaml"
ASSESSOR = "A. Lindqvist, vendor risk officer <vendor-risk@insurer.example>"


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _answers(*files: dict[str, Any]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for data in files:
        for control_id, entry in (data.get("answers") or {}).items():
            if isinstance(entry, dict) and (
                entry.get("answer") is not None or entry.get("comment") or entry.get("evidence")
            ):
                merged[control_id] = {
                    k: entry.get(k) for k in ("answer", "comment", "evidence", "confirmed")
                }
    return merged


def _declared(*files: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for data in files:
        for item in data.get("evidence") or ():
            found.setdefault(
                item["file"], {k: str(v) if k != "file" else v for k, v in item.items()}
            )
    return found


def _additions(cycle: int, vendor_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Answers and declared files for questions added since the files were written."""
    data = _load(ADDITIONS).get(cycle, {}).get(vendor_id, {})
    return _answers(data), _declared(data)


def _filling(
    questionnaire: Questionnaire,
    answers: dict[str, dict[str, Any]],
    declared: dict[str, dict[str, Any]],
    contact: str,
) -> Filling:
    asked = {q.id for q in questionnaire.questions}
    kinds = {k.id for k in questionnaire.kinds}
    mine = {cid: dict(entry) for cid, entry in answers.items() if cid in asked}
    cited = {name for entry in mine.values() for name in entry.get("evidence") or ()}
    files = [item for name, item in declared.items() if name in cited and item["kind"] in kinds]
    files += [
        item
        for name, item in declared.items()
        if name not in cited and item["kind"] in kinds and questionnaire.part is Respondent.VENDOR
    ]
    for question in questionnaire.questions:
        entry = mine.get(question.id)
        if entry is None:
            continue
        entry["evidence"] = [
            n for n in entry.get("evidence") or () if n in {f["file"] for f in files}
        ]
        confirmed = question.previous is not None and questionnaire.prefilled
        if confirmed and entry.get("answer") == question.previous:
            entry["confirmed"] = True
        else:
            entry.pop("confirmed", None)
    return Filling(mine, files, "final", contact)


def _assessor_answers(
    vendor_id: str, cycle: int, answers: dict[str, dict[str, Any]], contracts: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The vendor's old answers to contract questions, now the assessor's, citing the clause."""
    mine = {cid: dict(entry) for cid, entry in answers.items()}
    files: dict[str, dict[str, Any]] = {}
    notes: dict[str, list[str]] = {}
    for contract in contracts:
        if contract["vendor"] != vendor_id or cycle not in contract["cycles"]:
            continue
        files[contract["file"]] = {
            "file": contract["file"],
            "kind": "contract",
            "issued": str(contract["signed"]),
        }
        for control_id, clause in contract["supports"].items():
            entry = mine.setdefault(control_id, {"answer": None})
            entry["evidence"] = list(
                dict.fromkeys([*(entry.get("evidence") or ()), contract["file"]])
            )
            title = "amendment" if "amendment" in contract["file"] else "contract"
            notes.setdefault(control_id, []).append(
                clause if clause.startswith(title) else f"{title} {clause}"
            )
    for control_id, found in notes.items():
        entry = mine[control_id]
        cites = "Executed " + "; ".join(found) + "."
        earlier = (entry.get("comment") or "").removeprefix(cites).strip()
        entry["comment"] = f"{cites} {earlier}".strip()
    return mine, files


def regenerate() -> None:
    contracts = yaml.safe_load((HERE / "contracts.yaml").read_text(encoding="utf-8"))
    vendors = [v["id"] for v in yaml.safe_load((HERE / "vendors.yaml").read_text())["vendors"]]
    contacts = {
        v["id"]: f"{v['contacts'][0]['name']} <{v['contacts'][0]['email']}>"
        for v in yaml.safe_load((HERE / "vendors.yaml").read_text())["vendors"]
    }
    with tempfile.TemporaryDirectory() as tmp:
        workspace = init_workspace(Path(tmp) / "ws", ORGANISATION, REGIMES, COUNTRY)
        import_vendors(workspace, HERE / "vendors.yaml")
        for cycle, (issued, due) in CYCLES.items():
            folder = HERE / f"cycle-{cycle}"
            for vendor_id in vendors:
                q_path = folder / f"Q-{vendor_id}-{issued:%Y%m%d}.yaml"
                r_path = folder / f"R-{vendor_id}-{issued:%Y%m%d}.yaml"
                old_q, old_r = _load(q_path), _load(r_path)
                answers = _answers(old_q, old_r)
                declared = _declared(old_q, old_r)
                extra_answers, extra_files = _additions(cycle, vendor_id)
                for control_id, entry in extra_answers.items():
                    answers.setdefault(control_id, entry)
                for name, item in extra_files.items():
                    declared.setdefault(name, item)
                vendor_q = issue_questionnaire(
                    workspace, vendor_id, output=Path(tmp) / q_path.name, issued=issued, due=due
                ).questionnaire
                review = issue_questionnaire(
                    workspace,
                    vendor_id,
                    output=Path(tmp) / r_path.name,
                    issued=issued,
                    due=due,
                    part=Respondent.ASSESSOR,
                    prefill=True,
                ).questionnaire
                q_path.write_text(
                    render_yaml(
                        vendor_q, _filling(vendor_q, answers, declared, contacts[vendor_id])
                    ),
                    encoding="utf-8",
                )
                assessor_ids = {q.id for q in review.questions}
                theirs, contract_files = _assessor_answers(
                    vendor_id,
                    cycle,
                    {cid: e for cid, e in answers.items() if cid in assessor_ids},
                    contracts,
                )
                review_files = declared | contract_files
                r_path.write_text(
                    render_yaml(review, _filling(review, theirs, review_files, ASSESSOR)),
                    encoding="utf-8",
                )
                import_questionnaire(workspace, q_path, allow_unanswered=True)
                import_questionnaire(workspace, r_path, allow_unanswered=True)
                print(f"cycle {cycle}: {q_path.name} and {r_path.name}")


if __name__ == "__main__":
    regenerate()
