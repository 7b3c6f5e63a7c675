"""Claiming on the pages: "Ik pak deze op" on the triage page, the holder named there and in the queue, triage by a
colleague refused with that name, "Vrijgeven", a lapsed claim, and the buttons' CSRF protection."""
import html
from datetime import UTC, datetime, timedelta

import pytest

from gdt.db import AMSTERDAM
from gdt.models import ReportClaim
from gdt.services.triage import claims


@pytest.fixture
def anna(make):
    return make.user("coordinator", name="Anna Aalders")


@pytest.fixture
def bram(make):
    return make.user("coordinator", name="Bram Bakker")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def hhmm(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%H:%M")


def held(db, report):
    db.session.expire_all()
    return db.session.get(ReportClaim, report.id)


def test_claim_from_the_triage_page_and_colleagues_see_who_holds_it(client_as, make, db, anna, bram):
    report = make.report()
    mine, theirs = client_as(user=anna), client_as(user=bram)
    page = text(mine.get(f"/reports/{report.reference}"))
    assert "Nog niet opgepakt" in page and ">Ik pak deze op</button>" in page
    response = mine.post(f"/reports/{report.reference}/claim")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reports/{report.reference}")
    since = hhmm(held(db, report).claimed_at)
    page = text(mine.get(f"/reports/{report.reference}"))
    assert f"U heeft deze melding opgepakt (sinds {since})" in page and "U heeft melding" in page  # the flash
    assert ">Vrijgeven</button>" in page and f'action="/reports/{report.reference}/refer"' in page
    page = text(theirs.get(f"/reports/{report.reference}"))
    assert f"Opgepakt door Anna Aalders (sinds {since})" in page
    assert f'action="/reports/{report.reference}/refer"' not in page  # no decision forms for a colleague
    for client in (mine, theirs):
        assert f"Opgepakt door Anna Aalders (sinds {since})" in text(client.get("/intake/queue"))


def test_a_colleagues_triage_is_refused_with_the_holders_name_and_the_input_kept(client_as, make, db, anna, bram):
    report = make.report()
    claims.claim_report(report, actor=anna, now=datetime.now(UTC))
    response = client_as(user=bram).post(f"/reports/{report.reference}/refer", data={
        "refer-version": report.version, "refer-partner": "politie", "refer-question": "Graag een huisbezoek.",
        "refer-reason": "Bedreiging op de galerij"})
    page = text(response)
    assert response.status_code == 422 and "opgepakt door Anna Aalders" in page
    assert "Bedreiging op de galerij" in page
    db.session.expire_all()
    assert report.status == "received"


def test_a_colleague_cannot_claim_or_release_and_is_told_why(client_as, make, db, anna, bram):
    report = make.report()
    claims.claim_report(report, actor=anna, now=datetime.now(UTC))
    theirs = client_as(user=bram)
    for step in ("claim", "release"):
        page = text(theirs.post(f"/reports/{report.reference}/{step}", follow_redirects=True))
        assert "Deze melding is opgepakt door Anna Aalders" in page, step
    assert held(db, report).user_id == anna.id


def test_release_lets_a_colleague_take_it_at_once(client_as, make, db, anna, bram):
    report = make.report()
    mine = client_as(user=anna)
    mine.post(f"/reports/{report.reference}/claim")
    page = text(mine.post(f"/reports/{report.reference}/release", follow_redirects=True))
    assert f"Melding {report.reference} is vrijgegeven." in page and "Nog niet opgepakt" in page
    assert held(db, report) is None
    client_as(user=bram).post(f"/reports/{report.reference}/claim")
    assert held(db, report).user_id == bram.id


def test_a_lapsed_claim_shows_as_not_taken(client_as, make, db, anna, bram, app, monkeypatch):
    report = make.report()
    monkeypatch.setitem(app.config, "CLAIM_MINUTES", 10)
    claims.claim_report(report, actor=anna, now=datetime.now(UTC) - timedelta(minutes=11))
    theirs = client_as(user=bram)
    assert "Anna Aalders" not in text(theirs.get("/intake/queue"))
    page = text(theirs.get(f"/reports/{report.reference}"))
    assert "Nog niet opgepakt" in page and f'action="/reports/{report.reference}/refer"' in page


def test_a_triaged_report_offers_no_claim(client_as, make, anna):
    report = make.report("referred")
    page = text(client_as(user=anna).get(f"/reports/{report.reference}"))
    assert "Ik pak deze op" not in page and "Wie beoordeelt" not in page


@pytest.mark.parametrize("step", ["claim", "release"])
def test_claim_and_release_need_the_csrf_token(app, client_as, make, db, anna, monkeypatch, step):
    report = make.report()
    if step == "release":
        claims.claim_report(report, actor=anna, now=datetime.now(UTC))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = client_as(user=anna)
    assert client.post(f"/reports/{report.reference}/{step}").status_code == 400
    assert (held(db, report) is not None) == (step == "release")  # nothing changed


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "partner"])
def test_only_coordinators_reach_the_claim_buttons(client_as, make, db, role):
    report = make.report()
    for step in ("claim", "release"):
        assert client_as(role).post(f"/reports/{report.reference}/{step}").status_code == 403
    assert held(db, report) is None
