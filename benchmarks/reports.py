"""report_ratio: pages per second of a vendor report (150 controls, long comments) over a plain
ReportLab document of the same pages: the same paragraphs of text, as plain paragraphs spread
over the same number of pages (no tables, charts or page furniture), built in the same run;
sign_ms: attaching the run JSON and signing one report."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from audit.content.library import load_content
from audit.report.keys import signing_config
from audit.report.sign import SignatureRequest, embed_json, load_signer, sign_pdf
from audit.report.styles import styles
from audit.report.vendor_pdf import render_vendor_report
from audit.report.view import EvidenceFacts, FindingFacts, RunFacts, build_vendor_report
from audit.vendor import vendor_from_record
from audit.workspace import builtin_root, init_workspace

SENTENCE = (  # a vendor's comment, repeated to make long ones
    "The vendor described how the control operates at each delivery centre, the compensating "
    "measures in place and the evidence it keeps for the auditor. "
)


def _report(controls: int) -> Any:
    root = builtin_root()
    content = load_content(
        root / "checklists", root / "checklists/frameworks", root / "policies/default.yaml"
    )
    ids = list(content.controls)[:controls]
    statuses = ["met", "partially_met", "not_met", "unverified", "unanswered"]
    result = {
        "domains": {"security": 82.5, "data-handling": 91.0, "regulatory": 77.0},
        "knockouts_failed": [],
        "controls": [
            {
                "id": cid,
                "domain": content.controls[cid].domain,
                "status": statuses[i % 5],
                "answer": "partial",
                "comment": SENTENCE * (1 + i % 3),
                "score": 0.5,
                "weight": 3,
                "evidence": [1],
                "missing_evidence": [],
                "explanation": "answer partial -> 0.5; evidence #1 current; weight 3",
            }
            for i, cid in enumerate(ids)
        ],
    }
    run = RunFacts(
        2,
        "bench-vendor",
        dt.date(2026, 12, 14),
        "high",
        84.0,
        "moderate",
        "moderate",
        "0" * 64,
        {},
        result,
    )
    vendor = vendor_from_record(
        {
            "id": "bench-vendor",
            "name": "Benchmark Outsourcing Ltd",
            "services": ["payroll"],
            "delivery": "offshore",
            "countries": ["IN"],
            "data": ["personal"],
            "access": ["application"],
            "criticality": "critical",
            "owner": "o@client.example",
            "contract": {"type": "fixed_price", "start": "2024-01-01", "right_to_audit": True},
        }
    )
    findings = [
        FindingFacts(i, cid, "high", "open", dt.date(2027, 1, 1), None, dt.date(2026, 12, 14))
        for i, cid in enumerate(ids[:40])
    ]
    evidence = [
        EvidenceFacts(
            1,
            "SOC 2 Type II report",
            "soc2.pdf",
            "e" * 64,
            dt.date(2027, 6, 30),
            "current",
            "period end + 12 months",
        )
    ]
    when = dt.datetime(2026, 12, 14, 17, 0, tzinfo=dt.UTC)
    return build_vendor_report(run, [run], vendor, content, findings, evidence, None, when), result


def _texts(view: Any) -> list[str]:
    """Every paragraph of text the report lays out in its tables, in order."""
    texts = []
    for c in view.controls:
        texts += [f"{c.id} · {c.title}", c.question, f"Answer: {c.answer}"]
        texts += [f"Comment: {c.comment}"] if c.comment else []
        texts += [f"{c.status} ({c.score})", c.explanation, f"Evidence: {c.evidence}"]
    for f in view.findings:
        texts += [str(f.id), f.control, f.title, f.severity, f.status, f.owner, f.due]
    for label, value in (*view.profile, *view.method):
        texts += [label, value]
    return texts


def _plain(texts: list[str], pages: int) -> bytes:
    """The same text as plain paragraphs (no tables, charts or page furniture), spread evenly
    over the same number of pages: the baseline the report's layout is compared with."""
    style = styles()["cell"]
    count = len(texts)
    story: list[Any] = []
    for page in range(pages):
        chunk = texts[page * count // pages : (page + 1) * count // pages]
        story += [Paragraph(escape(t), style) for t in chunk]
        if page < pages - 1:
            story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story)
    return buffer.getvalue()


def run(quick: bool, seed: int) -> dict[str, Any]:
    view, result = _report(40 if quick else 150)
    best_report = best_plain = float("inf")
    pdf = b""
    pages = 0
    for _ in range(1 if quick else 3):
        start = time.perf_counter()
        pdf = render_vendor_report(view, "Benchmark Signer")
        best_report = min(best_report, time.perf_counter() - start)
        pages = _count_pages(pdf)
        start = time.perf_counter()
        plain = _plain(_texts(view), pages)
        best_plain = min(best_plain, time.perf_counter() - start)
        # Rows that split across pages pack the report tighter than evenly spread paragraphs:
        # the baseline may spill onto a few more pages, never fewer.
        assert _count_pages(plain) >= pages
    with tempfile.TemporaryDirectory() as folder:
        workspace = init_workspace(Path(folder) / "ws")
        signer = load_signer(signing_config(workspace))
        data = json.dumps(result, sort_keys=True).encode()
        timings = []
        for _ in range(1 if quick else 5):
            start = time.perf_counter()
            attached = embed_json(
                pdf, "audit-run.json", data, "run", dt.datetime(2026, 12, 14, tzinfo=dt.UTC)
            )
            sign_pdf(attached, signer, SignatureRequest("benchmark"))
            timings.append(time.perf_counter() - start)
    return {
        "report_pages": pages,
        "report_pages_per_s": round(pages / best_report, 1),
        "report_plain_pages_per_s": round(pages / best_plain, 1),
        "report_ratio": round(best_plain / best_report, 3),
        "sign_ms": round(1000 * min(timings), 1),
    }


def _count_pages(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])
