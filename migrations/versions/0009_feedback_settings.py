"""feedback settings in their own table

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback_settings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('questions', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_feedback_settings_session_id_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_feedback_settings')),
    sa.UniqueConstraint('token', name=op.f('uq_feedback_settings_token'))
    )
    op.execute("INSERT INTO feedback_settings (session_id, token, closes_at, questions) "
               "SELECT id, feedback_token, feedback_closes_at, feedback_questions FROM session "
               "WHERE feedback_token IS NOT NULL OR feedback_closes_at IS NOT NULL "
               "OR feedback_questions IS NOT NULL")
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_session_feedback_token'), type_='unique')
        batch_op.drop_column('feedback_questions')
        batch_op.drop_column('feedback_closes_at')
        batch_op.drop_column('feedback_token')


def downgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('feedback_closes_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('feedback_questions', sa.JSON(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_session_feedback_token'), ['feedback_token'])
    for column in ('token', 'closes_at', 'questions'):
        op.execute(f"UPDATE session SET feedback_{column} = (SELECT {column} FROM feedback_settings "
                   f"WHERE feedback_settings.session_id = session.id)")
    op.drop_table('feedback_settings')
