"""The standard-text picker beside a text field staff write to a resident or partner (templates/texts/_picker.html):
no pages of its own, only the template global that lists the texts to pick. The admin's pages: gdt/web/admin/texts.py.
"""
from flask import Blueprint, request

from gdt.services.texts import lookup

bp = Blueprint("texts", __name__)

FILL = "fill_text"  # the picker's button: its value is the name of the field to fill


@bp.app_template_global()
def standard_text_options(moment: str, report=None, case=None) -> list[dict]:
    """The texts for `moment` that suit the report or case on the page, filled: id, title and body."""
    return [{"id": text.id, "title": text.title, "body": body}
            for text, body in lookup.offered(moment, report=report, case=case)]


@bp.app_template_global()
def standard_text_chosen(field_name: str) -> str | None:
    """The id of the text picked for `field_name` when "Tekst invullen" was pressed without JavaScript, else None."""
    if request.method == "POST" and request.form.get(FILL) == field_name:
        return request.form.get(f"{field_name}-standard-text")
    return None
