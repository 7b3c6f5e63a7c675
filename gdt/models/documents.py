"""Case documents (proces-verbaal, verslag, brief, besluit …): a titled document on a case with one or more
versions, each a stored file like an attachment (outside the web root, under a generated name)."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.cases import Case
from gdt.models.mixins import VersionedMixin

DOCUMENT_TYPES = ("proces_verbaal", "bemiddelingsverslag", "rapportage", "brief", "besluit", "foto", "overig")
VERSION_SOURCES = ("upload", "letter")  # uploaded by a person, or generated from a letter template


class CaseDocument(VersionedMixin, db.Model):
    """The document as the team knows it; its content is the newest of its versions."""

    __tablename__ = "case_documents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    document_type: so.Mapped[str] = so.mapped_column(enum_column(*DOCUMENT_TYPES, name="document_type"))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    document_date: so.Mapped[date] = so.mapped_column(sa.Date)
    visible_to_partners: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    case: so.Mapped[Case] = so.relationship()
    versions: so.Mapped[list["DocumentVersion"]] = so.relationship(
        back_populates="document", order_by="DocumentVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> "DocumentVersion | None":
        return self.versions[-1] if self.versions else None


class DocumentVersion(db.Model):
    """One stored file of a document; numbered from 1, never changed once written."""

    __tablename__ = "document_versions"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "number", name="uq_document_versions_number"),
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    document_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("case_documents.id"), index=True)
    number: so.Mapped[int]
    source: so.Mapped[str] = so.mapped_column(enum_column(*VERSION_SOURCES, name="document_version_source"),
                                              default="upload")
    letter_template_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # when generated from one
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    extension: so.Mapped[str] = so.mapped_column(sa.String(8))
    size_bytes: so.Mapped[int]
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    storage_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    original_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # cleaned, for display only
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    document: so.Mapped[CaseDocument] = so.relationship(back_populates="versions")
