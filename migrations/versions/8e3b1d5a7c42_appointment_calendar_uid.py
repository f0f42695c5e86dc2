"""appointment: the UID of her calendar's copy, kept from the first download

Revision ID: 8e3b1d5a7c42
Revises: 7d3e9a1c5b42
Create Date: 2026-11-30 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e3b1d5a7c42'
down_revision = '7d3e9a1c5b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_uid', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('calendar_uid')
