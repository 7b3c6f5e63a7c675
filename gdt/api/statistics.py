"""GET /api/v1/statistics/{year}: the statistics document (docs/domain.md), as `flask stats YEAR --format json`."""
from flask import Response

from gdt.api import blueprint
from gdt.api.auth import api_user, staff
from gdt.api.docs import problems
from gdt.services.core.access import STATISTICS_ROLES
from gdt.services.reporting import statistics

blp = blueprint("statistics", "Jaarcijfers: aantallen en percentages per kanaal en uitkomst, zonder persoonsgegevens.")


PROBLEM_TEXT = {
    401: "Geen geldig persoonlijk token (of een sessie zonder CSRF-token).",
    403: "Alleen managers en regisseurs zien statistieken.",
    404: "Geen statistieken voor dit jaar: de jaren lopen van het eerste jaar met een melding of casus tot en met "
         "dit jaar (de foutmelding noemt ze).",
}


@blp.route("/statistics/<int:year>")
@blp.doc(summary="Jaarcijfers", responses={"200": {
    "description": "Het statistiekdocument van het jaar; een jaar zonder meldingen of casussen geeft nullen."}})
@problems(blp, PROBLEM_TEXT, 401, 403, 404)
@staff(*STATISTICS_ROLES)  # manager, coordinator
def yearly_statistics(year: int) -> Response:
    """Aggregates only, so both roles may read it; every read is audited like the page.

    Rendered by the service rather than jsonify, so the keys keep the documented order and the
    body is byte for byte what the command prints.
    """
    document = statistics.view_statistics(year, actor=api_user())
    return Response(statistics.render(document, "json"), mimetype="application/json")
