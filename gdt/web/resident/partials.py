"""What the included sections resident/_report_logbook.html and resident/_case_logbook.html ask for: the resident's
logbook for staff who may read it (coordinators and intake who may open the report; partners never), audited when
there is something to read."""
from flask_login import current_user

from gdt.services.resident import logbook
from gdt.web.resident import bp


@bp.app_context_processor
def logbook_helpers() -> dict:
    def report_logbook(report) -> list:
        return logbook.read_for_staff(current_user, report)

    def case_logbooks(case) -> list[tuple]:
        return logbook.read_case_for_staff(current_user, case)

    return {"resident_report_logbook": report_logbook, "resident_case_logbooks": case_logbooks}
