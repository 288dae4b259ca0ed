"""Where an index lives: a folder (SQLite + FAISS, the default) or a PostgreSQL
database named by a ``postgresql://`` URL. Opening one picks its store; the
Postgres store (psycopg, pgvector) is imported only for a URL."""

import os

from assistant.masking import mask
from assistant.store.interface import IndexStoreReader, IndexStoreWriter

URL_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str | None) -> bool:
    return bool(location) and location.lower().startswith(URL_SCHEMES)  # type: ignore[union-attr]


def redact(location: str) -> str:
    """The location as it may be shown: a URL without its password."""
    return mask(location)


def secrets_of(location: str) -> list[str]:
    """The passwords in a URL and in PGPASSWORD: text that must never be shown."""
    from urllib.parse import parse_qsl, urlsplit

    found = []
    try:
        parts = urlsplit(location)
        found += [parts.password or ""]
        found += [v for k, v in parse_qsl(parts.query) if "pass" in k.lower()]
    except ValueError:
        pass
    found.append(os.environ.get("PGPASSWORD", ""))
    return [s for s in found if s]


def scrub(text: str, location: str) -> str:
    """``text`` (an error message) with the location's secrets taken out."""
    return mask(text.replace(location, redact(location)), secrets_of(location))


def open_reader(location: str) -> IndexStoreReader:
    if is_postgres(location):
        from assistant.store.postgres.reader import PostgresReader

        return PostgresReader(location)
    from assistant.store.index import IndexReader

    return IndexReader(location)


def open_writer(location: str, model_id: str, dim: int, **options) -> IndexStoreWriter:
    """One update of the index at ``location`` (options as for ``IndexWriter``)."""
    if is_postgres(location):
        from assistant.store.postgres.writer import PostgresWriter

        return PostgresWriter(location, model_id, dim, **options)
    from assistant.store.writer import IndexWriter

    return IndexWriter(location, model_id, dim, **options)


def has_committed_index(location: str) -> bool:
    """True when ``location`` holds an index that an update has committed."""
    if is_postgres(location):
        from assistant.store.postgres.connection import has_committed_index as pg_has

        return pg_has(location)
    from assistant.store.index import has_committed_index as local_has

    return local_has(location)


def recorded_model(location: str) -> str | None:
    """The model id the index at ``location`` records, read cheaply before the
    index is opened; None where that is not cheap (a database server) or there
    is none."""
    if is_postgres(location):
        return None
    from assistant.store.index import recorded_model as local_model

    return local_model(location)
