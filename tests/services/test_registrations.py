"""Partner registrations (channel partner): the intake's rules, into triage, counted under gdt.all_cases."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, PartnerRegistration, Report
from gdt.services.core.errors import NotFound, ValidationFailed
from gdt.services.intake import partner_registrations
from gdt.services.reporting import statistics
from gdt.services.triage import report_triage


def registration(**changes) -> partner_registrations.RegistrationInput:
    fields = dict(registrant_name="Wendy Wijkagent", registrant_function="wijkagent", registrant_phone="06 12345678",
                  concerned_name="J. Jansen", category="geluidsoverlast", postcode="5611 ab", house_number="12",
                  reason="Bedreigingen tussen buren, politie al drie keer ter plaatse.",
                  already_tried="Gesprekken, waarschuwing.", involved_partners=["ggz", "woningcorporatie", "politie"])
    return partner_registrations.RegistrationInput(**fields | changes)


def test_a_registration_enters_the_queue_with_its_details(db, make):
    politie, user = make.partner("politie"), make.user("partner")
    make.partner("ggz")
    make.partner("woningcorporatie")
    report = partner_registrations.register(registration(), partner=politie, actor=user)
    assert (report.channel, report.status, report.postcode) == ("partner", "received", "5611AB")
    assert report.reporter_name is None and report.description.startswith("Bedreigingen")
    saved = db.session.scalar(sa.select(PartnerRegistration).where(PartnerRegistration.report_id == report.id))
    assert saved.partner_id == politie.id and saved.registrant_name == "Wendy Wijkagent"
    assert sorted(partner.key for partner in saved.involved_partners) == ["ggz", "woningcorporatie"]  # not itself
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_ref == report.reference)) == "create"


def test_every_mistake_is_reported_at_once_and_nothing_is_saved(db, make):
    with pytest.raises(ValidationFailed) as failure:
        partner_registrations.register(registration(registrant_name="", postcode="1234", reason=" ",
                                            involved_partners=["bestaat-niet"]), partner=make.partner("politie"))
    assert set(failure.value.errors) == {"registrant_name", "postcode", "reason", "involved_partners"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_partners_see_only_their_own_organisations_registrations(db, make):
    politie, ggz = make.partner("politie"), make.partner("ggz")
    agent, nurse = make.user("partner", partner=politie), make.user("partner", partner=ggz)
    report = partner_registrations.register(registration(involved_partners=[]), partner=politie, actor=agent)
    assert partner_registrations.view_for_partner(report.reference, actor=agent).id == report.id
    with pytest.raises(NotFound):
        partner_registrations.view_for_partner(report.reference, actor=nurse)
    assert [r.id for r in db.session.scalars(partner_registrations.for_partner(ggz))] == []


def test_an_escalated_registration_counts_under_all_cases_never_under_reports(db, make):
    politie, coordinator = make.partner("politie"), make.user("coordinator")
    report = partner_registrations.register(registration(involved_partners=[]), partner=politie)
    assert partner_registrations.partner_status(report) == "received"
    report_triage.escalate_report(report, "Dreigt te escaleren.", actor=coordinator, seen_version=report.version)
    document = statistics.yearly_statistics(report.received_at.year)
    assert document["reports"]["total"] == 0 and document["triage"]["triaged"] == 0
    assert document["gdt"]["all_cases"]["total"] == 1 and document["gdt"]["from_reports"]["total"] == 0
    assert {item["key"]: item["count"] for item in document["gdt"]["all_cases"]["by_source"]}["partner"] == 1
    assert partner_registrations.partner_status(report) == "in_progress"
