"""What templates/letters/_case_letters.html asks for: whether the reader may write letters on the case."""
from flask_login import current_user

from gdt.services.letters import generate
from gdt.web.letters import bp


@bp.app_context_processor
def _letter_functions() -> dict:
    return {"may_write_letters": lambda case: generate.may_write(current_user, case)}
