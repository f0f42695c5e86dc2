"""duty rota by weekday and hours, the audit log's retention

Revision ID: 5b7e2d9a4c18
Revises: 5c2e8d41a7b3
Create Date: 2026-11-29 23:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e2d9a4c18'
down_revision = '5c2e8d41a7b3'
branch_labels = None
depends_on = None


def upgrade():
    # Columns are added and dropped in place (SQLite 3.35 and later can): a batch copy would drop
    # and recreate ``staff`` and ``organisation``, which other tables' rows point at.
    on_duty = op.get_bind().execute(sa.text("SELECT id, organisation_id FROM staff WHERE on_duty = true")).all()
    op.drop_column('staff', 'on_duty')

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
    shifts = sa.table('duty_shift', sa.column('organisation_id'), sa.column('staff_id'), sa.column('weekday'), sa.column('starts_minute'), sa.column('ends_minute'))
    op.bulk_insert(shifts, [
        {'organisation_id': organisation_id, 'staff_id': staff_id, 'weekday': weekday, 'starts_minute': 0, 'ends_minute': 1440}
        for staff_id, organisation_id in on_duty for weekday in range(7)
    ])

    op.add_column('organisation', sa.Column('audit_retention_days', sa.Integer(), nullable=False, server_default='730'))


def downgrade():
    on_rota = op.get_bind().execute(sa.text("SELECT DISTINCT staff_id FROM duty_shift")).scalars().all()
    for column in ('audit_retention_days',):
        op.drop_column('organisation', column)

    with op.batch_alter_table('duty_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_exception_staff_id'))
        batch_op.drop_index(batch_op.f('ix_duty_exception_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_duty_exception_on_date'))
    op.drop_table('duty_exception')

    with op.batch_alter_table('duty_shift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_shift_staff_id'))
        batch_op.drop_index(batch_op.f('ix_duty_shift_organisation_id'))
    op.drop_table('duty_shift')

    op.add_column('staff', sa.Column('on_duty', sa.Boolean(), nullable=False, server_default=sa.false()))
    # The switch comes back on for anyone who had any shift in the rota.
    for staff_id in on_rota:
        op.execute(sa.text("UPDATE staff SET on_duty = true WHERE id = :id").bindparams(id=staff_id))
