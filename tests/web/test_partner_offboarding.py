"""Deactivating a partner offboards it at once: its people, its API client and every link it was given stop working.

Found in a security review: after POST /admin/partners/<key>/deactivate the partner's users still logged in and
opened their referral, case and registration pages, its mailed links still opened, and its API client still read
registration status. Every check below answered 200 before the fix.
"""
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from gdt.models import AuditEvent, CasePartner, LinkSession, UserSession, UserToken
from gdt.services.admin import partners
from gdt.services.core import auth, partner_links, tokens
from gdt.services.intake import partner_registrations
from tests.factories import PASSWORD
from tests.links import follow_link


@pytest.fixture
def ggz(app, db, make, client_as):
    """GGZ with everything a partner can hold: a logged-in user with a personal token, an API client, a
    registration, a referral and a case it takes part in, and a visitor with both its links open."""
    partner = make.partner("ggz", name="GGZ Eindhoven", email="ggz@example.nl")
    worker = make.user("partner", partner=partner)
    registration = partner_registrations.register(partner_registrations.RegistrationInput(
        registrant_name="Wendy", category="geluidsoverlast", postcode="5611AB", house_number="12",
        reason="Dreigende escalatie tussen buren."), partner=partner, actor=worker)
    referral = make.referral(make.report("referred", referred_partner=partner, reporter_email="melder@example.nl"),
                             partner=partner)
    case = make.case()
    make.session.add(CasePartner(case=case, partner=partner))
    make.session.commit()
    _, client_token = tokens.issue_api_client("ggz-systeem", "partner", "ggz", actor=None)
    visitor = app.test_client()
    referral_url, _ = follow_link(visitor, f"/doorverwijzing/{partner_links.issue(referral)}")
    case_url, _ = follow_link(visitor, f"/casus/{partner_links.issue_for_case(case.id, partner.id)}")
    return {
        "partner": partner, "worker": worker, "browser": client_as(user=worker), "referral": referral, "case": case,
        "registration": registration, "user_token": tokens.issue_user_token(worker, actor=None),
        "client_token": client_token, "visitor": visitor, "referral_url": referral_url, "case_url": case_url,
        "mailed": [f"/doorverwijzing/{partner_links.issue(referral)}",
                   f"/casus/{partner_links.issue_for_case(case.id, partner.id)}"],
    }


def _partner_pages(ggz) -> list[str]:
    return [f"/partner/doorverwijzingen/{ggz['referral'].id}", f"/partner/casussen/{ggz['case'].reference}",
            f"/partner/aanmeldingen/{ggz['registration'].reference}", "/partner/doorverwijzingen"]


def _api(app, token: str, path: str):
    return app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})


def _status_path(ggz) -> str:
    return f"/api/v1/partner-registrations/{ggz['registration'].reference}"


def test_everything_works_before_the_partner_is_deactivated(app, ggz):
    assert [ggz["browser"].get(page).status_code for page in _partner_pages(ggz)] == [200, 200, 200, 200]
    assert _api(app, ggz["client_token"], _status_path(ggz)).status_code == 200
    assert _api(app, ggz["user_token"], "/api/v1/reports").status_code == 403  # known, but no staff role
    assert ggz["visitor"].get(ggz["referral_url"]).status_code == 200
    assert ggz["visitor"].get(ggz["case_url"]).status_code == 200


