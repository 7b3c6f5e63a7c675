"""The phone intake form and the correction form. Field rules live in the services (intake.clean_report_input, shared
with API and import; intake.report_corrections), so the forms only carry the fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TelField, TextAreaField

from gdt.services.core.errors import ValidationFailed
from gdt.services.intake.report_intake import AddressLookup
from gdt.web.forms import VersionedForm, show_error


class AddressLookupMixin:
    """"Zoek adres" on a form with postcode, house number, addition, street, city and bag_id."""

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


class PhoneReportForm(AddressLookupMixin, FlaskForm):
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


class ReportCorrectionForm(AddressLookupMixin, VersionedForm):
    """Shown filled with the report as it is; what differs on sending is corrected, with the reason."""

    category = SelectField(_l("Categorie"), choices=[])
    postcode = StringField(_l("Postcode"), description=_l("Bijvoorbeeld 5611 AB"),
                           render_kw={"autocomplete": "off", "inputmode": "text", "size": 7})
    house_number = StringField(_l("Huisnummer"), render_kw={"inputmode": "numeric", "size": 6})
    house_number_addition = StringField(_l("Toevoeging"), description=_l("Huisletter of toevoeging, zoals A of 2HG"),
                                        render_kw={"size": 6})
    lookup = SubmitField(_l("Zoek adres"))
    bag_id = StringField()  # the report's BAG address, or the one chosen after a lookup (intake/_address_result.html)
    street = StringField(_l("Straat"), render_kw={"autocomplete": "off"})
    city = StringField(_l("Plaats"), render_kw={"autocomplete": "off"})
    description = TextAreaField(
        _l("Gecorrigeerde beschrijving"),
        description=_l("Pas alleen aan wat niet klopt. De oorspronkelijke tekst van de melding blijft bewaard en "
                       "zichtbaar; de gecorrigeerde tekst staat ernaast."))
    reason = TextAreaField(_l("Reden van de correctie"),
                           description=_l("Komt in de geschiedenis van de melding, bijvoorbeeld: huisnummer verkeerd "
                                          "verstaan aan de telefoon."))

    def mark_as_is(self, report) -> None:
        """intake.js fills addition, street and city after a lookup only where nobody typed; values still as the report
        has them were not typed either, so they may be replaced by the new address's."""
        for name in ("house_number_addition", "street", "city"):
            field = self[name]
            if (field.data or None) == getattr(report, name):
                field.render_kw = (field.render_kw or {}) | {"data-filled": field.data or ""}
