"""per-key request counters

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_windows',
        sa.Column('key_id', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.BigInteger(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['key_id'], ['api_keys.id'], ),
        sa.PrimaryKeyConstraint('key_id', 'window_start'),
    )


def downgrade() -> None:
    op.drop_table('rate_windows')
