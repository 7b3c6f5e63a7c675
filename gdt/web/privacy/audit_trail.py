"""The privacy officer's search of the audit trail (/privacy/audittrail, the role's start page) and its CSV export.

The non-personal filters (reference, staff member, action, object type, outcome, period) live in the address, so a
search can be bookmarked and paged with links. A search for a person is a POST with a CSRF token whose results are
answered directly and paged with buttons of the same form: a name, e-mail address, phone number or address never
lands in a URL, a log line or the browser's history. The export is a POST too. The rules are the service's
(gdt.services.privacy.audit_search); the CSV's text cells are written so a spreadsheet never runs them.
"""
import csv
from collections.abc import Iterable, Iterator

from flask import Response, current_app, redirect, request, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from gdt.models.audit import AUDIT_OUTCOMES
from gdt.services.core import pagination
from gdt.services.core.errors import ServiceError, ValidationFailed
from gdt.services.privacy import audit_search as service
from gdt.services.reporting.spreadsheet_text import safe_text
from gdt.web.access import role_required
from gdt.web.forms import choices, form_page, show_error
from gdt.web.privacy import bp
from gdt.web.privacy.people import NO_AUTOFILL, PersonFields
from gdt.web.responses import download, private


def _options(labels: dict, empty) -> list:
    return choices([("", empty), *sorted(((key, str(label)) for key, label in labels.items()),
                                         key=lambda pair: pair[1])])


class AuditSearchForm(PersonFields, FlaskForm):
    reference = StringField(_l("Kenmerk"), render_kw=NO_AUTOFILL | {"maxlength": 40},
                            description=_l("Van een melding, casus, verzoek of vernietigingslijst."))
    user = StringField(_l("Medewerker"), render_kw=NO_AUTOFILL | {"maxlength": 254},
                       description=_l("Het volledige e-mailadres of een deel van de naam."))
    action = SelectField(_l("Actie"), validate_choice=False)
    object_type = SelectField(_l("Soort object"), validate_choice=False)
    outcome = SelectField(_l("Uitkomst"), validate_choice=False,
                          choices=choices([("", _l("Alle")), *((key, service.OUTCOME_LABELS[key])
                                                               for key in AUDIT_OUTCOMES)]))
    date_from = StringField(_l("Vanaf"), render_kw={"type": "date", "autocomplete": "off"})
    date_to = StringField(_l("Tot en met"), render_kw={"type": "date", "autocomplete": "off"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = _options(service.ACTION_LABELS, _l("Alle"))
        self.object_type.choices = _options(service.OBJECT_TYPE_LABELS, _l("Alle"))

    def values(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in (*service.GET_FILTERS, *service.PERSON_FILTERS)}


@bp.route("/audittrail", methods=["GET", "POST"])
@role_required("privacy")
def audit_trail():
    if request.method == "GET":
        form = AuditSearchForm(formdata=request.args)  # never validated: no token asked
        for name in service.PERSON_FILTERS:  # a person in an address is not taken up, nor shown back
            form[name].data = ""
        return _results(form, person=False)
    form = AuditSearchForm()
    if not form.validate_on_submit():
        return _page(form, None)
    if not any(form.values()[name] for name in service.PERSON_FILTERS):
        try:  # no person: the filters go to the address (bookmarkable, paged with links)
            found = service.parse(form.values())
        except ServiceError as error:
            show_error(form, error)
            return _page(form, None)
        return redirect(url_for("privacy.audit_trail", **found.as_args()))
    return _results(form, person=True)


@bp.route("/audittrail.csv", methods=["POST"])
@role_required("privacy")
def audit_trail_csv():
    form = AuditSearchForm()
    if form.validate_on_submit():
        try:
            found = service.parse(form.values(), with_person=True)
        except ServiceError as error:
            show_error(form, error)
        else:
            rows = service.export_rows(found, actor=current_user)
            body = Response(stream_with_context(_csv(rows)), content_type="text/csv; charset=utf-8")
            return download(body, "audittrail.csv")
    return _page(form, None)


def _results(form: AuditSearchForm, *, person: bool):
    try:
        found = service.parse(form.values(), with_person=person)
    except ValidationFailed as error:
        show_error(form, error)
        return _page(form, None)
    source = request.form if person else request.args
    page = pagination.page_of(service.search(found, actor=current_user), source,
                              per_page=current_app.config["PER_PAGE"])
    return _page(form, page, found=found, lines=service.lines(list(page.items)), person=person)


def _page(form: AuditSearchForm, page, **context):
    return private(form_page("privacy/audit_trail.html", form=form, page=page, **context))


def _csv(rows: Iterable[tuple[str, ...]]) -> Iterator[bytes]:
    """Excel's Dutch CSV: BOM, `;`; every cell text that a spreadsheet shows and never runs (formula injection)."""
    yield "\ufeff".encode()
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    for row in rows:
        yield writer.writerow([safe_text(cell) for cell in row]).encode("utf-8")


class _Line:
    """A file for csv.writer whose write() hands the formatted line back."""

    def write(self, line: str) -> str:
        return line
