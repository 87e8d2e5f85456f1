"""OSCAL 1.1.3 assessment results: the pure export validates against NIST's schema and says what
the run found; the validator rejects what the schema rejects (so a pass is not vacuous); the
service exports a real workspace's runs, the same way twice, and refuses what is not there."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from audit.content.model import ContentSet
from audit.errors import InputError, NotFoundError
from audit.exports.oscal import (
    NS,
    OBJECTIVE,
    RISK_STATUS,
    ControlOutcome,
    RunRecord,
    assessment_results,
)
from audit.findings import FindingStatus
from audit.identifiers import lei_check_digits
from audit.register import read_vendor_file
from audit.report.view import EvidenceFacts, FindingFacts
from audit.scoring.results import FAILING, Status
from audit.services.database import forget_engines
from audit.services.oscal_export import assessment_results_json
from audit.services.runs import get_run, history
from audit.vendor import Vendor
from audit.workspace import Workspace
from tests.conftest import EXAMPLES, sample_client
from tests.exports.oscal_schema import SCHEMA, SCHEMA_ID, SCHEMA_SHA256, schema_errors
from tests.report.conftest import invoke

GENERATED = dt.datetime(2026, 12, 20, 9, 30, 15, 250000, tzinfo=dt.UTC)
AS_OF = dt.date(2026, 12, 14)
LEI = "529900HNOAA1KXQJUQ" + lei_check_digits("529900HNOAA1KXQJUQ")
REASON = "Compensating control: the client encrypts the export itself; committee of 2026-12-01."


def harbourline() -> Vendor:
    return next(
        v
        for v in read_vendor_file(EXAMPLES / "vendors.yaml", "v", max_bytes=10**6)
        if v.id == "harbourline-contact"
    )


def outcome(content: ContentSet, control_id: str, status: str, **given: Any) -> ControlOutcome:
    control = content.controls[control_id]
    fields: dict[str, Any] = {
        "control_id": control_id,
        "title": control.title,
        "question": control.question,
        "domain": control.domain,
        "severity": control.severity.value,
        "status": status,
        "answered_by": control.answered_by.value,
        "answer": "Yes (yes)",
        "comment": None,
        "explanation": f"answer yes -> 1; weight {control.weight}",
        "remediation": " ".join(control.remediation.split()),
    }
    return ControlOutcome(**(fields | given))


def sample_run(content: ContentSet) -> RunRecord:
    """Met with a document, not met with one missing, partially met by the assessor from the
    contract, unverified, unanswered, not applicable."""
    by_vendor = [c.id for c in content.controls.values() if c.answered_by.value == "vendor"]
    assessor = next(c.id for c in content.controls.values() if c.answered_by.value == "assessor")
    controls = (
        outcome(content, by_vendor[0], "met", evidence_ids=(1,), comment="Policy v8\n approved."),
        outcome(content, by_vendor[1], "not_met", missing_evidence=("SOC 2 report, none",)),
        outcome(content, assessor, "partially_met", evidence_ids=(2,), answer="Partly (partial)"),
        outcome(content, by_vendor[2], "unverified", missing_evidence=("#3 expired",)),
        outcome(content, by_vendor[3], "unanswered", answer="(no answer)"),
        outcome(content, by_vendor[4], "not_applicable"),
    )
    method = (("Checklist security", f"version 2026.6, sha256 {'a' * 64}"),)
    return RunRecord(7, AS_OF, "d" * 64, 71.5, "moderate", "moderate", "critical", controls, method)


def sample_findings(run: RunRecord) -> list[FindingFacts]:
    not_met, partial, unverified = (c.control_id for c in run.controls[1:4])
    opened = dt.date(2025, 12, 15)
    return [
        FindingFacts(11, not_met, "high", "open", dt.date(2027, 2, 12), None, opened),
        FindingFacts(
            12,
            partial,
            "medium",
            "accepted",
            dt.date(2027, 3, 14),
            "risk@insurer.example",
            opened,
            dt.date(2027, 6, 30),
            REASON,
            "Head of Risk",
        ),
        FindingFacts(
            13, unverified, "high", "in_progress", dt.date(2027, 2, 12), "it@x.example", opened
        ),
    ]


EVIDENCE = [
    EvidenceFacts(1, "Information security policy", "policy v8.md", "1" * 64, None, "current", "-"),
    EvidenceFacts(
        2, "Executed contract", "msa.pdf", "2" * 64, dt.date(2028, 1, 14), "current", "-"
    ),
    EvidenceFacts(
        3, "SOC 2 Type II report", "soc2.pdf", "3" * 64, dt.date(2026, 9, 30), "expired", "-"
    ),
]


def build(run: RunRecord, findings: list[FindingFacts], **given: Any) -> dict[str, Any]:
    """The pure export of `run`, for harbourline-contact, by Aurora Mutual Insurance."""
    options = {"organisation": "Aurora Mutual Insurance", "generated_at": GENERATED, "lei": LEI}
    evidence = given.pop("evidence", EVIDENCE)
    return assessment_results(
        harbourline(), run, findings, evidence, tool_version="0.1.0", **(options | given)
    )


@pytest.fixture(scope="module")
def sample(content: ContentSet) -> dict[str, Any]:
    run = sample_run(content)
    return build(run, sample_findings(run))


def test_the_schema_is_nists_file_byte_for_byte() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert json.loads(SCHEMA.read_text(encoding="utf-8"))["$id"] == SCHEMA_ID


def test_every_status_of_ours_has_its_oscal_counterpart() -> None:
    assert set(OBJECTIVE) == set(Status) and set(RISK_STATUS) == set(FindingStatus)


def test_a_realistic_run_validates_with_zero_errors(sample: dict[str, Any]) -> None:
    assert schema_errors(sample) == []


def test_the_document_says_what_the_run_found(sample: dict[str, Any], content: ContentSet) -> None:
    ar = sample["assessment-results"]
    assert ar["metadata"]["oscal-version"] == "1.1.3"
    assert ar["metadata"]["last-modified"] == "2026-12-20T09:30:15Z"
    parties = {p["uuid"]: p for p in ar["metadata"]["parties"]}
    vendor = next(p for p in parties.values() if p.get("name") == harbourline().name)
    assert vendor["type"] == "organization"
    assert vendor["external-ids"] == [{"scheme": "urn:iso:std:iso:17442", "id": LEI}]
    assert any(p.get("name") == "Aurora Mutual Insurance" for p in parties.values())
    result = ar["results"][0]
    assert (result["start"], result["end"]) == ("2026-12-14T00:00:00Z", "2026-12-14T23:59:59Z")
    run = sample_run(content)
    ids = [c.control_id for c in run.controls]
    selected = result["reviewed-controls"]["control-selections"][0]["include-controls"]
    assert [s["control-id"] for s in selected] == ids
    states = {f["target"]["target-id"]: f["target"]["status"]["state"] for f in result["findings"]}
    assert states == dict(zip(ids, ["satisfied", *["not-satisfied"] * 4, "satisfied"], strict=True))
    methods = [o["methods"] for o in result["observations"]]
    assert methods[:3] == [["INTERVIEW", "EXAMINE"], ["INTERVIEW"], ["EXAMINE"]]
    risks = {r["uuid"]: r for r in result["risks"]}
    for finding in result["findings"]:
        linked = [risks[r["risk-uuid"]] for r in finding.get("related-risks", ())]
        assert len(linked) == (finding["target"]["status"]["state"] == "not-satisfied")
    by_control = {r["title"].split()[0]: r for r in result["risks"]}
    statuses = [by_control[i]["status"] for i in ids[1:5]]
    assert statuses == ["open", "deviation-approved", "remediating", "open"]
    accepted = by_control[ids[2]]
    assert REASON in accepted["description"] and "Head of Risk" in accepted["description"]
    assert {"name": "accepted-until", "ns": NS, "value": "2027-06-30"} in accepted["props"]
    assert "deadline" not in accepted and by_control[ids[1]]["deadline"] == "2027-02-12T23:59:59Z"
    for control_id in ids[1:5]:
        (advice,) = by_control[control_id]["remediations"]
        assert advice["lifecycle"] == "recommendation"
        assert advice["description"] == " ".join(content.controls[control_id].remediation.split())
    resources = {r["uuid"]: r for r in ar["back-matter"]["resources"]}
    assert ar["import-ap"]["href"].removeprefix("#") in resources
    for observation in result["observations"]:
        for evidence in observation.get("relevant-evidence", ()):
            assert "href" not in evidence or evidence["href"].removeprefix("#") in resources
    hashed = [
        h["value"]
        for r in resources.values()
        for link in r.get("rlinks", ())
        for h in link["hashes"]
    ]
    assert sorted(hashed) == sorted(["d" * 64, *(e.sha256 for e in EVIDENCE)])
    assert all(
        link["href"].startswith("ni:///sha-256;")
        for r in resources.values()
        for link in r.get("rlinks", ())
    )
    every = re.findall(r'"uuid": "([^"]+)"', json.dumps(sample))
    assert len(every) == len(set(every))


def test_the_same_run_exports_the_same_document_but_for_last_modified(
    sample: dict[str, Any], content: ContentSet
) -> None:
    run = sample_run(content)
    later = build(
        run, sample_findings(run), evidence=EVIDENCE[::-1], generated_at=GENERATED + dt.timedelta(3)
    )
    assert later["assessment-results"]["metadata"].pop("last-modified") == "2026-12-23T09:30:15Z"
    expected = copy.deepcopy(sample)
    del expected["assessment-results"]["metadata"]["last-modified"]
    assert later == expected
    findings = sample_findings(run)
    findings[0] = dataclasses.replace(findings[0], status="in_progress")
    changed = build(run, findings)
    version = sample["assessment-results"]["metadata"]["version"]
    assert changed["assessment-results"]["metadata"]["version"] != version
    with pytest.raises(ValueError, match="timezone"):
        build(run, findings, organisation=None, generated_at=GENERATED.replace(tzinfo=None))


def _at(path: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The object at a slash-separated path below `assessment-results`."""

    def find(document: dict[str, Any]) -> dict[str, Any]:
        node: Any = document["assessment-results"]
        for step in filter(None, path.split("/")):
            node = node[int(step)] if step.isdigit() else node[step]
        return node  # type: ignore[no-any-return]

    return find


