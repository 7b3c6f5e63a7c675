"""Histories in words (gdt.services.core.history): labels for every key, a status only when it changed."""
import pytest

from gdt.services.core import history
from gdt.services.referrals import feedback
from gdt.services.referrals.feedback import Feedback


@pytest.fixture
def referral(make):
    police = make.partner("politie", name="Politie")
    return make.referral(make.report("referred", referred_partner=police), partner=police)


def test_the_partners_answer_names_the_partner_and_the_outcome_not_their_keys(db, referral):
    feedback.record(referral, Feedback("handle", outcome="resolved"), seen_version=referral.version)
    [line] = history.report_lines(referral.report)
    assert line.what == "Partner: afgehandeld" and line.who == "Politie (via link)"
    assert line.details == ("Ketenpartner: Politie", "Uitkomst: Opgelost", "Status: Doorverwezen → Afgehandeld")


def test_a_step_that_keeps_the_status_names_no_status(db, referral):
    feedback.record(referral, Feedback("acknowledge"), seen_version=referral.version)
    [line] = history.report_lines(referral.report)
    assert line.what == "Partner: ontvangen" and line.details == ("Ketenpartner: Politie",)


def test_a_way_of_working_is_named_as_precisely_as_it_is_known():
    assert history.mode_label("regie", "casus") == "Casusregie"
    assert history.mode_label("regie", None) == "Casus-/procesregie"
    assert history.mode_label(None) == "Nog niet bepaald"


def test_a_rectification_names_the_field_and_the_request_not_their_keys(db, make):
    from gdt.services.core import lifecycle

    report = make.report("referred", referred_partner=make.partner("politie"))
    lifecycle.record_report_event(report, "rectify", make.user("privacy"),
                                  detail={"field": "reporter_phone", "request": "AVG-2026-0001"})
    db.session.commit()
    [line] = history.report_lines(report)
    assert line.what == "Gerectificeerd (AVG art. 16)"
    assert line.details == ("Gewijzigd: telefoonnummer van de melder", "Op verzoek AVG-2026-0001")
