"""the phase a timer was started in

timer_state.phase: a finished timer is shown only while the phase it was started in lasts, so
"00:00 Time is up" does not stay on the projector and the phones through the next phases. Existing
timers have none and keep showing as before.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('timer_state') as batch:
        batch.add_column(sa.Column('phase', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('timer_state') as batch:
        batch.drop_column('phase')
