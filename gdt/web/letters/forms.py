"""The form for writing a letter on a case: what the coordinator chooses and types; the rules are the service's."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from gdt.labels import PARTY_ROLE_LABELS
from gdt.services.letters import fields, generate
from gdt.web.forms import choices


class LetterForm(FlaskForm):
    template_id = SelectField(_l("Briefsjabloon"), choices=[], validate_choice=False)
    party_id = SelectField(_l("Aan"), choices=[], validate_choice=False,
                           description=_l("Een betrokkene van deze casus, of iemand anders: typ dan de naam."))
    addressee_name = StringField(_l("Naam van de geadresseerde"), render_kw={"autocomplete": "off"},
                                 description=_l("Alleen als de brief naar iemand anders gaat dan een betrokkene."))
    address = StringField(_l("Adres van de geadresseerde"), render_kw={"autocomplete": "off"},
                          description=_l("Op één regel, zoals Lindelaan 12, 5611 AB Eindhoven. Vooraf ingevuld met "
                                         "het adres van de casus."))
    intervention_id = SelectField(_l("Hoort bij interventie"), choices=[], validate_choice=False)
    afspraak = StringField(_l("Afspraak"), render_kw={"autocomplete": "off", "maxlength": fields.EXTRA_MAX},
                           description=_l("Datum, tijd en plaats van een gesprek, voor een uitnodiging, zoals "
                                          "dinsdag 15 december om 10.00 uur in het stadhuis."))
    toelichting = TextAreaField(_l("Toelichting"), render_kw={"maxlength": fields.EXTRA_MAX},
                                description=_l("Een alinea die in de brief komt waar het sjabloon daar ruimte voor "
                                               "heeft."))

    def offer(self, case) -> "LetterForm":
        self.template_id.choices = choices(
            [("", _("Kies een sjabloon"))] + [(str(template.id), template.name)
                                               for template in generate.active_templates()])
        self.party_id.choices = choices(
            [(str(party.id), f"{party.name} ({PARTY_ROLE_LABELS.get(party.role, party.role)})")
             for party in generate.parties(case)] + [("", _("Iemand anders"))])
        self.intervention_id.choices = choices(
            [("", _("Geen"))] + [(str(choice.id), choice.label) for choice in generate.interventions(case)])
        if not self.is_submitted() and not self.address.data:
            self.address.data = generate.case_address(case)
        return self

    def choices_made(self) -> dict:
        return {"template_id": self.template_id.data, "party_id": self.party_id.data or None,
                "addressee_name": self.addressee_name.data, "address": self.address.data,
                "intervention_id": self.intervention_id.data or None, "afspraak": self.afspraak.data,
                "toelichting": self.toelichting.data}