def test_deactivating_a_partner_cuts_off_its_users_tokens_api_client_and_links_at_once(app, db, ggz, client_as):
    admin = client_as("admin")
    done = admin.post("/admin/partners/ggz/deactivate")
    assert done.status_code == 302
    summary = admin.get(done.headers["Location"]).get_data(as_text=True)
    assert "Ketenpartner GGZ Eindhoven is gedeactiveerd." in summary
    assert ("1 gebruiker kan niet meer inloggen: 1 sessie is beëindigd en 1 API-token is ingetrokken. 1 API-client "
            "wordt geweigerd. De links van 1 open doorverwijzing en 1 casus werken niet meer; 2 geopende links zijn "
            "direct gesloten.") in summary

    # Its people: the open session is gone, a new login is refused, the personal token is revoked.
    for page in _partner_pages(ggz):
        refused = ggz["browser"].get(page)
        assert refused.status_code == 302 and refused.headers["Location"].startswith("/login"), page
    assert auth.authenticate(ggz["worker"].email, PASSWORD) is None
    login = app.test_client().post("/login", data={"email": ggz["worker"].email, "password": PASSWORD})
    assert login.status_code == 422 and "niet actief" in login.get_data(as_text=True)
    assert _api(app, ggz["user_token"], "/api/v1/reports").status_code == 401
    # Its system: the API client is refused.
    assert _api(app, ggz["client_token"], _status_path(ggz)).status_code == 401
    # Its links: an open visit ends, and the mailed links answer that they no longer work.
    assert ggz["visitor"].get(ggz["referral_url"]).status_code == 403
    assert ggz["visitor"].get(ggz["case_url"]).status_code == 403
    for mailed in ggz["mailed"]:
        gone = app.test_client().get(mailed)
        assert gone.status_code == 403 and "Deze link werkt niet meer" in gone.get_data(as_text=True), mailed
        assert "melder@example.nl" not in gone.get_data(as_text=True)

    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(
        UserSession.user_id == ggz["worker"].id, UserSession.ended_at.is_(None))) == 0
    assert db.session.scalar(sa.select(UserToken.revoked_at).where(UserToken.user_id == ggz["worker"].id))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LinkSession).where(
        LinkSession.ended_at.is_(None))) == 0
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "deactivate",
                                                          AuditEvent.object_type == "partner"))
    assert event.object_ref == "ggz" and event.actor_role == "admin"
    assert event.detail == {"users": 1, "sessions_ended": 1, "tokens_revoked": 1, "clients_refused": 1,
                            "link_sessions_ended": 2, "open_referrals": 1, "cases": 1}
    denied = db.session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.outcome == "denied",
                                                                  AuditEvent.action == "view")).all()
    assert sum(1 for detail in denied if (detail or {}).get("why") == "partner deactivated") == 2


def test_the_admin_sees_what_deactivating_will_cut_off_before_pressing_the_button(ggz, client_as):
    page = client_as("admin").get("/admin/partners/ggz").get_data(as_text=True)
    assert "Deactiveren sluit de organisatie direct af:" in page
    for consequence in ("1 gebruiker wordt uitgelogd en kan niet meer inloggen (nu ingelogd: 1);",
                        "1 API-token van die gebruikers wordt ingetrokken;",
                        "1 API-client van de organisatie wordt geweigerd;",
                        "ook niet na weer activeren (1 open doorverwijzing, 1 casus)."):
        assert consequence in page, consequence


def test_reactivating_lets_people_and_the_api_client_in_again_but_not_the_old_links(app, db, ggz, client_as):
    admin = client_as("admin")
    admin.post("/admin/partners/ggz/deactivate")
    reactivated = admin.post("/admin/partners/ggz/activate")
    back = admin.get(reactivated.headers["Location"]).get_data(as_text=True)
    assert "Eerder verstuurde links en ingetrokken API-tokens blijven ongeldig" in back
    assert auth.authenticate(ggz["worker"].email, PASSWORD) is not None
    assert _api(app, ggz["client_token"], _status_path(ggz)).status_code == 200
    assert ggz["browser"].get(_partner_pages(ggz)[0]).status_code == 302  # that session stays ended
    assert _api(app, ggz["user_token"], "/api/v1/reports").status_code == 401  # that token stays revoked
    for mailed in ggz["mailed"]:  # links mailed before the deactivation stay refused for good
        assert app.test_client().get(mailed).status_code == 403

    # Links are stamped in whole seconds: as if the deactivation was half a minute ago, a link mailed a minute ago
    # stays refused and one issued now (a reminder, a new delivery) works.
    ggz["partner"].links_valid_from -= timedelta(seconds=30)
    db.session.commit()

    class MinuteAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 60

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=partner_links.SALT, signer=MinuteAgo).dumps(
        {"r": ggz["referral"].id, "p": ggz["partner"].id})
    assert app.test_client().get(f"/doorverwijzing/{old}").status_code == 403
    _, page = follow_link(app.test_client(), f"/doorverwijzing/{partner_links.issue(ggz['referral'])}")
    assert page.status_code == 200


def test_another_partners_deactivation_changes_nothing_for_this_one(app, db, ggz, make):
    other = make.partner("politie")
    _, politie_token = tokens.issue_api_client("politie-systeem", "partner", "politie", actor=None)
    partners.deactivate_partner(other, actor=None)
    assert _api(app, politie_token, _status_path(ggz)).status_code == 401
    assert _api(app, ggz["client_token"], _status_path(ggz)).status_code == 200
