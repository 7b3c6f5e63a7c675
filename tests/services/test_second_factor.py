"""The second factor's rules: enrolment, codes with drift and without replay, recovery codes once, the limit per
account, encryption at rest and key rotation, the user's changes after the password, the administrator's reset."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models import AuditEvent, LoginThrottle, OutboxMessage, Passkey, RecoveryCode, UserSession
from gdt.services.core import auth
from gdt.services.core.errors import ServiceError
from gdt.services.identity import recovery_codes, second_factor, totp
from tests.factories import PASSWORD

NOW = 1_800_000_015.0  # a fixed moment, 15 s into a step


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(totp, "_clock", lambda: NOW)


def _code(secret: str, offset: int = 0) -> str:
    return totp.code_at(secret, totp.current_step() + offset)


def _enrolled(make, **user):
    person = make.user("coordinator", **user)
    secret = totp.new_secret()
    codes = second_factor.enrol_totp(person, secret, _code(secret, -1), actor=person)
    return person, secret, codes


def _actions(db, action, outcome=None):
    query = sa.select(AuditEvent).where(AuditEvent.action == action)
    if outcome:
        query = query.where(AuditEvent.outcome == outcome)
    return db.session.scalars(query).all()


def test_enrolment_stores_the_secret_encrypted_and_hands_out_recovery_codes_once(db, make):
    person, secret, codes = _enrolled(make)
    assert person.totp_enabled_at is not None
    assert person.totp_last_step == totp.current_step() - 1  # the confirming code cannot be used again
    assert secret not in person.totp_secret and secret.lower() not in person.totp_secret.lower()
    assert totp.decrypt(person.totp_secret, ["test-only-not-secret"]) == secret
    assert len(codes) == recovery_codes.COUNT and len(set(codes)) == recovery_codes.COUNT
    assert all(len(code.replace("-", "")) >= 10 and set(code.replace("-", "")) <= set(recovery_codes.ALPHABET)
               for code in codes)
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == person.id)).all()
    assert len(stored) == 10 and all(hash_.startswith("$argon2") for hash_ in stored)
    assert not any(code.replace("-", "") in hash_ for code in codes for hash_ in stored)
    event = _actions(db, "enrol_totp")[0]
    assert event.detail == {"replaced": False, "recovery_codes": 10}
    assert secret not in str(event.detail)


def test_enrolment_refuses_a_wrong_code_and_stores_nothing(db, make):
    person = make.user("coordinator")
    secret = totp.new_secret()
    with pytest.raises(ServiceError) as refused:
        second_factor.enrol_totp(person, secret, "000000" if _code(secret) != "000000" else "111111", actor=person)
    assert refused.value.field == "code"
    assert person.totp_secret is None and person.totp_enabled_at is None
    assert _actions(db, "enrol_totp", "denied")


def test_setting_up_the_app_again_keeps_the_saved_recovery_codes(db, make):
    person, _, codes = _enrolled(make)
    again = totp.new_secret()
    assert second_factor.enrol_totp(person, again, _code(again), actor=person) is None
    assert recovery_codes.unused_count(person) == 10
    assert second_factor.use_recovery_code(person, codes[0]) == 9
    assert _actions(db, "enrol_totp")[-1].detail == {"replaced": True, "recovery_codes": 0}


def test_a_current_code_is_accepted_once(db, make):
    person, secret, _ = _enrolled(make)
    second_factor.verify_totp(person, _code(secret))
    with pytest.raises(ServiceError, match="al gebruikt"):
        second_factor.verify_totp(person, _code(secret))
    assert [event.detail for event in _actions(db, "second_factor")] == [
        {"method": "totp"}, {"reason": "replayed", "method": "totp"}]


@pytest.mark.parametrize("offset", [0, 1])
def test_one_step_of_clock_drift_is_accepted(make, offset):
    person, secret, _ = _enrolled(make)
    second_factor.verify_totp(person, " ".join([_code(secret, offset)[:3], _code(secret, offset)[3:]]))
    assert person.totp_last_step == totp.current_step() + offset


def test_two_steps_away_is_refused(make):
    person, secret, _ = _enrolled(make)
    for offset in (-2, 2):
        code = _code(secret, offset)
        if code in {_code(secret, near) for near in (-1, 0, 1)}:
            continue  # a one-in-a-million collision with a valid code
        with pytest.raises(ServiceError, match="klopt niet"):
            second_factor.verify_totp(person, code)


def test_a_step_at_or_before_the_last_used_one_is_refused(make):
    person, secret, _ = _enrolled(make)
    second_factor.verify_totp(person, _code(secret, 1))
    for offset in (0, 1):
        with pytest.raises(ServiceError, match="al gebruikt"):
            second_factor.verify_totp(person, _code(secret, offset))


def test_a_wrong_code_is_refused_and_audited(db, make):
    person, secret, _ = _enrolled(make)
    wrong = next(code for code in ("123456", "654321", "000001") if code not in
                 {_code(secret, near) for near in (-1, 0, 1)})
    for typed in (wrong, "12345", "abcdef", None):
        with pytest.raises(ServiceError) as refused:
            second_factor.verify_totp(person, typed)
        assert refused.value.field == "code"
    denied = _actions(db, "second_factor", "denied")
    assert len(denied) == 4 and all(event.detail == {"reason": "wrong_code", "method": "totp"} for event in denied)
    assert all(event.object_ref == str(person.id) for event in denied)


def test_a_recovery_code_works_once_whatever_the_case_or_dashes(db, make):
    person, _, codes = _enrolled(make)
    typed = codes[3].upper().replace("-", " ")
    assert second_factor.use_recovery_code(person, typed) == 9
    with pytest.raises(ServiceError, match="herstelcode"):
        second_factor.use_recovery_code(person, codes[3])
    assert _actions(db, "use_recovery_code")[0].detail == {"left": 9}
    assert _actions(db, "second_factor", "denied")[0].detail == {"reason": "wrong_recovery_code",
                                                                 "method": "recovery_code"}


def test_too_many_wrong_codes_stop_every_attempt_for_the_window(app, db, make, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_RATE_LIMIT", "3 per 5 minutes")
    person, secret, codes = _enrolled(make)
    for _ in range(3):
        with pytest.raises(ServiceError) as refused:
            second_factor.verify_totp(person, "99999x")
        assert not isinstance(refused.value, second_factor.TooManyAttempts)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    for attempt in (lambda: second_factor.verify_totp(person, _code(secret)),
                    lambda: second_factor.use_recovery_code(person, codes[0])):
        with pytest.raises(second_factor.TooManyAttempts) as throttled:
            attempt()
        assert throttled.value.status == 429 and "5 minuten" in str(throttled.value.message)
    # Nothing else was done: no code spent, nothing audited, the step not moved.
    assert recovery_codes.unused_count(person) == 10 and person.totp_last_step == totp.current_step() - 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
    assert _actions(db, "second_factor_throttle")[0].detail["failures"] == 3
    # Once the window has passed, the right code works and the count starts afresh.
    db.session.execute(sa.update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    second_factor.verify_totp(person, _code(secret))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginThrottle)) == 0


def test_the_limit_counts_per_account(app, make, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_RATE_LIMIT", "2 per 5 minutes")
    first, _, _ = _enrolled(make)
    second, secret, _ = _enrolled(make)
    for _ in range(2):
        with pytest.raises(ServiceError):
            second_factor.verify_totp(first, "99999x")
    with pytest.raises(second_factor.TooManyAttempts):
        second_factor.verify_totp(first, "99999x")
    second_factor.verify_totp(second, _code(secret))


def test_new_recovery_codes_void_the_old_ones_after_the_password(db, make):
    person, _, old = _enrolled(make)
    with pytest.raises(ServiceError) as refused:
        second_factor.new_recovery_codes(person, "not the password", actor=person)
    assert refused.value.field == "password"
    new = second_factor.new_recovery_codes(person, PASSWORD, actor=person)
    assert set(new).isdisjoint(old)
    with pytest.raises(ServiceError):
        second_factor.use_recovery_code(person, old[0])
    assert second_factor.use_recovery_code(person, new[0]) == 9
    assert _actions(db, "regenerate_recovery_codes")[0].detail == {"count": 10}
    assert [event.outcome for event in _actions(db, "reauthenticate")] == ["denied", "ok"]


def test_the_only_factor_stays_while_it_is_required(app, db, make, monkeypatch):
    person, _, _ = _enrolled(make)
    monkeypatch.setitem(app.config, "MFA_REQUIRED", True)
    with pytest.raises(ServiceError, match="enige tweede factor"):
        second_factor.remove_totp(person, PASSWORD, actor=person)
    assert person.totp_enabled_at is not None
    db.session.add(Passkey(user_id=person.id, credential_id=b"key", public_key=b"pk", name="Sleutel"))
    db.session.commit()
    second_factor.remove_totp(person, PASSWORD, actor=person)
    assert person.totp_secret is None and person.totp_enabled_at is None
    assert recovery_codes.unused_count(person) == 10  # they still stand in for the passkey
    assert _actions(db, "remove_totp", "ok")[0].detail == {"recovery_codes_removed": False}


def test_without_a_requirement_the_app_can_go_and_its_codes_with_it(make):
    person, _, _ = _enrolled(make)
    second_factor.remove_totp(person, PASSWORD, actor=person)
    assert person.totp_enabled_at is None and recovery_codes.unused_count(person) == 0


def test_an_administrators_reset_removes_every_factor_ends_sessions_and_queues_a_mail(db, make):
    person, _, _ = _enrolled(make)
    admin = make.user("admin")
    db.session.add(Passkey(user_id=person.id, credential_id=b"key2", public_key=b"pk", name="Telefoon"))
    db.session.commit()
    auth.start_session(person)
    second_factor.reset_second_factor(person, actor=admin)
    assert (person.totp_secret, person.totp_enabled_at, person.totp_last_step) == (None, None, None)
    assert recovery_codes.unused_count(person) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Passkey).where(Passkey.user_id == person.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(
        UserSession.user_id == person.id, UserSession.ended_at.is_(None))) == 0
    assert db.session.scalar(sa.select(UserSession.end_reason).where(UserSession.user_id == person.id)) \
        == "second_factor_reset"
    event = _actions(db, "reset_second_factor")[0]
    assert event.actor_id == admin.id and event.detail == {"totp": True, "passkeys": 1, "recovery_codes": 10}
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == second_factor.RESET_TOPIC))
    assert message.payload == {"user_id": person.id}


def test_an_administrator_cannot_reset_their_own_factor_there(make):
    admin = make.user("admin")
    with pytest.raises(ServiceError, match="accountpagina"):
        second_factor.reset_second_factor(admin, actor=admin)


def test_after_a_key_rotation_the_old_key_decrypts_until_the_secrets_are_reencrypted(app, db, make, monkeypatch):
    person, secret, _ = _enrolled(make)
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key-of-enough-length-0123456789")
    with pytest.raises(ServiceError, match="kan niet meer"):
        second_factor.verify_totp(person, _code(secret))
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", ["test-only-not-secret"])
    second_factor.verify_totp(person, _code(secret))
    assert second_factor.reencrypt_secrets() == (1, 0)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    assert totp.decrypt(person.totp_secret, ["a-new-secret-key-of-enough-length-0123456789"]) == secret
