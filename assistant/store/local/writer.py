"""Updating an index directory: one writer at a time, one atomic commit per update.

See ``assistant.store.local.reader`` for the commit protocol that readers rely on.
"""

import json
import os
import sqlite3
from collections.abc import Callable
from types import TracebackType
from typing import Any

import numpy as np

from assistant.config.own_files import LOCK_NAME, vectors_name
from assistant.errors import CorruptIndexError, ModelMismatchError
from assistant.store.index_types import AUTO
from assistant.store.local import sqlite as db
from assistant.store.local import vectors as vec
from assistant.store.local.files import exclusive_lock
from assistant.store.local.reader import stale_generation_files
from assistant.store.manifest import check_manifest, has_sentences, next_manifest, now_iso, roots_of
from assistant.store.records import KeywordAnalyzer, NewArticle, text_hash


class LocalWriter:
    """One update of an index, holding the writer lock from open to close."""

    def __init__(self, directory: str, model_id: str, dim: int, rebuild: bool = False,
                 wait: bool = True, on_wait: Callable[[], object] | None = None,
                 analyzer: KeywordAnalyzer | None = None,
                 index_type: str | None = None) -> None:
        self.directory = directory
        # When the index was analyzed differently, the next commit re-derives
        # every FTS body from the stored passage texts.
        self.analyzer = analyzer
        self.db_path = os.path.join(directory, db.DB_NAME)
        try:
            os.makedirs(directory, exist_ok=True)
            self._lock = exclusive_lock(os.path.join(directory, LOCK_NAME), wait=wait,
                                        on_wait=on_wait)
            self._lock.__enter__()
        except OSError as e:
            db.raise_user_error(e, self.db_path)
            raise
        try:
            self._open(model_id, dim, rebuild, index_type)
        except BaseException as e:
            self._lock.__exit__(None, None, None)
            db.raise_user_error(e, self.db_path)
            raise

    def _open(self, model_id: str, dim: int, rebuild: bool, index_type: str | None) -> None:
        manifest: dict[str, str] = {}
        conn: sqlite3.Connection | None = None
        self.recorded_roots: list[str] = []  # the folders the index recorded, even when damaged
        self.had_index = False
        if os.path.exists(self.db_path):
            self.had_index = True  # until its manifest says it never committed
            try:
                conn = db.connect(self.db_path)
                manifest = db.read_manifest(conn, self.db_path)
                self.recorded_roots = roots_of(manifest)
                self.had_index = bool(manifest)
                if manifest:
                    check_manifest(manifest, self.db_path)
                if rebuild and manifest:
                    problems = db.integrity_problems(conn, self.db_path)
                    if problems:
                        raise CorruptIndexError("; ".join(problems))
            except CorruptIndexError:
                if not rebuild:
                    raise
                self._move_aside(conn)
                conn, manifest = None, {}
        self.conn = conn if conn is not None else db.connect(self.db_path, create=True)
        self.conn.execute("PRAGMA synchronous=FULL")
        if manifest and not rebuild and manifest["model_id"] != model_id:
            raise ModelMismatchError(
                f"the index in {self.directory} was built with model "
                f"'{manifest['model_id']}', not '{model_id}'; rebuild it with: "
                f"assistant index --rebuild --model {model_id.removeprefix('st:')}"
            )
        if manifest:
            db.migrate(self.conn, manifest)
        db.create_schema(self.conn)
        # A rebuild starts from empty contents but keeps counting generations and
        # ids, so the committed files stay valid until the rebuild commits.
        self.fresh = rebuild or not manifest
        self.manifest = manifest
        self.model_id, self.dim = model_id, dim
        self.generation = int(manifest.get("generation", "0"))
        self._clean_vector_files()
        self._vectors = None  # loaded on first use: an update with nothing to do never reads it
        requested = index_type or manifest.get("index_type", AUTO)
        if requested not in vec.INDEX_TYPES:
            raise ValueError(f"unknown index type {requested!r}")
        self.index_type = requested

    def _move_aside(self, conn: sqlite3.Connection | None) -> None:
        """A damaged (or too new) database cannot be reused: keep it beside as
        ``index.sqlite3.damaged`` and start a new one."""
        if conn is not None:
            conn.close()
        os.replace(self.db_path, self.db_path + ".damaged")
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.db_path + suffix):
                os.replace(self.db_path + suffix, self.db_path + ".damaged" + suffix)

    @property
    def location(self) -> str:
        return os.path.abspath(self.directory)

    @property
    def vectors(self) -> Any:  # a FAISS index (no type stubs)
        if self._vectors is None:
            if self.fresh:
                self._vectors = vec.new_index(self.dim)
            else:
                name = self.manifest["vectors_file"]
                vectors = vec.load_index(os.path.join(self.directory, name))
                count = self.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
                if vectors.ntotal != count or vectors.d != self.dim:
                    raise CorruptIndexError(
                        f"vector file {os.path.join(self.directory, name)} disagrees with the "
                        "database; rebuild with: assistant index --rebuild"
                    )
                self._vectors = vectors
        return self._vectors

    def _clean_vector_files(self) -> None:
        """Drop vector files no committed generation needs (left by a crash or older runs).

        The previous generation is kept so a reader that has just read the old
        manifest can still open its file.
        """
        keep = {vectors_name(self.generation), vectors_name(self.generation - 1)}
        for path in stale_generation_files(self.directory, keep):
            try:
                os.unlink(path)
            except OSError:
                pass

    # -- what is there --------------------------------------------------------------

    def article_count(self) -> int:
        """Articles in the database now (a rebuild's old contents included)."""
        return self.counts()[0]

    def sources(self, replaced: bool = False) -> dict[str, tuple[int, int, str]]:
        """path -> (size, mtime, sha256) of every indexed file; a rebuild has none,
        unless ``replaced`` asks for what the rebuild replaces."""
        if self.fresh and not replaced:
            return {}
        return {r[0]: (r[1], r[2], r[3]) for r in
                self.conn.execute("SELECT path, size, mtime_ns, sha256 FROM sources")}

    def articles_of(self, source_path: str) -> dict[str, tuple[int, str]]:
        """key -> (rowid, content hash) of the articles read from one file."""
        if self.fresh:
            return {}
        return {r[0]: (r[1], r[2]) for r in self.conn.execute(
            "SELECT key, id, content_hash FROM articles WHERE source_path = ?", (source_path,))}

    def articles_by_text(self) -> dict[str, tuple[int, str, str]]:
        """text hash -> (rowid, key, source path) of every indexed article."""
        if self.fresh:
            return {}
        return {r[0]: (r[1], r[2], r[3]) for r in self.conn.execute(
            "SELECT text_hash, id, key, source_path FROM articles")}

    def vectors_for_hashes(self, hashes: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of passages with these text hashes: unchanged text is never re-embedded."""
        if self.fresh or not hashes:
            return {}
        out: dict[str, np.ndarray] = {}
        uniq = list(dict.fromkeys(hashes))
        for i in range(0, len(uniq), 500):
            chunk = uniq[i:i + 500]
            rows = self.conn.execute(
                f"SELECT text_hash, min(id) FROM passages WHERE text_hash IN ({','.join('?' * len(chunk))}) "
                "GROUP BY text_hash", chunk).fetchall()
            for h, pid in rows:
                out[h] = self.vectors.reconstruct(int(pid))
        return out

    def sentences_for_hashes(self, hashes: list[str]) -> dict[str, bytes]:
        """Stored sentence vectors (packed) of passages with these text hashes."""
        if self.fresh or not hashes or not has_sentences(self.manifest):
            return {}
        out: dict[str, bytes] = {}
        uniq = list(dict.fromkeys(hashes))
        for i in range(0, len(uniq), 500):
            chunk = uniq[i:i + 500]
            out.update(self.conn.execute(
                f"SELECT text_hash, sentences FROM passages WHERE text_hash IN "
                f"({','.join('?' * len(chunk))}) AND sentences IS NOT NULL GROUP BY text_hash",
                chunk).fetchall())
        return out

    # -- the commit -----------------------------------------------------------------

    def commit(self, remove_articles: list[int], add: list[NewArticle], vectors: np.ndarray,
               sources_upsert: list[tuple[str, int, int, str]], sources_delete: list[str],
               roots: list[str], now: str | None = None, extra: dict | None = None) -> None:
        """Apply one update atomically. ``vectors`` holds one row per new passage, in order.

        The vector file of the next generation is written first; one SQLite
        transaction then changes the rows and points the manifest at it."""
        now = now or now_iso()
        removed_ids = self._passages_of(remove_articles)
        next_id = int(self.manifest.get("next_passage_id", "1"))
        n_new = sum(len(a.passages) for a in add)
        if vectors.shape[0] != n_new:
            raise ValueError(f"{n_new} passages but {vectors.shape[0]} vectors")
        new_ids = list(range(next_id, next_id + n_new))
        retyped = self.index_type != self.manifest.get("index_type", AUTO)
        changed = bool(removed_ids or n_new or remove_articles or self.fresh or retyped)
        generation = self.generation + 1 if changed else self.generation
        vector_meta = {}
        if changed:
            vector_meta = self._apply_vectors(removed_ids, new_ids, vectors)
            vec.save_index(self.vectors, os.path.join(self.directory, vectors_name(generation)))
        manifest = self._next_manifest(generation, next_id + n_new, roots, now,
                                       {**vector_meta, **(extra or {})})
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._write_rows(removed_ids, remove_articles, add, new_ids, sources_upsert,
                             sources_delete, now)
            db.write_manifest(conn, manifest)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (a full disk)
                conn.execute("ROLLBACK")
            raise
        if self.fresh:
            self.manifest = {}
        self.manifest.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in manifest.items()})
        self.generation = generation
        self.fresh = False
        self._clean_vector_files()

    def _passages_of(self, articles: list[int]) -> list[int]:
        """Passage (and vector) ids of these article rows."""
        if not articles or self.fresh:
            return []
        ids: list[int] = []
        for i in range(0, len(articles), 500):
            chunk = articles[i:i + 500]
            ids += [r[0] for r in self.conn.execute(
                f"SELECT id FROM passages WHERE article_id IN ({','.join('?' * len(chunk))})",
                chunk)]
        return ids

    def _write_rows(self, removed_ids: list[int], remove_articles: list[int],
                    add: list[NewArticle], new_ids: list[int],
                    sources_upsert: list[tuple[str, int, int, str]], sources_delete: list[str],
                    now: str) -> None:
        """The row changes of one commit (inside its transaction)."""
        conn = self.conn
        if self.fresh:
            for table in ("passages_fts", "passages", "articles", "sources", "manifest"):
                conn.execute(f"DELETE FROM {table}")
        for i in range(0, len(removed_ids), 500):
            chunk = removed_ids[i:i + 500]
            conn.execute(f"DELETE FROM passages_fts WHERE rowid IN ({','.join('?' * len(chunk))})", chunk)
        for i in range(0, len(remove_articles), 500):
            chunk = remove_articles[i:i + 500]
            conn.execute(f"DELETE FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        pid = iter(new_ids)
        passage_rows, fts_rows = [], []
        for a in add:
            cur = conn.execute(
                "INSERT INTO articles(key, public_id, source_path, title, source, date, url, text, "
                "content_hash, indexed_at, text_hash) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                (a.key, a.public_id, a.source_path, a.title, a.source, a.date, a.url, a.text,
                 a.content_hash, now, a.text_hash or text_hash(a.text)))
            rowid = cur.lastrowid
            for p in a.passages:
                i = next(pid)
                passage_rows.append((i, rowid, p.ordinal, p.paragraph, p.start, p.end, p.text,
                                     p.text_hash, p.context, p.page, p.sentences, int(p.ocr)))
                fts_rows.append((i, p.fts_body))
        conn.executemany("INSERT INTO passages(id, article_id, ordinal, paragraph, start, end, "
                         "text, text_hash, context, page, sentences, ocr) "
                         "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                         passage_rows)
        conn.executemany("INSERT INTO passages_fts(rowid, body) VALUES(?, ?)", fts_rows)
        if self.analyzer and self.manifest.get("analyzer", "plain") != self.analyzer.name \
                and not self.fresh:
            self._reanalyze(conn, skip={r[0] for r in fts_rows})
        conn.executemany(
            "INSERT INTO sources(path, size, mtime_ns, sha256) VALUES(?,?,?,?) ON CONFLICT(path) "
            "DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns, sha256=excluded.sha256",
            sources_upsert)
        conn.executemany("DELETE FROM sources WHERE path = ?", [(p,) for p in sources_delete])

    def _next_manifest(self, generation: int, next_passage_id: int, roots: list[str], now: str,
                       extra: dict) -> dict:
        return next_manifest(self.manifest, self.fresh, self.model_id, self.dim, self.analyzer,
                             generation, next_passage_id, roots, now,
                             {"vectors_file": vectors_name(generation),
                              "index_type": self.index_type}, extra)

    def _apply_vectors(self, removed_ids: list[int], new_ids: list[int],
                       vectors: np.ndarray) -> dict:
        """Remove and add vectors, switching the kind of index when the
        collection's size (or the user) asks for another; returns manifest keys."""
        count = self.vectors.ntotal - len(removed_ids) + len(new_ids)
        want = vec.choose_kind(self.index_type, count)
        have = vec.kind_of(self.vectors)
        trained_on = int(self.manifest.get("trained_on", "0") or 0)
        regrown = want in ("ivf", "ivf-pq") and count >= vec.RETRAIN_GROWTH * max(trained_on, 1)
        if want != have or regrown:
            ids, old = vec.contents(self.vectors)
            keep = ~np.isin(ids, np.asarray(removed_ids, dtype=np.int64))
            all_ids = np.concatenate([ids[keep], np.asarray(new_ids, dtype=np.int64)])
            all_vectors = np.concatenate([old[keep], vectors.astype(np.float32)])
            self._vectors = vec.build_index(want, self.dim, all_ids, all_vectors)
            trained_on = count
        else:
            self._vectors = vec.remove_ids(self.vectors, removed_ids)
            vec.add_vectors(self._vectors, new_ids, vectors)
        return {"index_kind": want, "trained_on": str(trained_on if want != "flat" else 0)}

    def _reanalyze(self, conn: sqlite3.Connection, skip: set[int]) -> None:
        assert self.analyzer is not None, "re-analyzing needs the analyzer"
        make_body = self.analyzer.fts_body
        rows = conn.execute("SELECT id, text, context FROM passages").fetchall()
        conn.execute("DELETE FROM passages_fts WHERE rowid NOT IN (SELECT value FROM json_each(?))",
                     (json.dumps(sorted(skip)),))
        conn.executemany("INSERT INTO passages_fts(rowid, body) VALUES(?, ?)",
                         [(i, make_body(t, c)) for i, t, c in rows if i not in skip])

    def counts(self) -> tuple[int, int]:
        """How many articles and passages the index holds (committed or not)."""
        return db.counts(self.conn)

    def close(self) -> None:
        try:
            if self.conn is not None:
                self.conn.close()
        finally:
            self._lock.__exit__(None, None, None)

    def __enter__(self) -> "LocalWriter":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
        if exc is not None:  # SQLite's and the OS's errors, as what they mean to the user
            db.raise_user_error(exc, self.db_path)


