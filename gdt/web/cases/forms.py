from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired

from gdt.labels import MODE_LABELS
from gdt.web.forms import VersionedForm, choices


class CoordinatorForm(VersionedForm):
    coordinator = SelectField(_l("Regisseur"), choices=[], coerce=int,
                              validators=[InputRequired(message=_l("Kies een regisseur."))])


class ModeForm(VersionedForm):
    mode = RadioField(_l("Werkwijze"), choices=choices((key, MODE_LABELS[key]) for key in ("advice", "regie")),
                      validators=[InputRequired(message=_l("Kies advies of regie."))])


class PartnerForm(VersionedForm):
    partner = SelectField(_l("Ketenpartner"), choices=[],
                          validators=[InputRequired(message=_l("Kies een ketenpartner."))])
    role = StringField(_l("Rol in de casus"), description=_l("Bijvoorbeeld: contactpersoon wijkagent"))


class NoteForm(VersionedForm):
    body = TextAreaField(_l("Notitie"), validators=[InputRequired(message=_l("Schrijf een notitie."))])


class CloseForm(VersionedForm):
    result = SelectField(_l("Resultaat"), choices=[], validators=[InputRequired(message=_l("Kies een resultaat."))])
    note = TextAreaField(_l("Toelichting"))
    # Off by default: in a GDT case the reporter may be a party to the conflict.
    notify_reporters = BooleanField(_l("Melders die dat willen een bericht sturen dat hun melding is afgehandeld"))


class ReferCaseForm(VersionedForm):
    partner = SelectField(_l("Ketenpartner"), choices=[],
                          validators=[InputRequired(message=_l("Kies een ketenpartner."))])
    message = TextAreaField(_l("Advies of vraag aan de ketenpartner"),
                            validators=[InputRequired(message=_l("Schrijf het advies of de vraag."))],
                            description=_l("De ketenpartner leest dit via de beveiligde link, niet in de e-mail."))


class ReviewForm(VersionedForm):
    """Only the version: recording the review sets the next review date."""
