"""The forms of case documents: a new document (on the case page and its own page), a new version, the details."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField

from gdt.models.documents import DOCUMENT_TYPES
from gdt.services.documents import file_check
from gdt.web.forms import VersionedForm, choices

TYPE_LABELS = {
    "proces_verbaal": _l("Proces-verbaal"), "bemiddelingsverslag": _l("Bemiddelingsverslag"),
    "rapportage": _l("Rapportage"), "brief": _l("Brief"), "besluit": _l("Besluit"), "foto": _l("Foto"),
    "overig": _l("Overig"),
}
ACCEPT = ".pdf,.docx,.xlsx,.odt,.jpg,.jpeg,.png,.heic,.heif,.mp3,.m4a,.wav,.ogg"
FILE_HINT = _l("PDF, foto (JPEG, PNG, HEIC), Office-document (docx, xlsx, odt) of geluidsopname (mp3, m4a, wav, "
               "ogg), tot %(size)s MB. Oude Office-bestanden (.doc, .xls): eerst opslaan als PDF of docx.")


def _file():
    return FileField(_l("Bestand"), validators=[FileRequired(_l("Kies een bestand."))], render_kw={"accept": ACCEPT})


class DetailsForm(VersionedForm):
    document_type = SelectField(_l("Soort document"), choices=choices((key, TYPE_LABELS[key])
                                                                     for key in DOCUMENT_TYPES))
    title = StringField(_l("Titel"), render_kw={"maxlength": 200, "autocomplete": "off"})
    document_date = StringField(_l("Datum van het document"), render_kw={"type": "date"})
    visible_to_partners = BooleanField(_l("Zichtbaar voor ketenpartners in deze casus"),
                                       description=_l("Alleen de ketenpartners die aan deze casus deelnemen, zien "
                                                      "en downloaden het document."))

    def parsed_date(self) -> date | None:
        try:
            return date.fromisoformat((self.document_date.data or "").strip())
        except ValueError:
            return None  # the service names the field


class _WithFile:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file.description = FILE_HINT % {"size": file_check.max_bytes() // (1024 * 1024)}


class DocumentForm(_WithFile, DetailsForm):
    file = _file()


class VersionForm(_WithFile, FlaskForm):
    file = _file()


def file_bytes(form) -> tuple[bytes, str]:
    upload = form.file.data
    return upload.read(), upload.filename or ""
