"""Connections, the schema, errors as the user sees them, and the writer lock."""

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import psycopg
from psycopg import errors as pgerr

from assistant.errors import (
    AssistantError,
    CorruptIndexError,
    DiskFullError,
    IndexBusyError,
    IndexPermissionError,
    NoIndexError,
)
from assistant.store.urls import redact, scrub

SCHEMA = "assistant"
# The writer lock: a session advisory lock, one per database (the server drops
# it when the holder's connection ends, so a killed update never leaves it behind).
LOCK_KEY = 0x61_7373_6973_7400  # "assist"


# Passage columns of later schemas, added empty to an index made before them:
# 5, the vectors of a passage's sentences (store/sentence_vectors.py); 6,
# whether OCR read the passage's page.
ADDED_COLUMNS = ("sentences bytea", "ocr boolean NOT NULL DEFAULT false")

# The tables, made once (``{SCHEMA}``, the vectors' ``{dim}`` and the later
# schemas' ``{added_columns}`` filled in by ``ddl``).
DDL = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.manifest (
    key   text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.sources (
    path     text PRIMARY KEY,
    size     bigint NOT NULL,
    mtime_ns bigint NOT NULL,
    sha256   text NOT NULL
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.articles (
    id           bigserial PRIMARY KEY,
    key          text NOT NULL UNIQUE,
    public_id    text NOT NULL,
    source_path  text NOT NULL,
    title        text,
    source       text,
    date         text,
    url          text,
    text         text NOT NULL,
    content_hash text NOT NULL,
    indexed_at   text NOT NULL,
    text_hash    text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS articles_by_source ON {SCHEMA}.articles(source_path);
CREATE INDEX IF NOT EXISTS articles_by_text ON {SCHEMA}.articles(text_hash);
CREATE INDEX IF NOT EXISTS articles_by_public_id ON {SCHEMA}.articles(public_id);
CREATE TABLE IF NOT EXISTS {SCHEMA}.passages (
    id         bigint PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES {SCHEMA}.articles(id) ON DELETE CASCADE,
    ordinal    integer NOT NULL,
    paragraph  integer NOT NULL,
    start      integer NOT NULL,
    "end"      integer NOT NULL,
    text       text NOT NULL,
    text_hash  text NOT NULL,
    context    text NOT NULL DEFAULT '',
    page       integer,
    body       text NOT NULL,
    tsv        tsvector NOT NULL,
    embedding  vector({dim}) NOT NULL,
    sentences  bytea
);
{added_columns}
-- How many passages hold each keyword term (as SQLite's fts5vocab gives it):
-- kept by every commit, so a question's term weights cost one lookup.
CREATE TABLE IF NOT EXISTS {SCHEMA}.terms (
    term text PRIMARY KEY,
    docs integer NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_by_article ON {SCHEMA}.passages(article_id);
CREATE INDEX IF NOT EXISTS passages_by_hash ON {SCHEMA}.passages(text_hash);
CREATE INDEX IF NOT EXISTS passages_tsv ON {SCHEMA}.passages USING gin(tsv);
"""


def ddl(dim: int) -> str:
    """The tables, made once. ``body`` holds a passage's keyword terms as the
    local store's FTS table does; ``tsv`` is the same terms as a tsvector."""
    added = "\n".join(f"ALTER TABLE {SCHEMA}.passages ADD COLUMN IF NOT EXISTS {column};"
                      for column in ADDED_COLUMNS)
    return DDL.format(SCHEMA=SCHEMA, dim=int(dim), added_columns=added)


# Made after the first rows are in (building the graph once is faster than
# growing it row by row); inner product, as the local store's FAISS index.
HNSW_INDEX = (f"CREATE INDEX IF NOT EXISTS passages_hnsw ON {SCHEMA}.passages "
              "USING hnsw (embedding vector_ip_ops) WITH (m = 16, ef_construction = 64)")


def connect(url: str) -> psycopg.Connection:
    """A connection in autocommit mode (transactions are explicit); credentials
    come from the URL or libpq's PG* variables and never reach a message."""
    with user_errors(url):
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10,
                               application_name="assistant")
    return conn


def register_vectors(conn: psycopg.Connection, url: str) -> None:
    """numpy arrays in and out of ``vector`` columns (needs the extension)."""
    from pgvector.psycopg import register_vector

    with user_errors(url):
        try:
            register_vector(conn)
        except psycopg.ProgrammingError:
            raise NoIndexError(f"no index in {redact(url)} (the database has no pgvector "
                               "extension yet); build one with: assistant index PATH "
                               f"--store URL") from None


def as_array(value: Any) -> np.ndarray:
    """A ``vector`` column's value (pgvector's Vector, or an array) as float32."""
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32)


def tsvector_literal(body: str) -> str:
    """A tsvector holding exactly the passage's keyword terms with their positions:
    the terms were made by the same analysis as the local store's (the language
    decides it), so Postgres must not analyze them again."""
    positions: dict[str, list[int]] = {}
    for pos, term in enumerate(terms_of(body), start=1):
        if len(term.encode()) < 2047:  # Postgres' limit for one lexeme
            positions.setdefault(term, []).append(min(pos, 16383))
    return " ".join(f"{quote_lexeme(t)}:{','.join(map(str, p[:256]))}"
                    for t, p in positions.items())


def terms_of(body: str) -> list[str]:
    """The keyword terms of a stored body, as the local store's FTS5 tokenizer
    reads them (the context mark between text and context is no term)."""
    return re.findall(r"\w+", body)


def quote_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_any(terms: list[str]) -> str:
    """A tsquery matching any of ``terms`` taken as they are."""
    return " | ".join(quote_lexeme(t) for t in terms)


def clean_text(value: str | None) -> str | None:
    """Postgres text cannot hold NUL; it becomes U+FFFD (same length, offsets hold)."""
    return value.replace("\x00", "\ufffd") if value else value


@contextmanager
def user_errors(url: str) -> Iterator[None]:
    """psycopg's errors as what they mean to the user, never with a password."""
    try:
        yield
    except AssistantError:
        raise
    except psycopg.Error as e:
        raise user_error(e, url) from None


def user_error(e: psycopg.Error, url: str) -> AssistantError:
    where = redact(url)
    text = scrub(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__, url)
    if isinstance(e, (pgerr.InvalidPassword, pgerr.InvalidAuthorizationSpecification,
                      pgerr.InsufficientPrivilege, pgerr.ReadOnlySqlTransaction)):
        return IndexPermissionError(f"the database {where} refused access ({text}); check the "
                                    "user and password (URL or PG* variables) and its rights")
    if isinstance(e, (pgerr.DiskFull, pgerr.OutOfMemory)):
        return DiskFullError(f"the database {where} is out of space ({text}); free some and "
                             "run the command again (the index is unchanged)")
    if isinstance(e, (pgerr.UndefinedTable, pgerr.InvalidSchemaName, pgerr.InvalidCatalogName)):
        return NoIndexError(f"no index in {where} ({text}); build one with: assistant index "
                            "PATH --store URL")
    if isinstance(e, (pgerr.DataCorrupted, pgerr.IndexCorrupted)):
        return CorruptIndexError(f"the index in {where} is damaged ({text}); rebuild with: "
                                 "assistant index --rebuild --store URL")
    if isinstance(e, psycopg.OperationalError):
        return NoIndexError(f"cannot reach the index database {where} ({text})")
    return AssistantError(f"the index database {where} failed ({type(e).__name__}: {text})")


def has_committed_index(url: str) -> bool:
    """True when the database holds a manifest (a first build that died leaves none)."""
    conn = connect(url)
    try:
        with user_errors(url):
            return bool(read_manifest(conn))
    finally:
        conn.close()


def scalar(conn: psycopg.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The one value a query returns."""
    return conn.execute(sql, params).fetchall()[0][0]


def read_manifest(conn: psycopg.Connection) -> dict[str, str]:
    """The manifest; empty when there is none (no tables yet, or a first build died)."""
    if scalar(conn, "SELECT to_regclass(%s)", (f"{SCHEMA}.manifest",)) is None:
        return {}
    return dict(conn.execute(f"SELECT key, value FROM {SCHEMA}.manifest").fetchall())


@contextmanager
def writer_lock(conn: psycopg.Connection, url: str, wait: bool = True,
                on_wait: Callable[[], object] | None = None) -> Iterator[None]:
    """Hold the database's writer lock for the duration of an update."""
    with user_errors(url):
        got = scalar(conn, "SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
        if not got:
            if not wait:
                raise IndexBusyError(
                    f"the index in {redact(url)} is being updated by another `assistant "
                    "index`; try again when it finishes (or leave out --no-wait to wait for it)")
            if on_wait:
                on_wait()
            conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    try:
        yield
    finally:
        if not conn.closed:
            try:
                conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
            except psycopg.Error:
                pass  # closing the connection releases it as well
