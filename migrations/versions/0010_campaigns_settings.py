"""campaigns settings in their own table

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# The same names in both tables but the token: session.campaign_token ↔ campaign_settings.token.
FLAGS = ('carpool_enabled', 'good_deed_enabled', 'good_deed_voting')


def upgrade() -> None:
    op.create_table('campaign_settings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=True),
    sa.Column('carpool_enabled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('good_deed_enabled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('good_deed_voting', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('screen_panel', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['session.id'], name=op.f('fk_campaign_settings_session_id_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_campaign_settings')),
    sa.UniqueConstraint('token', name=op.f('uq_campaign_settings_token'))
    )
    op.execute("INSERT INTO campaign_settings (session_id, token, carpool_enabled, good_deed_enabled, "
               "good_deed_voting, screen_panel) "
               "SELECT id, campaign_token, carpool_enabled, good_deed_enabled, good_deed_voting, screen_panel "
               "FROM session WHERE campaign_token IS NOT NULL OR carpool_enabled OR good_deed_enabled "
               "OR good_deed_voting OR screen_panel IS NOT NULL")
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_session_campaign_token'), type_='unique')
        batch_op.drop_column('screen_panel')
        for flag in reversed(FLAGS):
            batch_op.drop_column(flag)
        batch_op.drop_column('campaign_token')


def downgrade() -> None:
    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_token', sa.String(length=64), nullable=True))
        for flag in FLAGS:
            batch_op.add_column(sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('screen_panel', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_session_campaign_token'), ['campaign_token'])
    for old, new in (('campaign_token', 'token'), *((c, c) for c in (*FLAGS, 'screen_panel'))):
        op.execute(f"UPDATE session SET {old} = (SELECT {new} FROM campaign_settings "
                   f"WHERE campaign_settings.session_id = session.id) "
                   f"WHERE id IN (SELECT session_id FROM campaign_settings)")
    op.drop_table('campaign_settings')
