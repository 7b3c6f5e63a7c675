"""What the included partials (people/_triage.html, people/_parties.html) ask for, as template functions: the
services answer, with need-to-know and the audit; the pages that include them are coordinators' own."""
from flask_login import current_user

from gdt.services.people import earlier, overview
from gdt.web.people import bp


@bp.app_context_processor
def people_helpers() -> dict:
    return {"people_earlier": lambda report: earlier.for_report(report, actor=current_user),
            "people_of_report": overview.people_of_report, "people_of_case": overview.parties_of}
