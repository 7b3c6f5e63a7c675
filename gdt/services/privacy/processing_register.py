"""The processing register entry (AVG art. 30) for the team's processing, generated from what the system holds.

The fixed parts describe what the software does (purposes, the kinds of people and data, how it secures them);
the rest is read at the moment of asking: the controller's name from MUNICIPALITY_NAME, the recipients from the
active chain partners and how referrals reach each (a mail with a signed, expiring link; a signed webhook; the
partner's own accounts), the retention periods in force (the archivist's rules, and the built-in defaults where a
kind has no rule yet: gdt.services.retention.rules), and the security measures from the
settings in force (second factor, session limits, throttling, link lifetimes). Nothing here is personal data: the
page and the PDF are not audited. The PDF follows gdt.services.casework.meeting_pdf: Dutch whatever the reader's
language, self-contained HTML, tagged (PDF/UA-1).
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_datetime, ngettext
from flask_babel import lazy_gettext as _l

from gdt import labels
from gdt.db import db, utcnow
from gdt.models import Partner, User
from gdt.services.core.auth import _hasher as password_hasher  # the one hasher every password goes through
from gdt.services.retention import rules

TEMPLATE = "privacy/register_pdf.html"
MOMENT_FORMAT = "d MMMM y 'om' HH:mm"

KIND_LABELS = {
    "case_result": _l("Gesloten casus"),
    "case_merged": _l("Samengevoegde casus"),
    "report": _l("Melding die het team niet oppakte"),
    "contact": _l("Contactgegevens van de melder"),
    "attachments": _l("Foto's en geluidsfragmenten"),
    "audit": _l("Auditlog"),
}
REPORT_KEY_LABELS = {"referred": _l("doorverwezen naar een ketenpartner"),
                     "partner_registration": _l("aanmelding door een ketenpartner")}
STARTS = {
    "case_result": _l("na het sluiten van de casus"),
    "case_merged": _l("na het samenvoegen"),
    "report": _l("na de afhandeling door de ketenpartner"),
    "contact": _l("na de afhandeling van de melding"),
    "attachments": _l("na de afhandeling van de melding"),
    "audit": _l("na de dag van de gebeurtenis"),
}
NOMINATION_LABELS = {"destroy": _l("Vernietigen"), "keep": _l("Blijvend bewaren")}

PURPOSES = (
    (_l("Intake"), _l("Meldingen van woonoverlast ontvangen via de app, het webformulier, de telefoon (14040) en "
                      "aanmeldingen van ketenpartners, en vastleggen.")),
    (_l("Triage"), _l("Elke melding beoordelen: doorverwijzen, of bij dreigende escalatie oppakken als casus.")),
    (_l("Doorverwijzing"), _l("Een melding of casus overdragen aan het Ruimtelijk Domein of een ketenpartner en de "
                              "terugkoppeling vastleggen.")),
    (_l("Casusregie"), _l("Bij dreigende escalatie de aanpak regisseren of een ketenpartner adviseren: "
                          "casusoverleg, plan van aanpak, afspraken en evaluatie.")),
    (_l("Statistiek"), _l("Jaarcijfers en indicatoren per kanaal en uitkomst, zonder persoonsgegevens.")),
)
PEOPLE = (
    _l("Melders (bewoners, en medewerkers van ketenpartners die aanmelden)"),
    _l("Betrokkenen: overlastgevers, huisgenoten en andere personen over wie wordt gemeld"),
    _l("Medewerkers van ketenpartners (contactpersonen, deelnemers aan casusoverleg)"),
    _l("Medewerkers van het team en de gemeente (gebruikers van het systeem)"),
)
DATA = (
    (_l("Contactgegevens"), _l("Naam, e-mailadres en telefoonnummer van melders; namen en rollen van betrokkenen; "
                               "naam, e-mailadres en organisatie van gebruikers.")),
    (_l("Adressen"), _l("Het adres van de overlast (postcode, huisnummer, straat, woonplaats) met BAG-id, wijk en "
                        "buurt.")),
    (_l("Beschrijvingen"), _l("De melding in de woorden van de melder, de afweging bij triage, journaalnotities, "
                              "verslagen van casusoverleg, afspraken en terugkoppeling van ketenpartners. Deze "
                              "teksten kunnen gegevens over gezondheid bevatten (bijzondere persoonsgegevens, AVG "
                              "art. 9) en strafrechtelijke gegevens (AVG art. 10).")),
    (_l("Bijlagen"), _l("Foto's en geluidsfragmenten bij een melding (locatiegegevens worden bij ontvangst uit "
                        "foto's verwijderd).")),
    (_l("Gebruiks- en auditgegevens"), _l("Wie wanneer welke melding of casus bekeek of wijzigde, vanaf welk "
                                          "adres; inlogsessies.")),
)
LEGAL_BASIS = (
    _l("Taak van algemeen belang of uitoefening van openbaar gezag (AVG art. 6 lid 1 onder e): de taken van de "
       "gemeente voor openbare orde en veiligheid (Gemeentewet) en voor zorg en ondersteuning (Wmo 2015, Wet "
       "verplichte ggz)."),
    _l("Gegevens over gezondheid (AVG art. 9) en strafrechtelijke gegevens (AVG art. 10) alleen voor zover "
       "noodzakelijk voor de aanpak van de situatie, op grond van de uitzonderingen in de UAVG."),
)
TRANSFERS = _l("Geen. De gegevens worden niet doorgegeven aan landen buiten de Europese Economische Ruimte of aan "
               "internationale organisaties.")


@dataclass(frozen=True)
class Recipient:
    name: str
    kind: str
    channels: list[str]


@dataclass(frozen=True)
class RetentionLine:
    what: str
    months: int
    period: str
    starts: str
    nomination: str
    source: str | None


@dataclass(frozen=True)
class Register:
    """Everything the page and the PDF show, as display strings: the templates read nothing else."""

    controller: str
    team: str
    purposes: tuple
    legal_basis: tuple
    people: tuple
    data: tuple
    recipients: list[Recipient]
    retention: list[RetentionLine]
    security: list[tuple[str, str]]
    transfers: str
    made_at: str


def build() -> Register:
    """The register entry as of now (call inside force_locale("nl") for the PDF)."""
    municipality = current_app.config["MUNICIPALITY_NAME"]
    return Register(
        controller=str(_l("Het college van burgemeester en wethouders en de burgemeester van %(name)s",
                          name=municipality)),
        team=str(_l("De-escalatieteam van %(name)s", name=municipality)),
        purposes=PURPOSES, legal_basis=LEGAL_BASIS, people=PEOPLE, data=DATA,
        recipients=recipients(), retention=retention(), security=security_measures(current_app.config),
        transfers=str(TRANSFERS), made_at=format_datetime(utcnow(), MOMENT_FORMAT))


def render_pdf() -> bytes:
    """The register entry as PDF bytes, in Dutch."""
    with force_locale("nl"):
        html = render_template(TEMPLATE, register=build())
    from weasyprint import HTML  # lazily: needs Pango, see tests/system_packages.py
    from weasyprint.urls import URLFetcher
    document = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    return document.write_pdf(pdf_variant="pdf/ua-1")


def recipients() -> list[Recipient]:
    """The active chain partners, each with the ways the team's data reaches it."""
    partners = db.session.scalars(sa.select(Partner).where(Partner.is_active).order_by(Partner.name)).all()
    with_accounts = set(db.session.scalars(
        sa.select(User.partner_id).where(User.partner_id.is_not(None), User.is_active).distinct()))
    link_days = current_app.config["REFERRAL_LINK_DAYS"]
    found = []
    for partner in partners:
        if partner.delivery_method == "webhook":
            channels = [str(_l("Ondertekend bericht aan het eigen systeem van de partner (webhook)"))]
        else:
            channels = [str(_l("E-mail met een persoonlijke, ondertekende link die %(days)d dagen geldig is",
                               days=link_days))]
        if partner.id in with_accounts:
            channels.append(str(_l("Partneraccount: medewerkers van de partner loggen in en zien alleen wat aan "
                                   "hun organisatie is overgedragen")))
        found.append(Recipient(partner.name, str(labels.PARTNER_KIND_LABELS.get(partner.kind, partner.kind)),
                               channels))
    return found


