"""Admin pages for the closing days: the list (coming days, earlier ones per year, the settings' days, the changes),
adding one with the refusals next to the date field, removing a coming one after a confirmation."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import ClosingDay
from gdt.services.admin import closing_days
from gdt.services.core.working_days import WorkingCalendar, holiday_name


def coming_working_day(after_days: int = 20) -> date:
    """A weekday that is no public holiday, some weeks from now: a day the admin may close."""
    day = closing_days.today() + timedelta(days=after_days)
    calendar = WorkingCalendar()
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def coming(weekday_or_holiday) -> date:
    day = closing_days.today() + timedelta(days=2)
    while not weekday_or_holiday(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def admin(make):
    return make.user("admin")


@pytest.fixture
def client(client_as, admin):
    return client_as(user=admin)


def stored(db) -> dict[date, str]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(ClosingDay.day, ClosingDay.description)).all())


def test_the_list_shows_coming_days_earlier_ones_per_year_and_the_settings_days(app, client, db, monkeypatch):
    coming_day, past_day = coming_working_day(), closing_days.today() - timedelta(days=400)
    settings_day = coming_working_day(60)
    monkeypatch.setitem(app.config, "EXTRA_NON_WORKING_DAYS", (settings_day.isoformat(),))
    db.session.add_all([ClosingDay(day=coming_day, description="Brugdag na Hemelvaart"),
                        ClosingDay(day=past_day, description="Studiedag van vorig jaar")])
    db.session.commit()
    page = client.get("/admin/closing-days").text
    upcoming = page[page.index('id="komend"'):page.index('id="eerder"')]
    earlier = page[page.index('id="eerder"'):page.index('id="wijzigingen"')]
    assert closing_days.day_words(coming_day) in upcoming and "Brugdag na Hemelvaart" in upcoming
    assert f'href="/admin/closing-days/{coming_day.isoformat()}/remove"' in upcoming
    assert closing_days.day_words(settings_day) in upcoming and "de instelling EXTRA_NON_WORKING_DAYS" in upcoming
    assert "Verwijderen kan alleen in de instelling" in upcoming
    assert f"<summary>{past_day.year} (1 sluitingsdag)</summary>" in earlier and "Studiedag van vorig jaar" in earlier
    assert "/remove" not in earlier
    assert "alleen voor termijnen die daarna beginnen" in page


def test_the_admin_menu_lists_areas_and_closing_days_after_the_categories(client):
    menu = re.findall(r'href="([^"]+)"\s*>([^<]+)</a>', client.get("/admin/users").text)
    labels = [label for _, label in menu]
    assert ("/admin/closing-days", "Sluitingsdagen") in menu and ("/admin/areas", "Wijken en buurten") in menu
    assert labels.index("Wijken en buurten") == labels.index("Categorieën") + 1
    assert labels.index("Sluitingsdagen") == labels.index("Wijken en buurten") + 1


def test_a_closing_day_is_added_and_counts_for_new_deadlines(app, client, db):
    day = coming_working_day()
    response = client.post("/admin/closing-days/new", data={"day": day.isoformat(), "description": "Brugdag"})
    assert response.status_code == 302 and response.location.endswith("/admin/closing-days")
    assert stored(db) == {day: "Brugdag"}
    page = client.get("/admin/closing-days").text
    assert f"{closing_days.day_words(day, sentence_start=True)} is toegevoegd als sluitingsdag." in page
    assert "Aangemaakt" in page[page.index('id="wijzigingen"'):]
    with app.app_context():
        from gdt.services.core import deadlines
        assert not deadlines.calendar().is_working_day(day)


def test_a_dutch_date_is_accepted_too(client, db):
    day = coming_working_day()
    client.post("/admin/closing-days/new", data={"day": day.strftime("%d-%m-%Y"), "description": "Studiedag"})
    assert stored(db) == {day: "Studiedag"}


@pytest.mark.parametrize(("pick", "message"), [
    (lambda: coming(lambda day: day.weekday() == 5), "valt in het weekend"),
    (lambda: coming(lambda day: holiday_name(day) is not None and day.weekday() < 5), "is al een feestdag: "),
    (lambda: closing_days.today(), "Kies een dag na vandaag"),
])
def test_a_refused_day_is_shown_at_the_date_field(client, db, pick, message):
    day = pick()
    response = client.post("/admin/closing-days/new", data={"day": day.isoformat(), "description": "Dicht"})
    assert response.status_code == 422
    assert message in response.text and 'aria-invalid="true"' in response.text
    if "feestdag" in message:
        assert f"is al een feestdag: {holiday_name(day)}." in response.text
    assert stored(db) == {}


def test_removing_asks_first_then_removes(client, db, admin):
    day = coming_working_day()
    client.post("/admin/closing-days/new", data={"day": day.isoformat(), "description": "Brugdag"})
    confirm = client.get(f"/admin/closing-days/{day.isoformat()}/remove")
    assert confirm.status_code == 200 and "Sluitingsdag verwijderen</button>" in confirm.text
    assert "Termijnen die al lopen, verschuiven niet" in confirm.text
    assert stored(db) == {day: "Brugdag"}
    response = client.post(f"/admin/closing-days/{day.isoformat()}/remove")
    assert response.status_code == 302 and stored(db) == {}
    page = client.get("/admin/closing-days").text
    assert f"{closing_days.day_words(day, sentence_start=True)} is geen sluitingsdag meer." in page
    assert "Verwijderd" in page[page.index('id="wijzigingen"'):]


def test_a_past_day_is_not_offered_for_removal_and_a_post_is_refused(client, db):
    past = closing_days.today() - timedelta(days=3)
    db.session.add(ClosingDay(day=past, description="Storing"))
    db.session.commit()
    confirm = client.get(f"/admin/closing-days/{past.isoformat()}/remove")
    assert confirm.status_code == 200 and "Sluitingsdag verwijderen</button>" not in confirm.text
    assert "vandaag of eerder blijft staan" in confirm.text
    response = client.post(f"/admin/closing-days/{past.isoformat()}/remove")
    assert response.status_code == 422 and "vandaag of eerder blijft staan" in response.text
    assert stored(db) == {past: "Storing"}


def test_an_unknown_day_is_not_found(client, db):
    assert client.get("/admin/closing-days/2030-01-02/remove").status_code == 404
    assert client.get("/admin/closing-days/morgen/remove").status_code == 404
