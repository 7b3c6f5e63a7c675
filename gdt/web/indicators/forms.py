"""Indicator forms. The field rules live in gdt.services.reporting.indicators, shared with the import."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from gdt.services.reporting.indicators import COMPARATOR_LABELS, SOURCE_LABELS, UNIT_LABELS
from gdt.web.forms import choices


def _select(label, prompt, labels: dict, **kwargs) -> SelectField:
    """A select with a prompt first; the service refuses unknown values with its own message."""
    return SelectField(label, choices=choices([("", prompt)] + list(labels.items())), validate_choice=False, **kwargs)


def _name() -> StringField:
    return StringField(_l("Naam"), description=_l("Zoals in de tabel, bijvoorbeeld: Meldingen woonoverlast."))


def _source() -> SelectField:
    return _select(_l("Bron"), _l("Kies een bron"), SOURCE_LABELS,
                   description=_l("Berekend uit de gegevens van het GDT, of handmatig ingevoerd voor cijfers van "
                                  "elders, zoals die van de politie."))


def _unit() -> SelectField:
    return _select(_l("Eenheid"), _l("Volgens de bron"), UNIT_LABELS,
                   description=_l("Bij een berekende bron volgt de eenheid uit de bron; bij handmatige invoer "
                                  "kiest u die zelf."))


def _position() -> StringField:
    return StringField(_l("Volgnummer"), render_kw={"inputmode": "numeric", "autocomplete": "off"},
                       description=_l("Bepaalt de volgorde in de tabel: het laagste eerst."))


def _footnote() -> TextAreaField:
    return TextAreaField(_l("Voetnoot"), description=_l("Verschijnt genummerd onder de tabel, bijvoorbeeld de bron "
                                                         "of een wijziging in de manier van tellen."))


def _year() -> StringField:
    return StringField(_l("Jaar"), render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4})


def _number(description) -> StringField:
    return StringField(_l("Waarde"), render_kw={"inputmode": "decimal", "autocomplete": "off"},
                       description=description)


class IndicatorCreateForm(FlaskForm):
    key = StringField(_l("Sleutel"), render_kw={"autocomplete": "off", "spellcheck": "false"},
                      description=_l("Kleine letters, cijfers en streepjes, zoals meldingen-woonoverlast. De import "
                                     "van cijfers gebruikt de sleutel; die kan later niet worden gewijzigd."))
    name = _name()
    source = _source()
    unit = _unit()
    position = _position()
    footnote = _footnote()


class IndicatorEditForm(FlaskForm):
    name = _name()
    source = _source()
    unit = _unit()
    position = _position()
    footnote = _footnote()


class ValueForm(FlaskForm):
    year = _year()
    value = _number(_l("Een getal, zoals 365 of 12,5. Bij een berekende indicator komt dit cijfer in de plaats "
                       "van het berekende cijfer van dat jaar."))
    note = StringField(_l("Voetnoot bij dit cijfer"),
                       description=_l("Bijvoorbeeld: cijfer tot 1 oktober, of: bron politie."))


class TargetForm(FlaskForm):
    year = _year()
    comparator = _select(_l("Vergelijking"), _l("Kies een vergelijking"), COMPARATOR_LABELS)
    value = _number(_l("Een getal, zoals 80 of 12,5. Het doel < 80 is gehaald bij 79, niet bij 80."))


class YearForm(FlaskForm):
    """The remove buttons next to a stored value or target: the year and the CSRF token."""

    year = HiddenField()


class ImportForm(FlaskForm):
    file = FileField(_l("Bestand (.csv of .xlsx)"), validators=[FileRequired(_l("Kies een bestand."))],
                     description=_l("Eerste rij: indicator, year, value en eventueel note. Eén rij per indicator "
                                    "en jaar; een bestaand cijfer van dat jaar wordt vervangen."),
                     render_kw={"accept": ".csv,.xlsx"})
