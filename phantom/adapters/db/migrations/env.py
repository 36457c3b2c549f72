"""Alembic environment, async-aware. Run through phantom.adapters.db.migrate (no alembic.ini needed).

The URL comes from `config.attributes["url"]` (set by migrate.py) or the `sqlalchemy.url` option. A caller
may instead pass an open sync Connection as `config.attributes["connection"]` (tests do).
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from phantom.adapters.db import (
    tables_auth,  # noqa: F401  (registers the auth tables on `metadata`)
    tables_profiles,  # noqa: F401  (registers the profile table)
    tables_proxies,  # noqa: F401  (registers the proxy tables)
    tables_tasks,  # noqa: F401  (registers tasks, attempts, rules, inbound channels)
)
from phantom.adapters.db.engine import create_db_engine, is_sqlite
from phantom.adapters.db.tables import metadata

config = context.config


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: use phantom.adapters.db.migrate.upgrade(url)")
    return str(url)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        compare_server_default=True,
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    # The app's own engine factory: SQLite gets WAL, busy_timeout and BEGIN IMMEDIATE here too.
    engine = create_db_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=is_sqlite(url),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async(_url()))


if context.is_offline_mode():
    run_offline()
else:
    run_online()
