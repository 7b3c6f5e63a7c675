"""The forms of the people pages."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice

from gdt.services.core.errors import ServiceError
from gdt.web.forms import VersionedForm

NEW = "new"
NO_AUTOFILL = {"autocomplete": "off"}


class PersonForm(VersionedForm):
    name = StringField(_l("Naam"), render_kw=NO_AUTOFILL | {"maxlength": 120})
    date_of_birth = StringField(_l("Geboortedatum"), render_kw={"type": "date"},
                                description=_l("Niet verplicht."))
    phone = StringField(_l("Telefoonnummer"), render_kw=NO_AUTOFILL | {"type": "tel", "maxlength": 30})
    email = StringField(_l("E-mailadres"), render_kw=NO_AUTOFILL | {"type": "email", "maxlength": 254})

    def birth_date(self) -> date | None:
        """The typed date (a browser sends yyyy-mm-dd), or a refusal next to the field."""
        raw = (self.date_of_birth.data or "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ServiceError(_l("Vul een geldige datum in, zoals 31-12-1980."), field="date_of_birth") from None


class AddressForm(FlaskForm):
    postcode = StringField(_l("Postcode"), render_kw=NO_AUTOFILL | {"maxlength": 7})
    house_number = StringField(_l("Huisnummer"), render_kw=NO_AUTOFILL | {"maxlength": 5, "inputmode": "numeric"})
    house_number_addition = StringField(_l("Toevoeging"), render_kw=NO_AUTOFILL | {"maxlength": 6})
    street = StringField(_l("Straat"), render_kw=NO_AUTOFILL | {"maxlength": 120})
    city = StringField(_l("Plaats"), render_kw=NO_AUTOFILL | {"maxlength": 80})


class ChoosePersonForm(FlaskForm):
    """Which person a party is: one of the suggestions, or a new one."""

    person = RadioField(_l("Wie is dit?"), validate_choice=False)

    def chosen_id(self) -> int | None:
        value = self.person.data
        if value == NEW:
            return None
        if not (value or "").isdigit():
            raise ServiceError(_l("Kies een persoon of een nieuwe persoon."), field="person")
        return int(value)


class LinkReportForm(ChoosePersonForm):
    role = RadioField(_l("Wie in deze melding?"), validate_choice=False, choices=[
        SelectChoice("reporter", _l("De melder")), SelectChoice("subject", _l("De betrokkene (overlastgever)"))])
    name = StringField(_l("Naam van de betrokkene"), render_kw=NO_AUTOFILL | {"maxlength": 120},
                       description=_l("Alleen bij een nieuwe betrokkene; het adres van de melding wordt "
                                      "het adres van deze persoon."))


class MergeForm(FlaskForm):
    source_version = HiddenField()
    target_version = HiddenField()
