"""feedback settings in their own table

Revision ID: 0009
Revises: 0008
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the feedback feature: create its table, copy the session columns over, drop them


def downgrade() -> None:
    pass
