"""directory: the organisation that keeps each service, services an organisation hides for its own people, reports of wrong details, and HSDS eligibility, fees, how to apply and alerts; appointments' length and calendar SEQUENCE, the organisation's usual length and calendar words

Revision ID: 5c1e7a9b3d20
Revises: 4f1a7c2e9b30
Create Date: 2026-11-29 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e7a9b3d20'
down_revision = '4f1a7c2e9b30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duration_minutes', sa.Integer(), nullable=False, server_default='60'))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_minutes', sa.Integer(), nullable=False, server_default='60'))
        batch_op.add_column(sa.Column('calendar_text', sa.String(length=40), nullable=True))
    with op.batch_alter_table('directory_service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eligibility_description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('fees_description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('application_process', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('alert', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('keeper_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_directory_service_keeper_id'), ['keeper_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_directory_service_keeper_id_organisation'), 'organisation', ['keeper_id'], ['id'], ondelete='SET NULL')
    op.create_table('directory_service_hidden',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('hidden_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_directory_service_hidden_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_service_hidden_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'service_id', name=op.f('pk_directory_service_hidden'))
    )
    with op.batch_alter_table('directory_service_hidden', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_service_hidden_service_id'), ['service_id'], unique=False)
    op.create_table('directory_service_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_service_report_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_service_report'))
    )
    with op.batch_alter_table('directory_service_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_service_report_service_id'), ['service_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('calendar_text')
        batch_op.drop_column('appointment_minutes')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('sequence')
        batch_op.drop_column('duration_minutes')
    with op.batch_alter_table('directory_service_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_service_report_service_id'))
    op.drop_table('directory_service_report')
    with op.batch_alter_table('directory_service_hidden', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_service_hidden_service_id'))
    op.drop_table('directory_service_hidden')
    with op.batch_alter_table('directory_service', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_directory_service_keeper_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_directory_service_keeper_id'))
        batch_op.drop_column('keeper_id')
        batch_op.drop_column('alert')
        batch_op.drop_column('application_process')
        batch_op.drop_column('fees_description')
        batch_op.drop_column('eligibility_description')
