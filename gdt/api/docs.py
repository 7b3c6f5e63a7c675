"""How operations document their problem+json answers in the OpenAPI document: one decorator for all."""
from gdt.api.intake_schemas import PROBLEM, ProblemSchema

API_VERSION_HEADER = {"description": "Versie van de API (semver), op elk antwoord.", "schema": {"type": "string"}}
RETRY_AFTER_HEADER = {"description": "Seconden tot een nieuwe poging zin heeft.", "schema": {"type": "integer"}}


def problems(blp, descriptions: dict[int, str], *statuses: int):
    """Document each status as application/problem+json with its description (429 and 503 with Retry-After)."""
    def decorate(view):
        for status in statuses:
            headers = {"API-Version": API_VERSION_HEADER}
            if status in (429, 503):
                headers["Retry-After"] = RETRY_AFTER_HEADER
            view = blp.alt_response(status, schema=ProblemSchema, content_type=PROBLEM,
                                    description=descriptions[status], headers=headers)(view)
        return view
    return decorate
