"""the voice record (voice_events), protected voices, and the hash of each voice's source file

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('voices') as batch:
        batch.add_column(sa.Column('source_sha256', sa.String(length=64), nullable=True))
    op.create_table(
        'voice_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('event', sa.String(length=24), nullable=False),
        sa.Column('voice_id', sa.String(length=64), nullable=True),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=64), nullable=True),
        sa.Column('dialect', sa.String(length=16), nullable=True),
        sa.Column('source_sha256', sa.String(length=64), nullable=True),
        sa.Column('consent_id', sa.String(length=40), nullable=True),
        sa.Column('request_id', sa.String(length=64), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_voice_events_at', 'voice_events', ['at'])
    op.create_index('ix_voice_events_voice_id', 'voice_events', ['voice_id'])
    op.create_index('ix_voice_events_account_id', 'voice_events', ['account_id'])
    op.create_table(
        'protected_voices',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=256), nullable=False),
        sa.Column('voice_print', sa.JSON(), nullable=False),
        sa.Column('source_sha256', sa.String(length=64), nullable=False),
        sa.Column('source_name', sa.String(length=512), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('removed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_protected_voices_label', 'protected_voices', ['label'])


def downgrade() -> None:
    op.drop_table('protected_voices')
    op.drop_index('ix_voice_events_account_id', 'voice_events')
    op.drop_index('ix_voice_events_voice_id', 'voice_events')
    op.drop_index('ix_voice_events_at', 'voice_events')
    op.drop_table('voice_events')
    with op.batch_alter_table('voices') as batch:
        batch.drop_column('source_sha256')
