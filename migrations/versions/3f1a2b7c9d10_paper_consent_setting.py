"""organisation setting: a paper copy of consent is signed too

Revision ID: 3f1a2b7c9d10
Revises: 5c1e7a9b3d20
Create Date: 2026-11-29 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1a2b7c9d10'
down_revision = '5c1e7a9b3d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_consent', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('paper_consent')