BROKEN = {
    "missing uuid": ("", lambda n: n.pop("uuid"), "/assessment-results: 'uuid' is a required"),
    "token with a space": (
        "results/0/findings/1/target",
        lambda n: n.update({"target-id": "SEC GOV-01"}),
        "/target/target-id: 'SEC GOV-01' does not match",
    ),
    "token with a colon": ("metadata/roles/0", lambda n: n.update(id="vendor:contact"), "/id:"),
    "date-time without a zone": (
        "metadata",
        lambda n: n.update({"last-modified": "2026-12-20T09:30:15"}),
        "/metadata/last-modified: '2026-12-20T09:30:15' does not match",
    ),
    "uuid with a final newline": ("", lambda n: n.update(uuid=n["uuid"] + "\n"), "/uuid:"),
    "an empty array": ("results/0", lambda n: n.update(observations=[]), "should be non-empty"),
    "an unknown key": ("metadata", lambda n: n.update(score=71.5), "Additional properties"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_the_validator_rejects_a_broken_document(sample: dict[str, Any], case: str) -> None:
    path, breaks, expected = BROKEN[case]
    broken = copy.deepcopy(sample)
    breaks(_at(path)(broken))
    errors = schema_errors(broken)
    assert errors and any(expected in e for e in errors), errors


def test_tokens_are_read_as_ecma_reads_them(sample: dict[str, Any]) -> None:
    unicode = copy.deepcopy(sample)
    _at("metadata/roles/0")(unicode)["id"] = "évaluateur_ß1"  # \p{L} beyond ASCII
    assert schema_errors(unicode) == []
    numeral = copy.deepcopy(sample)
    _at("metadata/roles/0")(numeral)["id"] = "Ⅻ_roman"  # a number (Nl), not a letter
    assert schema_errors(numeral) != []


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The sample portfolio's two cycles, issued, answered, assessed; one finding accepted."""
    base = tmp_path_factory.mktemp("oscal")
    workspace = sample_client(base / "ws")
    assert invoke(workspace, "vendors", "import", EXAMPLES / "vendors.yaml").exit_code == 0
    register = EXAMPLES / "register-of-information.yaml"
    assert invoke(workspace, "roi", "import", register).exit_code == 0
    listed = invoke(workspace, "vendors", "list", "-f", "json")
    vendors = [v["vendor"] for v in json.loads(listed.output)]
    for cycle, issued, due, as_of in (
        ("cycle-1", "2025-11-03", "2025-12-03", "2025-12-15"),
        ("cycle-2", "2026-11-02", "2026-12-02", "2026-12-14"),
    ):
        for vendor in vendors:
            for prefix, command in (("Q", ("questionnaire", "issue")), ("R", ("review",))):
                target = base / cycle / f"{prefix}-{vendor}-{issued.replace('-', '')}.yaml"
                result = invoke(
                    workspace, *command, vendor, "-o", target, "--issued", issued, "--due", due
                )
                assert result.exit_code == 0, result.output
        inbox = base / f"inbox-{cycle}"
        shutil.copytree(EXAMPLES / cycle, inbox)
        result = invoke(workspace, "questionnaire", "import", inbox, "--allow-unanswered")
        assert result.exit_code == 0, result.output
        assert invoke(workspace, "assess", "--all", "--as-of", as_of).exit_code == 0
    listed = invoke(workspace, "findings", "list", "--vendor", "meridian-payroll", "-f", "json")
    first = next(f for f in json.loads(listed.output) if f["status"] == "open")
    until = (dt.date.today() + dt.timedelta(days=120)).isoformat()
    given = ["--until", until, "--reason", REASON, "--approver", "Head of Risk"]
    accepted = invoke(workspace, "findings", "accept", first["id"], *given)
    assert accepted.exit_code == 0, accepted.output
    yield workspace
    forget_engines()


def export(workspace: Workspace, vendor: str, **given: Any) -> tuple[bytes, dict[str, Any]]:
    given.setdefault("generated_at", dt.datetime.now(dt.UTC))
    data = assessment_results_json(workspace, vendor, **given)
    return data, json.loads(data)


def test_the_latest_run_of_a_real_vendor_exports_complete_and_valid(
    portfolio: Workspace, content: ContentSet
) -> None:
    data, document = export(portfolio, "meridian-payroll")
    assert data.startswith(b'{\n  "assessment-results": {\n') and data.endswith(b"}\n")
    assert schema_errors(document) == []
    ar = document["assessment-results"]
    run = get_run(portfolio, "meridian-payroll", None)
    names = {p.get("name"): p for p in ar["metadata"]["parties"]}
    meridian = names["Meridian Payroll Services Pvt Ltd"]
    assert meridian["type"] == "organization"
    assert meridian["external-ids"] == [  # its LEI, from the register of information
        {"scheme": "urn:iso:std:iso:17442", "id": "335800MERIDPAYR01N58"}
    ]
    result = ar["results"][0]
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    risks = {r["uuid"]: r for r in result["risks"]}
    failing = [c for c in run.result["controls"] if c["status"] in FAILING]
    assert failing and len(result["risks"]) == len(failing)
    for control in failing:
        finding = findings[control["id"]]
        assert finding["target"]["status"]["state"] == "not-satisfied"
        (link,) = finding["related-risks"]
        (advice,) = risks[link["risk-uuid"]]["remediations"]
        assert advice["lifecycle"] == "recommendation"
        assert advice["description"] == " ".join(
            content.controls[control["id"]].remediation.split()
        )
    statuses = [r["status"] for r in result["risks"]]
    assert "deviation-approved" in statuses and "open" in statuses
    resources = ar["back-matter"]["resources"]
    for used in run.inputs["evidence"]:
        held = [
            r
            for r in resources
            if {"name": "evidence-id", "ns": NS, "value": str(used["id"])} in r.get("props", ())
        ]
        assert len(held) == 1, used
        assert held[0]["rlinks"][0]["hashes"] == [{"algorithm": "SHA-256", "value": used["sha256"]}]
    assert len(resources) == 2 + len(run.inputs["evidence"])


def test_exporting_twice_differs_only_in_last_modified(portfolio: Workspace) -> None:
    now = dt.datetime.now(dt.UTC)
    first, one = export(portfolio, "meridian-payroll", generated_at=now)
    second, other = export(portfolio, "meridian-payroll", generated_at=now + dt.timedelta(hours=1))
    stamps = [d["assessment-results"]["metadata"]["last-modified"] for d in (one, other)]
    assert stamps[0] != stamps[1]
    assert first.replace(stamps[0].encode(), b"") == second.replace(stamps[1].encode(), b"")


def test_an_older_run_exports_by_its_id(portfolio: Workspace) -> None:
    run_id = history(portfolio, "archiva-documents")[0].id
    _, document = export(portfolio, "archiva-documents", run_id=run_id)
    assert schema_errors(document) == []
    ar = document["assessment-results"]
    assert f"run #{run_id} " in ar["results"][0]["title"]
    method = ar["back-matter"]["resources"][0]["description"]
    assert "Findings' statuses: as they stood at " in method  # just before the next run


def test_an_unknown_vendor_and_another_vendors_run_are_refused(portfolio: Workspace) -> None:
    with pytest.raises(NotFoundError):
        export(portfolio, "no-such-vendor")
    theirs = get_run(portfolio, "archiva-documents", None)
    with pytest.raises(NotFoundError, match=f"no run #{theirs.id} for meridian-payroll"):
        export(portfolio, "meridian-payroll", run_id=theirs.id)


def test_a_run_that_no_longer_hashes_is_refused(portfolio: Workspace) -> None:
    run = get_run(portfolio, "lexbridge-lpo", None)
    database = sqlite3.connect(portfolio.state_dir / "audit.db")
    (stored,) = database.execute("select result from audit_run where id = ?", (run.id,)).fetchone()
    try:
        database.execute(
            "update audit_run set result = json_set(result, '$.rating', 'low') where id = ?",
            (run.id,),
        )
        database.commit()
        with pytest.raises(InputError, match="does not hash to its recorded sha256"):
            export(portfolio, "lexbridge-lpo")
    finally:
        database.execute("update audit_run set result = ? where id = ?", (stored, run.id))
        database.commit()
        database.close()
