"""The search page: the header's box posts here; the results are the service's (gdt.services.search), every hit
one the viewer may open, and each links to the page that opens it for this role."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SearchField

from gdt.services import search as service
from gdt.services.core.errors import ServiceError
from gdt.web.access import role_required
from gdt.web.forms import form_page, show_error
from gdt.web.responses import private
from gdt.web.search import bp

GROUP_LABELS = {"reports": _l("Meldingen"), "cases": _l("Casussen"), "people": _l("Personen"),
                "addresses": _l("Adressen")}
# The page that opens a hit, per role: the same pages the lists link to.
OPENS = {
    ("report", "coordinator"): "triage.show", ("report", "intake"): "intake.show",
    ("report", "partner"): "partner.show", ("case", "coordinator"): "cases.show", ("case", "partner"): "partner.case",
}


class SearchForm(FlaskForm):
    q = SearchField(_l("Zoeken"), render_kw={"autocomplete": "off", "maxlength": service.terms.MAX_LENGTH,
                                             "spellcheck": "false"},
                    description=_l("Kenmerk, postcode met huisnummer, straat, naam, telefoonnummer, e-mailadres, "
                                   "ketenpartner of woorden uit een omschrijving of notitie."))


@bp.app_context_processor
def _search_box():
    """The header's box, for the roles that search (base.html). No user at all when a template is rendered outside
    a request (the PDFs)."""
    signed_in = getattr(current_user, "is_authenticated", False)
    return {"may_search": service.can_search(current_user) if signed_in else False,
            "search_max_length": service.terms.MAX_LENGTH}


@bp.route("/zoeken", methods=["GET", "POST"])
@role_required(*service.SEARCH_ROLES)
def page():
    form = SearchForm()
    found = None
    if form.validate_on_submit():
        try:
            found = service.run_search(current_user, form.q.data or "")
        except ServiceError as error:
            show_error(form, error)
    return results_page(form, found)


def results_page(form: SearchForm, found: service.SearchResults | None):
    """The page with the box and what was found (a saved search opens the same way, gdt.web.worklists)."""
    return private(form_page("search/page.html", form=form, found=found, group_labels=GROUP_LABELS,
                             opens=hit_page))


def hit_page(hit: service.Hit) -> str | None:
    """The page that opens `hit` for the current user; None for what may only be known (or has no page)."""
    if not hit.linked:
        return None
    if hit.kind == "person":
        return url_for("people.show", person_id=int(hit.key))
    endpoint = OPENS.get((hit.kind, current_user.role))
    return url_for(endpoint, reference=hit.key) if endpoint else None
