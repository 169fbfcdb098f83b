"""a facilitator team and the audit trail

session_member: co-facilitators of a workshop with a role (facilitator, assistant, observer);
audit_line: who changed what in a workshop, and when. Nothing to carry over: existing workshops
keep their one owner and start their history now.

Revision ID: 0023
Revises: 0022
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('session_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_session_member_facilitator_id_facilitator'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_session_member_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_member')),
    sa.UniqueConstraint('session_id', 'facilitator_id', name=op.f('uq_session_member_session_id'))
    )
    with op.batch_alter_table('session_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_member_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_member_session_id'), ['session_id'], unique=False)
    op.create_table('audit_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_audit_line_facilitator_id_facilitator'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_audit_line_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_line'))
    )
    with op.batch_alter_table('audit_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_line_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_line_session_id'))
    op.drop_table('audit_line')
    with op.batch_alter_table('session_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_member_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_member_facilitator_id'))
    op.drop_table('session_member')
