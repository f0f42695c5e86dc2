"""indexes for the caseload's last check-in and next appointment of every person

Revision ID: 7c2d4e6f8a10
Revises: 8e3b1d5a7c42
Create Date: 2026-11-30 02:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c2d4e6f8a10'
down_revision = '8e3b1d5a7c42'
branch_labels = None
depends_on = None


def upgrade():
    # Each composite index starts with the column the single one indexed, so it replaces it.
    op.create_index('ix_check_in_plan_id_held_on', 'check_in', ['plan_id', 'held_on'], unique=False)
    op.drop_index('ix_check_in_plan_id', table_name='check_in')
    op.create_index('ix_appointment_survivor_id_starts_at', 'appointment', ['survivor_id', 'starts_at'], unique=False)
    op.drop_index('ix_appointment_survivor_id', table_name='appointment')


def downgrade():
    op.create_index('ix_appointment_survivor_id', 'appointment', ['survivor_id'], unique=False)
    op.drop_index('ix_appointment_survivor_id_starts_at', table_name='appointment')
    op.create_index('ix_check_in_plan_id', 'check_in', ['plan_id'], unique=False)
    op.drop_index('ix_check_in_plan_id_held_on', table_name='check_in')
