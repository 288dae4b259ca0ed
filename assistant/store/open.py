"""Where an index lives: a folder (SQLite + FAISS, the default) or a PostgreSQL
database named by a ``postgresql://`` URL. Opening one picks its store; the
Postgres store (psycopg, pgvector) is imported only for a URL."""


from typing import Any

from assistant.store.interface import StoreReader, StoreWriter
from assistant.store.urls import is_postgres


def open_reader(location: str) -> StoreReader:
    if is_postgres(location):
        from assistant.store.postgres.reader import PostgresReader

        return PostgresReader(location)
    from assistant.store.local.reader import LocalReader

    return LocalReader(location)


def open_writer(location: str, model_id: str, dim: int, **options: Any) -> StoreWriter:
    """One update of the index at ``location`` (options as for ``LocalWriter``)."""
    if is_postgres(location):
        from assistant.store.postgres.writer import PostgresWriter

        return PostgresWriter(location, model_id, dim, **options)
    from assistant.store.local.writer import LocalWriter

    return LocalWriter(location, model_id, dim, **options)


def has_committed_index(location: str) -> bool:
    """True when ``location`` holds an index that an update has committed."""
    if is_postgres(location):
        from assistant.store.postgres.connection import has_committed_index as pg_has

        return pg_has(location)
    from assistant.store.local.reader import has_committed_index as local_has

    return local_has(location)


def recorded_model(location: str) -> str | None:
    """The model id the index at ``location`` records, read cheaply before the
    index is opened; None where that is not cheap (a database server) or there
    is none."""
    if is_postgres(location):
        return None
    from assistant.store.local.reader import recorded_model as local_model

    return local_model(location)
