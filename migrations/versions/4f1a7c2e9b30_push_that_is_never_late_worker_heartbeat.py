"""push that is never late: message expiry and topic, subscription problems, worker heartbeat

Revision ID: 4f1a7c2e9b30
Revises: 5b7e2d9a4c18
Create Date: 2026-11-29 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f1a7c2e9b30'
down_revision = '5b7e2d9a4c18'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('worker_heartbeat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('beat_at', sa.DateTime(), nullable=False),
    sa.Column('rounds', sa.Integer(), nullable=False),
    sa.Column('interval_seconds', sa.Integer(), nullable=False),
    sa.Column('last_round', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_heartbeat')),
    sa.UniqueConstraint('worker', name=op.f('uq_worker_heartbeat_worker'))
    )
    with op.batch_alter_table('worker_heartbeat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_heartbeat_beat_at'), ['beat_at'], unique=False)

    with op.batch_alter_table('push_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('topic', sa.String(length=32), nullable=True))

    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problem', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('problem_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.drop_column('problem_at')
        batch_op.drop_column('problem')

    with op.batch_alter_table('push_message', schema=None) as batch_op:
        batch_op.drop_column('topic')
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('worker_heartbeat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_heartbeat_beat_at'))

    op.drop_table('worker_heartbeat')
