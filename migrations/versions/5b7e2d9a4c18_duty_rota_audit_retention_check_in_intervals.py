"""duty rota by weekday and hours, the audit log's retention, check-in intervals

Revision ID: 5b7e2d9a4c18
Revises: 3f1a9c2b7d10
Create Date: 2026-11-29 23:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e2d9a4c18'
down_revision = '3f1a9c2b7d10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duty_shift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts_minute', sa.Integer(), nullable=False),
    sa.Column('ends_minute', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_duty_shift_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_duty_shift_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_shift'))
    )
    with op.batch_alter_table('duty_shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_shift_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_shift_staff_id'), ['staff_id'], unique=False)

    op.create_table('duty_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('starts_minute', sa.Integer(), nullable=True),
    sa.Column('ends_minute', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_duty_exception_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_duty_exception_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_exception'))
    )
    with op.batch_alter_table('duty_exception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_exception_on_date'), ['on_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_exception_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_exception_staff_id'), ['staff_id'], unique=False)

    # Whoever was switched on duty stays on duty: every day, all day, until a supervisor sets hours.
    for weekday in range(7):
        op.execute(
            "INSERT INTO duty_shift (organisation_id, staff_id, weekday, starts_minute, ends_minute) "
            f"SELECT organisation_id, id, {weekday}, 0, 1440 FROM staff WHERE on_duty = true"
        )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('on_duty')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_interval_crisis_days', sa.Integer(), nullable=False, server_default='14'))
        batch_op.add_column(sa.Column('checkin_interval_transition_days', sa.Integer(), nullable=False, server_default='7'))
        batch_op.add_column(sa.Column('checkin_interval_inclusion_days', sa.Integer(), nullable=False, server_default='30'))
        batch_op.add_column(sa.Column('audit_retention_days', sa.Integer(), nullable=False, server_default='730'))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('audit_retention_days')
        batch_op.drop_column('checkin_interval_inclusion_days')
        batch_op.drop_column('checkin_interval_transition_days')
        batch_op.drop_column('checkin_interval_crisis_days')

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_duty', sa.Boolean(), nullable=False, server_default=sa.false()))
    # The switch comes back on for anyone who had any shift in the rota.
    op.execute("UPDATE staff SET on_duty = true WHERE id IN (SELECT staff_id FROM duty_shift)")

    with op.batch_alter_table('duty_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_exception_staff_id'))
        batch_op.drop_index(batch_op.f('ix_duty_exception_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_duty_exception_on_date'))
    op.drop_table('duty_exception')

    with op.batch_alter_table('duty_shift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_shift_staff_id'))
        batch_op.drop_index(batch_op.f('ix_duty_shift_organisation_id'))
    op.drop_table('duty_shift')
