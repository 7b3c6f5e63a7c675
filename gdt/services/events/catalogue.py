"""The events GDT tells other systems of, with the name the administrator chooses them by."""
from flask_babel import lazy_gettext as _l

EVENT_TYPES = {
    "nl.gdt.report.received": _l("Melding ontvangen"),
    "nl.gdt.report.triaged": _l("Melding beoordeeld (doorverwezen of opgepakt)"),
    "nl.gdt.case.opened": _l("Casus geopend"),
    "nl.gdt.case.mode-decided": _l("Werkwijze van een casus bepaald"),
    "nl.gdt.case.closed": _l("Casus gesloten"),
    "nl.gdt.referral.answered": _l("Terugkoppeling van een ketenpartner"),
}
