"""Use cases: what the CLI, the scheduler and later the web layer call. Each composes the pure
core with the IO edges; none prints or exits."""

from audit.services.assessments import assess, diff_runs, get_run, history
from audit.services.content import (
    all_coverage,
    create_workspace,
    find_item,
    framework_coverage,
    workspace_content,
)
from audit.services.evidence import add_evidence, list_evidence
from audit.services.findings import (
    accept_finding,
    finding_history,
    list_findings,
    update_finding,
)
from audit.services.questionnaires import issue_questionnaire
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

__all__ = [
    "accept_finding",
    "assess",
    "diff_runs",
    "finding_history",
    "get_run",
    "history",
    "list_findings",
    "update_finding",
    "vendor_listing",
    "add_evidence",
    "check_questionnaire",
    "add_vendor",
    "all_coverage",
    "create_workspace",
    "find_item",
    "framework_coverage",
    "import_questionnaire",
    "import_vendors",
    "issue_questionnaire",
    "list_evidence",
    "list_questionnaires",
    "list_vendors",
    "show_submission",
    "show_vendor",
    "workspace_content",
]
