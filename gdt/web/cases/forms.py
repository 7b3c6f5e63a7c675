from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
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
