"""files, caller-named voices with lifetimes, task numbers, per-key character counters, clone permission

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'files',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=32), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('blob_key', sa.String(length=300), nullable=False),
        sa.Column('duration_ms', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('files') as batch:
        batch.create_index('ix_files_account_id', ['account_id'], unique=False)
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('clone_enabled', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('voices') as batch:
        batch.add_column(sa.Column('name', sa.String(length=256), nullable=True))
        batch.add_column(sa.Column('lifetime_days', sa.Integer(), nullable=False, server_default='3'))
        batch.create_unique_constraint('uq_voices_account_name', ['account_id', 'name'])
    with op.batch_alter_table('tasks') as batch:
        batch.add_column(sa.Column('number', sa.BigInteger(), nullable=True))
        batch.create_unique_constraint('uq_tasks_number', ['number'])
    with op.batch_alter_table('rate_windows') as batch:
        batch.add_column(sa.Column('characters', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('rate_windows') as batch:
        batch.drop_column('characters')
    with op.batch_alter_table('tasks') as batch:
        batch.drop_constraint('uq_tasks_number', type_='unique')
        batch.drop_column('number')
    with op.batch_alter_table('voices') as batch:
        batch.drop_constraint('uq_voices_account_name', type_='unique')
        batch.drop_column('lifetime_days')
        batch.drop_column('name')
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('clone_enabled')
    op.drop_table('files')
