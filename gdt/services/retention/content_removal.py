"""What destruction, an erasure and anonymisation remove (docs/domain.md, "Retention and destruction").

Everything here runs inside the caller's unit of work and commits nothing: a case with its reports is removed
wholly in one transaction or not at all. Files cannot take part in a transaction, so the functions that remove
attachment rows return the files' storage names (generated, never content) for `delete_files` after the commit.

The rows of `reports` and `cases` stay, with every key the statistics count (dates, channel, category, wijk and
buurt, outcome, referred partner, mode, status, result): the report tallies' triggers see no key change, and every
statistic of every year stays the same. Removed (set to NULL or an empty text, or the row deleted):

* reports: description, description_corrected, triage_reason, street, city, postcode, house number and addition, BAG id,
  the coordinates (lat, lon, rd_x, rd_y: a house on the map),
  the reporter's name, e-mail and phone (and their consent), the public status token; report_corrections (the
  values before and after and the reason), report_events.detail, report_claims, attachments (rows and files),
  idempotency_records of the report (their stored answer)
* partner_registrations: registrant (name, function, e-mail, phone), concerned_name, reason, already_tried
* referrals (of the report or the case): message, question, feedback_note, return_reason, last delivery error;
  their link_sessions
* cases: result_note; case_notes, case_parties; case_partners' contact person and role text; meetings' minutes,
  location and cancel reason, invitees named as persons; actions' description, progress and drop reason;
  case_events.detail; the case's link_sessions
* the case's dossier and the resident's contact on its reports (`dossier_removal`: documents and their files,
  questions and answers, satisfaction comments; interventions keep only what the statistics count)
* person_links of the reports and cases (gdt.services.people); a person left without any link (and anyone merged
  into them) loses name, date of birth, phone, e-mail and addresses, and is stamped removed_at
* outbox_messages about them: payload emptied, and marked processed when still waiting (no mail goes out for
  what no longer exists); local_mail (the kept copies of sent mail) that names their reference or went to the
  reporter
Kept on purpose: audit events (references and field names only; the audit trail has its own retention) and legal
holds (the archive's own accountability).
"""
from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from gdt.db import db, utcnow
from gdt.models import (
    Action,
    Attachment,
    Case,
    CaseEvent,
    CaseNote,
    CasePartner,
    CaseParty,
    IdempotencyRecord,
    LinkSession,
    LocalMail,
    Meeting,
    MeetingInvitee,
    OutboxMessage,
    PartnerRegistration,
    Person,
    PersonAddress,
    PersonEvent,
    PersonLink,
    Referral,
    Report,
    ReportClaim,
    ReportCorrection,
    ReportEvent,
)
from gdt.services.core import attachment_store
from gdt.services.retention import dossier_removal

BATCH = 500  # ids per statement: well under SQLite's parameter limit
MAIL_MATCHES = 50  # references per search of the kept mail


def remove_report(report: Report, *, list_id: int | None = None) -> list[str]:
    """Destroy one report's content (its case, if any, is left alone). Returns the files to delete after commit."""
    names = remove_reports([report.id], list_id=list_id)
    db.session.expire(report)
    return names


def remove_case(case: Case, *, list_id: int | None = None) -> list[str]:
    """Destroy one case's content and that of every report in it. Returns the files to delete after commit."""
    names = remove_cases([case.id], list_id=list_id)
    db.session.expire_all()
    return names


def remove_contact_details(report: Report) -> None:
    """Anonymise: the reporter's name, e-mail and phone go, the report stays."""
    remove_contact_details_of([report.id])
    db.session.expire(report)


def remove_attachments(report: Report) -> list[str]:
    """The report's photos and sound; the report stays. Returns the files to delete after commit."""
    names = remove_attachments_of([report.id])
    db.session.expire(report)
    return names


def delete_files(names: Iterable[str]) -> int:
    """After the commit: the stored files and their thumbnails, from the folder or the bucket (idempotent, so a
    resumed run may repeat it)."""
    return attachment_store.delete(names)


