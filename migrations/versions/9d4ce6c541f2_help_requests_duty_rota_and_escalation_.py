"""help requests, duty rota and escalation settings

Revision ID: 9d4ce6c541f2
Revises: abd5fe023388
Create Date: 2026-11-22 10:11:14.815388

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4ce6c541f2'
down_revision = 'abd5fe023388'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('help_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survivor_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=36), nullable=False),
    sa.Column('setback', sa.String(length=30), nullable=False),
    sa.Column('urgency', sa.String(length=10), nullable=False),
    sa.Column('contact', sa.String(length=10), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('escalate_at', sa.DateTime(), nullable=False),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('seen_at', sa.DateTime(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_how', sa.String(length=10), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.LargeBinary(), nullable=True),
    sa.Column('claimed_by', sa.String(length=40), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['staff.id'], name=op.f('fk_help_request_assigned_to_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survivor_id'], ['survivor.id'], name=op.f('fk_help_request_survivor_id_survivor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_request')),
    sa.UniqueConstraint('survivor_id', 'idempotency_key', name=op.f('uq_help_request_survivor_id'))
    )
    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_request_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_request_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_request_escalate_at'), ['escalate_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_request_status'), ['status'], unique=False)

    # Existing organisations and staff get the defaults (ORGANISATION_DEFAULTS; nobody on duty).
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('help_escalate_now_minutes', sa.Integer(), nullable=False, server_default='30'))
        batch_op.add_column(sa.Column('help_escalate_today_hours', sa.Integer(), nullable=False, server_default='4'))
        batch_op.add_column(sa.Column('help_escalate_week_days', sa.Integer(), nullable=False, server_default='2'))
        batch_op.add_column(sa.Column('help_retention_days', sa.Integer(), nullable=False, server_default='90'))

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_duty', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('on_duty')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('help_retention_days')
        batch_op.drop_column('help_escalate_week_days')
        batch_op.drop_column('help_escalate_today_hours')
        batch_op.drop_column('help_escalate_now_minutes')

    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_request_status'))
        batch_op.drop_index(batch_op.f('ix_help_request_escalate_at'))
        batch_op.drop_index(batch_op.f('ix_help_request_closed_at'))
        batch_op.drop_index(batch_op.f('ix_help_request_assigned_to_id'))

    op.drop_table('help_request')