"""results hidden until revealed

poll.show_results ("live" or "reveal") and poll.revealed; flipchart_settings.vote_results and
flipchart_settings.votes_revealed. New polls and workshops default to "reveal"; polls that exist
already were made when every poll showed its results live, so they keep "live".

Revision ID: 0025
Revises: 0024
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_results', sa.String(length=6), server_default='reveal', nullable=False))
        batch_op.add_column(sa.Column('revealed', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE poll SET show_results = 'live'")
    with op.batch_alter_table('flipchart_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vote_results', sa.String(length=6), server_default='reveal', nullable=False))
        batch_op.add_column(sa.Column('votes_revealed', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('flipchart_settings', schema=None) as batch_op:
        batch_op.drop_column('votes_revealed')
        batch_op.drop_column('vote_results')
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.drop_column('revealed')
        batch_op.drop_column('show_results')
