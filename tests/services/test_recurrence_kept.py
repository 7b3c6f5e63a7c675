"""Recurrence kept per case (PostgreSQL): what the statistics read equals a live computation at every moment.

Each closed case's first new report is stored at compaction; triggers mark what changes since, and a read computes
the marked cases live. The property test runs random histories — new reports at shared addresses, closing and
reopening, people linked and unlinked, reports moving between cases, moved in time or to another address,
destruction, deletes — with compactions at random points, and after every step holds `recurrence()` to `live()`.
"""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gdt.db import db
from gdt.models import Case, CaseRecurrence, RecurrenceMark, Report
from gdt.models.people import Person, PersonLink
from gdt.services.core.transaction import unit_of_work
from gdt.services.reporting import bulk_load, recurrence, report_tallies
from tests.services.test_outcome_statistics import NOW, build_recurrence_2025

YEARS = [2024, 2025, 2026]
START = datetime(2024, 6, 1, 9, tzinfo=UTC)
ADDRESSES = [("5611AA", 1, None), ("5611AA", 1, "0772200000000001"), ("5611AA", 2, None),
             ("5622BB", 7, "0772200000000002"), ("5622BC", 7, "0772200000000002")]


@pytest.fixture(autouse=True)
def postgresql_only(db):
    if not recurrence.uses_tallies():
        pytest.skip("recurrence is kept on PostgreSQL; SQLite computes it live")


def assert_kept_equals_live() -> None:
    assert recurrence.recurrence(YEARS, now=NOW) == recurrence.live(YEARS, now=NOW)


def compact() -> int:
    with unit_of_work():
        return recurrence.compact()


def test_a_compacted_world_reads_from_what_is_kept_and_gives_the_known_answers(make):
    build_recurrence_2025(make)
    stored = compact()
    assert stored == 12  # every closed case (11 in 2025, 1 in 2024), the destroyed one too
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecurrenceMark)) == 0
    found = recurrence.recurrence(YEARS, now=NOW)
    assert found[2025].closed == 11 and found[2025].windows[1].recurred == 7
    assert found == recurrence.live(YEARS, now=NOW) and recurrence.check(now=NOW) == []


def test_a_new_report_at_a_closed_cases_address_counts_before_the_next_compaction(make):
    case = make.case("closed", received_at=START, closed_at=START + timedelta(days=10))
    make.report(case=case, received_at=START, postcode="5611AA", house_number=1)
    compact()
    assert recurrence.recurrence([2024], now=NOW)[2024].windows[0].recurred == 0
    make.report(received_at=START + timedelta(days=40), postcode="5611AA", house_number=1)
    assert recurrence.recurrence([2024], now=NOW)[2024].windows[0].recurred == 1
    compact()
    assert db.session.get(CaseRecurrence, case.id).first_new_at == START + timedelta(days=40)
    assert recurrence.recurrence([2024], now=NOW)[2024].windows[0].recurred == 1


def test_a_stored_first_new_report_that_stops_counting_makes_its_case_stale(make):
    case = make.case("closed", received_at=START, closed_at=START + timedelta(days=10))
    make.report(case=case, received_at=START, postcode="5611AA", house_number=1)
    person = Person(name="Bewoner")
    make.session.add(person)
    make._add(PersonLink(person=person, case=case, role="subject"))
    elsewhere = make.report(received_at=START + timedelta(days=30), postcode="1011AA", house_number=5)
    make._add(PersonLink(person=person, report=elsewhere, role="subject"))
    compact()
    assert db.session.get(CaseRecurrence, case.id).first_new_report_id == elsewhere.id
    # The link of the new report goes: nothing about the case or its reports changed, yet it recurred no more.
    db.session.execute(sa.delete(PersonLink).where(PersonLink.report_id == elsewhere.id))
    db.session.commit()
    assert recurrence.recurrence([2024], now=NOW)[2024].windows[0].recurred == 0
    assert_kept_equals_live()


def test_reopening_and_destroying_change_what_is_read_at_once(make):
    case = make.case("closed", received_at=START, closed_at=START + timedelta(days=10))
    make.report(case=case, received_at=START, postcode="5611AA", house_number=1)
    compact()
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(status="open", closed_at=None, result=None))
    db.session.commit()
    assert recurrence.recurrence([2024], now=NOW)[2024].closed == 0
    compact()
    assert db.session.get(CaseRecurrence, case.id) is None


def test_a_bulk_load_and_a_rebuild_leave_every_case_stored_and_no_marks(make):
    build_recurrence_2025(make)
    with bulk_load.tallies_paused():
        make.session.add(Report(reference="GDT-T-BULK01", channel="phone", status="received", postcode="5611AB",
                                house_number=1, description="Geluid.", received_at=datetime(2025, 4, 1, tzinfo=UTC),
                                category=make.category()))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecurrenceMark)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseRecurrence)) == 12
    assert recurrence.check(now=NOW) == []