def remove_reports(report_ids: Sequence[int], *, list_id: int | None = None) -> list[str]:
    db.session.flush()
    names: list[str] = []
    for ids in _batches(report_ids):
        references = list(db.session.scalars(sa.select(Report.reference).where(Report.id.in_(ids))))
        recipients = _reporter_addresses(ids)
        names += remove_attachments_of(ids)
        names += dossier_removal.remove_of_reports(ids)
        db.session.execute(sa.delete(ReportCorrection).where(ReportCorrection.report_id.in_(ids)))
        db.session.execute(sa.update(ReportEvent).where(ReportEvent.report_id.in_(ids)).values(detail=None))
        db.session.execute(sa.delete(ReportClaim).where(ReportClaim.report_id.in_(ids)))
        db.session.execute(sa.delete(IdempotencyRecord).where(IdempotencyRecord.report_id.in_(ids)))
        db.session.execute(sa.update(PartnerRegistration).where(PartnerRegistration.report_id.in_(ids)).values(
            registrant_name="", registrant_function=None, registrant_email=None, registrant_phone=None,
            concerned_name=None, reason="", already_tried=None))
        referral_ids = list(db.session.scalars(sa.select(Referral.id).where(Referral.report_id.in_(ids))))
        _clear_referrals(referral_ids)
        _clear_outbox("report_id", ids)
        _forget_people(PersonLink.report_id, ids)
        _forget_mail(references, recipients)
        now = utcnow()
        db.session.execute(sa.update(Report).where(Report.id.in_(ids)).values(
            description=None, description_corrected=None, triage_reason=None, street=None, city=None, postcode=None,
            house_number=None, house_number_addition=None, bag_id=None, lat=None, lon=None, rd_x=None, rd_y=None,
            reporter_name=None, reporter_email=None,
            reporter_phone=None, reporter_may_contact=False, reporter_token_hash=None,
            contact_removed_at=sa.func.coalesce(Report.contact_removed_at, now),
            attachments_removed_at=sa.func.coalesce(Report.attachments_removed_at, now),
            destroyed_at=now, destruction_list_id=list_id, version=Report.version + 1, updated_at=now))
    return names


def remove_cases(case_ids: Sequence[int], *, list_id: int | None = None) -> list[str]:
    db.session.flush()
    names: list[str] = []
    for ids in _batches(case_ids):
        report_ids = list(db.session.scalars(sa.select(Report.id).where(Report.case_id.in_(ids))))
        names += remove_reports(report_ids, list_id=list_id)
        references = list(db.session.scalars(sa.select(Case.reference).where(Case.id.in_(ids))))
        names += dossier_removal.remove_of_cases(ids)
        db.session.execute(sa.delete(CaseNote).where(CaseNote.case_id.in_(ids)))
        db.session.execute(sa.delete(CaseParty).where(CaseParty.case_id.in_(ids)))
        db.session.execute(sa.update(CasePartner).where(CasePartner.case_id.in_(ids)).values(
            role=None, contact_name=None, contact_phone=None, contact_email=None))
        meeting_ids = list(db.session.scalars(sa.select(Meeting.id).where(Meeting.case_id.in_(ids))))
        if meeting_ids:
            db.session.execute(sa.delete(MeetingInvitee).where(MeetingInvitee.meeting_id.in_(meeting_ids),
                                                               MeetingInvitee.name.is_not(None)))
            db.session.execute(sa.update(Meeting).where(Meeting.id.in_(meeting_ids)).values(
                minutes=None, location="", version=Meeting.version + 1,
                cancel_reason=sa.case((Meeting.status == "cancelled", ""), else_=None)))
            _clear_outbox("meeting_id", meeting_ids)
        db.session.execute(sa.update(Action).where(Action.case_id.in_(ids)).values(
            description="", progress=None, version=Action.version + 1,
            drop_reason=sa.case((Action.status == "dropped", ""), else_=None)))
        db.session.execute(sa.update(CaseEvent).where(CaseEvent.case_id.in_(ids)).values(detail=None))
        _clear_referrals(list(db.session.scalars(sa.select(Referral.id).where(Referral.case_id.in_(ids)))))
        db.session.execute(sa.delete(LinkSession).where(LinkSession.case_id.in_(ids)))
        _forget_people(PersonLink.case_id, ids)
        _forget_mail(references, [])
        now = utcnow()
        db.session.execute(sa.update(Case).where(Case.id.in_(ids)).values(
            result_note=None, destroyed_at=now, destruction_list_id=list_id, version=Case.version + 1,
            updated_at=now))
    return names


