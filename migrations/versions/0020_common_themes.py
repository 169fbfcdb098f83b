"""the room's common themes

Two new tables: common_theme (a session's themes: label, position, the notes' ids and related
words) and common_theme_settings (the round they were found in, whether the projector shows them).
Nothing to carry over.

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('common_theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('note_ids', sa.JSON(), nullable=False),
    sa.Column('related', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_common_theme_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_common_theme'))
    )
    with op.batch_alter_table('common_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_common_theme_session_id'), ['session_id'], unique=False)
    op.create_table('common_theme_settings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('shown', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_common_theme_settings_round_id_round'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_common_theme_settings_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_common_theme_settings'))
    )


def downgrade() -> None:
    op.drop_table('common_theme_settings')
    with op.batch_alter_table('common_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_common_theme_session_id'))
    op.drop_table('common_theme')
