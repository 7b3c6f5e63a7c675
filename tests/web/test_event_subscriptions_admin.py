"""The admin's subscriptions: making one shows its secret once (no-store), editing keeps it, a new secret replaces
it, switching off stops the events, and a dead letter is sent again from the list."""
import sqlalchemy as sa

from gdt.models.events import EventDelivery, EventSubscription
from gdt.services.events import subscriptions

FORM = {"name": "Zaaksysteem", "url": "http://127.0.0.1:9/gdt", "event_types": ["nl.gdt.case.closed",
                                                                               "nl.gdt.case.opened"]}


def test_making_a_subscription_shows_its_secret_once(db, client_as):
    admin = client_as("admin")
    response = admin.post("/admin/abonnementen/new", data=FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    subscription = db.session.scalar(sa.select(EventSubscription))
    from gdt.services.events.deliver import secret
    assert secret(subscription) in page and "maar één keer getoond" in page
    assert subscription.event_types == ["nl.gdt.case.opened", "nl.gdt.case.closed"]
    listed = admin.get("/admin/abonnementen").get_data(as_text=True)
    assert "Zaaksysteem" in listed and "Casus geopend" in listed and secret(subscription) not in listed
    edit = admin.get(f"/admin/abonnementen/{subscription.id}").get_data(as_text=True)
    assert secret(subscription) not in edit and "Nieuw geheim maken" in edit


def test_bad_input_is_named_in_dutch_and_nothing_is_made(db, client_as):
    response = client_as("admin").post("/admin/abonnementen/new", data={"name": "", "url": "http://10.1.2.3/x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Geef het abonnement een naam" in page and "Dit adres kan GDT niet aanroepen" in page
    assert "Kies een of meer gebeurtenissen." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventSubscription)) == 0


def test_a_new_secret_and_switching_off(db, client_as):
    subscription, first = subscriptions.create(name="Zaaksysteem", url=FORM["url"], event_types=FORM["event_types"],
                                               actor=None)
    admin = client_as("admin")
    page = admin.post(f"/admin/abonnementen/{subscription.id}/secret").get_data(as_text=True)
    db.session.refresh(subscription)
    from gdt.services.events.deliver import secret
    assert secret(subscription) != first and secret(subscription) in page
    assert admin.post(f"/admin/abonnementen/{subscription.id}/deactivate").status_code == 302
    db.session.refresh(subscription)
    assert subscription.active is False


def test_a_dead_letter_is_listed_and_sent_again(db, client_as):
    subscription, _ = subscriptions.create(name="Zaaksysteem", url=FORM["url"], event_types=FORM["event_types"],
                                           actor=None)
    dead = EventDelivery(subscription_id=subscription.id, event_id="0" * 36, event_type="nl.gdt.case.closed",
                         subject="GDT-2026-000009", body="{}", status="failed", attempts=6, last_error="HTTP 500")
    db.session.add(dead)
    db.session.commit()
    admin = client_as("admin")
    page = admin.get("/admin/abonnementen").get_data(as_text=True)
    assert "GDT-2026-000009" in page and "HTTP 500 (6 pogingen)" in page
    assert admin.post(f"/admin/abonnementen/mislukt/{dead.id}/resend").status_code == 302
    db.session.refresh(dead)
    assert dead.status in ("pending", "failed") and dead.attempts <= 1  # tried again at once (port 9 refuses)


def test_others_may_not(db, client_as):
    for role in ("coordinator", "manager", "intake"):
        assert client_as(role).get("/admin/abonnementen").status_code == 403