def remove_contact_details_of(report_ids: Sequence[int]) -> None:
    db.session.flush()
    for ids in _batches(report_ids):
        _forget_mail([], _reporter_addresses(ids))
        db.session.execute(sa.update(PartnerRegistration).where(PartnerRegistration.report_id.in_(ids)).values(
            registrant_email=None, registrant_phone=None))
        db.session.execute(sa.update(Report).where(Report.id.in_(ids)).values(
            reporter_name=None, reporter_email=None, reporter_phone=None, reporter_may_contact=False,
            contact_removed_at=sa.func.coalesce(Report.contact_removed_at, utcnow()), version=Report.version + 1))


def remove_attachments_of(report_ids: Sequence[int]) -> list[str]:
    db.session.flush()
    names: list[str] = []
    for ids in _batches(report_ids):
        names += db.session.scalars(sa.select(Attachment.storage_name).where(Attachment.report_id.in_(ids)))
        db.session.execute(sa.delete(Attachment).where(Attachment.report_id.in_(ids)))
        db.session.execute(sa.update(Report).where(Report.id.in_(ids), Report.attachments_removed_at.is_(None))
                           .values(attachments_removed_at=utcnow()))
    return names


def _clear_referrals(referral_ids: list[int]) -> None:
    if not referral_ids:
        return
    db.session.execute(sa.delete(LinkSession).where(LinkSession.referral_id.in_(referral_ids)))
    db.session.execute(sa.update(Referral).where(Referral.id.in_(referral_ids)).values(
        message=None, question=None, feedback_note=None, last_delivery_error=None, version=Referral.version + 1,
        return_reason=sa.case((Referral.status == "returned", ""), else_=None)))
    _clear_outbox("referral_id", referral_ids)


def _clear_outbox(key: str, ids: list[int]) -> None:
    """Messages about removed rows carry only ids, yet are emptied, and never carried out any more."""
    about = OutboxMessage.payload[key].as_integer().in_(ids)
    db.session.execute(sa.update(OutboxMessage).where(about).values(
        payload={}, processed_at=sa.func.coalesce(OutboxMessage.processed_at, utcnow())))


def _forget_people(owner_column, ids: list[int]) -> None:
    """The person links of what is removed go; a person left with none (and whoever was merged into them) loses
    their content. The rows stay, with their history (ids and field names only), so merges still point on."""
    linked = list(db.session.scalars(sa.select(PersonLink.person_id).where(owner_column.in_(ids)).distinct()))
    if not linked:
        return
    db.session.execute(sa.delete(PersonLink).where(owner_column.in_(ids)))
    still_linked = sa.select(PersonLink.person_id).where(PersonLink.person_id.in_(linked))
    orphans = set(db.session.scalars(sa.select(Person.id).where(Person.id.in_(linked), Person.id.not_in(still_linked))))
    merged = orphans
    while merged:
        merged = set(db.session.scalars(sa.select(Person.id).where(Person.merged_into_id.in_(merged)))) - orphans
        orphans |= merged
    orphans = set(db.session.scalars(sa.select(Person.id).where(Person.id.in_(orphans), Person.removed_at.is_(None))))
    if not orphans:
        return
    now = utcnow()
    db.session.execute(sa.delete(PersonAddress).where(PersonAddress.person_id.in_(orphans)))
    db.session.execute(sa.update(Person).where(Person.id.in_(orphans)).values(
        name=None, name_key=None, date_of_birth=None, phone=None, email=None, removed_at=now,
        version=Person.version + 1, updated_at=now))
    db.session.add_all(PersonEvent(person_id=person_id, event="removed", from_status="active", to_status="removed",
                                   occurred_at=now) for person_id in sorted(orphans))


def _reporter_addresses(report_ids: list[int]) -> list[str]:
    return list(db.session.scalars(sa.select(Report.reporter_email).where(
        Report.id.in_(report_ids), Report.reporter_email.is_not(None))))


def _forget_mail(references: list[str], recipients: list[str]) -> None:
    """The kept copies of sent mail (MAIL_TRANSPORT=local) that name a reference or went to the reporter."""
    if recipients:
        db.session.execute(sa.delete(LocalMail).where(LocalMail.recipient.in_(recipients)))
    for some in _batches(references, size=MAIL_MATCHES):  # short OR chains: SQLite limits an expression's depth
        db.session.execute(sa.delete(LocalMail).where(sa.or_(*(
            column.contains(reference, autoescape=True) for reference in some
            for column in (LocalMail.subject, LocalMail.body)))))


def _batches(values: Sequence, size: int = BATCH) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]
