"""the word filter

flipchart_settings.word_filter: whether the workshop's word filter is on; note.held and
poll_answer.held: a note or a word-cloud answer that matched it, waiting for the facilitator's
approval. Existing rows: off, not held.

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('flipchart_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('word_filter', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('poll_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('poll_answer', schema=None) as batch_op:
        batch_op.drop_column('held')
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_column('held')
    with op.batch_alter_table('flipchart_settings', schema=None) as batch_op:
        batch_op.drop_column('word_filter')
