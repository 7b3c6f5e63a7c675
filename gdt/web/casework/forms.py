"""Holding, moving and cancelling a case meeting."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, Form, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields import FieldList, FormField
from wtforms.validators import InputRequired, Optional

from gdt.web.cases.forms import MultiCheckboxField
from gdt.web.forms import VersionedForm

DECISION_ROWS = 3


class DecisionForm(Form):
    """One decision of the meeting, which becomes an action; an empty row is ignored."""

    description = TextAreaField(_l("Besluit / afspraak"))
    owner = SelectField(_l("Uitvoerder"), choices=[], validate_choice=False)
    working_days = IntegerField(_l("Klaar binnen (werkdagen)"), default=10, validators=[Optional()])


class HoldForm(VersionedForm):
    held_on = DateField(_l("Gehouden op"), validators=[InputRequired(message=_l("Vul de dag in waarop het overleg "
                                                                               "is gehouden."))])
    earlier_than_planned = BooleanField(_l("Het overleg is eerder gehouden dan gepland"))
    attended = MultiCheckboxField(_l("Aanwezig"), choices=[], coerce=int, validate_choice=False)
    minutes = TextAreaField(_l("Verslag"))
    decisions = FieldList(FormField(DecisionForm), min_entries=DECISION_ROWS, max_entries=20)


class CancelForm(VersionedForm):
    reason = TextAreaField(_l("Waarom gaat het overleg niet door?"),
                           validators=[InputRequired(message=_l("Schrijf waarom het overleg niet doorgaat."))])


class MoveForm(VersionedForm):
    """The new day, time and place, prefilled with the current ones (Amsterdam time)."""

    day = DateField(_l("Datum"), validators=[InputRequired(message=_l("Vul de nieuwe datum in."))])
    time = TimeField(_l("Tijd"), validators=[InputRequired(message=_l("Vul de nieuwe tijd in."))])
    location = StringField(
        _l("Plaats"),
        description=_l("Een zaal, of ‘online’ met de link naar het overleg."),
        validators=[InputRequired(message=_l("Vul een plaats in."))],
    )
