"""the room-wide Q&A

Three new tables: qa_settings (anonymous or named, results live or on reveal, revealed yet),
qa_question (a participant's question: text, optional name, pinned, answered, hidden, held by the
word filter, merged into another) and qa_upvote (one per participant and question). The new phase
"qa" needs no change of the schema. Nothing to carry over.

Revision ID: 0024
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('qa_settings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('named', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('results', sa.String(length=10), server_default='reveal', nullable=False),
    sa.Column('revealed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_qa_settings_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_qa_settings'))
    )
    op.create_table('qa_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=True),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('held', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['qa_question.id'], name=op.f('fk_qa_question_merged_into_id_qa_question'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_qa_question_participant_id_participant'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_qa_question_session_id_session'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_question'))
    )
    with op.batch_alter_table('qa_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_question_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qa_question_session_id'), ['session_id'], unique=False)
    op.create_table('qa_upvote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_qa_upvote_participant_id_participant'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['qa_question.id'], name=op.f('fk_qa_upvote_question_id_qa_question'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_upvote')),
    sa.UniqueConstraint('question_id', 'participant_id', name=op.f('uq_qa_upvote_question_id'))
    )
    with op.batch_alter_table('qa_upvote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_upvote_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_qa_upvote_question_id'), ['question_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('qa_upvote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_upvote_question_id'))
        batch_op.drop_index(batch_op.f('ix_qa_upvote_participant_id'))
    op.drop_table('qa_upvote')
    with op.batch_alter_table('qa_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_question_session_id'))
        batch_op.drop_index(batch_op.f('ix_qa_question_participant_id'))
    op.drop_table('qa_question')
    op.drop_table('qa_settings')