def retention() -> list[RetentionLine]:
    """The rules in force, in the archivist's order: each rule of the table, and the built-in default where a kind
    has no row yet. A case result without a rule of its own falls under "every other result" and is not repeated."""
    lines = []
    for row in rules.rules_overview():
        if row.kind == "case_result" and row.key != rules.FALLBACK and row.rule is None:
            continue
        terms = row.terms
        lines.append(RetentionLine(what=_what(row.kind, row.key, row.label), months=terms.months,
                                   period=_period(terms.months), starts=str(STARTS[row.kind]),
                                   nomination=str(NOMINATION_LABELS[terms.nomination]), source=terms.source))
    return lines


def security_measures(config) -> list[tuple[str, str]]:
    """The measures as the settings in force have them (README, "Configuration")."""
    second_factor = (_l("Verplicht voor elk account met een wachtwoord (authenticator-app of passkey).")
                     if config["MFA_REQUIRED"] else
                     _l("Niet verplicht: de instelling MFA_REQUIRED staat uit. Zet deze aan in productie."))
    measures = [
        (_l("Toegang op rol"), _l("Elke pagina en elk API-verzoek controleert de rol (need-to-know): intake, "
                                  "regisseur, manager, beheerder, ketenpartner, archivaris, privacyfunctionaris.")),
        (_l("Tweede factor"), second_factor),
        (_l("Sessies"), _l("Sessies staan op de server; uitgelogd na %(idle)s minuten zonder activiteit en uiterlijk "
                           "na %(absolute)s uur.", idle=_number(config["SESSION_IDLE_MINUTES"]),
                           absolute=_number(config["SESSION_ABSOLUTE_HOURS"]))),
        (_l("Wachtwoorden"), _l("Opgeslagen als %(type)s-hash (geheugen %(memory)d MiB, %(time)d rondes); na "
                                "%(failures)d mislukte pogingen wordt inloggen op het account steeds trager.",
                                type=f"argon2{password_hasher.type.name.lower()}",
                                memory=password_hasher.memory_cost // 1024, time=password_hasher.time_cost,
                                failures=config["LOGIN_ACCOUNT_FREE_FAILURES"])),
        (_l("Geheimen voor de tweede factor"), _l("Versleuteld opgeslagen met een sleutel afgeleid van de geheime "
                                                  "sleutel van de installatie (Fernet, HKDF).")),
        (_l("Links voor ketenpartners"), _l("Ondertekend en verlopend na %(days)d dagen; een bezoek duurt hoogstens "
                                            "%(hours)d uur.", days=config["REFERRAL_LINK_DAYS"],
                                            hours=config["LINK_SESSION_ABSOLUTE_HOURS"])),
        (_l("API-sleutels"), _l("Persoonlijke API-sleutels verlopen na %(days)d dagen.",
                                days=config["TOKEN_LIFETIME_DAYS"])),
        (_l("Auditlog"), _l("Elke weergave en wijziging van persoonsgegevens wordt vastgelegd (wie, wat, wanneer, "
                            "vanaf welk adres), zonder de gegevens zelf; elke regel is met een HMAC aan de vorige "
                            "geketend, zodat wijzigen of weghalen zichtbaar wordt.")),
        (_l("Verbindingen"), _l("Webhooks en adresopvragingen alleen via TLS.") if not config["OUTBOUND_ALLOW_HTTP"]
         else _l("Uitgaande verbindingen mogen ook zonder TLS (OUTBOUND_ALLOW_HTTP staat aan; niet in productie).")),
        (_l("Back-ups"), _l("Niet door de applicatie zelf: de beheerder maakt een back-up van de database en de map "
                            "met bijlagen volgens de beheerprocedure.")),
    ]
    if config.get("OIDC_ISSUER"):
        measures.insert(2, (_l("Single sign-on"), _l("Medewerkers kunnen inloggen met hun organisatie-account "
                                                     "(OpenID Connect).")))
    return [(str(title), str(text)) for title, text in measures]


def _what(kind: str, key: str, label: str) -> str:
    if kind == "case_result":
        return f"{KIND_LABELS[kind]}: {str(_l('elk ander resultaat')) if key == rules.FALLBACK else label}"
    if kind == "report":
        return f"{KIND_LABELS[kind]}: {REPORT_KEY_LABELS.get(key, key)}"
    return str(KIND_LABELS[kind])


def _period(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return ngettext("%(num)d jaar", "%(num)d jaar", years)
    return ngettext("%(num)d maand", "%(num)d maanden", months)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")
