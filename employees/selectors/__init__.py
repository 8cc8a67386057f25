"""Reads of the employees app, one module per topic (as employees/services/ is):

register    search, the employee list and detail, the change history
projection  head counts of the retirements ahead (dashboard summary, projection)
cases       retirement records: the card, the document checklist, the work list
transfer    the import and export pages
portal      the retirees' portal: sign-in, the portal user's employee record
accounts    staff accounts in the admin

Every public name is importable from `employees.selectors` as well as from its module.
"""

from employees.selectors.accounts import account_state, accounts_manageable, roles_grantable
from employees.selectors.cases import (
    CASE_LIVE_STATUSES,
    CASE_NONE,
    CASE_OPEN_STATUSES,
    WORKLIST_FIELDS,
    ChecklistRow,
    KeysFirstPaginator,
    NextStep,
    RetirementCaseCard,
    WorklistRow,
    case_document_get,
    document_type_list,
    retirement_case_card,
    retirement_case_get,
    retirement_worklist,
    retirement_worklist_rows,
    worklist_candidates,
)
from employees.selectors.portal import (
    employee_for_portal,
    employees_for_sign_in,
    heir_for_portal,
    heirs_for_sign_in,
    portal_person,
)
from employees.selectors.projection import (
    PROJECTION_MONTHS,
    PROJECTION_YEARS,
    STATUS_ACTIVE,
    DashboardSummary,
    Period,
    ProjectionCell,
    ProjectionRow,
    ProjectionTable,
    RetirementProjection,
    dashboard_summary,
    retirement_projection,
    retiring_query,
)
from employees.selectors.register import (
    ACTIVE_STATUSES,
    NAME_SIMILARITY_THRESHOLD,
    FieldChange,
    HistoryEntry,
    RegisterPaginator,
    employee_case,
    employee_get,
    employee_history,
    employee_list,
    employee_search,
    employee_similar_list,
    unit_and_subunit_ids,
)
from employees.selectors.transfer import import_job_list, unit_choices

__all__ = [
    "ACTIVE_STATUSES",
    "CASE_LIVE_STATUSES",
    "CASE_NONE",
    "CASE_OPEN_STATUSES",
    "NAME_SIMILARITY_THRESHOLD",
    "PROJECTION_MONTHS",
    "PROJECTION_YEARS",
    "STATUS_ACTIVE",
    "WORKLIST_FIELDS",
    "ChecklistRow",
    "DashboardSummary",
    "FieldChange",
    "HistoryEntry",
    "KeysFirstPaginator",
    "NextStep",
    "Period",
    "ProjectionCell",
    "ProjectionRow",
    "ProjectionTable",
    "RegisterPaginator",
    "RetirementCaseCard",
    "RetirementProjection",
    "WorklistRow",
    "account_state",
    "accounts_manageable",
    "case_document_get",
    "dashboard_summary",
    "document_type_list",
    "employee_case",
    "employee_for_portal",
    "employee_get",
    "employee_history",
    "employee_list",
    "employee_search",
    "employee_similar_list",
    "employees_for_sign_in",
    "heir_for_portal",
    "heirs_for_sign_in",
    "import_job_list",
    "portal_person",
    "retirement_case_card",
    "retirement_case_get",
    "retirement_projection",
    "retirement_worklist",
    "retirement_worklist_rows",
    "retiring_query",
    "roles_grantable",
    "unit_and_subunit_ids",
    "unit_choices",
    "worklist_candidates",
]
