"""A destroyed report or case still opens: the content-free record, with when and under which list it was destroyed,
and nothing to act on."""
from gdt.services.core.transaction import unit_of_work
from gdt.services.retention import content_removal


def test_a_destroyed_report_shows_its_record_and_no_actions(make, client_as):
    report = make.report("referred", referred_partner=make.partner("politie"),
                         description="Hond blaft de hele nacht", reporter_name="Sanne Stil")
    with unit_of_work():
        content_removal.remove_report(report)
    page = client_as("coordinator").get(f"/reports/{report.reference}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Gewist op" in text and report.reference in text
    assert "Hond blaft" not in text and "Sanne Stil" not in text
    assert 'action="/reports/' not in text  # no triage forms


def test_a_destroyed_case_shows_its_record_and_no_actions(make, client_as):
    case = make.case("closed", result="de-escalated", mode="advice")
    make.report("escalated", case=case, description="Ruzie in het trappenhuis")
    with unit_of_work():
        content_removal.remove_case(case)
    page = client_as("coordinator").get(f"/cases/{case.reference}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Gewist op" in text and case.reference in text and "Ruzie" not in text
    assert 'action="/cases/' not in text  # no steps


def test_a_destroyed_case_takes_no_step(make, db):
    import pytest

    from gdt.services.core import lifecycle
    from gdt.services.core.errors import Conflict

    case = make.case("closed", result="de-escalated", mode="advice")
    with unit_of_work():
        content_removal.remove_case(case)
    assert not lifecycle.allows(case, "reopen")
    with pytest.raises(Conflict, match="vernietigd"):
        lifecycle.transition_case(case, "reopen", make.user())
