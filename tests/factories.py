"""Builders for test data with keyword overrides; defaults come from the glossary."""
import itertools
from datetime import UTC, datetime

import sqlalchemy as sa

from gdt.models import Case, Category, Partner, Referral, Report, User
from gdt.services.core import reference_data
from gdt.services.core.auth import _hasher

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = _hasher.hash(PASSWORD)


class Builders:
    def __init__(self, session):
        self.session = session

    def _add(self, obj):
        self.session.add(obj)
        self.session.commit()
        return obj

    def user(self, role: str = "coordinator", **overrides) -> User:
        n = next(_seq)
        fields = {
            "email": f"user{n}@gdt.test",
            "name": f"Medewerker {n}",
            "role": role,
            "password_hash": _PASSWORD_HASH,
        }
        if role == "partner" and "partner_id" not in overrides and "partner" not in overrides:
            fields["partner"] = self.partner("politie")
        return self._add(User(**fields | overrides))

    def defaults(self) -> None:
        if self.session.scalar(sa.select(sa.func.count()).select_from(Category)) == 0:
            reference_data.ensure_defaults()

    def category(self, key: str = "geluidsoverlast") -> Category:
        self.defaults()
        return self.session.scalar(sa.select(Category).where(Category.key == key))

    def partner(self, key: str = "ruimtelijk-domein", **overrides) -> Partner:
        self.defaults()
        partner = self.session.scalar(sa.select(Partner).where(Partner.key == key))
        if partner is None:
            partner = self._add(Partner(key=key, name=overrides.pop("name", key.title()), **overrides))
        elif overrides:
            for field, value in overrides.items():
                setattr(partner, field, value)
            self.session.commit()
        return partner

    def report(self, status: str = "received", **overrides) -> Report:
        n = next(_seq)
        fields = {
            "reference": f"GDT-T-{n:06d}",
            "channel": "phone",
            "status": "received",
            "postcode": "5611AB",
            "house_number": 1,
            "description": "Harde muziek tot diep in de nacht.",
            "received_at": datetime(2026, 3, 1, 12, tzinfo=UTC),
            "category": self.category(),
            "reporter_name": "Jan Jansen",
            "reporter_phone": "0612345678",
            "reporter_may_contact": True,
        }
        report = Report(**fields | overrides)
        if status == "referred":
            report.status, report.triage_outcome = "referred", "referred"
            report.referred_partner = overrides.get("referred_partner") or self.partner()
            report.triaged_at = report.received_at
        elif status == "escalated":
            report.status, report.triage_outcome, report.triaged_at = "escalated", "escalated", report.received_at
            report.case = overrides.get("case") or self.case(received_at=report.received_at)
        return self._add(report)

    def case(self, status: str = "open", **overrides) -> Case:
        n = next(_seq)
        received_at = overrides.pop("received_at", datetime(2026, 3, 1, 12, tzinfo=UTC))
        fields = {
            "reference": f"GDT-C-{n:06d}",
            "source": "report",
            "status": status,
            "received_at": received_at,
            "opened_at": received_at,
        }
        if status == "closed":
            fields |= {"closed_at": received_at, "result": "de-escalated"}
        return self._add(Case(**fields | overrides))

    def referral(self, report: Report | None = None, partner: Partner | None = None, **overrides) -> Referral:
        """A delivered referral awaiting acknowledgement (no outbox message: nothing is sent)."""
        partner = partner or self.partner("politie")
        report = (
            report if report is not None or "case" in overrides else self.report("referred", referred_partner=partner)
        )
        sent = datetime(2026, 3, 2, 9, tzinfo=UTC)
        fields = {
            "report": report,
            "partner": partner,
            "delivery_method": "email",
            "delivery_status": "sent",
            "delivered_at": sent,
            "delivery_attempts": 1,
            "status": "awaiting",
            "acknowledge_due_at": datetime(2026, 3, 4, 22, 59, 59, tzinfo=UTC),
        }
        fields = fields | overrides
        if "shared_reports" not in fields:  # what routing.create shares: the report, or the case's reports then
            report, case = fields["report"], fields.get("case")
            fields["shared_reports"] = [report] if report is not None else list(case.reports)
        return self._add(Referral(**fields))
