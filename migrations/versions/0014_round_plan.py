"""the evening's plan of mixed rounds

A new table round_plan (one row per session): how many mixed rounds were planned, their group
size or count, and the planned rounds not yet published. Nothing to carry over.

Revision ID: 0014
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('round_plan',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('published', sa.Integer(), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=True),
    sa.Column('group_count', sa.Integer(), nullable=True),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('rounds', sa.JSON(), nullable=False),
    sa.Column('repeats', sa.JSON(), nullable=False),
    sa.Column('bound', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_round_plan_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_round_plan'))
    )


def downgrade() -> None:
    op.drop_table('round_plan')
