"""service directory: providers, services, places, phones, weekly hours, languages, areas of help (HSDS 3)

Revision ID: e680894b65b1
Revises: ff884610d066
Create Date: 2026-11-22 09:45:15.472888

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e680894b65b1'
down_revision = 'ff884610d066'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('directory_organization',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_organization'))
    )
    op.create_table('directory_location',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('organization_id', sa.String(length=64), nullable=True),
    sa.Column('location_type', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('address_id', sa.String(length=64), nullable=True),
    sa.Column('address_1', sa.String(length=200), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('state_province', sa.String(length=100), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('address_type', sa.String(length=20), nullable=True),
    sa.Column('accessibility_id', sa.String(length=64), nullable=True),
    sa.Column('accessibility', sa.Text(), nullable=True),
    sa.Column('accessibility_en', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['directory_organization.id'], name=op.f('fk_directory_location_organization_id_directory_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_location'))
    )
    with op.batch_alter_table('directory_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_location_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_location_organization_id'), ['organization_id'], unique=False)

    op.create_table('directory_service',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('organization_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('alternate_name', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cost', sa.String(length=20), nullable=True),
    sa.Column('scope', sa.String(length=20), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['directory_organization.id'], name=op.f('fk_directory_service_organization_id_directory_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_service'))
    )
    with op.batch_alter_table('directory_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_service_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_service_status'), ['status'], unique=False)

    op.create_table('directory_language',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=True),
    sa.Column('name', sa.String(length=60), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_language_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_language'))
    )
    with op.batch_alter_table('directory_language', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_language_service_id'), ['service_id'], unique=False)

    op.create_table('directory_phone',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_phone_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_phone'))
    )
    with op.batch_alter_table('directory_phone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_phone_service_id'), ['service_id'], unique=False)

    op.create_table('directory_schedule',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('byday', sa.String(length=40), nullable=False),
    sa.Column('opens_at', sa.String(length=5), nullable=False),
    sa.Column('closes_at', sa.String(length=5), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_schedule_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_schedule'))
    )
    with op.batch_alter_table('directory_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_schedule_service_id'), ['service_id'], unique=False)

    op.create_table('directory_service_at_location',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('location_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['directory_location.id'], name=op.f('fk_directory_service_at_location_location_id_directory_location')),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_service_at_location_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_service_at_location')),
    sa.UniqueConstraint('service_id', 'location_id', name=op.f('uq_directory_service_at_location_service_id'))
    )
    with op.batch_alter_table('directory_service_at_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_service_at_location_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_service_at_location_service_id'), ['service_id'], unique=False)

    op.create_table('directory_service_category',
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('area', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_service_category_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'area', name=op.f('pk_directory_service_category'))
    )


def downgrade():
    op.drop_table('directory_service_category')
    with op.batch_alter_table('directory_service_at_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_service_at_location_service_id'))
        batch_op.drop_index(batch_op.f('ix_directory_service_at_location_location_id'))

    op.drop_table('directory_service_at_location')
    with op.batch_alter_table('directory_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_schedule_service_id'))

    op.drop_table('directory_schedule')
    with op.batch_alter_table('directory_phone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_phone_service_id'))

    op.drop_table('directory_phone')
    with op.batch_alter_table('directory_language', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_language_service_id'))

    op.drop_table('directory_language')
    with op.batch_alter_table('directory_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_service_status'))
        batch_op.drop_index(batch_op.f('ix_directory_service_organization_id'))

    op.drop_table('directory_service')
    with op.batch_alter_table('directory_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_location_organization_id'))
        batch_op.drop_index(batch_op.f('ix_directory_location_city'))

    op.drop_table('directory_location')
    op.drop_table('directory_organization')
