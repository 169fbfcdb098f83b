"""registration settings in their own table

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registration_settings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_registration_settings_session_id_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_registration_settings')),
    sa.UniqueConstraint('token', name=op.f('uq_registration_settings_token'))
    )
    op.execute("INSERT INTO registration_settings (session_id, token, closes_at, capacity) "
               "SELECT id, registration_token, registration_closes_at, registration_capacity FROM session "
               "WHERE registration_token IS NOT NULL OR registration_closes_at IS NOT NULL "
               "OR registration_capacity IS NOT NULL")
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_session_registration_token'), type_='unique')
        batch_op.drop_column('registration_capacity')
        batch_op.drop_column('registration_closes_at')
        batch_op.drop_column('registration_token')


def downgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('registration_closes_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('registration_capacity', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_session_registration_token'), ['registration_token'])
    for column in ('token', 'closes_at', 'capacity'):
        op.execute(f"UPDATE session SET registration_{column} = (SELECT {column} FROM registration_settings "
                   f"WHERE registration_settings.session_id = session.id)")
    op.drop_table('registration_settings')
