"""case milestones for the figures, and a closed case on the survivor

Revision ID: 3f1a9c2b7d10
Revises: 9d4ce6c541f2
Create Date: 2026-11-29 22:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1a9c2b7d10'
down_revision = '9d4ce6c541f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('survivor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=True),
    sa.Column('previous_stage', sa.String(length=20), nullable=True),
    sa.Column('days_in_previous_stage', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_case_event_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survivor_id'], ['survivor.id'], name=op.f('fk_case_event_survivor_id_survivor'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event'))
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_event_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_event_survivor_id'), ['survivor_id'], unique=False)

    with op.batch_alter_table('survivor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closure_reason', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_survivor_closed_at'), ['closed_at'], unique=False)

    # Cases already open count as opened when their record was made.
    op.execute(
        "INSERT INTO case_event (organisation_id, survivor_id, kind, at, stage) "
        "SELECT organisation_id, id, 'opened', created_at, 'crisis' FROM survivor"
    )


def downgrade():
    with op.batch_alter_table('survivor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survivor_closed_at'))
        batch_op.drop_column('closure_reason')
        batch_op.drop_column('closed_at')

    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_event_survivor_id'))
        batch_op.drop_index(batch_op.f('ix_case_event_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_case_event_at'))

    op.drop_table('case_event')
