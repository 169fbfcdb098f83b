"""workshop templates shared with the installation

A new table workshop_template: a named plan of a workshop (themes, questions, agenda,
municipalities, registration and feedback settings) without its people, for any facilitator to
start from. Nothing to carry over.

Revision ID: 0019
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workshop_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], name=op.f('fk_workshop_template_facilitator_id_facilitator'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_template'))
    )
    with op.batch_alter_table('workshop_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_template_facilitator_id'), ['facilitator_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('workshop_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_template_facilitator_id'))
    op.drop_table('workshop_template')
