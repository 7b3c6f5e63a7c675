"""Interventions on the case page: the ladder climbed (templates/interventions/_case_ladder.html), recording an
intervention and its next steps. The rules are the service's (gdt.services.interventions)."""
from flask import Blueprint

bp = Blueprint("interventions", __name__)

from gdt.web.interventions import partials, views  # noqa: E402,F401
