"""invitations to a workshop's team by email link

team_invite: one row per invitation link (email, role, the sha256 of its secret, pending / accepted /
revoked, expiry). Nothing to carry over: no workshop has invitations yet.

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('team_invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['facilitator.id'],
                            name=op.f('fk_team_invite_accepted_by_id_facilitator'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['facilitator.id'],
                            name=op.f('fk_team_invite_invited_by_id_facilitator'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_team_invite_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_invite')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_team_invite_token_hash'))
    )
    with op.batch_alter_table('team_invite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_invite_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('team_invite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_invite_session_id'))
    op.drop_table('team_invite')
