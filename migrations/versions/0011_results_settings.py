"""results settings in their own table

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('results_settings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_results_settings_session_id_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_results_settings')),
    sa.UniqueConstraint('token', name=op.f('uq_results_settings_token'))
    )
    op.execute("INSERT INTO results_settings (session_id, token) "
               "SELECT id, results_token FROM session WHERE results_token IS NOT NULL")
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_session_results_token'), type_='unique')
        batch_op.drop_column('results_token')


def downgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_session_results_token'), ['results_token'])
    op.execute("UPDATE session SET results_token = (SELECT token FROM results_settings "
               "WHERE results_settings.session_id = session.id)")
    op.drop_table('results_settings')
