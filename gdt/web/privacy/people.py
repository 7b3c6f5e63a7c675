"""Finding a person (/privacy/personen) and the inspection export (/privacy/inzage, AVG art. 15).

Names, e-mail addresses, phone numbers and addresses are never in a URL: the search and the downloads are POSTs with
a CSRF token, and the pages carry the typed values only in the form. The rules are the services'
(gdt.services.privacy.people, gdt.services.privacy.inspection).
"""
from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from gdt.services.core.errors import ServiceError, ValidationFailed
from gdt.services.privacy import inspection as inspection_export
from gdt.services.privacy import people
from gdt.web.access import role_required
from gdt.web.forms import form_page, show_error
from gdt.web.privacy import bp
from gdt.web.responses import download, private

NO_AUTOFILL = {"autocomplete": "off"}
MEDIA_TYPES = {"json": "application/json", "pdf": "application/pdf"}


class PersonFields:
    """The fields that identify a person, shared by the person search, the inspection export and the audit trail."""

    person_name = StringField(_l("Naam"), render_kw=NO_AUTOFILL | {"maxlength": 120},
                              description=_l("Ook een deel van de naam, hoofdletters maken niet uit."))
    person_email = StringField(_l("E-mailadres"), render_kw=NO_AUTOFILL | {"type": "email", "maxlength": 254})
    person_phone = StringField(_l("Telefoonnummer"), render_kw=NO_AUTOFILL | {"type": "tel", "maxlength": 30},
                               description=_l("Met 06, 0031 of +31: het vindt ze alle drie."))
    person_postcode = StringField(_l("Postcode"), render_kw=NO_AUTOFILL | {"maxlength": 7})
    person_house_number = StringField(_l("Huisnummer"), render_kw=NO_AUTOFILL | {"maxlength": 5,
                                                                                  "inputmode": "numeric"})

    def person_criteria(self) -> people.Criteria:
        """The cleaned criteria; a refusal is a ServiceError whose fields are `person_…`."""
        try:
            return people.criteria(name=self.person_name.data, email=self.person_email.data,
                                   phone=self.person_phone.data, postcode=self.person_postcode.data,
                                   house_number=self.person_house_number.data)
        except ServiceError as error:
            raise _prefixed(error) from error


class PersonSearchForm(PersonFields, FlaskForm):
    pass


class ReferencesField(TextAreaField):
    """Typed references, or the ticked ones of the person search (several values of the same name)."""

    def process_formdata(self, valuelist):
        self.data = " ".join(value for value in valuelist if value) if valuelist else ""


class InspectionForm(PersonFields, FlaskForm):
    references = ReferencesField(_l("Kenmerken van meldingen en casussen"),
                                 description=_l("Gescheiden door spaties, komma's of nieuwe regels, zoals "
                                                "GDT-2026-000123."))


@bp.route("/personen", methods=["GET", "POST"])
@role_required("privacy")
def people_search():
    form = PersonSearchForm()
    found = None
    if form.validate_on_submit():
        try:
            found = people.search(form.person_criteria(), actor=current_user)
        except ServiceError as error:
            show_error(form, error)
    return private(form_page("privacy/people.html", form=form, matches=found,
                             inspection_form=InspectionForm(formdata=None)))


@bp.route("/inzage", methods=["GET", "POST"])
@role_required("privacy")
def inspection():
    """GET: the form, with the references of a request (?references=); POST with `format`: the download."""
    if request.method == "GET":
        form = InspectionForm(formdata=None)
        form.references.data = request.args.get("references", "").replace(",", " ")  # references only, never names
        return private(form_page("privacy/inspection.html", form=form))
    form = InspectionForm()
    chosen = request.form.get("format")
    if form.validate_on_submit() and chosen in MEDIA_TYPES:
        try:
            wanted = form.person_criteria()
            make = inspection_export.inspection_pdf if chosen == "pdf" else inspection_export.inspection_json
            data = make(form.references.data, wanted, actor=current_user)
        except ServiceError as error:
            show_error(form, error)
        else:
            return download(data, f"inzage.{chosen}", MEDIA_TYPES[chosen])
    return private(form_page("privacy/inspection.html", form=form))


def _prefixed(error: ServiceError) -> ServiceError:
    if isinstance(error, ValidationFailed):
        return ValidationFailed({_field(key): message for key, message in error.errors.items()})
    return ServiceError(error.message, field=_field(error.field) if error.field else None)


def _field(key: str) -> str:
    return key if key.startswith("person_") or key == "references" else f"person_{key}"
