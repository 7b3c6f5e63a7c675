"""The main menu: the pages a role opens from the header, taken from the roles each page's view declares
(`role_required`), so the menu never offers a page that would answer 403 and never hides one a role may use."""
from dataclasses import dataclass, field

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Destination:
    endpoint: str
    label: str
    role_labels: dict = field(default_factory=dict)  # the same page in a role's own words
    section: tuple[str, ...] = ()  # endpoints below this item: it is marked as where the user is


# In menu order. Who sees an item is decided by the view, not here.
MENU = (
    Destination("home.start", _l("Mijn werk")),
    Destination("intake.queue", _l("Intakewachtrij"), {"coordinator": _l("Te beoordelen")},
                section=("triage.show",)),
    Destination("cases.index", _l("Casussen"), section=("cases.show", "cases.remove_partner", "casework.meeting",
                                                        "people.show", "people.edit", "people.add_address",
                                                        "people.duplicate_list", "people.merge", "people.link_party")),
    Destination("worklists.index", _l("Werklijsten"),
                section=("worklists.save", "worklists.rename", "worklists.remove")),
    Destination("map.index", _l("Kaart")),
    Destination("intake.new_report", _l("Melding registreren")),
    Destination("intake.mine", _l("Mijn meldingen")),
    Destination("statistics.index", _l("Statistieken"), section=("statistics.year",)),
    Destination("indicators.table", _l("Indicatoren")),
    Destination("map.buurten", _l("Kaart per buurt")),
    Destination("admin.users", _l("Gebruikers"), section=("admin.new_user", "admin.edit_user")),
    Destination("admin.partners", _l("Ketenpartners"), section=("admin.new_partner", "admin.edit_partner")),
    Destination("admin.case_results", _l("Resultaten"), section=("admin.new_case_result", "admin.edit_case_result")),
    Destination("admin.categories", _l("Categorieën"), section=("admin.new_category", "admin.edit_category")),
    Destination("admin.areas", _l("Wijken en buurten"),
                section=("admin.new_area", "admin.edit_area", "admin.delete_area", "admin.import_areas")),
    Destination("admin.closing_days", _l("Sluitingsdagen"),
                section=("admin.new_closing_day", "admin.remove_closing_day")),
    Destination("admin.standard_texts", _l("Standaardteksten"),
                section=("admin.new_standard_text", "admin.edit_standard_text")),
    Destination("admin.letter_templates", _l("Briefsjablonen"),
                section=("admin.new_letter_template", "admin.edit_letter_template")),
    Destination("admin.intervention_types", _l("Interventies"),
                section=("admin.new_intervention_type", "admin.edit_intervention_type")),
    Destination("admin.teams_page", _l("Teams")),
    Destination("indicators.admin_list", _l("Indicatoren"),
                section=("indicators.admin_new", "indicators.admin_edit", "indicators.admin_import")),
    Destination("referrals.deliveries", _l("Bezorging")),
    Destination("admin.event_subscriptions", _l("Abonnementen"),
                section=("admin.new_event_subscription", "admin.edit_event_subscription")),
    Destination("admin.local_mailbox", _l("Verzonden mail")),
    Destination("admin.api_access", _l("API-toegang"), section=("admin.revoke_api_client",)),
    Destination("retention.lists", _l("Vernietigingslijsten"),
                section=("retention.show_list", "retention.exclude_item", "retention.approve_list")),
    Destination("retention.rules_page", _l("Bewaartermijnen"), section=("retention.edit_rule", "retention.new_rule")),
    Destination("retention.holds_page", _l("Bewaarplichten"), section=("retention.new_hold",)),
    Destination("referrals.partner_index", _l("Doorverwijzingen"), section=("referrals.partner_show",)),
    Destination("partner.cases", _l("Casussen"), section=("partner.case",)),
    Destination("partner.index", _l("Aanmeldingen"), section=("partner.show",)),
    Destination("partner.new", _l("Casus aanmelden")),
    Destination("privacy.audit_trail", _l("Audittrail")),
    Destination("privacy.people_search", _l("Persoon zoeken"), section=("privacy.inspection",)),
    Destination("privacy.requests", _l("Verzoeken"), section=("privacy.new_request", "privacy.request_page",
                                                              "privacy.rectify", "privacy.decide", "privacy.refuse",
                                                              "privacy.erase")),
    Destination("privacy.register", _l("Verwerkingsregister")),
)


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str
    current: str | None  # aria-current: "page" on the page itself, "true" on a page below it, else None


def may_open(role: str | None, endpoint: str) -> bool:
    """The view's own declaration, the one `role_required` enforces."""
    view = current_app.view_functions.get(endpoint)
    return role is not None and role in getattr(view, "required_roles", ())


def menu_for(user, current_endpoint: str | None) -> list[MenuItem]:
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    return [MenuItem(url_for(item.endpoint), str(item.role_labels.get(role, item.label)),
                     _current(item, current_endpoint))
            for item in MENU if may_open(role, item.endpoint)]


def _current(item: Destination, endpoint: str | None) -> str | None:
    if endpoint == item.endpoint:
        return "page"
    return "true" if endpoint in item.section else None
