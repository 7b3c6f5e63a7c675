"""The staff API's triage respects a colleague's claim: 409 problem+json naming the holder, nothing changed."""
from datetime import UTC, datetime, timedelta

from gdt.services.triage import claims


def test_triage_through_the_api_is_refused_while_a_colleague_holds_the_claim(api, make, db):
    report = make.report()
    anna, bram = make.user("coordinator", name="Anna Aalders"), make.user("coordinator", name="Bram Bakker")
    claims.claim_report(report, actor=anna, now=datetime.now(UTC))
    response = api.post(f"/api/v1/reports/{report.reference}/triage", bram, {"outcome": "escalated"})
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 409 and "Anna Aalders" in body["detail"]
    db.session.expire_all()
    assert report.status == "received" and report.case_id is None


def test_the_holder_triages_through_the_api_and_a_lapsed_claim_holds_no_one(api, make, db):
    mine, lapsed = make.report(), make.report()
    anna, bram = make.user("coordinator"), make.user("coordinator")
    claims.claim_report(mine, actor=anna, now=datetime.now(UTC))
    claims.claim_report(lapsed, actor=anna, now=datetime.now(UTC) - timedelta(minutes=31))
    assert api.post(f"/api/v1/reports/{mine.reference}/triage", anna, {"outcome": "escalated"}).status_code == 200
    assert api.post(f"/api/v1/reports/{lapsed.reference}/triage", bram, {"outcome": "escalated"}).status_code == 200
