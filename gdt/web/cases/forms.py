from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from gdt.labels import ACTION_OUTCOME_LABELS, MODE_LABELS, PARTY_ROLE_LABELS, REGIE_KIND_LABELS
from gdt.web.forms import VersionedForm, choices
from gdt.web.referrals.forms import question_field


class CoordinatorForm(VersionedForm):
    coordinator = SelectField(_l("Regisseur"), choices=[], coerce=int,
                              validators=[InputRequired(message=_l("Kies een regisseur."))])


class ModeForm(VersionedForm):
    mode = RadioField(_l("Werkwijze"), choices=choices((key, MODE_LABELS[key]) for key in ("advice", "regie")),
                      validators=[InputRequired(message=_l("Kies advies of regie."))])
    regie_kind = RadioField(_l("Bij regie: welke regie"), choices=choices(REGIE_KIND_LABELS.items()),
                            validate_choice=False)


class PartnerForm(VersionedForm):
    partner = SelectField(_l("Ketenpartner"), choices=[],
                          validators=[InputRequired(message=_l("Kies een ketenpartner."))])
    role = StringField(_l("Rol in de casus"), description=_l("Bijvoorbeeld: contactpersoon wijkagent"))
    contact_name = StringField(_l("Contactpersoon"), render_kw={"autocomplete": "off"})
    contact_phone = StringField(_l("Telefoon contactpersoon"), render_kw={"autocomplete": "off", "inputmode": "tel"})
    contact_email = StringField(_l("E-mail contactpersoon"), render_kw={"autocomplete": "off", "inputmode": "email"})


class NoteForm(VersionedForm):
    body = TextAreaField(_l("Notitie"), validators=[InputRequired(message=_l("Schrijf een notitie."))])
    shareable = BooleanField(_l("Ketenpartners in deze casus mogen deze notitie lezen"))


class CloseForm(VersionedForm):
    result = SelectField(_l("Resultaat"), choices=[], validators=[InputRequired(message=_l("Kies een resultaat."))])
    note = TextAreaField(_l("Toelichting"))
    # Off by default: in a GDT case the reporter may be a party to the conflict.
    notify_reporters = BooleanField(_l("Melders die dat willen een bericht sturen dat hun melding is afgehandeld"))
    carry_over = BooleanField(_l("Open afspraken overdragen (ze blijven open staan na het sluiten)"))


class ReopenForm(VersionedForm):
    reason = TextAreaField(_l("Waarom gaat de casus weer open?"),
                           validators=[InputRequired(message=_l("Schrijf waarom de casus weer open gaat."))])


class PartyForm(VersionedForm):
    name = StringField(_l("Naam"), render_kw={"autocomplete": "off"},
                       validators=[InputRequired(message=_l("Vul een naam in."))])
    role = SelectField(_l("Rol"), choices=choices([("", _l("Kies een rol"))] + list(PARTY_ROLE_LABELS.items())),
                       validators=[InputRequired(message=_l("Kies de rol van deze persoon."))])
    note = StringField(_l("Toelichting"), description=_l("Bijvoorbeeld: woont op nummer 12, heeft een hond"))


class BundleForm(VersionedForm):
    report = StringField(_l("Kenmerk van de melding"), render_kw={"autocomplete": "off", "spellcheck": "false"},
                         description=_l("Een melding die nog niet is beoordeeld, bijvoorbeeld GDT-2026-000123."),
                         validators=[InputRequired(message=_l("Vul het kenmerk van de melding in."))])
    # Asked for only when the report concerns another address than the case (gdt.services.casework.bundling).
    other_address = BooleanField(_l("Ja, deze melding hoort bij deze casus, ook al gaat ze over een ander adres"))


class MergeForm(VersionedForm):
    target = StringField(
        _l("Samenvoegen met casus"),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
        description=_l("Het kenmerk van de casus waar deze casus in opgaat, bijvoorbeeld GDT-2026-000123. U ziet "
                       "eerst wat er gebeurt en bevestigt dan."),
        validators=[InputRequired(message=_l("Vul het kenmerk van de casus in."))],
    )
    confirmed = HiddenField()  # "y" on the confirmation page: only then does the merge happen


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(VersionedForm):
    starts_at = DateTimeLocalField(
        _l("Datum en tijd"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(message=_l("Vul datum en tijd in."))]
    )
    location = StringField(
        _l("Plaats"),
        description=_l("Een zaal, of ‘online’ met de link naar het overleg."),
        validators=[InputRequired(message=_l("Vul een plaats in."))],
    )
    partners = MultiCheckboxField(
        _l("Ketenpartners uitnodigen"), choices=[], validate_choice=False,
        description=_l("Alle ketenpartners in de casus staan aangevinkt. Elke aangevinkte organisatie krijgt een "
                       "uitnodiging per e-mail met haar casuslink."))
    people = StringField(_l("Andere genodigden"), description=_l("Namen, gescheiden door komma’s."))


class ActionForm(VersionedForm):
    description = TextAreaField(_l("Afspraak"), validators=[InputRequired(message=_l("Beschrijf de afspraak."))])
    owner = SelectField(
        _l("Uitvoerder"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(message=_l("Kies wie de afspraak uitvoert."))],
    )
    working_days = IntegerField(
        _l("Klaar binnen (werkdagen)"),
        default=10,
        validators=[InputRequired(message=_l("Vul een aantal werkdagen in."))],
    )


class ActionUpdateForm(VersionedForm):
    outcome = RadioField(
        _l("Wat is er gebeurd?"),
        choices=choices(ACTION_OUTCOME_LABELS.items()),
        default="update",
        validators=[InputRequired(message=_l("Kies wat er met de afspraak gebeurt."))],
    )
    progress = TextAreaField(_l("Voortgang"))
    reason = StringField(_l("Reden (verplicht als de afspraak vervalt)"))


class ActionProgressForm(VersionedForm):
    """The coordinator's update of an action on the case page: progress, or done. Dropping it has its own page."""

    outcome = RadioField(
        _l("Wat is er gebeurd?"),
        choices=choices((key, ACTION_OUTCOME_LABELS[key]) for key in ("update", "complete")),
        default="update",
        validators=[InputRequired(message=_l("Kies wat er met de afspraak gebeurt."))],
    )
    progress = TextAreaField(_l("Voortgang"))


class DropActionForm(VersionedForm):
    reason = TextAreaField(_l("Waarom vervalt de afspraak?"),
                           validators=[InputRequired(message=_l("Schrijf waarom de afspraak vervalt."))])


class ReferCaseForm(VersionedForm):
    partner = SelectField(
        _l("Ketenpartner"), choices=[], validators=[InputRequired(message=_l("Kies een ketenpartner."))]
    )
    message = TextAreaField(
        _l("Advies aan de ketenpartner"),
        validators=[InputRequired(message=_l("Schrijf het advies."))],
        description=_l("De ketenpartner leest dit via de beveiligde link, niet in de e-mail."),
    )
    question = question_field()


class ReviewForm(VersionedForm):
    """Only the version: recording the review sets the next review date."""


class RemovePartnerForm(VersionedForm):
    """Only the version: the confirmation of taking a partner off the case (the partner is in the URL)."""
