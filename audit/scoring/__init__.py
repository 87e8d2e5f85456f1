"""Scoring: controls in scope + answers + evidence + policy + as_of -> an explained AuditResult.

`engine` scores each control (the hot loop), `proof` decides what evidence counts, `rating`
turns control results into domain scores and a rating, `results` holds what they produce, and
`batch` is the portfolio path.
"""

from audit.scoring.batch import VendorInputs, collector_paused, score_portfolio
from audit.scoring.engine import Compiled, compile_controls, score_controls
from audit.scoring.proof import Evidence, Proof, current_proof
from audit.scoring.rating import aggregate
from audit.scoring.results import FAILING, AuditResult, ControlResult, Status

__all__ = [
    "FAILING",
    "AuditResult",
    "Compiled",
    "ControlResult",
    "Evidence",
    "Proof",
    "Status",
    "VendorInputs",
    "aggregate",
    "collector_paused",
    "compile_controls",
    "current_proof",
    "score_controls",
    "score_portfolio",
]
