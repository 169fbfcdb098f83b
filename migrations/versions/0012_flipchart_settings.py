"""flipchart settings in their own table

Vote stacking and the presentation's current group move from two session columns to
flipchart_settings (one row per session), then the session columns go.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('flipchart_settings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('allow_vote_stacking', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('presenting_group', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_flipchart_settings_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_flipchart_settings'))
    )
    op.execute(
        "INSERT INTO flipchart_settings (session_id, allow_vote_stacking, presenting_group) "
        "SELECT id, allow_vote_stacking, presenting_group FROM session")
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_column('presenting_group')
        batch_op.drop_column('allow_vote_stacking')


def downgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_vote_stacking', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('presenting_group', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE session SET "
        "allow_vote_stacking = COALESCE((SELECT allow_vote_stacking FROM flipchart_settings "
        "WHERE flipchart_settings.session_id = session.id), allow_vote_stacking), "
        "presenting_group = (SELECT presenting_group FROM flipchart_settings "
        "WHERE flipchart_settings.session_id = session.id)")
    op.drop_table('flipchart_settings')
