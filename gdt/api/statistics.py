"""GET /api/v1/statistics/{year}: the DESIGN §6 document, the same as `flask stats YEAR --format json`."""
from flask import Response
from flask_login import current_user

from gdt.api import bp
from gdt.services import statistics
from gdt.services.access import STATISTICS_ROLES
from gdt.web.access import role_required


@bp.route("/statistics/<int:year>")
@role_required(*STATISTICS_ROLES)  # manager, coordinator
def yearly_statistics(year: int) -> Response:
    """Aggregates only, so both roles may read it; every read is audited like the page.

    Rendered by the service rather than jsonify, so the keys keep the documented order and the
    body is byte for byte what the command prints.
    """
    document = statistics.view_statistics(year, actor=current_user)
    return Response(statistics.render(document, "json"), mimetype="application/json")
