"""campaigns settings in their own table

Revision ID: 0010
Revises: 0009
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled in by the campaigns feature: create its table, copy the session columns over, drop them


def downgrade() -> None:
    pass
