"""the directory's version, so each process keeps its copy until it changes

Revision ID: 7d3e9a1c5b42
Revises: 3f1a2b7c9d10
Create Date: 2026-11-30 02:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3e9a1c5b42'
down_revision = '3f1a2b7c9d10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'directory_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_state')),
    )


def downgrade():
    op.drop_table('directory_state')
