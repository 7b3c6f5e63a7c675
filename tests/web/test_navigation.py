"""The header's main menu per role: exactly the pages the role may open (the roles its views declare), the current
page marked, the same menu in a <details> disclosure for narrow screens; none on the public pages."""
from html.parser import HTMLParser

import pytest

from gdt.web import navigation

MENUS = {
    "intake": ["Intakewachtrij", "Werklijsten", "Melding registreren", "Mijn meldingen"],
    "coordinator": ["Mijn werk", "Te beoordelen", "Casussen", "Werklijsten", "Kaart", "Melding registreren",
                    "Mijn meldingen", "Statistieken", "Indicatoren"],
    "manager": ["Statistieken", "Indicatoren", "Kaart per buurt"],
    "admin": ["Gebruikers", "Ketenpartners", "Resultaten", "Categorieën", "Wijken en buurten", "Sluitingsdagen",
              "Standaardteksten", "Briefsjablonen", "Interventies", "Teams", "Indicatoren", "Bezorging",
              "Abonnementen", "Verzonden mail", "API-toegang", "Verwerkingsregister"],
    "partner": ["Doorverwijzingen", "Casussen", "Aanmeldingen", "Casus aanmelden"],
}
START = {"intake": "/intake/queue", "coordinator": "/start", "manager": "/statistics/indicators",
         "admin": "/admin/users", "partner": "/partner"}


class MenuReader(HTMLParser):
    """The links of the menu bar and of the compact menu: (href, aria-current, text) each."""

    def __init__(self):
        super().__init__()
        self.bar, self.compact, self._list, self._link = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ul" and "gdt-nav__list" in classes:
            self._list = self.bar
        elif tag == "ul" and "gdt-nav__compact-list" in classes:
            self._list = self.compact
        elif tag == "a" and self._list is not None:
            self._link = [attrs["href"], attrs.get("aria-current"), ""]

    def handle_endtag(self, tag):
        if tag == "ul":
            self._list = None
        elif tag == "a" and self._link is not None:
            self._list.append((self._link[0], self._link[1], self._link[2].strip()))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[2] += data


def read_menu(page: str) -> MenuReader:
    reader = MenuReader()
    reader.feed(page)
    return reader


@pytest.mark.parametrize("role", MENUS)
def test_each_role_sees_only_its_own_menu(client_as, role):
    page = client_as(role).get(START[role])
    assert page.status_code == 200
    menu = read_menu(page.text)
    assert [label for _, _, label in menu.bar] == MENUS[role]
    assert menu.compact == menu.bar  # the narrow-screen menu is the same menu


@pytest.mark.parametrize("role", MENUS)
def test_every_page_a_role_may_open_is_in_its_menu_and_no_other(app, client_as, role):
    """Each menu destination answers this role 200 when it is in the menu, and 403 when it is not."""
    client = client_as(role)
    shown = {href for href, _, _ in read_menu(client.get(START[role]).text).bar}
    with app.test_request_context():
        from flask import url_for
        destinations = {url_for(item.endpoint) for item in navigation.MENU}
    for url in destinations:
        status = client.get(url).status_code
        assert (status == 200) == (url in shown), (url, status)
        assert status in (200, 403), (url, status)


def test_the_menu_follows_the_views_declared_roles(app, client_as, monkeypatch):
    """No second list of permissions: giving intake the statistics page puts it in intake's menu."""
    view = app.view_functions["statistics.index"]
    monkeypatch.setattr(view, "required_roles", (*view.required_roles, "intake"))
    labels = [label for _, _, label in read_menu(client_as("intake").get("/intake/queue").text).bar]
    assert labels == ["Intakewachtrij", "Werklijsten", "Melding registreren", "Mijn meldingen", "Statistieken"]


def test_the_current_page_is_marked_and_a_page_below_it_too(make, client_as):
    client = client_as("coordinator")
    on_list = read_menu(client.get("/cases").text).bar
    assert [(label, current) for _, current, label in on_list if current] == [("Casussen", "page")]
    case = make.case()
    on_case = read_menu(client.get(f"/cases/{case.reference}").text).bar
    assert [(label, current) for _, current, label in on_case if current] == [("Casussen", "true")]
    on_account = read_menu(client.get("/account").text).bar
    assert [current for _, current, _ in on_account if current] == []


def test_the_header_names_who_is_logged_in_and_their_role(make, client_as):
    user = make.user("manager", name="Mila Manager")
    page = client_as(user=user).get("/statistics/indicators").text
    assert '<a class="utrecht-link gdt-account__name" href="/account">Mila Manager</a>' in page
    assert '<span class="gdt-visually-hidden">rol:</span> Manager</span>' in page
    assert 'action="/logout"' in page
    assert '<nav class="utrecht-nav-bar gdt-nav" aria-label="Hoofdmenu">' in page
    assert '<summary class="gdt-nav__toggle">Menu</summary>' in page


def test_the_public_webform_has_the_municipality_header_without_staff_menu(client_as):
    page = client_as("coordinator").get("/melden", follow_redirects=True).text  # even for a logged-in coordinator
    assert '<span class="gdt-brand__municipality">Gemeente Voorbeeld</span>' in page
    assert '<span class="gdt-brand__product">Woonoverlast melden</span>' in page
    assert "gdt-nav" not in page and "Uitloggen" not in page and "gdt-account" not in page


def test_the_language_choice_is_one_button_per_other_language(app, db):
    client = app.test_client()
    page = client.get("/login").text
    assert '<span class="gdt-language__current" lang="nl" aria-current="true">Nederlands</span>' in page
    assert 'type="submit" name="locale" value="en" lang="en">English</button>' in page
    client.post("/language", data={"locale": "en", "next": "/login"})
    english = client.get("/login").text
    assert '<span class="gdt-language__current" lang="en" aria-current="true">English</span>' in english
    assert 'name="locale" value="nl" lang="nl">Nederlands</button>' in english
