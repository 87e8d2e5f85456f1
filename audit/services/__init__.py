"""Use cases: what the CLI, the scheduler and later the web layer call. Each composes the pure
core with the IO edges; none prints or exits.

The functions are loaded on first use (PEP 562): a command imports only the services it calls,
so `audit --help` does not load the database, report and signing stacks."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# name -> the module that defines it
_WHERE = {
    "assess": "assessments",
    "assess_all": "batch",
    "import_questionnaires": "batch",
    "diff_runs": "runs",
    "get_run": "runs",
    "history": "runs",
    "verify_history": "runs",
    "all_coverage": "content",
    "create_workspace": "content",
    "find_item": "content",
    "framework_coverage": "content",
    "workspace_content": "content",
    "add_evidence": "evidence",
    "list_evidence": "evidence",
    "verify_evidence": "evidence",
    "accept_finding": "findings",
    "finding_history": "findings",
    "list_findings": "findings",
    "update_finding": "findings",
    "issue_questionnaire": "questionnaires",
    "issue_link": "links",
    "resolve_link": "links",
    "revoke_links": "links",
    "check_questionnaire": "submissions",
    "import_questionnaire": "submissions",
    "list_questionnaires": "submissions",
    "show_submission": "submissions",
    "add_vendor": "vendors",
    "import_vendors": "vendors",
    "list_vendors": "vendors",
    "show_vendor": "vendors",
    "vendor_listing": "vendors",
}

__all__ = [
    "accept_finding",
    "add_evidence",
    "add_vendor",
    "all_coverage",
    "assess",
    "assess_all",
    "check_questionnaire",
    "create_workspace",
    "diff_runs",
    "find_item",
    "finding_history",
    "framework_coverage",
    "get_run",
    "history",
    "import_questionnaire",
    "import_questionnaires",
    "import_vendors",
    "issue_questionnaire",
    "issue_link",
    "resolve_link",
    "revoke_links",
    "list_evidence",
    "verify_evidence",
    "verify_history",
    "list_findings",
    "list_questionnaires",
    "list_vendors",
    "show_submission",
    "show_vendor",
    "update_finding",
    "vendor_listing",
    "workspace_content",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        try:  # a submodule: `services.assessments`
            return import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from audit.services.assessments import assess
    from audit.services.batch import assess_all, import_questionnaires
    from audit.services.content import (
        all_coverage,
        create_workspace,
        find_item,
        framework_coverage,
        workspace_content,
    )
    from audit.services.evidence import add_evidence, list_evidence, verify_evidence
    from audit.services.findings import (
        accept_finding,
        finding_history,
        list_findings,
        update_finding,
    )
    from audit.services.links import issue_link, resolve_link, revoke_links
    from audit.services.questionnaires import issue_questionnaire
    from audit.services.runs import diff_runs, get_run, history, verify_history
    from audit.services.submissions import (
        check_questionnaire,
        import_questionnaire,
        list_questionnaires,
        show_submission,
    )
    from audit.services.vendors import (
        add_vendor,
        import_vendors,
        list_vendors,
        show_vendor,
        vendor_listing,
    )
