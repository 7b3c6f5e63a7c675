"""The logbook form on the resident's page. The rules (dates, lengths, files) are the logbook service's."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, MultipleFileField, StringField, TextAreaField

from gdt.services.resident.logbook import MAX_MINUTES, MAX_PHOTOS, TEXT_MAX


class LogEntryForm(FlaskForm):
    happened_on = StringField(_l("Datum"), description=_l("Op welke dag gebeurde het? Bijvoorbeeld 15-05-2026."),
                              render_kw={"type": "date", "autocomplete": "off"})
    happened_at = StringField(_l("Tijd"), description=_l("Hoe laat begon het? Bijvoorbeeld 21:30."),
                              render_kw={"type": "time", "autocomplete": "off"})
    duration_minutes = StringField(_l("Hoe lang duurde het? (minuten)"),
                                   description=_l("Een schatting is goed. Hoogstens %(max)d minuten.",
                                                  max=MAX_MINUTES),
                                   render_kw={"inputmode": "numeric", "size": 5, "autocomplete": "off"})
    text = TextAreaField(_l("Wat gebeurde er?"),
                         description=_l("Schrijf op wat u zag of hoorde. Hoogstens %(max)d tekens.", max=TEXT_MAX))
    photos = MultipleFileField(_l("Foto's"),
                               description=_l("Hoogstens %(count)d foto's (JPEG, PNG of HEIC), elk tot 10 MB. Wij "
                                              "verwijderen de locatiegegevens uit de foto's.", count=MAX_PHOTOS),
                               render_kw={"accept": "image/jpeg,image/png,image/heic,.heic,.heif"})
    sound = FileField(_l("Geluidsopname"), description=_l("Eén opname (m4a, aac, mp3, ogg of wav), tot 20 MB."),
                      render_kw={"accept": "audio/*,.m4a,.aac,.mp3,.ogg,.wav"})
