"""One unit of work per operation: a nested one is refused, and the mark of an open one never outlives it."""
import itertools

import pytest
import sqlalchemy as sa

from gdt.db import db as _db
from gdt.models import AuditEvent, Category, Report
from gdt.services.casework import actions, cases
from gdt.services.core import audit, auth, bulk, idempotency, outbox, reference_numbers, teams
from gdt.services.core.errors import Conflict, ServiceError
from gdt.services.core.transaction import (
    NestedUnitOfWork,
    check_version,
    in_unit_of_work,
    joins_unit_of_work,
    unit_of_work,
)
from gdt.services.intake import attachments, partner_registrations, receipts, report_intake, reporter_updates
from gdt.services.referrals import routing


def categories(db, key: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Category).where(Category.key == key))


def audit_events(db, action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


_after = itertools.count()


def assert_closed(db):
    """No unit of work is marked open, and a new one opens and commits."""
    assert not in_unit_of_work()
    key = f"after-{next(_after)}"
    with unit_of_work():
        db.session.add(Category(key=key, label="Daarna"))
    assert categories(db, key) == 1


def test_a_unit_of_work_commits_its_block_once(db):
    with unit_of_work() as session:
        assert in_unit_of_work()
        session.add(Category(key="one", label="Een"))
    assert categories(db, "one") == 1
    assert_closed(db)


def test_a_nested_unit_of_work_is_refused_and_nothing_of_the_operation_is_committed(db):
    with pytest.raises(NestedUnitOfWork), unit_of_work():
        db.session.add(Category(key="outer", label="Buiten"))
        db.session.flush()
        with unit_of_work():  # would have committed "outer" halfway through
            db.session.add(Category(key="inner", label="Binnen"))
    assert categories(db, "outer") == categories(db, "inner") == 0
    assert_closed(db)


def test_a_committing_operation_inside_a_unit_of_work_is_refused(db, make):
    coordinator = make.user(role="coordinator")
    with pytest.raises(NestedUnitOfWork), unit_of_work():
        db.session.add(Category(key="outer", label="Buiten"))
        teams.set_restricted(True, actor=coordinator)
    assert categories(db, "outer") == 0 and not teams.restricted()
    assert audit_events(db, "change_setting") == 0
    assert_closed(db)


def test_record_now_is_a_unit_of_work_of_its_own_and_refused_inside_another(db, make):
    case = make.case()
    coordinator = make.user(role="coordinator")
    with pytest.raises(NestedUnitOfWork), unit_of_work():
        db.session.add(Category(key="outer", label="Buiten"))
        cases.view_case(case.reference, actor=coordinator)  # audits the view with record_now
    assert categories(db, "outer") == 0 and audit_events(db, "view") == 0
    audit.record_now(coordinator, "view", "case", case.reference)
    assert audit_events(db, "view") == 1
    assert_closed(db)


@pytest.mark.parametrize("refusal", [ServiceError("nee"), Conflict("bezet"), RuntimeError("stuk"), KeyError("x")])
def test_the_mark_is_cleared_after_a_refusal_or_any_exception(db, refusal):
    with pytest.raises(type(refusal)), unit_of_work():
        db.session.add(Category(key="refused", label="Geweigerd"))
        raise refusal
    assert categories(db, "refused") == 0
    assert_closed(db)


def test_the_mark_is_cleared_after_an_exception_that_is_not_an_exception(db):
    class Interrupted(BaseException):
        pass

    with pytest.raises(Interrupted), unit_of_work():
        raise Interrupted()
    db.session.rollback()  # not an Exception: the unit of work leaves the rollback to whoever stops the process
    assert_closed(db)


def test_the_mark_is_cleared_after_a_lost_race_on_a_unique_key(db):
    with unit_of_work():
        db.session.add(Category(key="taken", label="Bezet"))
    with pytest.raises(Conflict) as clash, unit_of_work():
        db.session.add(Category(key="taken", label="Nog eens"))  # the IntegrityError comes at the commit
    assert clash.value.code == "conflict"
    assert categories(db, "taken") == 1
    assert_closed(db)


def test_the_mark_is_cleared_after_a_stale_edit(db, make):
    report = make.report()
    db.session.execute(sa.update(Report).where(Report.id == report.id).values(version=Report.version + 1)
                       .execution_options(synchronize_session=False))  # a colleague's edit: our copy is older
    with pytest.raises(Conflict) as stale, unit_of_work():
        report.description = "Iemand anders was eerder."
    assert stale.value.code == "stale"
    assert_closed(db)


def test_each_app_context_has_its_own_unit_of_work(app, db):
    """The worker's task, the outbox's own sessions: another app context is another session."""
    with unit_of_work():
        with app.app_context():
            assert not in_unit_of_work()
            with unit_of_work():
                assert in_unit_of_work()
        assert in_unit_of_work()
    assert_closed(db)


@joins_unit_of_work
def add_category(key: str) -> Category:
    """A helper as the services have them: it writes in its caller's unit of work."""
    category = Category(key=key, label=key.title())
    _db.session.add(category)
    return category


def test_a_helper_that_joins_writes_in_its_callers_unit_of_work(db):
    with pytest.raises(RuntimeError), unit_of_work():
        add_category("joined")
        raise RuntimeError("the caller refuses after all")
    assert categories(db, "joined") == 0
    with unit_of_work():
        add_category("joined")
    assert categories(db, "joined") == 1
    assert add_category.__name__ == "add_category" and add_category.joins_unit_of_work


def test_a_helper_that_joins_may_not_open_a_unit_of_work_even_outside_one(db):
    @joins_unit_of_work
    def commits_anyway():
        with unit_of_work():
            db.session.add(Category(key="sneaky", label="Stiekem"))

    with pytest.raises(NestedUnitOfWork):
        commits_anyway()
    with pytest.raises(NestedUnitOfWork), unit_of_work():
        commits_anyway()
    assert categories(db, "sneaky") == 0
    assert_closed(db)


def test_a_helper_that_joins_runs_outside_a_unit_of_work_too(db):
    """No open unit of work is required: the loaders, the CLI, the worker and the tests own their transaction."""
    first = reference_numbers.next_reference(2031)
    assert not in_unit_of_work()
    assert reference_numbers.next_reference(2031) == first.replace("000001", "000002")
    assert_closed(db)


@pytest.mark.parametrize("helper", [
    audit.record, outbox.enqueue, reference_numbers.next_reference, reference_numbers.raise_counter_to,
    bulk.bulk_insert, auth.end_all_sessions, idempotency.find, idempotency.remember, report_intake.add_report,
    report_intake.new_reference, receipts.queue_receipt, reporter_updates.queue_status_notice, attachments.store,
    partner_registrations._add, routing.create, actions.add_to_case,
], ids=lambda helper: f"{helper.__module__}.{helper.__name__}")
def test_the_helpers_that_write_in_their_callers_unit_of_work_say_so(helper):
    assert getattr(helper, "joins_unit_of_work", False) is True


@pytest.mark.parametrize("seen", ["", "drie", None])
def test_an_emptied_or_altered_version_is_a_stale_edit_not_an_error(make, seen):
    case = make.case()
    with pytest.raises(Conflict):
        check_version(case, seen)
