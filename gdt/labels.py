"""Dutch labels for the stable keys of the contracts (DESIGN §2, §6)."""

CHANNEL_LABELS = {
    "app": "Woonoverlast-app",
    "webform": "Webformulier",
    "phone": "Telefoon (14040)",
    "partner": "Aanmelding ketenpartner",
}
OUTCOME_LABELS = {"referred": "Doorverwezen", "escalated": "In behandeling GDT"}
MODE_LABELS = {"advice": "Informatie/advies aan ketenpartner", "regie": "Casus-/procesregie", "undecided": "Nog niet bepaald"}
SOURCE_LABELS = {"report": "Melding", "partner": "Aanmelding ketenpartner"}
REPORT_STATUS_LABELS = {"received": "Ontvangen", "referred": "Doorverwezen", "escalated": "In behandeling GDT", "closed": "Afgehandeld"}
CASE_STATUS_LABELS = {"open": "Open", "closed": "Gesloten"}
ROLE_LABELS = {"intake": "Intake", "coordinator": "Regisseur", "manager": "Manager", "admin": "Beheerder"}
PARTNER_KIND_LABELS = {
    "municipal": "Gemeente", "police": "Politie", "care": "Zorg (GGZ)", "housing": "Woningcorporatie",
    "social": "Sociaal domein / wijkteam", "justice": "Justitie", "other": "Overig",
}
# Results a case can close with; "imported" marks historic cases whose result was not recorded.
CASE_RESULT_LABELS = {
    "de-escalated": "Gede-escaleerd",
    "handled-by-partner": "Afgehandeld door ketenpartner",
    "handed-over-zvh": "Overgedragen aan Zorg- en Veiligheidshuis",
    "stopped": "Gestopt",
    "imported": "Onbekend (historische import)",
}
EVENT_LABELS = {
    "register": "Geregistreerd", "import": "Geïmporteerd", "refer": "Doorverwezen", "escalate": "Geëscaleerd naar GDT",
    "close": "Gesloten", "open": "Casus geopend", "assign_coordinator": "Regisseur toegewezen",
    "decide_mode": "Werkwijze bepaald", "involve_partner": "Ketenpartner betrokken", "add_note": "Journaalnotitie",
}
