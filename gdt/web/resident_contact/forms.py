"""Forms of questions to the resident and the survey. The rules (lengths, required) are the services'."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField

from gdt.services.resident.questions import ANSWER_MAX, QUESTION_MAX
from gdt.services.resident.survey import COMMENT_MAX, SCORE_LABELS
from gdt.web.forms import choices


class AskForm(FlaskForm):
    # A plain field named `text`: the standard texts' picker fills it (moment "question").
    text = TextAreaField(_l("Uw vraag aan de melder"),
                         description=_l("De melder leest de vraag op de eigen pagina ‘Mijn melding’. Schrijf niets "
                                        "over andere betrokkenen. Hoogstens %(max)d tekens.", max=QUESTION_MAX))


class WithdrawForm(FlaskForm):
    """Only the CSRF token: the button "Vraag intrekken"."""


class AnswerForm(FlaskForm):
    text = TextAreaField(_l("Uw antwoord"), description=_l("Hoogstens %(max)d tekens.", max=ANSWER_MAX))


class SurveyForm(FlaskForm):
    score = RadioField(_l("Hoe tevreden bent u over de afhandeling van uw melding?"),
                       choices=choices((str(score), label) for score, label in SCORE_LABELS.items()),
                       validate_choice=False)  # the service says why
    comment = TextAreaField(_l("Wilt u nog iets toelichten? (niet verplicht)"),
                            description=_l("Hoogstens %(max)d tekens.", max=COMMENT_MAX))
