"""case documents and their versions

Revision ID: f0a1b2c3d4e5
Revises: e85130a6c355
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import gdt.db


# revision identifiers, used by Alembic.
revision = 'f0a1b2c3d4e5'
down_revision = 'e85130a6c355'
branch_labels = None
depends_on = None


DOCUMENT_TYPES = ('proces_verbaal', 'bemiddelingsverslag', 'rapportage', 'brief', 'besluit', 'foto', 'overig')
VERSION_SOURCES = ('upload', 'letter')


def upgrade():
    op.create_table(
        'case_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('document_type', sa.Enum(*DOCUMENT_TYPES, name='document_type', native_enum=False,
                                           create_constraint=True, length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('document_date', sa.Date(), nullable=False),
        sa.Column('visible_to_partners', sa.Boolean(), nullable=False),
        sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_documents_case_id_cases')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_documents_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_documents')),
    )
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_documents_case_id'), ['case_id'], unique=False)

    op.create_table(
        'document_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('source', sa.Enum(*VERSION_SOURCES, name='document_version_source', native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column('letter_template_name', sa.String(length=120), nullable=True),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('extension', sa.String(length=8), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_name', sa.String(length=64), nullable=False),
        sa.Column('original_name', sa.String(length=120), nullable=True),
        sa.Column('created_at', gdt.db.UTCDateTime(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('size_bytes > 0', name=op.f('ck_document_versions_size_positive')),
        sa.ForeignKeyConstraint(['document_id'], ['case_documents.id'],
                                name=op.f('fk_document_versions_document_id_case_documents')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_document_versions_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
        sa.UniqueConstraint('document_id', 'number', name='uq_document_versions_number'),
        sa.UniqueConstraint('storage_name', name=op.f('uq_document_versions_storage_name')),
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_document_id'), ['document_id'], unique=False)


def downgrade():
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_document_id'))
    op.drop_table('document_versions')
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_documents_case_id'))
    op.drop_table('case_documents')
