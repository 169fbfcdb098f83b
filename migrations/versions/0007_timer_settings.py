"""timer settings in their own table

The countdown moves from three session columns to timer_state (one row per session whose timer was
ever used); running and paused timers carry over, then the session columns go.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('timer_state',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remaining', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_timer_state_session_id_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_timer_state'))
    )
    op.execute(
        "INSERT INTO timer_state (session_id, ends_at, remaining, label) "
        "SELECT id, timer_ends_at, timer_remaining, timer_label FROM session "
        "WHERE timer_ends_at IS NOT NULL OR timer_remaining IS NOT NULL OR timer_label IS NOT NULL")
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_column('timer_label')
        batch_op.drop_column('timer_remaining')
        batch_op.drop_column('timer_ends_at')


def downgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timer_ends_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('timer_remaining', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('timer_label', sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE session SET "
        "timer_ends_at = (SELECT ends_at FROM timer_state WHERE timer_state.session_id = session.id), "
        "timer_remaining = (SELECT remaining FROM timer_state WHERE timer_state.session_id = session.id), "
        "timer_label = (SELECT label FROM timer_state WHERE timer_state.session_id = session.id)")
    op.drop_table('timer_state')
