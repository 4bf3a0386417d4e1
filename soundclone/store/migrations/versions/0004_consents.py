"""consent records (OpenAI dialect) and what a voice keeps of its making: label, consent, speaker score, dialect

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'consents',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=256), nullable=False),
        sa.Column('language', sa.String(length=35), nullable=False),
        sa.Column('phrase', sa.Text(), nullable=False),
        sa.Column('transcript', sa.Text(), nullable=False),
        sa.Column('phrase_distance', sa.Float(), nullable=False),
        sa.Column('voice_print', sa.JSON(), nullable=False),
        sa.Column('recording_key', sa.String(length=300), nullable=False),
        sa.Column('recording_sha256', sa.String(length=64), nullable=False),
        sa.Column('task_id', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('task_id', name='uq_consents_task_id'),
    )
    with op.batch_alter_table('consents') as batch:
        batch.create_index('ix_consents_account_id', ['account_id'], unique=False)
    with op.batch_alter_table('voices') as batch:
        batch.add_column(sa.Column('label', sa.String(length=256), nullable=True))
        batch.add_column(sa.Column('consent_id', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('speaker_score', sa.Float(), nullable=True))
        batch.add_column(sa.Column('dialect', sa.String(length=16), nullable=True))
        batch.create_index('ix_voices_consent_id', ['consent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('voices') as batch:
        batch.drop_index('ix_voices_consent_id')
        batch.drop_column('dialect')
        batch.drop_column('speaker_score')
        batch.drop_column('consent_id')
        batch.drop_column('label')
    op.drop_table('consents')
