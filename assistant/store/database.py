"""The SQLite side of the index: schema, manifest and connection handling."""

import hashlib
import json
import os
import sqlite3
from datetime import datetime, timezone

from assistant.errors import CorruptIndexError

# 2: articles.text_hash, to find the same article filed twice.
SCHEMA_VERSION = 2
DB_NAME = "index.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS manifest (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- One row per file indexed; size and mtime let an update skip unchanged files unread.
CREATE TABLE IF NOT EXISTS sources (
    path       TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    mtime_ns   INTEGER NOT NULL,
    sha256     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    public_id    TEXT NOT NULL,
    source_path  TEXT NOT NULL,
    title        TEXT,
    source       TEXT,
    date         TEXT,
    url          TEXT,
    text         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    indexed_at   TEXT NOT NULL,
    text_hash    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS articles_by_source ON articles(source_path);
CREATE INDEX IF NOT EXISTS articles_by_text ON articles(text_hash);
-- passages.id is also the FAISS vector id.
CREATE TABLE IF NOT EXISTS passages (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    paragraph  INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    text_hash  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_by_article ON passages(article_id);
CREATE INDEX IF NOT EXISTS passages_by_hash ON passages(text_hash);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    body, tokenize = 'unicode61 remove_diacritics 2'
);
"""


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def connect(path: str, create: bool = False) -> sqlite3.Connection:
    """Open the database; WAL lets readers keep answering while an update writes."""
    uri = f"file:{path}?mode={'rwc' if create else 'rw'}"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                               timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL" if not create else "PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as e:
        raise CorruptIndexError(
            f"database {path} is damaged ({e}); rebuild with: assistant index --rebuild"
        ) from None
    return conn


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


def text_hash(text: str) -> str:
    """The hash that identifies a passage's or an article's text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE articles ADD COLUMN text_hash TEXT NOT NULL DEFAULT ''")
    rows = conn.execute("SELECT id, text FROM articles").fetchall()
    conn.executemany("UPDATE articles SET text_hash = ? WHERE id = ?",
                     [(text_hash(t), i) for i, t in rows])


# MIGRATIONS[v] turns a version-v database into version v + 1.
MIGRATIONS = {1: _v1_to_v2}


def migrate(conn: sqlite3.Connection, manifest: dict[str, str]) -> None:
    """Bring an older database up to SCHEMA_VERSION in one transaction. Readers
    can read every older version, so only writers migrate."""
    version = int(manifest.get("schema_version", "0"))
    if version >= SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for v in range(version, SCHEMA_VERSION):
            MIGRATIONS[v](conn)
        write_manifest(conn, {"schema_version": str(SCHEMA_VERSION)})
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    manifest["schema_version"] = str(SCHEMA_VERSION)


def has_manifest(path: str) -> bool:
    """True when the database at ``path`` exists and holds a manifest (a first
    build that crashed leaves none). A damaged one counts as there, so that
    opening it reports the damage with recovery advice."""
    if not os.path.exists(path):
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM manifest").fetchone()[0] > 0
        finally:
            conn.close()
    except sqlite3.Error:
        return True


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """How many articles and passages the database holds."""
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    return int(articles), int(passages)


def read_manifest(conn: sqlite3.Connection, path: str) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT key, value FROM manifest").fetchall())
    except sqlite3.DatabaseError as e:
        raise CorruptIndexError(
            f"database {path} is damaged or not an index ({e}); "
            "rebuild with: assistant index --rebuild"
        ) from None


def write_manifest(conn: sqlite3.Connection, values: dict[str, object]) -> None:
    conn.executemany(
        "INSERT INTO manifest(key, value) VALUES(?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in values.items()],
    )


def check_schema(manifest: dict[str, str], path: str) -> None:
    try:
        version = int(manifest.get("schema_version", "0"))
    except ValueError:
        version = -1
    if version > SCHEMA_VERSION:
        raise CorruptIndexError(
            f"index {path} has schema version {version}, newer than this assistant "
            f"understands ({SCHEMA_VERSION}); upgrade assistant, or rebuild with: "
            "assistant index --rebuild"
        )
    if version < 1:
        raise CorruptIndexError(
            f"database {path} has no valid index manifest; rebuild with: assistant index --rebuild"
        )
