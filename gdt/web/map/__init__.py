"""The map (/kaart): coordinators' reports on a map with the same list under it, the managers' buurt heat map, and
the location block on the report and case pages (README, "Map")."""
from flask import Blueprint

bp = Blueprint("map", __name__, url_prefix="/kaart")

from gdt.web.map import location, views  # noqa: E402,F401
