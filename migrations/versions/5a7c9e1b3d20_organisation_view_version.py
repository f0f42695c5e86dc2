"""the organisation's view version: renewed with every change a page could show

Revision ID: 5a7c9e1b3d20
Revises: 7c2d4e6f8a10
Create Date: 2026-11-30 05:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5a7c9e1b3d20'
down_revision = '7c2d4e6f8a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('view_version', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('view_version')