def test_compaction_runs_with_the_tallies(make):
    build_recurrence_2025(make)
    report_tallies.compact_now()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecurrenceMark)) == 0
    assert_kept_equals_live()


steps = st.lists(st.tuples(
    st.sampled_from(("report", "close", "reopen", "link_case", "link_report", "unlink", "move", "readdress",
                     "retime", "destroy", "delete_link_person", "compact")),
    st.integers(0, 7), st.integers(0, 5), st.integers(0, 500)), max_size=16)


@settings(max_examples=25, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=steps)
def test_every_change_keeps_what_is_read_equal_to_a_live_computation(make, history):
    """The examples share the test's transaction (rolled back at its end): earlier examples' rows stay."""
    world = World(make)
    for action, pick, where, days in history:
        world.apply(action, pick, where, START + timedelta(days=days))
        db.session.commit()
        assert_kept_equals_live()
    compact()
    assert_kept_equals_live()
    assert recurrence.check(now=NOW) == []


class World:
    """Three cases (two closed) with a report each, two people; every step changes one thing."""

    def __init__(self, make):
        self.make = make
        self.cases = [make.case("closed", received_at=START, closed_at=START + timedelta(days=20 * n + 5))
                      for n in range(2)] + [make.case(received_at=START)]
        self.reports = [self.report(case, *ADDRESSES[n], START) for n, case in enumerate(self.cases)]
        self.people = [Person(name=f"Bewoner {n}") for n in range(2)]
        make.session.add_all(self.people)
        make.session.commit()

    def report(self, case, postcode, number, bag_id, moment) -> Report:
        return self.make.report(case=case, postcode=postcode, house_number=number, bag_id=bag_id, received_at=moment)

    def apply(self, action: str, pick: int, where: int, moment: datetime) -> None:
        case, report = self.cases[pick % len(self.cases)], self.reports[pick % len(self.reports)]
        person = self.people[pick % len(self.people)]
        postcode, number, bag_id = ADDRESSES[where % len(ADDRESSES)]
        if action == "report":
            self.reports.append(self.report(None, postcode, number, bag_id, moment))
        elif action == "close" and case.status == "open" and case.destroyed_at is None:
            case.status, case.result, case.closed_at = "closed", "de-escalated", max(moment, case.opened_at)
        elif action == "reopen" and case.status == "closed" and case.destroyed_at is None:
            case.status, case.result, case.closed_at = "open", None, None
        elif action == "link_case":
            self.link(person, case=case)
        elif action == "link_report":
            self.link(person, report=report)
        elif action == "unlink":
            db.session.execute(sa.delete(PersonLink).where(PersonLink.id.in_(
                sa.select(PersonLink.id).where(PersonLink.person_id == person.id).limit(1))))
        elif action == "move":
            report.case = None if where % 2 else case
        elif action == "readdress" and report.destroyed_at is None:
            report.postcode, report.house_number, report.bag_id = postcode, number, bag_id
        elif action == "retime":
            report.received_at = moment
        elif action == "destroy" and case.status == "closed":
            case.destroyed_at = NOW
            for own in case.reports:
                own.postcode = own.house_number = own.bag_id = None
                own.destroyed_at = NOW
        elif action == "delete_link_person":  # a person merged into another: their links move
            other = self.people[(pick + 1) % len(self.people)]
            db.session.execute(sa.update(PersonLink).where(PersonLink.person_id == person.id)
                               .values(person_id=other.id))
        elif action == "compact":
            compact()

    def link(self, person, **owner) -> None:
        exists = sa.select(PersonLink.id).filter_by(person_id=person.id, role="subject", **{
            f"{key}_id": value.id for key, value in owner.items()})
        if db.session.scalar(exists) is None:
            self.make._add(PersonLink(person=person, role="subject", **owner))


# --- each way a change reaches a stored case, on its own ------------------------------------------------------------

def closed_case(make, **address):
    case = make.case("closed", received_at=START, closed_at=START + timedelta(days=10))
    make.report(case=case, received_at=START, **({"postcode": "5611AA", "house_number": 1} | address))
    return case


def person_linked(make, **owner):
    person = Person(name="Bewoner")
    make.session.add(person)
    make._add(PersonLink(person=person, role="subject", **owner))
    return person


def moved_away(make):
    """The stored first new report moves to another address: only that it was the first tells which case."""
    closed_case(make)
    new = make.report(received_at=START + timedelta(days=30), postcode="5611AA", house_number=1)
    yield
    new.postcode, new.house_number = "1011AA", 9


def linked_to_the_cases_person(make):
    """A report elsewhere gets linked to the case's person."""
    person = person_linked(make, case=closed_case(make))
    new = make.report(received_at=START + timedelta(days=30), postcode="1011AA", house_number=9)
    yield
    make._add(PersonLink(person=person, report=new, role="subject"))


