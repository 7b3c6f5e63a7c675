"""GET /api/v1/statistics/{year}: the statistics document (docs/domain.md), as `flask stats YEAR --format json`;
GET /api/v1/statistics/outcomes?year=: "Werkt het?" (the document's contract stays as it is, so a route of its own)."""
import marshmallow as ma
from flask import Response

from gdt.api import blueprint
from gdt.api.auth import api_user, staff
from gdt.api.docs import API_VERSION_HEADER, problems
from gdt.api.statistics_outcomes import OutcomesArgumentsSchema, OutcomesSchema
from gdt.services.core.access import STATISTICS_ROLES
from gdt.services.reporting import outcomes, statistics

blp = blueprint("statistics", "Jaarcijfers: aantallen en percentages per kanaal en uitkomst, zonder persoonsgegevens.")


PROBLEM_TEXT = {
    401: "Geen geldig persoonlijk token (of een sessie zonder CSRF-token).",
    403: "Alleen managers en regisseurs zien statistieken.",
    404: "Geen statistieken voor dit jaar: de jaren lopen van het eerste jaar met een melding of casus tot en met "
         "dit jaar (de foutmelding noemt ze).",
    422: "Geen of geen geldig jaar in year.",
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


@blp.route("/statistics/outcomes")
@staff(*STATISTICS_ROLES)
@blp.arguments(OutcomesArgumentsSchema, location="query", unknown=ma.RAISE)
@blp.response(200, OutcomesSchema, headers={"API-Version": API_VERSION_HEADER})
@problems(blp, PROBLEM_TEXT, 401, 403, 404, 422)
@blp.doc(summary="Werkt het?", description="Interventies per soort, gesloten casussen per resultaat, herhaling binnen "
         "6 en 12 maanden na sluiten (een nieuwe melding op het adres of van een betrokken persoon), de doorlooptijd "
         "per werkwijze en de tevredenheid van melders, voor het jaar in year. Alleen aantallen; kleine aantallen "
         "afgeschermd. Elke opvraging staat in de auditlog.")
def yearly_outcomes(arguments: dict):
    return outcomes.view_outcomes(arguments["year"], actor=api_user())
