"""The forms of saved work lists: save (on the list pages, templates/worklists/_save.html), rename, share,
delete, pin."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField

from gdt.services.worklists import saved_lists
from gdt.web.forms import VersionedForm, choices

FILTER_PREFIX = "filter-"  # the page's filter values travel as hidden fields filter-<key>
SHARING = (("personal", _l("Alleen voor mij")), ("team", _l("Gedeeld met mijn team")))


def _name_field() -> StringField:
    return StringField(_l("Naam van de werklijst"), id="worklist-name",
                       render_kw={"autocomplete": "off", "maxlength": saved_lists.NAME_MAX},
                       description=_l("Zoals Geluidsoverlast te laat. Alleen u ziet de naam, of ook uw team als u "
                                      "de lijst deelt."))


class SaveListForm(FlaskForm):
    name = _name_field()
    sharing = RadioField(_l("Voor wie"), id="worklist-sharing", choices=choices(SHARING), default="personal",
                         validate_choice=False)
    kind = HiddenField()
    search_text = HiddenField()


class RenameListForm(VersionedForm):
    name = _name_field()


class ShareListForm(VersionedForm):
    shared = HiddenField()  # "1" share with the team, "0" keep personal


class DeleteListForm(VersionedForm):
    """The confirmation button: the CSRF token and the version seen."""


class PinListForm(FlaskForm):
    """Pin or unpin: only the CSRF token (the list is in the address)."""
