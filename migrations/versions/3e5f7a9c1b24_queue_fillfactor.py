"""the queues keep room on each page, so claiming a row rewrites it in place

Revision ID: 3e5f7a9c1b24
Revises: 5a7c9e1b3d20
Create Date: 2026-12-01 09:40:00

"""
from alembic import op


revision = '3e5f7a9c1b24'
down_revision = '5a7c9e1b3d20'
branch_labels = None
depends_on = None

QUEUES = ("push_message", "appointment_reminder")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in QUEUES:
            op.execute(f"ALTER TABLE {table} SET (fillfactor = 50)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in QUEUES:
            op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
