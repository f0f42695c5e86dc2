"""staff for years (deactivation, password reset, second factor) and cases that close with approval

Revision ID: 5c2e8d41a7b3
Revises: 3f1a9c2b7d10
Create Date: 2026-11-29 23:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2e8d41a7b3'
down_revision = '3f1a9c2b7d10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_interval_crisis_days', sa.Integer(), nullable=False, server_default='14'))
        batch_op.add_column(sa.Column('checkin_interval_transition_days', sa.Integer(), nullable=False, server_default='7'))
        batch_op.add_column(sa.Column('checkin_interval_inclusion_days', sa.Integer(), nullable=False, server_default='30'))
        batch_op.add_column(sa.Column('closed_case_retention_days', sa.Integer(), nullable=False, server_default='180'))
        batch_op.add_column(sa.Column('closure_needs_approval', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('case_manager_two_factor', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('password_reset_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('password_reset_expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_counter', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('failed_code_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_unique_constraint(batch_op.f('uq_staff_password_reset_hash'), ['password_reset_hash'])

    with op.batch_alter_table('survivor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closure_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closure_requested_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_survivor_closure_requested_by_id_staff'), 'staff', ['closure_requested_by_id'], ['id'], ondelete='SET NULL'
        )

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_recovery_code_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_staff_id'), ['staff_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_staff_id'))
    op.drop_table('recovery_code')

    with op.batch_alter_table('survivor', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_survivor_closure_requested_by_id_staff'), type_='foreignkey')
        batch_op.drop_column('closure_requested_by_id')
        batch_op.drop_column('closure_requested_at')

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_staff_password_reset_hash'), type_='unique')
        batch_op.drop_column('failed_code_attempts')
        batch_op.drop_column('totp_last_counter')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('password_reset_expires_at')
        batch_op.drop_column('password_reset_hash')
        batch_op.drop_column('deactivated_at')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('case_manager_two_factor')
        batch_op.drop_column('closure_needs_approval')
        batch_op.drop_column('closed_case_retention_days')
        batch_op.drop_column('checkin_interval_inclusion_days')
        batch_op.drop_column('checkin_interval_transition_days')
        batch_op.drop_column('checkin_interval_crisis_days')
