"""Dutch labels for the stable keys of the API, exports and statistics (docs/domain.md), translated for the UI.

The statistics document always carries the Dutch labels (gdt.services.reporting.statistics forces nl).
"""
from flask_babel import lazy_gettext as _l

CHANNEL_LABELS = {
    "app": _l("Woonoverlast-app"),
    "webform": _l("Webformulier"),
    "phone": _l("Telefoon (14040)"),
    "partner": _l("Aanmelding ketenpartner"),
}
OUTCOME_LABELS = {"referred": _l("Doorverwezen"), "escalated": _l("In behandeling GDT")}
MODE_LABELS = {
    "advice": _l("Informatie/advies aan ketenpartner"), "regie": _l("Casus-/procesregie"),
    "undecided": _l("Nog niet bepaald"),
}
SOURCE_LABELS = {"report": _l("Melding"), "partner": _l("Aanmelding ketenpartner")}
REPORT_STATUS_LABELS = {
    "received": _l("Ontvangen"), "referred": _l("Doorverwezen"), "escalated": _l("In behandeling GDT"),
    "closed": _l("Afgehandeld"),
}
CASE_STATUS_LABELS = {"open": _l("Open"), "closed": _l("Gesloten"), "merged": _l("Samengevoegd")}
REGIE_KIND_LABELS = {"casus": _l("Casusregie"), "proces": _l("Procesregie")}
PARTY_ROLE_LABELS = {"subject": _l("Overlastgever"), "reporter": _l("Melder"), "household": _l("Huisgenoot"),
                     "other": _l("Overig")}
MEETING_STATUS_LABELS = {"planned": _l("Gepland"), "held": _l("Gehouden"), "cancelled": _l("Afgezegd")}
ACTION_STATUS_LABELS = {"open": _l("Open"), "done": _l("Gedaan"), "dropped": _l("Vervallen")}
ACTION_OUTCOME_LABELS = {"update": _l("Voortgang doorgeven"), "complete": _l("Gedaan"),
                         "drop": _l("Vervalt (met reden)")}
INTERVENTION_STATUS_LABELS = {"proposed": _l("Voorgesteld"), "decided": _l("Besloten"), "in_force": _l("In werking"),
                              "ended": _l("Beëindigd"), "withdrawn": _l("Ingetrokken")}
INTERVENTION_STEP_LABELS = {"decide": _l("Besluit vastleggen"), "take_effect": _l("In werking laten treden"),
                            "end": _l("Beëindigen met resultaat"), "withdraw": _l("Intrekken")}
DECIDER_LABELS = {"coordinator": _l("Regisseur"), "mayor": _l("Burgemeester")}
INTERVENTION_OUTCOME_LABELS = {"effective": _l("Geholpen"), "partly_effective": _l("Deels geholpen"),
                               "not_effective": _l("Niet geholpen"), "unknown": _l("Onbekend")}
# What a rectification (AVG art. 16) may change, as a report's history names it.
RECTIFIED_FIELD_LABELS = {"reporter_name": _l("naam van de melder"), "reporter_email": _l("e-mailadres van de melder"),
                          "reporter_phone": _l("telefoonnummer van de melder"), "description": _l("beschrijving")}
ROLE_LABELS = {
    "intake": _l("Intake"), "coordinator": _l("Regisseur"), "manager": _l("Manager"), "admin": _l("Beheerder"),
    "partner": _l("Ketenpartner"), "archivist": _l("Archivaris"), "privacy": _l("Privacyfunctionaris"),
}
PARTNER_KIND_LABELS = {
    "municipal": _l("Gemeente"), "police": _l("Politie"), "care": _l("Zorg (GGZ)"), "housing": _l("Woningcorporatie"),
    "social": _l("Sociaal domein / wijkteam"), "justice": _l("Justitie"), "other": _l("Overig"),
}
# Results a case can close with; "imported" marks historic cases whose result was not recorded.
CASE_RESULT_LABELS = {
    "de-escalated": _l("Gede-escaleerd"),
    "handled-by-partner": _l("Afgehandeld door ketenpartner"),
    "handed-over-zvh": _l("Overgedragen aan Zorg- en Veiligheidshuis"),
    "stopped": _l("Gestopt"),
    "imported": _l("Onbekend (historische import)"),
}
REFERRAL_STATUS_LABELS = {
    "awaiting": _l("Wacht op bevestiging"), "received": _l("Ontvangen door partner"),
    "taken_on": _l("Opgepakt door partner"), "handled": _l("Afgehandeld door partner"),
    "returned": _l("Teruggegeven aan het team"),
}
DELIVERY_STATUS_LABELS = {"pending": _l("Wordt bezorgd"), "sent": _l("Bezorgd"), "failed": _l("Bezorging mislukt")}
DELIVERY_METHOD_LABELS = {"email": _l("E-mail"), "webhook": _l("Webhook")}
HANDLED_OUTCOME_LABELS = {
    "resolved": _l("Opgelost"), "measures-taken": _l("Maatregelen genomen"),
    "no-action-possible": _l("Geen actie mogelijk"), "passed-on": _l("Doorgezet naar een andere organisatie"),
}
FEEDBACK_ACTION_LABELS = {
    "acknowledge": _l("Ontvangen: we hebben de doorverwijzing"),
    "take_on": _l("Opgepakt: we gaan ermee aan de slag"),
    "handle": _l("Afgehandeld"),
    "return_to_team": _l("Terug naar het team: het De-escalatieteam is toch nodig"),
}
EVENT_LABELS = {
    "register": _l("Geregistreerd"),
    "correct": _l("Gecorrigeerd"),
    "rectify": _l("Gerectificeerd (AVG art. 16)"),
    "import": _l("Geïmporteerd"),
    "refer": _l("Doorverwezen"),
    "escalate": _l("Geëscaleerd naar GDT"),
    "close": _l("Gesloten"),
    "open": _l("Casus geopend"),
    "assign_coordinator": _l("Regisseur toegewezen"),
    "decide_mode": _l("Werkwijze bepaald"),
    "involve_partner": _l("Ketenpartner betrokken"),
    "remove_partner": _l("Ketenpartner uit de casus gehaald"),
    "add_note": _l("Journaalnotitie"),
    "review": _l("Herbeoordeeld"),
    "reopen": _l("Heropend"),
    "merge": _l("Samengevoegd"),
    "change": _l("Casus bijgewerkt"),
    "referral_sent": _l("Doorverwijzing bezorgd"),
    "referral_failed": _l("Bezorging mislukt"),
    "referral_retry": _l("Bezorging opnieuw gestart"),
    "referral_received": _l("Partner: ontvangen"),
    "referral_taken_on": _l("Partner: opgepakt"),
    "referral_handled": _l("Partner: afgehandeld"),
    "referral_returned": _l("Partner: terug naar het team"),
}
