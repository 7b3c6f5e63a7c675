"""The map pages: thin views over gdt.services.geo; every view of report data audited."""
from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from gdt import labels
from gdt.services import geo
from gdt.services.core import audit, reference_data
from gdt.services.core.pagination import page_of
from gdt.services.geo import filters
from gdt.web.access import role_required
from gdt.web.map import bp
from gdt.web.map.tiles import tile_settings


def _filter():
    categories = reference_data.all_categories()
    return filters.parse(request.args, category_keys={category.key for category in categories}), categories


@bp.route("")
@role_required("coordinator")
def index():
    """The map of open reports with the same reports as a table under it (the map is never the only way)."""
    map_filter, categories = _filter()
    focus = geo.focus_of(current_user, request.args.get("melding"))
    page = page_of(geo.reports_in_view(current_user, bbox=map_filter.bbox, **map_filter.query()), request.args,
                   per_page=current_app.config["PER_PAGE"])
    audit.record_now(current_user, "view", "map", detail={"filter": map_filter.as_args(), "page": page.page})
    data_args = map_filter.as_args()
    data_args.pop("gebied", None)  # the map asks for the part in view itself
    return render_template("map/index.html", map_filter=map_filter, categories=categories, page=page,
                           total=format_decimal(page.total), tiles=tile_settings(), focus=focus,
                           data_url=url_for("map.data", **data_args), statuses=filters.STATUS_CHOICES)


@bp.route("/gegevens")
@role_required("coordinator")
def data():
    """The markers for the part of the map in view (JSON for map.js), grouped in the database."""
    map_filter, _categories = _filter()
    found = geo.map_data(current_user, bbox=map_filter.bbox, **map_filter.query())
    audit.record_now(current_user, "view", "map",
                     detail={"filter": map_filter.as_args(), "groups": len(found.clusters)})
    markers = [_marker(cluster) for cluster in found.clusters]
    return jsonify(markers=markers, located=found.located, unlocated=found.unlocated,
                   summary=summary(found.located, len(found.clusters), found.unlocated))


def _marker(cluster: geo.Cluster) -> dict:
    """A group: its centre and number; a single report also its reference, link, category and status."""
    marker = {"lat": round(cluster.lat, 6), "lon": round(cluster.lon, 6), "count": cluster.count}
    if cluster.reference is not None:
        marker |= {"reference": cluster.reference, "url": url_for("triage.show", reference=cluster.reference),
                   "category": cluster.category, "status": str(labels.REPORT_STATUS_LABELS[cluster.status])}
    return marker


def summary(located: int, groups: int, unlocated: int) -> str:
    """The map in words (its text alternative), updated by map.js after every move."""
    text = ngettext("De kaart toont %(num)d melding", "De kaart toont %(num)d meldingen", located)
    text += " " + ngettext("op %(num)d plek.", "op %(num)d plekken.", groups)
    if unlocated:
        text += " " + ngettext("%(num)d melding heeft geen bekende locatie en staat alleen in de tabel.",
                               "%(num)d meldingen hebben geen bekende locatie en staan alleen in de tabel.", unlocated)
    return text


@bp.route("/buurten")
@role_required("manager")
def buurten():
    """Reports per buurt as a heat map and a table; small cells hidden, no report named."""
    map_filter, categories = _filter()
    status = request.args.get("status") if request.args.get("status") in filters.STATUS_CHOICES else "all"
    query = map_filter.query()
    heat = geo.heat_map(**(query | {"statuses": () if status == "all" else query["statuses"]}))
    audit.record_now(current_user, "view", "map_buurten", detail={"filter": map_filter.as_args()})
    cells = [{"lat": round(buurt.lat, 5), "lon": round(buurt.lon, 5), "count": buurt.count,
              "label": buurt.name or buurt.code} for buurt in heat.buurten if buurt.count is not None]
    return render_template("map/buurten.html", map_filter=map_filter, categories=categories, heat=heat,
                           cells=cells, tiles=tile_settings(), statuses=filters.STATUS_CHOICES, status=status)


def status_label(choice: str) -> str:
    return {"open": _("Open (nog niet afgehandeld)"), "all": _("Alle")}.get(choice) or str(
        labels.REPORT_STATUS_LABELS[choice])


@bp.app_context_processor
def _labels() -> dict:
    return {"map_status_label": status_label}
