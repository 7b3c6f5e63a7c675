"""Load, audit, refuse: one helper for every view of personal data, its events in a fixed order."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services.core import audit
from gdt.services.core.errors import Forbidden, NotFound
from gdt.services.core.transaction import NestedUnitOfWork, in_unit_of_work, unit_of_work


def events(db) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_ref,
                                        AuditEvent.outcome, AuditEvent.detail).order_by(AuditEvent.id)).all()


def view(found, actor, *, allowed: bool, refused: str | None = "Geen toegang.", asked: list | None = None):
    def detail():
        (asked if asked is not None else []).append(True)
        return {"via": "test"}

    return audit.audited_view(found, actor=actor, object_type="case", object_ref="GDT-2026-000001",
                              may_view=lambda user, thing: allowed, missing="Bestaat niet.", refused=refused,
                              detail=detail)


def test_a_view_is_audited_with_its_detail_and_returns_the_object(db, make):
    actor, thing = make.user(), object()
    assert view(thing, actor, allowed=True) is thing
    assert events(db) == [("view", "case", "GDT-2026-000001", "ok", {"via": "test"})]
    assert not in_unit_of_work()


def test_nothing_found_is_not_found_and_not_audited(db, make):
    with pytest.raises(NotFound) as missing:
        view(None, make.user(), allowed=True)
    assert missing.value.message == "Bestaat niet." and events(db) == []


def test_a_refusal_is_audited_as_denied_without_detail_then_forbidden(db, make):
    asked = []
    with pytest.raises(Forbidden) as refused:
        view(object(), make.user(), allowed=False, asked=asked)
    assert refused.value.message == "Geen toegang."
    assert events(db) == [("view", "case", "GDT-2026-000001", "denied", None)] and asked == []


@pytest.mark.parametrize("found", [None, object()], ids=["missing", "refused"])
def test_without_a_refusal_message_a_refusal_looks_like_nothing_found(db, make, found):
    with pytest.raises(NotFound) as refused:
        view(found, make.user(), allowed=False, refused=None)
    assert refused.value.message == "Bestaat niet."
    assert events(db) == [("view", "case", "GDT-2026-000001", "denied", None)]


def test_an_audited_view_is_a_unit_of_work_of_its_own(db, make):
    with pytest.raises(NestedUnitOfWork), unit_of_work():
        view(object(), make.user(), allowed=True)
    assert events(db) == []
