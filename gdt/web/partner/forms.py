"""A chain partner's registration form. Field rules live in services.registrations (shared with the API); the address
is looked up as at the phone intake ("Zoek adres": partner_registrations.lookup_address, its mixin and partial)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, SubmitField, TelField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from gdt.web.intake.forms import AddressLookupMixin


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegistrationForm(AddressLookupMixin, FlaskForm):
    registrant_name = StringField(_l("Uw naam"), render_kw={"autocomplete": "name"})
    registrant_function = StringField(_l("Uw functie"), render_kw={"autocomplete": "organization-title"})
    registrant_phone = TelField(_l("Uw telefoonnummer"), render_kw={"autocomplete": "tel"},
                                description=_l("Zodat de regisseur u kan bellen over deze aanmelding."))
    registrant_email = EmailField(_l("Uw e-mailadres"), render_kw={"autocomplete": "email"})
    concerned_name = StringField(_l("Naam van de betrokkene"), render_kw={"autocomplete": "off"},
                                 description=_l("De bewoner om wie het gaat, als u die kent."))
    category = SelectField(_l("Soort overlast"), choices=[], validate_choice=False)
    postcode = StringField(_l("Postcode"), description=_l("Bijvoorbeeld 5611 AB"), render_kw={"autocomplete": "off"})
    house_number = StringField(_l("Huisnummer"), render_kw={"inputmode": "numeric", "size": 6})
    house_number_addition = StringField(_l("Toevoeging"), description=_l("Huisletter of toevoeging, zoals A of 2HG"),
                                        render_kw={"size": 6})
    lookup = SubmitField(_l("Zoek adres"))
    bag_id = StringField()  # the BAG address chosen after a lookup; intake/_address_result.html renders it
    street = StringField(_l("Straat"), render_kw={"autocomplete": "off"})
    city = StringField(_l("Plaats"), render_kw={"autocomplete": "off"})
    reason = TextAreaField(_l("Waarom meldt u aan?"),
                           description=_l("Wat speelt er en waarom dreigt het te escaleren? Alleen wat nodig is."))
    already_tried = TextAreaField(_l("Wat is al geprobeerd?"),
                                  description=_l("Door uw organisatie of anderen, en met welk resultaat."))
    involved_partners = CheckboxesField(_l("Welke andere partners zijn betrokken?"), choices=[], validate_choice=False)

    OPTIONAL = ("registrant_function", "registrant_email", "concerned_name", "house_number_addition", "street",
                "city", "already_tried", "involved_partners")
