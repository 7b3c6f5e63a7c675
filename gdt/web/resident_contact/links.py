"""The resident's link as these views need it: the report it names, and the way back to the resident's page."""
from flask_babel import lazy_gettext as _l

from gdt.models import Report
from gdt.services.core import resident_links
from gdt.services.core.errors import NotFound

NO_LINK = _l("Deze link is ongeldig of verlopen.")


def report_of(token: str) -> Report:
    """The report the signed link names; an invalid or expired link is as good as none."""
    try:
        return resident_links.read_link_token(token)
    except resident_links.LinkRefused:
        raise NotFound(NO_LINK) from None


def page_url(token: str, anchor: str | None = None) -> str:
    return f"/mijn-melding/{token}" + (f"#{anchor}" if anchor else "")
