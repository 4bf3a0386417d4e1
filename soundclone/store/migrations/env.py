from alembic import context
from sqlalchemy import text

from soundclone.store.db import make_engine
from soundclone.store.models import Base

config = context.config

# Every `serve` and `worker` migrates at start, so on PostgreSQL replicas started together run migrations at once:
# without a lock both see the old revision and the second fails on objects the first just made. A transaction-level
# advisory lock makes them take turns; the second then finds the schema at head and does nothing.
MIGRATION_LOCK_ID = 0x50C1_0E7A   # any constant shared by every version of the service


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            context.run_migrations()
    engine.dispose()


run_migrations_online()
