"""The phone intake form. Field rules live in services.intake.clean_report_input, shared with API and import."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TelField, TextAreaField

from gdt.services.core.errors import ValidationFailed
from gdt.services.intake.report_intake import AddressLookup
from gdt.web.forms import show_error


class PhoneReportForm(FlaskForm):
    category = SelectField(_l("Categorie"), choices=[])
    description = TextAreaField(_l("Beschrijving van de overlast"),
                                description=_l("Wat gebeurt er, sinds wanneer en hoe vaak? Alleen wat nodig is."))
    postcode = StringField(_l("Postcode"), description=_l("Bijvoorbeeld 5611 AB"),
                           render_kw={"autocomplete": "postal-code", "inputmode": "text", "size": 7})
    house_number = StringField(_l("Huisnummer"), render_kw={"inputmode": "numeric", "size": 6})
    house_number_addition = StringField(_l("Toevoeging"), description=_l("Huisletter of toevoeging, zoals A of 2HG"),
                                        render_kw={"size": 6})
    lookup = SubmitField(_l("Zoek adres"))
    bag_id = StringField()  # the BAG address chosen after a lookup; intake/_address_result.html renders it
    street = StringField(_l("Straat"), render_kw={"autocomplete": "address-line1"})
    city = StringField(_l("Plaats"), render_kw={"autocomplete": "address-level2"})
    reporter_is_anonymous = BooleanField(_l("De melder wil anoniem blijven"))
    reporter_name = StringField(_l("Naam melder"), render_kw={"autocomplete": "off"})
    reporter_phone = TelField(_l("Telefoonnummer melder"), render_kw={"autocomplete": "off"})
    reporter_email = EmailField(_l("E-mailadres melder"), render_kw={"autocomplete": "off"})
    reporter_may_contact = BooleanField(_l("De melder mag benaderd worden"))

    OPTIONAL = ("house_number_addition", "street", "city", "reporter_phone", "reporter_email")

    def show_lookup(self, lookup: AddressLookup) -> None:
        """Put a lookup into the fields: its errors next to them, or the BAG's address when one is meant.

        The user asked for the lookup, so the BAG's street and city replace what was typed.
        """
        if lookup.errors:
            show_error(self, ValidationFailed(lookup.errors))
        if lookup.chosen is not None:
            self.house_number_addition.data = lookup.chosen.addition
            self.street.data, self.city.data = lookup.chosen.street, lookup.chosen.city
            self.bag_id.data = lookup.chosen.bag_id
