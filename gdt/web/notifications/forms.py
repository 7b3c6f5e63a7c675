"""The forms of "Meldingen voor mij": mark one or all read (only the CSRF token), and the choice per kind."""
from flask_wtf import FlaskForm
from wtforms import RadioField

from gdt.models.notifications import NOTIFICATION_KINDS
from gdt.services.notifications.notify import DELIVERY_LABELS, KIND_LABELS
from gdt.web.forms import choices


class ReadForm(FlaskForm):
    """"Gelezen" on one notification, or "Alles gelezen"."""


class ChoicesForm(FlaskForm):
    """A radio group per kind; the service refuses a value it does not know (validate_choice off)."""


for _kind in NOTIFICATION_KINDS:
    setattr(ChoicesForm, _kind, RadioField(KIND_LABELS[_kind], id=f"choice-{_kind}",
                                           choices=choices(DELIVERY_LABELS.items()), validate_choice=False))
