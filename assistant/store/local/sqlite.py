"""The SQLite side of the index: schema, manifest and connection handling."""

import json
import os
import sqlite3
from collections.abc import Mapping

from assistant.config.own_files import DB_NAME as DB_NAME
from assistant.errors import (
    AssistantError,
    CorruptIndexError,
    DiskFullError,
    IndexPermissionError,
    error_for_os,
)
from assistant.store.manifest import REBUILD, SCHEMA_VERSION
from assistant.store.records import text_hash

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
-- passages.id is also the FAISS vector id. text is what is cited; context
-- (title, lead) is embedded and keyword-indexed with it; text_hash is the hash
-- of what was embedded, so a vector is reused only for the same context + text.
CREATE TABLE IF NOT EXISTS passages (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    paragraph  INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    context    TEXT NOT NULL DEFAULT '',
    page       INTEGER,
    sentences  BLOB,
    ocr        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS passages_by_article ON passages(article_id);
CREATE INDEX IF NOT EXISTS passages_by_hash ON passages(text_hash);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
    body, tokenize = 'unicode61 remove_diacritics 2'
);
"""


# SQLite's primary result codes, grouped by what the user can do about them.
_DAMAGED = {11, 24, 26}  # SQLITE_CORRUPT, SQLITE_FORMAT, SQLITE_NOTADB
_FULL = {13}  # SQLITE_FULL
_NO_ACCESS = {3, 8, 14, 23}  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_AUTH


def user_error(e: BaseException, path: str) -> AssistantError | None:
    """The user-facing error for an SQLite or OS error on the database at ``path``."""
    if isinstance(e, OSError):
        return error_for_os(e, os.path.dirname(os.path.abspath(path)))
    if not isinstance(e, sqlite3.Error):
        return None
    code = (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(e)
    if code in _DAMAGED or "malformed" in text or "not a database" in text:
        return CorruptIndexError(f"database {path} is damaged ({text}); {REBUILD}")
    if code in _FULL or "database or disk is full" in text:
        return DiskFullError(f"the disk holding {path} is full; free some space and run the "
                             "command again (the index is unchanged)")
    if code in _NO_ACCESS or "readonly" in text:
        return IndexPermissionError(
            f"cannot open {path} for writing ({text}): the index folder is read-only or not "
            "yours; the index itself is fine. Give write access, or use another --index-dir")
    return None


def raise_user_error(e: BaseException, path: str) -> None:
    """Re-raise ``e`` as the user-facing error it stands for, if any."""
    err = user_error(e, path)
    if err is not None:
        raise err from e


def _read_only_fs(path: str) -> bool:
    try:
        return bool(os.statvfs(os.path.dirname(os.path.abspath(path))).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _has_wal(path: str) -> bool:
    """A write-ahead log with commits not yet in the main file (an update that
    was killed): an immutable open would not see them."""
    try:
        return os.path.getsize(path + "-wal") > 0
    except OSError:
        return False


def connect(path: str, create: bool = False) -> sqlite3.Connection:
    """Open the database; WAL lets readers keep answering while an update writes.

    On a read-only file system nobody can write, so the index is opened as an
    immutable file: answering needs no lock or WAL there."""
    uri = f"file:{path}?mode={'rwc' if create else 'rw'}"
    if not create and _read_only_fs(path) and not _has_wal(path):
        uri = f"file:{path}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                               timeout=30)
        if "immutable" not in uri:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL" if not create else "PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except (sqlite3.Error, OSError) as e:
        raise_user_error(e, path)
        raise CorruptIndexError(f"database {path} cannot be opened ({e}); {REBUILD}") from None
    return conn


def integrity_problems(conn: sqlite3.Connection, path: str) -> list[str]:
    """SQLite's own checks of every page and of the keyword index (empty: sound)."""
    problems = []
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        if rows != ["ok"]:
            problems.append(f"database {path} is damaged: " + "; ".join(map(str, rows))[:300])
    except sqlite3.Error as e:
        problems.append(f"database {path} is damaged: {e}")
    try:
        conn.execute("INSERT INTO passages_fts(passages_fts, rank) VALUES('integrity-check', 1)")
    except sqlite3.Error as e:
        problems.append(f"keyword index in {path} is damaged: {e}")
    return problems


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE articles ADD COLUMN text_hash TEXT NOT NULL DEFAULT ''")
    rows = conn.execute("SELECT id, text FROM articles").fetchall()
    conn.executemany("UPDATE articles SET text_hash = ? WHERE id = ?",
                     [(text_hash(t), i) for i, t in rows])


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    # Stored vectors were embedded from the bare text: an empty context says so.
    # Articles pick up their context when they change or on --rebuild.
    conn.execute("ALTER TABLE passages ADD COLUMN context TEXT NOT NULL DEFAULT ''")


def _v3_to_v4(conn: sqlite3.Connection) -> None:
    # Until now no PDF could be indexed: every stored passage has no page.
    conn.execute("ALTER TABLE passages ADD COLUMN page INTEGER")


def _v4_to_v5(conn: sqlite3.Connection) -> None:
    # Passages indexed before have no sentence vectors: their sentences are
    # embedded when a question cites them, as before, until they change or
    # the index is rebuilt.
    conn.execute("ALTER TABLE passages ADD COLUMN sentences BLOB")


def _v5_to_v6(conn: sqlite3.Connection) -> None:
    # Until now no page was read by OCR (a PDF without text was skipped).
    if "ocr" not in {r[1] for r in conn.execute("PRAGMA table_info(passages)")}:
        conn.execute("ALTER TABLE passages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0")


# MIGRATIONS[v] turns a version-v database into version v + 1.
MIGRATIONS = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5, 5: _v5_to_v6}


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
        row = _peek(path, "SELECT count(*) FROM manifest")
        return row is not None and row[0] > 0
    except sqlite3.Error:
        return True


def recorded_model(path: str) -> str | None:
    """The model id the database at ``path`` records, read without opening the
    index (None when there is none to read: the reader reports why)."""
    try:
        row = _peek(path, "SELECT value FROM manifest WHERE key = 'model_id'")
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _peek(path: str, sql: str) -> tuple | None:
    """One row of a read-only query on a connection of its own."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()
    finally:
        conn.close()


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """How many articles and passages the database holds."""
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    return int(articles), int(passages)


def read_manifest(conn: sqlite3.Connection, path: str) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT key, value FROM manifest").fetchall())
    except sqlite3.Error as e:
        err = user_error(e, path)
        if err is not None and not isinstance(err, CorruptIndexError):
            raise err from None
        raise CorruptIndexError(f"database {path} is damaged or not an index ({e}); {REBUILD}") \
            from None


def write_manifest(conn: sqlite3.Connection, values: Mapping[str, object]) -> None:
    conn.executemany(
        "INSERT INTO manifest(key, value) VALUES(?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in values.items()],
    )


