"""a voice's quality stage (draft, refined) and the speech kept until it is refined

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('voices') as batch:
        # voices made before drafts existed were enrolled in full
        batch.add_column(sa.Column('quality', sa.String(length=16), nullable=False, server_default='refined'))
        batch.add_column(sa.Column('reference_key', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('voices') as batch:
        batch.drop_column('reference_key')
        batch.drop_column('quality')
