"""results settings in their own table

Revision ID: 0011
Revises: 0010
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the results feature: create its table, copy the session columns over, drop them


def downgrade() -> None:
    pass
