"""an index on tasks(account_id, status): every submit counts the account's tasks in flight

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_tasks_account_status', 'tasks', ['account_id', 'status'])


def downgrade() -> None:
    op.drop_index('ix_tasks_account_status', table_name='tasks')
