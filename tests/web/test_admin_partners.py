"""Admin pages for the chain partners: every field, the delivery rules, the webhook secret shown once, the history."""
import re

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Partner
from gdt.services.admin import partners
from gdt.services.referrals import delivery

NEW_MAIL_PARTNER = {"key": "ggz-zuid", "name": "GGZ Zuid", "kind": "care", "delivery_method": "email",
                    "email": "Meldingen@GGZ-Zuid.example", "webhook_url": ""}
NEW_WEBHOOK_PARTNER = NEW_MAIL_PARTNER | {"delivery_method": "webhook", "email": "",
                                          "webhook_url": "https://meldingen.ggz-zuid.example/gdt"}
SECRET = re.compile(r'<code class="gdt-secret" id="webhook-secret"[^>]*>([0-9a-f]{64})</code>')


@pytest.fixture
def admin(make):
    make.defaults()
    return make.user("admin", name="Anne Beheer")


@pytest.fixture
def client(client_as, admin):
    return client_as(user=admin)


def _partner(db, key: str) -> Partner | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Partner).where(Partner.key == key))


def _shown_secret(response) -> str:
    found = SECRET.search(response.text)
    assert found, response.text
    return found.group(1)


def _no_secret_anywhere(client, partner: Partner, secret: str) -> None:
    """Not on any page the admin can open again, nor in the session the browser holds."""
    for url in ("/admin/partners", f"/admin/partners/{partner.key}", f"/admin/partners/{partner.key}/webhook-secret"):
        page = client.get(url, follow_redirects=True)
        assert page.status_code == 200 and secret not in page.text and 'id="webhook-secret"' not in page.text, url
    with client.session_transaction() as session:
        assert secret not in repr(dict(session)) and partner.webhook_secret_salt not in repr(dict(session))


def test_the_new_page_has_every_field_and_a_mail_partner_is_created(client, db):
    page = client.get("/admin/partners/new")
    for name in ("key", "name", "kind", "email", "webhook_url"):
        assert f'name="{name}"' in page.text, name
    assert page.text.count('name="delivery_method"') == 2
    assert re.search(r'<input checked [^>]*name="delivery_method" type="radio" value="email">', page.text)
    response = client.post("/admin/partners/new", data=NEW_MAIL_PARTNER)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/partners"
    partner = _partner(db, "ggz-zuid")
    assert (partner.name, partner.kind, partner.delivery_method, partner.email, partner.webhook_secret_salt) == (
        "GGZ Zuid", "care", "email", "meldingen@ggz-zuid.example", None)
    listing = client.get("/admin/partners").text
    assert "Ketenpartner GGZ Zuid is toegevoegd." in listing and "e-mail naar meldingen@ggz-zuid.example" in listing


def test_delivery_by_mail_needs_the_address_and_nothing_is_stored(client, db):
    response = client.post("/admin/partners/new", data=NEW_MAIL_PARTNER | {"email": " "})
    assert response.status_code == 422
    assert "Vul het e-mailadres in: doorverwijzingen gaan per e-mail naar dit adres." in response.text
    assert 'href="#email"' in response.text and 'aria-invalid="true"' in response.text
    assert _partner(db, "ggz-zuid") is None


@pytest.mark.parametrize(("url", "message"), [
    ("", "Vul het webhookadres in: doorverwijzingen gaan per webhook naar dit adres."),
    ("meldingen.ggz-zuid.example/gdt", "Vul een volledig webadres in dat begint met https://."),
    ("http://10.1.2.3/gdt", "Dit webadres kan GDT niet aanroepen"),
    ("http://169.254.169.254/latest/meta-data/", "Dit webadres kan GDT niet aanroepen"),
])
def test_delivery_by_webhook_needs_a_url_the_outbound_rules_allow(client, db, url, message):
    response = client.post("/admin/partners/new", data=NEW_WEBHOOK_PARTNER | {"webhook_url": url})
    assert response.status_code == 422 and message in response.text and 'href="#webhook_url"' in response.text
    assert _partner(db, "ggz-zuid") is None and SECRET.search(response.text) is None


def test_a_new_webhook_partner_shows_its_secret_once_and_never_again(client, db):
    response = client.post("/admin/partners/new", data=NEW_WEBHOOK_PARTNER)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    partner = _partner(db, "ggz-zuid")
    secret = _shown_secret(response)
    assert secret == delivery.webhook_secret(partner)
    assert "Ketenpartner GGZ Zuid is toegevoegd." in response.text and "maar één keer getoond" in response.text
    assert "https://meldingen.ggz-zuid.example/gdt" in response.text
    assert "GDT-Signature: t=&lt;unix-tijd&gt;,v1=&lt;hex&gt;" in response.text
    assert secret not in response.headers.get("Set-Cookie", "")
    _no_secret_anywhere(client, partner, secret)


