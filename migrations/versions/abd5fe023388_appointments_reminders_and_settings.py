"""appointments, reminders, help line and retention settings

Appointments (title and place encrypted at rest), one reminder per appointment
and offset, and three organisation settings: the 24-hour help line, the
reminder offsets and how long past appointments are kept.

Revision ID: abd5fe023388
Revises: 752eb584e6e6
Create Date: 2026-11-22 10:14:18.218269

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'abd5fe023388'
down_revision = '752eb584e6e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survivor_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('title', sa.LargeBinary(), nullable=False),
    sa.Column('place', sa.LargeBinary(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cant_come_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_appointment_created_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survivor_id'], ['survivor.id'], name=op.f('fk_appointment_survivor_id_survivor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_survivor_id'), ['survivor_id'], unique=False)

    op.create_table('appointment_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('offset_minutes', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('claimed_by', sa.String(length=40), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_appointment_reminder_appointment_id_appointment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_reminder')),
    sa.UniqueConstraint('appointment_id', 'offset_minutes', name=op.f('uq_appointment_reminder_appointment_id'))
    )
    with op.batch_alter_table('appointment_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_reminder_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_reminder_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_reminder_status'), ['status'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helpline', sa.String(length=30), nullable=True))
        # Existing organisations start from the defaults in pwa/config.py.
        batch_op.add_column(sa.Column('reminder_hours', sa.String(length=40), nullable=False, server_default='24,2'))
        batch_op.add_column(sa.Column('appointment_retention_days', sa.Integer(), nullable=False, server_default='30'))



def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('appointment_retention_days')
        batch_op.drop_column('reminder_hours')
        batch_op.drop_column('helpline')

    with op.batch_alter_table('appointment_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_reminder_status'))
        batch_op.drop_index(batch_op.f('ix_appointment_reminder_due_at'))
        batch_op.drop_index(batch_op.f('ix_appointment_reminder_appointment_id'))

    op.drop_table('appointment_reminder')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_survivor_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_starts_at'))

    op.drop_table('appointment')