def linked_to_the_person_of_its_report(make):
    """The same for a person linked to one of the case's reports."""
    person = person_linked(make, report=closed_case(make).reports[0])
    new = make.report(received_at=START + timedelta(days=30), postcode="1011AA", house_number=9)
    yield
    make._add(PersonLink(person=person, report=new, role="subject"))


def the_person_joins_the_new_reports_case(make):
    """The case's person is linked to another case, which holds a new report."""
    person = person_linked(make, case=closed_case(make))
    other = make.case(received_at=START + timedelta(days=30))
    make.report(case=other, received_at=START + timedelta(days=30), postcode="1011AA", house_number=9)
    yield
    make._add(PersonLink(person=person, case=other, role="subject"))


def the_new_report_joins_the_persons_case(make):
    """A report elsewhere joins another case the case's person is linked to."""
    person = person_linked(make, case=closed_case(make))
    other = make.case(received_at=START + timedelta(days=30))
    make._add(PersonLink(person=person, case=other, role="subject"))
    new = make.report(received_at=START + timedelta(days=30), postcode="1011AA", house_number=9)
    yield
    new.case = other


def same_bag_id_new_postcode(make):
    """A report moves to the case's BAG id under a renumbered postcode."""
    closed_case(make, bag_id="0772200000000001")
    new = make.report(received_at=START + timedelta(days=30), postcode="1011AA", house_number=9)
    yield
    new.postcode, new.house_number, new.bag_id = "5699ZZ", 1, "0772200000000001"


def same_postcode_and_number(make):
    """A report moves to the case's postcode and house number."""
    closed_case(make)
    new = make.report(received_at=START + timedelta(days=30), postcode="1011AA", house_number=9)
    yield
    new.postcode, new.house_number = "5611AA", 1


@pytest.mark.parametrize("scenario", [moved_away, linked_to_the_cases_person, linked_to_the_person_of_its_report,
                                      the_person_joins_the_new_reports_case, the_new_report_joins_the_persons_case,
                                      same_bag_id_new_postcode,
                                      same_postcode_and_number])
def test_a_change_after_compaction_is_read_at_once(make, scenario):
    steps = scenario(make)
    next(steps)
    compact()
    before = recurrence.recurrence([2024], now=NOW)[2024].windows[0].recurred
    next(steps, None)
    db.session.commit()
    after = recurrence.recurrence([2024], now=NOW)[2024].windows[0].recurred
    assert after != before and after == recurrence.live([2024], now=NOW)[2024].windows[0].recurred


# --- the days whose windows end around the moment asked about ---------------------------------------------------

CLOSING_DAYS = [datetime(2025, month, day, tzinfo=UTC) for month, day in
                ((8, 27), (8, 28), (8, 29), (8, 30), (8, 31), (9, 1), (9, 2), (2, 27), (2, 28), (3, 1), (3, 2))]
MOMENTS = [datetime(2026, 2, 27, 12, tzinfo=UTC), datetime(2026, 2, 28, tzinfo=UTC),
           datetime(2026, 2, 28, 9, 30, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC),
           datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC), datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
           datetime(2026, 8, 28, 9, 30, tzinfo=UTC), datetime(2026, 8, 31, 23, 59, tzinfo=UTC),
           datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 9, 1, 9, 30, tzinfo=UTC),
           datetime(2027, 3, 1, 0, 0, 1, tzinfo=UTC)]


def test_tallied_days_and_the_days_read_case_by_case_agree_with_a_live_count_at_any_moment(make):
    """Cases closed at the start, the middle and the end of days whose windows end on a month's last days (31
    August + 6 months is 28 February) and new reports just before and after their ends: for every moment asked
    about, the tallied days, the days read case by case and a live count give the same figures."""
    number = iter(range(1, 1000))
    for day in CLOSING_DAYS:
        for hour, minute in ((0, 0), (9, 30), (23, 59)):
            closed_at = day.replace(hour=hour, minute=minute)
            address = {"postcode": "5633AA", "house_number": next(number)}
            case = make.case("closed", received_at=closed_at - timedelta(days=30), closed_at=closed_at)
            make.report(case=case, received_at=closed_at - timedelta(days=30), **address)
            end = recurrence_end(closed_at, 6 if hour != 9 else 12)
            make.report(received_at=end + timedelta(minutes=-1 if minute else 1), **address)
    compact()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecurrenceMark)) == 0
    for moment in MOMENTS:
        assert recurrence.recurrence([2025], now=moment) == recurrence.live([2025], now=moment), moment


def recurrence_end(moment: datetime, months: int) -> datetime:
    """`moment` plus calendar months, the month's last day when shorter (as the database adds them)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    last = (datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC) - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last))
