"""The archivist's rules and holds pages and the case page's retention part: roles, edits, placing and lifting."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.models.retention import LegalHold, RetentionRule
from gdt.services.retention import holds, rules
from tests import dates

SECRET = "Geheime beschrijving van de overlast"


@pytest.fixture(autouse=True)
def defaults(make, db):
    make.defaults()
    rules.ensure_defaults()


@pytest.fixture
def archivist(client_as):
    return client_as("archivist")


def _rule(db, kind, key=""):
    return db.session.scalar(sa.select(RetentionRule).where(RetentionRule.kind == kind, RetentionRule.key == key))


def test_only_the_archivist_opens_the_rules(client_as, db):
    rule = _rule(db, "contact")
    for role in ("coordinator", "admin", "manager", "privacy", "intake", "partner"):
        client = client_as(role)
        assert client.get("/archief/bewaartermijnen").status_code == 403
        assert client.get(f"/archief/bewaartermijnen/{rule.id}").status_code == 403
        assert client.post(f"/archief/bewaartermijnen/{rule.id}", data={"months": 1, "source": "x"}).status_code == 403
    db.session.expire_all()
    assert rule.months == 12


def test_the_rules_page_shows_each_kind_with_its_source_and_dutch_labels(archivist):
    page = archivist.get("/archief/bewaartermijnen")
    assert page.status_code == 200
    for text in ("Casus, per resultaat", "Elk ander resultaat", "Gede-escaleerd", "Overgedragen aan Zorg- en "
                 "Veiligheidshuis", "240 maanden (20 jaar)", "21.1.3", "Samengevoegde casus",
                 "Melding doorverwezen naar een ketenpartner", "Contactgegevens van de melder", "Auditlog",
                 "Vernietigen"):
        assert text in page.text, text


def test_editing_a_rule_saves_and_shows_its_history(archivist, db):
    rule = _rule(db, "case_result", "stopped")
    form = archivist.get(f"/archief/bewaartermijnen/{rule.id}")
    assert form.status_code == 200 and 'value="12"' in form.text and "Blijvend bewaren" in form.text
    saved = archivist.post(f"/archief/bewaartermijnen/{rule.id}",
                           data={"months": "24", "nomination": "keep", "source": "Eigen afweging"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert (rule.months, rule.nomination, rule.source) == (24, "keep", "Eigen afweging")
    history = archivist.get(f"/archief/bewaartermijnen/{rule.id}").text
    assert "Termijn in maanden: 12 → 24" in history and "Archiefnominatie: Vernietigen → Blijvend bewaren" in history


def test_a_wrong_edit_says_why_in_dutch_and_changes_nothing(archivist, db):
    rule = _rule(db, "contact")
    page = archivist.get(f"/archief/bewaartermijnen/{rule.id}")
    assert "Blijvend bewaren" not in page.text  # only a case may be kept
    refused = archivist.post(f"/archief/bewaartermijnen/{rule.id}",
                             data={"months": "0", "nomination": "keep", "source": ""})
    assert refused.status_code == 422
    assert "Geef een termijn in hele maanden" in refused.text and "Alleen een casus kan blijvend" in refused.text
    assert "Noem de bron" in refused.text
    db.session.expire_all()
    assert (rule.months, rule.nomination) == (12, "destroy")


def test_a_result_without_a_rule_gets_one_from_the_page(archivist, db):
    db.session.execute(sa.delete(RetentionRule).where(RetentionRule.key == "stopped"))
    db.session.commit()
    assert "Eigen termijn instellen" in archivist.get("/archief/bewaartermijnen").text
    form = archivist.get("/archief/bewaartermijnen/resultaat/stopped")
    assert form.status_code == 200 and 'value="60"' in form.text
    assert archivist.post("/archief/bewaartermijnen/resultaat/stopped",
                          data={"months": "18", "nomination": "destroy", "source": "6.3"}).status_code == 302
    rule = _rule(db, "case_result", "stopped")
    assert rule.months == 18
    again = archivist.get("/archief/bewaartermijnen/resultaat/stopped")
    assert again.status_code == 302 and again.location.endswith(f"/archief/bewaartermijnen/{rule.id}")


def test_the_holds_page_lists_references_only_and_lifts(client_as, make, db):
    case = make.case("closed", destruction_due_on=date(2031, 12, 3), archive_nomination="destroy")
    make.report("escalated", case=case, description=SECRET)
    hold = holds.place(case, reason="Lopende rechtszaak", until=None, actor=make.user("privacy", name="Fien FG"))
    for role in ("coordinator", "admin", "manager", "intake"):
        assert client_as(role).get("/archief/bewaarplichten").status_code == 403
    privacy = client_as("privacy")
    page = privacy.get("/archief/bewaarplichten")
    assert page.status_code == 200
    assert case.reference in page.text and "Lopende rechtszaak" in page.text and "Fien FG" in page.text
    assert SECRET not in page.text
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_type == "legal_holds")) == "view"
    archivist = client_as("archivist")
    assert archivist.post(f"/archief/bewaarplichten/{hold.id}/opheffen").status_code == 302
    db.session.expire_all()
    assert hold.lifted_at is not None
    assert "Er geldt nu geen bewaarplicht" in archivist.get("/archief/bewaarplichten").text


def test_the_archivist_places_a_hold_by_reference(archivist, make, db):
    case = make.case("closed")
    refused = archivist.post("/archief/bewaarplichten/nieuw", data={"case": "GDT-BESTAAT-NIET", "reason": "Klacht"})
    assert refused.status_code == 404 or "Er is geen casus met dit kenmerk" in refused.text
    assert archivist.post("/archief/bewaarplichten/nieuw",
                          data={"case": case.reference.lower(), "reason": "Klacht"}).status_code == 302
    assert holds.in_force(case.id)


def test_the_case_page_shows_the_date_and_the_holds(client_as, make, db):
    coordinator = make.user("coordinator")
    client = client_as(user=coordinator)
    case = make.case("closed", destruction_due_on=date(2031, 12, 3), archive_nomination="destroy",
                     coordinator=coordinator)
    page = client.get(f"/cases/{case.reference}")
    assert "Te vernietigen na 3 december 2031" in page.text and "Bewaarplicht plaatsen" in page.text
    kept = make.case("closed", archive_nomination="keep", coordinator=coordinator)
    assert "Blijvend bewaren" in client.get(f"/cases/{kept.reference}").text

    refused = client.post(f"/archief/casussen/{case.reference}/bewaarplicht", data={"reason": " "})
    assert refused.status_code == 422 and "Geef de reden van de bewaarplicht" in refused.text
    yesterday = (dates.today() - timedelta(days=2)).isoformat()
    refused = client.post(f"/archief/casussen/{case.reference}/bewaarplicht",
                          data={"reason": "Klacht", "until": yesterday})
    assert refused.status_code == 422 and "Kies een einddatum vanaf vandaag" in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LegalHold)) == 0

    placed = client.post(f"/archief/casussen/{case.reference}/bewaarplicht", data={"reason": "Klachtprocedure"})
    assert placed.status_code == 302 and placed.location.endswith(f"/cases/{case.reference}#bewaren")
    page = client.get(f"/cases/{case.reference}")
    assert "Klachtprocedure" in page.text and "tot die wordt opgeheven" in page.text
    hold = db.session.scalar(sa.select(LegalHold))
    lifted = client.post(f"/archief/bewaarplichten/{hold.id}/opheffen")
    assert lifted.status_code == 302 and lifted.location.endswith(f"/cases/{case.reference}#bewaren")
    assert not holds.in_force(case.id)


def test_a_date_that_is_no_date_is_refused_in_dutch(client_as, make, db):
    coordinator = make.user("coordinator")
    case = make.case("closed", coordinator=coordinator)
    refused = client_as(user=coordinator).post(f"/archief/casussen/{case.reference}/bewaarplicht",
                                               data={"reason": "Klacht", "until": "31-02-2027"})
    assert refused.status_code == 422 and "Not a valid" not in refused.text
    assert not holds.in_force(case.id)


def test_a_coordinator_outside_the_cases_team_may_not_place_or_lift(client_as, make, db, monkeypatch):
    from gdt.services.core import access
    case = make.case("closed")
    hold = holds.place(case, reason="Rechtszaak", until=None, actor=make.user("archivist"))
    client = client_as("coordinator")
    monkeypatch.setattr(access, "can_view_case", lambda user, case: False)
    assert client.get(f"/archief/casussen/{case.reference}/bewaarplicht").status_code == 403
    assert client.post(f"/archief/casussen/{case.reference}/bewaarplicht", data={"reason": "x"}).status_code == 403
    assert client.post(f"/archief/bewaarplichten/{hold.id}/opheffen").status_code == 403
    db.session.expire_all()
    assert hold.lifted_at is None and len(holds.holds_of(case)) == 1
