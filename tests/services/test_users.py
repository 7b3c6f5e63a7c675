from datetime import timedelta

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, User, UserSession
from gdt.services.admin import users
from gdt.services.core import auth
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from tests.factories import PASSWORD

LONG_AGO = timedelta(days=1)


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _session_is_live(token: str) -> bool:
    return auth.load_session(token, idle=LONG_AGO, absolute=LONG_AGO) is not None


def test_create_user_stores_a_lower_case_email_and_only_a_password_hash(make, db):
    admin = make.user("admin")
    user = users.create_user(" Anna.de.Wit@Gemeente.NL ", " Anna de Wit ", "intake", PASSWORD, actor=admin)
    assert (user.email, user.name, user.role) == ("anna.de.wit@gemeente.nl", "Anna de Wit", "intake")
    assert PASSWORD not in user.password_hash
    assert auth.authenticate("anna.de.wit@gemeente.nl", PASSWORD) == user
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "create",
                                                          AuditEvent.object_type == "user"))
    assert (event.actor_id, event.object_ref) == (admin.id, str(user.id))
    assert event.detail == {"role": "intake", "password": True}


def test_create_user_with_a_duplicate_email_is_refused_and_changes_nothing(make, db):
    existing = make.user(email="anna@gemeente.nl", role="intake")
    admin = make.user("admin")
    before = _count(db, User), _count(db, AuditEvent)
    with pytest.raises(ServiceError) as refused:
        users.create_user("ANNA@gemeente.nl", "Andere Anna", "admin", PASSWORD, actor=admin)
    assert refused.value.field == "email" and "bestaat al" in str(refused.value.message)
    assert (_count(db, User), _count(db, AuditEvent)) == before
    db.session.expire_all()
    assert existing.role == "intake"


def test_create_user_with_a_short_password_is_refused(make, db):
    admin = make.user("admin")
    with pytest.raises(ServiceError) as refused:
        users.create_user("kort@gemeente.nl", "Kees Kort", "intake", "elf tekens!", actor=admin)
    assert refused.value.field == "password" and "minstens 12 tekens" in str(refused.value.message)
    assert users.user_by_email("kort@gemeente.nl") is None


def test_create_user_reports_every_wrong_field_at_once(make):
    with pytest.raises(ValidationFailed) as refused:
        users.invite_user("geen-adres", "  ", "superuser", actor=make.user("admin"))
    assert set(refused.value.errors) == {"email", "name", "role"}


def test_role_change_ends_the_users_sessions(make, db):
    user = make.user("intake")
    token = auth.start_session(user)
    users.update_user(user, name=user.name, role="coordinator", actor=make.user("admin"))
    assert user.role == "coordinator"
    assert not _session_is_live(token)
    assert db.session.scalar(sa.select(UserSession.ended_at).where(UserSession.user_id == user.id)) is not None


def test_name_change_keeps_the_users_sessions(make):
    user = make.user("intake")
    token = auth.start_session(user)
    users.update_user(user, name="Nieuwe Naam", role="intake", actor=make.user("admin"))
    assert user.name == "Nieuwe Naam" and _session_is_live(token)


def test_admin_cannot_change_their_own_role(make, db):
    admin = make.user("admin")
    with pytest.raises(ServiceError) as refused:
        users.update_user(admin, name=admin.name, role="manager", actor=admin)
    assert refused.value.field == "role"
    db.session.expire_all()
    assert admin.role == "admin"


def test_self_deactivation_is_refused(make, db):
    admin = make.user("admin")
    token = auth.start_session(admin)
    with pytest.raises(ServiceError, match="eigen account"):
        users.set_user_active(admin, False, actor=admin)
    db.session.expire_all()
    assert admin.is_active and _session_is_live(token)


def test_deactivation_ends_every_session_and_blocks_login(make, db):
    user = make.user("coordinator")
    tokens = [auth.start_session(user), auth.start_session(user)]
    users.set_user_active(user, False, actor=make.user("admin"))
    assert not any(_session_is_live(token) for token in tokens)
    assert auth.authenticate(user.email, PASSWORD) is None


def test_reactivated_user_can_log_in_again(make):
    admin = make.user("admin")
    user = make.user("coordinator", is_active=False)
    users.set_user_active(user, True, actor=admin)
    assert auth.authenticate(user.email, PASSWORD) == user


def test_unknown_user_id_is_not_found(db):
    with pytest.raises(NotFound):
        users.get_user(987654)


def test_a_unique_clash_at_commit_is_a_conflict_not_a_crash(make, db):
    """Two admins creating the same account at once: the loser gets a message, the database stays consistent."""
    import sqlalchemy as sa

    from gdt.models import User as UserModel
    from gdt.services.core.errors import Conflict
    from gdt.services.core.transaction import unit_of_work

    existing = make.user("intake")
    with pytest.raises(Conflict), unit_of_work():
        db.session.add(UserModel(email=existing.email, name="Dubbel", role="intake", password_hash="x"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserModel)
                             .where(UserModel.email == existing.email)) == 1
