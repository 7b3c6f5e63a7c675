from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from gdt.web.forms import VersionedForm
from gdt.web.referrals.forms import question_field


class ReferForm(VersionedForm):
    partner = SelectField(_l("Doorverwijzen naar"), choices=[],
                          validators=[InputRequired(message=_l("Kies een ketenpartner."))])
    question = question_field()
    reason = TextAreaField(_l("Reden van doorverwijzing (intern)"),
                           description=_l("Alleen voor het team: de ketenpartner ziet dit niet."),
                           validators=[InputRequired(message=_l("Geef de reden van de doorverwijzing."))])


class EscalateForm(VersionedForm):
    reason = TextAreaField(_l("Waarom dreigt escalatie?"),
                           validators=[InputRequired(message=_l("Geef aan waarom escalatie dreigt."))])
    # Off by default: the reporter may be a party to the conflict.
    notify_reporter = BooleanField(_l("De melder een bericht sturen dat de melding in behandeling is"))


class ClaimForm(FlaskForm):
    """"Ik pak deze op" and "Vrijgeven": only the CSRF token; the report is in the URL."""
