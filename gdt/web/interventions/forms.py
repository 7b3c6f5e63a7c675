"""The forms of interventions: recording one (in the status it reached) and each next step."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField

from gdt import labels
from gdt.services.documents import reading as documents
from gdt.services.interventions import ladder
from gdt.services.interventions.recording import NOTE_MAX, RECORDABLE
from gdt.web.forms import VersionedForm, choices

DATE = {"type": "date"}
STEP_DATE_LABELS = {"decide": _l("Besloten op"), "take_effect": _l("In werking per"), "end": _l("Beëindigd op"),
                    "withdraw": _l("Ingetrokken op")}
STATUS_CHOICES = {"proposed": _l("Voorgesteld, nog niet besloten"), "decided": _l("Besloten"),
                  "in_force": _l("In werking"), "ended": _l("Beëindigd (afgerond)")}


def _decided_by():
    return RadioField(_l("Besloten door"), choices=choices(labels.DECIDER_LABELS.items()), validate_choice=False,
                      description=_l("Een formele stap is een besluit van de burgemeester."))


def _document():
    return SelectField(_l("Besluitbrief"), choices=[], validate_choice=False,
                       description=_l("Verplicht bij een formele stap. Nog geen brief? Maak hem bij Brieven of voeg "
                                      "hem toe bij Documenten, en kies hem dan hier."))


def _outcome():
    return SelectField(_l("Resultaat"), choices=choices([("", _l("Kies het resultaat")),
                                                         *labels.INTERVENTION_OUTCOME_LABELS.items()]),
                       validate_choice=False)


def _note(label):
    return TextAreaField(label, render_kw={"rows": 3, "maxlength": NOTE_MAX})


class RecordForm(FlaskForm):
    type_code = SelectField(_l("Soort interventie"), choices=[], validate_choice=False)
    status = RadioField(_l("Hoe ver is de interventie?"), default="proposed", validate_choice=False,
                        choices=choices((key, STATUS_CHOICES[key]) for key in RECORDABLE))
    proposed_on = StringField(_l("Voorgesteld op"), render_kw=DATE)
    decided_by = _decided_by()
    decided_on = StringField(_l("Besloten op"), render_kw=DATE, description=_l("Als de interventie besloten is."))
    in_force_on = StringField(_l("In werking per"), render_kw=DATE,
                              description=_l("Als de interventie in werking is of was; mag tot een jaar vooruit."))
    ended_on = StringField(_l("Beëindigd op"), render_kw=DATE, description=_l("Als de interventie is afgerond."))
    partner = SelectField(_l("Uitgevoerd door"), choices=[], validate_choice=False,
                          description=_l("Een ketenpartner van deze casus, of het team zelf."))
    document_id = _document()
    outcome = _outcome()
    note = _note(_l("Toelichting op het resultaat"))

    def offer(self, case, actor) -> "RecordForm":
        self.type_code.choices = choices([("", _l("Kies een soort"))] + [
            (kind.code, _type_label(kind)) for kind in ladder.active_types()])
        self.partner.choices = choices([("", _l("Het team zelf"))] + [
            (link.partner.key, link.partner.name) for link in case.partners if link.partner.is_active])
        self.document_id.choices = document_choices(case, actor)
        return self


class StepForm(VersionedForm):
    """One form for every step; the page shows the fields its step asks for."""

    on = StringField(_l("Datum"), render_kw=DATE)
    decided_by = _decided_by()
    document_id = _document()
    outcome = _outcome()
    note = _note(_l("Toelichting"))

    def offer(self, case, actor, event: str) -> "StepForm":
        """The choices of this case, and labels that say what the step's date and note are."""
        self.document_id.choices = document_choices(case, actor)
        self.on.label.text = STEP_DATE_LABELS[event]
        if event == "withdraw":
            self.note.label.text = _l("Reden van intrekken")
        return self


def document_choices(case, actor) -> list:
    return choices([("", _l("Geen document"))] + [
        (str(document.id), f"{document.title} ({document.document_date.strftime('%d-%m-%Y')})")
        for document in documents.documents_of(actor, case)])


def _type_label(kind) -> str:
    return f"{kind.name} ({kind.legal_ground})" if kind.legal_ground else kind.name
