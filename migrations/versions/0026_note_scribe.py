"""notes written by a group's scribe

note.written_by_id: the group member who wrote this note on their phone for a member without a
phone (the note's participant); NULL for a note its author wrote themselves (every existing note).
That phone may edit and delete the note; removing that member hides the notes they wrote.

Revision ID: 0026
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_note_written_by_id_participant'), 'participant',
                                    ['written_by_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_note_written_by_id_participant'), type_='foreignkey')
        batch_op.drop_column('written_by_id')
