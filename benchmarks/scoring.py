"""score_evals_per_s and score_peak_mb: the scoring core over a synthetic portfolio of
2,000 vendors x 250 controls (answers, evidence and follow-up questions generated from a seed),
keeping every result in memory as an assessment run would."""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
import tracemalloc
from typing import Any

from audit.content.conditions import Leaf
from audit.content.model import AnswerSpec, Control, EvidenceRequirement, Option, Threshold
from audit.model import AnswerType, Severity, Tier
from audit.scoring import Evidence, VendorInputs, compile_controls, score_portfolio
from audit.workspace import builtin_root

DOMAINS = ("security", "data-handling", "regulatory", "continuity", "service-delivery")
KINDS = ("soc2_type2", "iso27001_certificate", "pentest_report", "dpa", "bcp_test_report")
AS_OF = dt.date(2026, 12, 14)


def _control(i: int, rng: random.Random) -> Control:
    kind = rng.random()
    if kind < 0.7:
        answer = AnswerSpec(
            AnswerType.CHOICE,
            options=(
                Option("full", "Full", 1.0),
                Option("partial", "Partial", 0.5),
                Option("none", "None", 0.0),
                Option("na", "Not applicable", None, True),
            ),
        )
    elif kind < 0.85:
        answer = AnswerSpec(
            AnswerType.PERCENT,
            thresholds=(Threshold("gte", 99.0, 1.0), Threshold("gte", 95.0, 0.5)),
            otherwise=0.0,
        )
    else:
        answer = AnswerSpec(
            AnswerType.DATE, thresholds=(Threshold("lte", 365, 1.0),), otherwise=0.0
        )
    evidence = ()
    if rng.random() < 0.3:
        evidence = (EvidenceRequirement((rng.choice(KINDS),), True, 730),)
    follow = Leaf(f"BEN-C{(i - 1) // 100:02d}-{(i - 1) % 100:02d}", "equals", "partial", True)
    return Control(
        id=f"BEN-C{i // 100:02d}-{i % 100:02d}",
        checklist=DOMAINS[i % 5],
        domain=DOMAINS[i % 5],
        section="s",
        title="t",
        question="q",
        guidance="g",
        answer=answer,
        weight=rng.randint(1, 5),
        severity=Severity.HIGH,
        knockout=rng.random() < 0.02,
        applies_when=follow if i and rng.random() < 0.05 else None,
        evidence=evidence,
        references={},
        remediation="r",
    )


def _answer(control: Control, rng: random.Random) -> Any:
    if control.answer.type is AnswerType.CHOICE:
        return rng.choice(("full", "full", "partial", "none", "na"))
    if control.answer.type is AnswerType.PERCENT:
        return rng.choice((99.5, 97.0, 80.0))
    return (AS_OF - dt.timedelta(days=rng.randint(1, 700))).isoformat()


def _portfolio(vendors: int, controls: list[Control], rng: random.Random) -> list[tuple[Any, ...]]:
    portfolio = []
    for v in range(vendors):
        answers = {c.id: _answer(c, rng) for c in controls if rng.random() < 0.97}
        evidence = [
            Evidence(
                n,
                kind,
                issued=AS_OF - dt.timedelta(days=rng.randint(10, 500)),
                expires=AS_OF + dt.timedelta(days=rng.randint(-60, 400)),
                period_end=AS_OF - dt.timedelta(days=rng.randint(10, 500)),
            )
            for n, kind in enumerate(KINDS)
            if rng.random() < 0.7
        ]
        portfolio.append((f"vendor-{v}", answers, evidence))
    return portfolio


def _score_all(compiled: Any, portfolio: list[tuple[Any, ...]], policy: Any) -> list[Any]:
    batch = (
        VendorInputs(vendor_id, Tier.HIGH, compiled, {}, answers, evidence)
        for vendor_id, answers, evidence in portfolio
    )
    return score_portfolio(batch, policy, AS_OF)


def run(quick: bool, seed: int) -> dict[str, Any]:
    from audit.content.library import load_content

    root = builtin_root()
    policy = load_content(
        root / "checklists", root / "checklists" / "frameworks", root / "policies" / "default.yaml"
    ).policy
    rng = random.Random(seed)
    controls = [_control(i, rng) for i in range(250)]
    vendors = 200 if quick else 2000
    portfolio = _portfolio(vendors, controls, rng)
    compiled = compile_controls(controls)
    evaluations = vendors * len(controls)
    best = float("inf")
    for _ in range(1 if quick else 3):
        gc.collect()
        start = time.perf_counter()
        results = _score_all(compiled, portfolio, policy)
        best = min(best, time.perf_counter() - start)
        del results
    gc.collect()
    tracemalloc.start()
    kept = _score_all(compiled, portfolio, policy)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return {
        "score_vendors": vendors,
        "score_evaluations": evaluations,
        "score_evals_per_s": round(evaluations / best),
        "score_peak_mb": round(peak / 2**20, 1),
    }
