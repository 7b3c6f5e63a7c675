"""Passkeys: the options the browser gets, registration and login checked against a software authenticator."""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Passkey
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.identity import passkeys
from tests.factories import PASSWORD
from tests.support.webauthn_authenticator import SoftAuthenticator, b64url

CONFIG = {"ENVIRONMENT": "development", "PUBLIC_BASE_URL": "http://127.0.0.1:5000", "WEBAUTHN_RP_ID": "",
          "WEBAUTHN_RP_NAME": "GDT Utrecht"}
RP = passkeys.RelyingParty("localhost", "GDT", "http://localhost:5000")


def _events(db, action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def _register(user, authenticator=None, name="Telefoon"):
    authenticator = authenticator or SoftAuthenticator()
    options, state = passkeys.registration_options(user, RP)
    passkey = passkeys.finish_registration(user, authenticator.create(options, RP.origin), state, name, RP,
                                           actor=user)
    return authenticator, passkey


def test_the_relying_party_is_the_request_host_in_development_and_public_base_url_in_production():
    assert passkeys.relying_party(CONFIG, "http://localhost:8000/") == passkeys.RelyingParty(
        "localhost", "GDT Utrecht", "http://localhost:8000")
    production = CONFIG | {"ENVIRONMENT": "production", "PUBLIC_BASE_URL": "https://gdt.utrecht.nl/"}
    assert passkeys.relying_party(production, "http://10.0.0.5:8000/") == passkeys.RelyingParty(
        "gdt.utrecht.nl", "GDT Utrecht", "https://gdt.utrecht.nl")
    assert passkeys.relying_party(production | {"WEBAUTHN_RP_ID": "utrecht.nl"}, "http://x/").id == "utrecht.nl"


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000/", "http://[::1]:5000/"])
def test_an_ip_address_is_no_relying_party(app, url):
    with app.test_request_context(), pytest.raises(ServiceError) as refused:
        passkeys.relying_party(CONFIG, url)
    assert refused.value.code == "passkeys_unavailable"


def test_registration_options_ask_for_a_resident_key_and_verification_and_exclude_known_passkeys(db, make):
    user = make.user()
    _, first = _register(user)
    options, state = passkeys.registration_options(user, RP)
    assert options["rp"] == {"id": "localhost", "name": "GDT"}
    assert options["user"]["name"] == user.email and options["user"]["displayName"] == user.name
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["attestation"] == "none"
    assert options["excludeCredentials"] == [
        {"id": b64url(first.credential_id), "type": "public-key", "transports": ["internal", "hybrid"]}]
    assert state["challenge"] == options["challenge"] and state["purpose"] == "registration"
    assert state["user_id"] == user.id


def test_a_registered_passkey_is_stored_with_its_name_and_audited(db, make):
    user = make.user()
    authenticator, passkey = _register(user, name="  Telefoon  ")
    stored = db.session.get(Passkey, passkey.id)
    assert (stored.name, stored.user_id, stored.sign_count) == ("Telefoon", user.id, 0)
    assert stored.credential_id == authenticator.credential_id
    assert stored.transports == "internal,hybrid"
    event, = _events(db, "register_passkey")
    assert (event.outcome, event.object_ref, event.detail) == ("ok", str(user.id), {"passkey": passkey.id})


def test_registration_needs_a_name(db, make):
    user = make.user()
    options, state = passkeys.registration_options(user, RP)
    with pytest.raises(ServiceError) as refused:
        passkeys.finish_registration(user, SoftAuthenticator().create(options, RP.origin), state, " ", RP,
                                     actor=user)
    assert refused.value.field == "name"


@pytest.mark.parametrize("answer", [
    {"origin": "http://evil.example"},
    {"rp_id": "evil.example"},
    {"challenge": b64url(b"another challenge of enough length")},
])
def test_a_registration_for_another_origin_rp_or_challenge_is_refused_and_audited(db, make, answer):
    user = make.user()
    options, state = passkeys.registration_options(user, RP)
    origin = answer.pop("origin", RP.origin)
    credential = SoftAuthenticator().create(options, origin, **answer)
    with pytest.raises(ServiceError) as refused:
        passkeys.finish_registration(user, credential, state, "Sleutel", RP, actor=user)
    assert refused.value.code == "not_verified"
    assert passkeys.passkeys_of(user) == []
    event, = _events(db, "register_passkey")
    assert event.outcome == "denied" and event.detail["reason"] == "not_verified"


def test_a_challenge_of_another_user_purpose_or_past_its_time_is_refused(db, make):
    user, other = make.user(), make.user()
    options, state = passkeys.registration_options(user, RP)
    credential = SoftAuthenticator().create(options, RP.origin)
    for kept in (None, state | {"user_id": other.id}, state | {"purpose": "authentication"},
                 state | {"expires": state["expires"] - passkeys.CEREMONY_SECONDS - 1}):
        with pytest.raises(ServiceError) as refused:
            passkeys.finish_registration(user, credential, kept, "Sleutel", RP, actor=user)
        assert refused.value.code == "no_challenge"


def test_the_same_authenticator_is_not_registered_twice(db, make):
    user = make.user()
    authenticator, _ = _register(user)
    with pytest.raises(ServiceError) as refused:
        _register(user, authenticator)
    assert refused.value.code == "already_registered"


def test_at_most_ten_passkeys_per_user(db, make):
    user = make.user()
    for number in range(passkeys.MAX_PER_USER):
        _register(user, name=f"Sleutel {number}")
    with pytest.raises(ServiceError) as refused:
        passkeys.registration_options(user, RP)
    assert refused.value.code == "too_many_passkeys"


def test_authentication_options_offer_only_the_users_own_passkeys(db, make):
    user, other = make.user(), make.user()
    _, own = _register(user)
    _register(other)
    options, state = passkeys.authentication_options(user, RP)
    assert options["rpId"] == "localhost" and options["userVerification"] == "preferred"
    assert [item["id"] for item in options["allowCredentials"]] == [b64url(own.credential_id)]
    assert state["purpose"] == "authentication"
    with pytest.raises(NotFound):
        passkeys.authentication_options(make.user(), RP)


def test_a_login_with_a_passkey_stores_its_counter_and_use_and_is_audited(db, make):
    user = make.user()
    authenticator, passkey = _register(user)
    options, state = passkeys.authentication_options(user, RP)
    used = passkeys.finish_authentication(user, authenticator.get(options, RP.origin), state, RP)
    assert used.id == passkey.id and used.sign_count == 1
    assert (datetime.now(UTC) - used.last_used_at).total_seconds() < 60
    event, = _events(db, "use_passkey")
    assert (event.outcome, event.actor_id, event.detail) == ("ok", user.id, {"passkey": passkey.id})


def test_an_authenticator_without_a_counter_is_accepted_each_time(db, make):
    user = make.user()
    authenticator, _ = _register(user, SoftAuthenticator(counter=False))
    for _ in range(2):
        options, state = passkeys.authentication_options(user, RP)
        assert passkeys.finish_authentication(user, authenticator.get(options, RP.origin), state, RP).sign_count == 0


@pytest.mark.parametrize("reported", [4, 5])
def test_a_counter_that_does_not_go_up_means_a_cloned_key_and_is_refused_and_audited(db, make, reported):
    user = make.user()
    authenticator, passkey = _register(user)
    options, state = passkeys.authentication_options(user, RP)
    passkeys.finish_authentication(user, authenticator.get(options, RP.origin, sign_count=5), state, RP)
    options, state = passkeys.authentication_options(user, RP)
    with pytest.raises(Forbidden) as refused:
        passkeys.finish_authentication(user, authenticator.get(options, RP.origin, sign_count=reported), state, RP)
    assert refused.value.code == "cloned_passkey"
    assert db.session.get(Passkey, passkey.id).sign_count == 5
    denied = [event for event in _events(db, "use_passkey") if event.outcome == "denied"]
    assert [event.detail["reason"] for event in denied] == ["sign_count_not_increased"]
    assert denied[0].detail["stored"] == 5 and denied[0].detail["received"] == reported


def test_a_passkey_of_another_user_or_a_bad_signature_is_refused(db, make):
    user, other = make.user(), make.user()
    _register(user)
    stranger, _ = _register(other)
    options, state = passkeys.authentication_options(user, RP)
    with pytest.raises(ServiceError) as refused:
        passkeys.finish_authentication(user, stranger.get(options, RP.origin), state, RP)
    assert refused.value.code == "unknown_credential"

    authenticator, _ = _register(user, name="Tweede")
    forged = authenticator.get(options, RP.origin)
    forged["response"]["signature"] = stranger.get(options, RP.origin)["response"]["signature"]
    with pytest.raises(ServiceError) as refused:
        passkeys.finish_authentication(user, forged, state, RP)
    assert refused.value.code == "not_verified"
    reasons = [event.detail["reason"] for event in _events(db, "use_passkey") if event.outcome == "denied"]
    assert reasons == ["unknown_credential", "not_verified"]


def test_a_malformed_answer_is_refused_not_an_error(db, make):
    user = make.user()
    _register(user)
    options, state = passkeys.authentication_options(user, RP)
    for answer in ({}, {"id": "x", "rawId": "x"}, "not json", {"id": 1, "rawId": [], "response": "x"}):
        with pytest.raises(ServiceError):
            passkeys.finish_authentication(user, answer, state, RP)
    options, state = passkeys.registration_options(user, RP)
    with pytest.raises(ServiceError):
        passkeys.finish_registration(user, {"response": {"attestationObject": "AAAA"}}, state, "x", RP, actor=user)


def test_rename_and_remove_are_audited_and_only_for_the_owner(app, db, make):
    user, other = make.user(), make.user()
    _, passkey = _register(user)
    assert passkeys.rename_passkey(user, passkey.id, "Sleutelbos", actor=user).name == "Sleutelbos"
    with pytest.raises(NotFound):
        passkeys.rename_passkey(other, passkey.id, "Van mij", actor=other)
    with pytest.raises(NotFound):
        passkeys.remove_passkey(other, passkey.id, PASSWORD, actor=other)
    passkeys.remove_passkey(user, passkey.id, PASSWORD, actor=user)
    assert passkeys.passkeys_of(user) == []
    assert [event.detail for event in _events(db, "rename_passkey")] == [{"passkey": passkey.id}]
    assert [event.detail for event in _events(db, "remove_passkey")] == [
        {"passkey": passkey.id, "recovery_codes_removed": True}]  # no factor left


def test_the_last_factor_stays_while_mfa_is_required_unless_an_authenticator_app_is_on(app, db, make, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED", True)
    user = make.user()
    _, first = _register(user)
    _, second = _register(user, name="Sleutel")
    passkeys.remove_passkey(user, first.id, PASSWORD, actor=user)
    with pytest.raises(ServiceError) as refused:
        passkeys.remove_passkey(user, second.id, PASSWORD, actor=user)
    assert refused.value.code == "last_factor"
    assert [passkey.id for passkey in passkeys.passkeys_of(user)] == [second.id]
    denied, = [event for event in _events(db, "remove_passkey") if event.outcome == "denied"]
    assert denied.detail == {"passkey": second.id, "reason": "last_factor"}

    user.totp_enabled_at = datetime.now(UTC)
    db.session.commit()
    passkeys.remove_passkey(user, second.id, PASSWORD, actor=user)
    assert passkeys.passkeys_of(user) == []


def test_recovery_codes_are_due_after_a_passkey_only_when_none_are_left(db, make):
    user = make.user()
    _register(user)
    assert passkeys.recovery_codes_due(user)
    codes = passkeys.issue_recovery_codes(user, actor=user)
    assert len(codes) == 10 and not passkeys.recovery_codes_due(user)
    assert passkeys.issue_recovery_codes(user, actor=user) is None  # the saved ones stay valid
    event, = _events(db, "issue_recovery_codes")
    assert event.detail == {"count": 10, "after": "register_passkey"}


def test_removing_needs_the_current_password(db, make):
    user = make.user()
    _, passkey = _register(user)
    with pytest.raises(ServiceError) as refused:
        passkeys.remove_passkey(user, passkey.id, "niet mijn wachtwoord", actor=user)
    assert refused.value.field == "password"
    assert len(passkeys.passkeys_of(user)) == 1
    event, = _events(db, "reauthenticate")
    assert (event.outcome, event.detail) == ("denied", {"purpose": "remove_passkey"})


def test_adding_confirms_the_current_password(db, make):
    user = make.user()
    passkeys.confirm_password(user, PASSWORD)
    with pytest.raises(ServiceError) as refused:
        passkeys.confirm_password(user, "fout")
    assert refused.value.field == "password"


def test_the_recovery_codes_go_with_the_last_factor(db, make):
    from gdt.services.identity import recovery_codes
    user = make.user()
    _, first = _register(user)
    _, second = _register(user, name="Sleutel")
    passkeys.issue_recovery_codes(user, actor=user)
    passkeys.remove_passkey(user, first.id, PASSWORD, actor=user)
    assert recovery_codes.unused_count(user) == 10  # another passkey is left
    passkeys.remove_passkey(user, second.id, PASSWORD, actor=user)
    assert recovery_codes.unused_count(user) == 0
    assert _events(db, "remove_passkey")[-1].detail == {"passkey": second.id, "recovery_codes_removed": True}
