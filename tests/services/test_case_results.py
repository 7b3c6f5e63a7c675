"""The admin-managed list of case results: create, edit, retire and offer again; never without an active one."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, CaseResult
from gdt.services.admin import case_results
from gdt.services.casework import cases
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.reference_data import DEFAULT_CASE_RESULTS


def _results(db) -> dict[str, tuple]:
    rows = db.session.execute(sa.select(CaseResult.key, CaseResult.label, CaseResult.needs_reason,
                                        CaseResult.position, CaseResult.is_active)).all()
    return {row.key: tuple(row) for row in rows}


def _audited(db, key: str) -> list[tuple]:
    return db.session.execute(sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.detail)
                              .where(AuditEvent.object_type == "case_result", AuditEvent.object_ref == key)
                              .order_by(AuditEvent.id)).all()


@pytest.fixture
def admin(make):
    make.defaults()
    return make.user("admin")


def _retire_all_but(keep: str, admin) -> None:
    for result in case_results.list_results():
        if result.key != keep and result.is_active:
            case_results.set_result_active(result, False, actor=admin)


def test_the_defaults_are_listed_in_their_order(admin):
    assert [result.key for result in case_results.list_results()] == [key for key, _, _ in DEFAULT_CASE_RESULTS]


def test_create_result_normalises_the_key_goes_last_and_is_offered_when_closing(admin, db):
    result = case_results.create_result(" Overgedragen-Politie ", " Overgedragen aan de politie ",
                                        needs_reason=True, actor=admin)
    assert (result.key, result.label, result.needs_reason, result.is_active, result.position) == (
        "overgedragen-politie", "Overgedragen aan de politie", True, True, len(DEFAULT_CASE_RESULTS))
    assert [item.key for item in cases.closing_results()][-1] == "overgedragen-politie"
    assert case_results.list_results()[-1] == result
    assert _audited(db, "overgedragen-politie") == [("create", admin.id, None)]


@pytest.mark.parametrize("key", ["", "  ", "overgedragen politie", "-gestopt", "gestopt-", "gestopt--echt",
                                 "gestopt_echt", "géstopt", "gestopt/echt", "a" * 41, "new"])
def test_result_key_must_be_lower_case_letters_digits_and_single_hyphens(admin, db, key):
    before = _results(db)
    with pytest.raises(ServiceError) as refused:
        case_results.create_result(key, "Een resultaat", needs_reason=False, actor=admin)
    assert refused.value.field == "key"
    assert _results(db) == before
    assert _audited(db, key.strip().lower()) == []


def test_a_key_of_forty_characters_is_accepted(admin):
    assert case_results.create_result("a" * 40, "Lang", needs_reason=False, actor=admin).key == "a" * 40


def test_duplicate_result_key_is_refused_and_changes_nothing(admin, db):
    before = _results(db)
    with pytest.raises(ServiceError) as refused:
        case_results.create_result("STOPPED", "Nog eens gestopt", needs_reason=False, actor=admin)
    assert refused.value.field == "key" and "bestaat al" in str(refused.value.message)
    assert _results(db) == before
    assert _audited(db, "stopped") == []


def test_create_result_reports_every_wrong_field_at_once(admin, db):
    before = _results(db)
    with pytest.raises(ValidationFailed) as refused:
        case_results.create_result("Geen Sleutel", " ", needs_reason=False, actor=admin)
    assert set(refused.value.errors) == {"key", "label"}
    assert str(refused.value.errors["label"]) == "Vul een omschrijving in."
    assert _results(db) == before


def test_label_longer_than_120_characters_is_refused(admin, db):
    with pytest.raises(ValidationFailed) as refused:
        case_results.create_result("lang", "x" * 121, needs_reason=False, actor=admin)
    assert set(refused.value.errors) == {"label"}
    assert "lang" not in _results(db)


def test_update_result_changes_label_reason_and_position_but_never_the_key(admin, db):
    result = case_results.get_result("stopped")
    case_results.update_result(result, label="Gestopt (zonder resultaat)", needs_reason=False, position="0",
                               actor=admin)
    db.session.expire_all()
    assert _results(db)["stopped"] == ("stopped", "Gestopt (zonder resultaat)", False, 0, True)
    assert _audited(db, "stopped") == [("update", admin.id, {"fields": ["label", "position", "needs_reason"]})]
    assert [item.key for item in cases.closing_results()] == [  # the same position: by label
        "de-escalated", "stopped", "handled-by-partner", "handed-over-zvh"]


@pytest.mark.parametrize("changes, field", [
    ({"label": ""}, "label"), ({"label": "  "}, "label"), ({"position": ""}, "position"),
    ({"position": "eerste"}, "position"), ({"position": "-1"}, "position"), ({"position": "1000"}, "position"),
    ({"position": "2.5"}, "position"), ({"position": None}, "position"),
])
def test_invalid_update_is_refused_with_a_field_message_and_changes_nothing(admin, db, changes, field):
    before = _results(db)
    result = case_results.get_result("de-escalated")
    with pytest.raises(ValidationFailed) as refused:
        case_results.update_result(result, **{"label": "Anders", "needs_reason": True, "position": 3} | changes,
                                   actor=admin)
    assert set(refused.value.errors) == {field}
    db.session.expire_all()
    assert _results(db) == before
    assert _audited(db, "de-escalated") == []


def test_deactivated_result_is_no_longer_offered_but_keeps_its_label_and_is_listed_last(admin, db, make):
    closed = make.case("closed", result="handled-by-partner")
    result = case_results.get_result("handled-by-partner")
    case_results.set_result_active(result, False, actor=admin)
    assert "handled-by-partner" not in [item.key for item in cases.closing_results()]
    assert cases.result_labels()["handled-by-partner"] == "Afgehandeld door ketenpartner"
    assert case_results.list_results()[-1] == result and not result.is_active
    assert case_results.get_result("handled-by-partner") == result  # its history stays reachable
    db.session.expire_all()
    assert closed.result == "handled-by-partner"
    assert _audited(db, "handled-by-partner") == [("deactivate", admin.id, None)]
    with pytest.raises(ServiceError) as refused:  # and a case can no longer close with it
        cases.close_case(make.case(), "handled-by-partner", None, actor=make.user(), seen_version=1)
    assert refused.value.field == "result"


def test_reactivated_result_is_offered_again(admin, db):
    result = case_results.get_result("stopped")
    case_results.set_result_active(result, False, actor=admin)
    case_results.set_result_active(result, True, actor=admin)
    assert "stopped" in [item.key for item in cases.closing_results()]
    assert [action for action, _, _ in _audited(db, "stopped")] == ["deactivate", "activate"]


def test_the_last_active_result_cannot_be_deactivated(admin, db):
    _retire_all_but("de-escalated", admin)
    last = case_results.get_result("de-escalated")
    before = _results(db)
    with pytest.raises(ServiceError) as refused:
        case_results.set_result_active(last, False, actor=admin)
    assert refused.value.field is None and "laatste actieve resultaat" in str(refused.value.message)
    db.session.expire_all()
    assert _results(db) == before and last.is_active
    assert [item.key for item in cases.closing_results()] == ["de-escalated"]
    assert _audited(db, "de-escalated") == []


def test_with_another_active_result_the_former_last_one_can_go(admin):
    _retire_all_but("de-escalated", admin)
    case_results.create_result("opgelost", "Opgelost", needs_reason=False, actor=admin)
    case_results.set_result_active(case_results.get_result("de-escalated"), False, actor=admin)
    assert [item.key for item in cases.closing_results()] == ["opgelost"]


def test_an_inactive_result_can_always_be_deactivated_again_or_activated(admin):
    _retire_all_but("de-escalated", admin)
    stopped = case_results.get_result("stopped")
    case_results.set_result_active(stopped, False, actor=admin)  # already inactive: no harm, nothing refused
    case_results.set_result_active(stopped, True, actor=admin)
    assert {item.key for item in cases.closing_results()} == {"de-escalated", "stopped"}


def test_unknown_result_key_is_not_found(admin):
    with pytest.raises(NotFound):
        case_results.get_result("bestaat-niet")