def test_the_edit_page_changes_every_field_but_the_key(client, make, db):
    make.partner("politie", name="Politie", email="politie@example.nl", kind="police")
    page = client.get("/admin/partners/politie")
    assert 'name="key"' not in page.text and "De sleutel staat vast" in page.text
    response = client.post("/admin/partners/politie", data={
        "key": "politie-oost", "name": "Politie Eenheid Oost", "kind": "municipal", "delivery_method": "email",
        "email": "Oost@Politie.nl", "webhook_url": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/partners"
    partner = _partner(db, "politie")
    assert (partner.name, partner.kind, partner.email) == ("Politie Eenheid Oost", "municipal", "oost@politie.nl")
    assert _partner(db, "politie-oost") is None


def test_the_edit_page_refuses_a_mail_partner_without_an_address(client, make, db):
    make.partner("politie", email="politie@example.nl")
    response = client.post("/admin/partners/politie", data={"name": "Politie", "kind": "police",
                                                            "delivery_method": "email", "email": ""})
    assert response.status_code == 422 and "Vul het e-mailadres in" in response.text
    assert _partner(db, "politie").email == "politie@example.nl"


def test_switching_to_a_webhook_shows_the_first_secret_once(client, make, db):
    make.partner("politie", email="politie@example.nl", kind="police")
    form = {"name": "Politie", "kind": "police", "delivery_method": "webhook", "email": "politie@example.nl",
            "webhook_url": "https://politie.example/gdt"}
    response = client.post("/admin/partners/politie", data=form)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    partner = _partner(db, "politie")
    secret = _shown_secret(response)
    assert partner.delivery_method == "webhook" and secret == delivery.webhook_secret(partner)
    assert "De wijzigingen zijn opgeslagen." in response.text
    again = client.post("/admin/partners/politie", data=form | {"name": "Politie Oost"})
    assert again.status_code == 302  # the partner has its secret: saving again shows none and keeps it
    assert delivery.webhook_secret(_partner(db, "politie")) == secret
    _no_secret_anywhere(client, partner, secret)


def test_a_new_secret_needs_the_confirmation_page_and_is_shown_once(client, make, db):
    partner = partners.create_partner("ggz-zuid", "GGZ Zuid", delivery_method="webhook",
                                      webhook_url="https://ggz.example/gdt", actor=None)
    old = partners.webhook_secret(partner)
    edit = client.get("/admin/partners/ggz-zuid")
    assert "/admin/partners/ggz-zuid/webhook-secret" in edit.text and "Nieuw geheim maken" in edit.text
    confirm = client.get("/admin/partners/ggz-zuid/webhook-secret")
    assert confirm.status_code == 200 and "Het huidige geheim werkt direct niet meer" in confirm.text
    assert '<form method="post"' in confirm.text and old not in confirm.text
    assert delivery.webhook_secret(_partner(db, "ggz-zuid")) == old  # opening the page changes nothing
    response = client.post("/admin/partners/ggz-zuid/webhook-secret")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    new = _shown_secret(response)
    partner = _partner(db, "ggz-zuid")
    assert new != old and new == delivery.webhook_secret(partner)
    assert "Het vorige werkt niet meer." in response.text
    _no_secret_anywhere(client, partner, new)


def test_a_mail_partner_has_no_secret_to_renew(client, make, db):
    make.partner("politie", email="politie@example.nl")
    assert "Nieuw geheim maken" not in client.get("/admin/partners/politie").text
    page = client.get("/admin/partners/politie/webhook-secret")
    assert page.status_code == 302 and page.headers["Location"] == "/admin/partners/politie"
    refused = client.post("/admin/partners/politie/webhook-secret")
    assert refused.status_code == 422 and "per e-mail en heeft geen webhookgeheim" in refused.text
    assert _partner(db, "politie").webhook_secret_salt is None


def test_a_new_secret_needs_the_pages_csrf_token(app, client, make, db, monkeypatch):
    partner = partners.create_partner("ggz-zuid", "GGZ Zuid", delivery_method="webhook",
                                      webhook_url="https://ggz.example/gdt", actor=None)
    salt = partner.webhook_secret_salt
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/admin/partners/ggz-zuid/webhook-secret")
    assert response.status_code in (400, 422) and SECRET.search(response.text) is None
    assert _partner(db, "ggz-zuid").webhook_secret_salt == salt


def test_the_edit_page_shows_the_history_without_the_secret(client, make, admin, db):
    client.post("/admin/partners/new", data=NEW_MAIL_PARTNER)
    client.post("/admin/partners/ggz-zuid", data=NEW_MAIL_PARTNER | {"name": "GGZ Zuid-Oost"})
    shown = client.post("/admin/partners/ggz-zuid", data=NEW_WEBHOOK_PARTNER | {"name": "GGZ Zuid-Oost"})
    secret = _shown_secret(shown)
    client.post("/admin/partners/ggz-zuid/deactivate")
    client.post("/admin/partners/ggz-zuid/activate")
    page = client.get("/admin/partners/ggz-zuid").text
    history = page[page.index('id="wijzigingen"'):]
    for line in ("Aangemaakt", "Gewijzigd", "Naam: GGZ Zuid → GGZ Zuid-Oost", "Bezorging: E-mail → Webhook",
                 "Webhookadres: – → https://meldingen.ggz-zuid.example/gdt",
                 "E-mailadres: meldingen@ggz-zuid.example → –", "Nieuw webhookgeheim gemaakt", "Gedeactiveerd",
                 "Actief: nee → ja", "Geactiveerd", "Anne Beheer"):
        assert line in history, line
    assert history.index("Geactiveerd") < history.index("Gedeactiveerd") < history.index("Aangemaakt")
    assert secret not in page
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "partner", AuditEvent.object_ref == "ggz-zuid").order_by(AuditEvent.id)).all()
    assert actions == ["create", "update", "rotate_webhook_secret", "update", "deactivate", "activate"]


def test_the_list_says_how_referrals_reach_each_partner(client, make):
    make.partner("politie", email="politie@example.nl")
    partners.create_partner("ggz-zuid", "GGZ Zuid", delivery_method="webhook", webhook_url="https://ggz.example/gdt",
                            actor=None)
    make.partner("wijkteam", name="Wijkteam")  # a default partner without an address yet
    listing = client.get("/admin/partners").text
    assert "e-mail naar politie@example.nl" in listing and "webhook naar https://ggz.example/gdt" in listing
    assert "e-mail, maar er is nog geen e-mailadres" in listing
