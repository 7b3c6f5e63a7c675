"""The public report form. The field rules are the intake's (services.intake), shared with phone and API."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    StringField,
    TelField,
    TextAreaField,
)

from gdt.services.intake.report_intake import DESCRIPTION_MAX


class PublicReportForm(FlaskForm):
    form_key = HiddenField()
    category = RadioField(_l("Wat voor overlast is het?"), choices=[], validate_choice=False)  # the service says why
    description = TextAreaField(_l("Beschrijf de overlast"),
                                description=_l("Wat gebeurt er, sinds wanneer, hoe vaak en op welke tijden? "
                                               "Schrijf alleen op wat nodig is om de overlast te begrijpen. "
                                               "U kunt hoogstens %(max)d tekens gebruiken.", max=DESCRIPTION_MAX))
    postcode = StringField(_l("Postcode"), description=_l("Bijvoorbeeld 5611 AB"),
                           render_kw={"autocomplete": "postal-code", "size": 7})
    house_number = StringField(_l("Huisnummer"), render_kw={"inputmode": "numeric", "size": 6})
    house_number_addition = StringField(_l("Toevoeging"), description=_l("Huisletter of toevoeging, zoals A of 2HG"),
                                        render_kw={"size": 6})
    street = StringField(_l("Straat"), render_kw={"autocomplete": "address-line1"})
    city = StringField(_l("Plaats"), render_kw={"autocomplete": "address-level2"})
    photos = MultipleFileField(_l("Foto's"), description=_l("Hoogstens 3 foto's (JPEG, PNG of HEIC), elk tot 10 MB. "
                                                            "Wij verwijderen de locatiegegevens uit de foto's."),
                               render_kw={"accept": "image/jpeg,image/png,image/heic,.heic,.heif"})
    reporter_is_anonymous = BooleanField(_l("Ik wil anoniem melden"))
    reporter_name = StringField(_l("Uw naam"), render_kw={"autocomplete": "name"})
    reporter_email = EmailField(_l("Uw e-mailadres"),
                                description=_l("Dan sturen wij u een ontvangstbevestiging met het kenmerk van uw "
                                               "melding."),
                                render_kw={"autocomplete": "email"})
    reporter_phone = TelField(_l("Uw telefoonnummer"), render_kw={"autocomplete": "tel"})
    reporter_may_contact = BooleanField(_l("U mag contact met mij opnemen over deze melding"))
    # Left empty by people, filled in by bots that fill in every field (see templates/public/report.html).
    website = StringField(_l("Laat dit veld leeg"), render_kw={"autocomplete": "off", "tabindex": "-1"})
