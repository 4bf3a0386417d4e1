"""each task's watermark payload (tasks.mark_id), unique, so a marked file leads back to its task

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tasks') as batch:
        batch.add_column(sa.Column('mark_id', sa.BigInteger(), nullable=True))
        batch.create_unique_constraint('uq_tasks_mark_id', ['mark_id'])


def downgrade() -> None:
    with op.batch_alter_table('tasks') as batch:
        batch.drop_constraint('uq_tasks_mark_id', type_='unique')
        batch.drop_column('mark_id')
