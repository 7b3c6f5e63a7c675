"""What the case page's "Interventies" section asks for (templates/interventions/_case_ladder.html)."""
from flask_login import current_user

from gdt.services.core import access
from gdt.services.interventions import ladder
from gdt.web.interventions import bp


def case_interventions(case) -> dict:
    rungs = ladder.ladder(case)
    return {"rungs": rungs, "highest": ladder.highest_climbed(rungs),
            "recorded": sum(len(rung.interventions) for rung in rungs),
            "may_record": case.status == "open" and access.can_edit_case(current_user, case)}


@bp.app_context_processor
def _intervention_functions() -> dict:
    return {"case_interventions": case_interventions}
