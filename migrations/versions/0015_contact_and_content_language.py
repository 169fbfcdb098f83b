"""a workshop's contact person and content language

Four new columns on session: contact_name, contact_phone, contact_email (empty: the operator's
contact is shown) and content_language ("fi", "sv" or "both"; existing workshops are Finnish).

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('session') as batch:
        batch.add_column(sa.Column('contact_name', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('content_language', sa.String(length=4), server_default='fi', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('session') as batch:
        batch.drop_column('content_language')
        batch.drop_column('contact_email')
        batch.drop_column('contact_phone')
        batch.drop_column('contact_name')
