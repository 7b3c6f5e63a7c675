"""The partner's feedback form (link and account alike) and the retry button."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired

from gdt.labels import FEEDBACK_ACTION_LABELS, HANDLED_OUTCOME_LABELS
from gdt.models.referrals import QUESTION_MAX
from gdt.web.forms import VersionedForm, choices


def question_field() -> TextAreaField:
    """"Vraag aan de ketenpartner" on the referral form at triage and on a case's advice form: written for the
    partner, who reads it behind the link; never the team's internal reasoning. The service limits its length."""
    return TextAreaField(
        _l("Vraag aan de ketenpartner"),
        description=_l("De ketenpartner leest deze vraag via de beveiligde link (niet in de e-mail). Schrijf voor "
                       "de ketenpartner, alleen wat nodig is; hoogstens %(max)d tekens.", max=QUESTION_MAX),
        validators=[DataRequired(message=_l("Schrijf wat het team van de ketenpartner vraagt."))],  # spaces too
    )


class FeedbackForm(VersionedForm):
    action = RadioField(_l("Wat wilt u laten weten?"), validate_choice=False)
    outcome = RadioField(_l("Hoe is de melding afgehandeld?"), validate_choice=False,
                         choices=choices(HANDLED_OUTCOME_LABELS.items()),
                         description=_l("Alleen bij afgehandeld."))
    note = TextAreaField(_l("Toelichting voor het team"),
                         description=_l("Kort en zonder gegevens die het team niet nodig heeft."))
    reason = TextAreaField(_l("Waarom is het team toch nodig?"), description=_l("Alleen bij terug naar het team."))

    def offer(self, steps: list[str]) -> "FeedbackForm":
        self.action.choices = choices((step, FEEDBACK_ACTION_LABELS[step]) for step in steps)
        return self


class RetryForm(FlaskForm):
    """Only the CSRF token: the referral is in the URL."""
