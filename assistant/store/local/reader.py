"""Reading an index directory: SQLite and FAISS kept in step (the writer is in
``assistant.store.local.writer``).

Commit protocol (why a crash can never leave a mix):
1. the new vectors go to a new file ``vectors.<generation+1>.faiss`` (written to a
   temporary name, fsynced, renamed);
2. one SQLite transaction changes the rows and points the manifest at that file.
Until step 2 commits, readers and the next update see the old generation; after
it, the new one. Files of older generations are deleted once unreferenced.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from assistant.config.own_files import is_generation_file
from assistant.errors import CorruptIndexError, NoIndexError
from assistant.results import ArticleInfo, ArticleRef, ArticleText, IndexInfo, PassageSpan
from assistant.store import sentence_vectors
from assistant.store.index_types import AUTO
from assistant.store.interface import ArticleFilter
from assistant.store.local import sqlite as db
from assistant.store.local import vectors as vec
from assistant.store.manifest import (
    ManifestFields,
    check_manifest,
    has_ocr,
    has_pages,
    has_sentences,
)
from assistant.store.records import (
    PassageHit,
    StoredArticle,
    StoredIndex,
    StoredPassage,
    index_info,
)


def stale_generation_files(directory: str, keep: set[str]) -> list[str]:
    """The vector files of ``directory`` that an update may delete: regular
    files the writer itself named (``own_files.is_generation_file``; not links,
    not folders), outside ``keep``. Nothing else in the folder is ever deleted."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return []
    return [e.path for e in entries
            if is_generation_file(e.name) and e.name not in keep
            and e.is_file(follow_symlinks=False)]


def has_committed_index(directory: str) -> bool:
    """True when ``directory`` holds an index that an update has committed."""
    return db.has_manifest(os.path.join(directory, db.DB_NAME))


def recorded_model(directory: str) -> str | None:
    """The model id of the index in ``directory``, or None."""
    path = os.path.join(directory, db.DB_NAME)
    return db.recorded_model(path) if os.path.exists(path) else None


def fts5_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression: any of the terms (BM25 ranks)."""
    return " OR ".join(f'"{t}"' for t in terms)


def _filter_sql(flt: ArticleFilter, article: str) -> tuple[str, list[str]]:
    """A WHERE condition on the ``article`` table alias, and its parameters.
    Dates are ISO days (a time after them is ignored); an article without a
    date fails either bound. The source rule is the filter's own (SQL function
    ``source_matches``, registered by ``_register_filter``)."""
    conds, params = [], []
    if flt.since:
        conds.append(f"substr({article}.date, 1, 10) >= ?")
        params.append(flt.since)
    if flt.until:
        conds.append(f"substr({article}.date, 1, 10) <= ?")
        params.append(flt.until)
    if flt.source:
        conds.append(f"source_matches({article}.source, {article}.url)")
    return " AND ".join(conds) or "1", params


class LocalReader(ManifestFields):
    """A read-only view of an index that follows committed updates.

    Use ``with reader.snapshot():`` around a query: inside it, the manifest, the
    vectors and every row come from the same committed generation.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.db_path = os.path.join(directory, db.DB_NAME)
        if not os.path.exists(self.db_path):
            raise NoIndexError(f"no index in {directory}; build one with: assistant index PATH")
        self.conn = db.connect(self.db_path)
        try:
            # Document frequencies of FTS terms, for calibrated keyword evidence.
            self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.passages_vocab "
                              "USING fts5vocab(main, passages_fts, row)")
        except sqlite3.Error as e:
            db.raise_user_error(e, self.db_path)
            raise
        self.manifest: dict[str, str] = {}
        self.vectors: Any = None  # the FAISS index of the current generation (no type stubs)
        self.generation = -1
        self._allowed: tuple[tuple, np.ndarray] | None = None  # see passage_ids
        with self.snapshot():
            pass

    @property
    def location(self) -> str:
        return os.path.abspath(self.directory)

    @contextmanager
    def snapshot(self) -> Iterator["LocalReader"]:
        """One committed generation; SQLite errors come out as what they mean to
        the user (damage naming the file, a full disk, no permission)."""
        try:
            with self._snapshot():
                yield self
        except sqlite3.Error as e:
            db.raise_user_error(e, self.db_path)
            raise

    @contextmanager
    def _snapshot(self) -> Iterator["LocalReader"]:
        for attempt in range(3):
            self.conn.execute("BEGIN")
            try:
                self._refresh(last_try=attempt == 2)
            except FileNotFoundError:
                # Updates committed twice since our snapshot began and pruned its
                # vector file: start a newer snapshot.
                self.conn.execute("ROLLBACK")
                continue
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            break
        try:
            yield self
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def _refresh(self, last_try: bool = True) -> None:
        manifest = db.read_manifest(self.conn, self.db_path)
        if not manifest:
            raise NoIndexError(f"the index in {self.directory} is empty (its first build did not "
                               "finish); build it with: assistant index PATH")
        check_manifest(manifest, self.db_path)
        generation = int(manifest["generation"])
        if generation != self.generation or self.vectors is None:
            path = os.path.join(self.directory, manifest["vectors_file"])
            if not os.path.exists(path) and not last_try:
                raise FileNotFoundError(path)
            vectors = vec.load_index(path)  # missing on the last try: a clear CorruptIndexError
            if vectors.d != int(manifest["dim"]):
                raise CorruptIndexError(
                    f"vector file {path} has dimension {vectors.d}, the manifest says "
                    f"{manifest['dim']}; rebuild with: assistant index --rebuild"
                )
            count = self.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
            if vectors.ntotal != count:
                raise CorruptIndexError(
                    f"vector file {path} holds {vectors.ntotal} vectors but the database has "
                    f"{count} passages; rebuild with: assistant index --rebuild"
                )
            self.vectors = vectors
            self.generation = generation
        self.manifest = manifest

    # -- queries (call inside snapshot()) -------------------------------------------

    def search_dense(self, query: np.ndarray, n: int,
                     allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``n`` nearest passages as (id, cosine), best first; with ``allowed``
        (passage ids, from ``passage_ids``) only among those, and never fewer
        than ``n`` when that many are allowed."""
        if allowed is None:
            return vec.search(self.vectors, query, n)
        return vec.search_among(self.vectors, query, n, allowed)

    def search_keyword(self, terms: list[str], n: int,
                       flt: ArticleFilter | None = None) -> list[tuple[int, float]]:
        """Passages with any of the keyword ``terms``, as (passage id, bm25
        score); higher is better. With an active ``flt``, only passages of the
        articles it allows."""
        match = fts5_match(terms)
        if not match or n <= 0:
            return []
        sql = ("SELECT rowid, -bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH ? "
               "ORDER BY bm25(passages_fts) LIMIT ?")
        params: list = [match]
        if flt is not None and flt.active:
            where, params = self._register_filter(flt)
            sql = ("SELECT f.rowid, -bm25(passages_fts) FROM passages_fts f "
                   "JOIN passages p ON p.id = f.rowid JOIN articles a ON a.id = p.article_id "
                   f"WHERE passages_fts MATCH ? AND {where} ORDER BY bm25(passages_fts) LIMIT ?")
            params = [match, *params]
        try:
            rows = self.conn.execute(sql, (*params, n)).fetchall()
        except sqlite3.OperationalError:
            return []  # a query FTS cannot parse matches nothing
        return [(int(r[0]), float(r[1])) for r in rows]

    def passage_ids(self, flt: ArticleFilter) -> np.ndarray:
        """The ids of the passages of the articles ``flt`` allows, ascending.
        Kept for the generation: a chat or a batch asks many questions under
        one filter, and only an update changes the answer."""
        key = (flt.source, flt.since, flt.until, self.generation)
        if self._allowed is not None and self._allowed[0] == key:
            return self._allowed[1]
        where, params = self._register_filter(flt)
        # The filter is evaluated once an article, not once a passage.
        rows = self.conn.execute(
            f"SELECT p.id FROM passages p WHERE p.article_id IN (SELECT a.id FROM articles a "
            f"WHERE {where}) ORDER BY p.id", params).fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        self._allowed = (key, ids)
        return ids

    def _register_filter(self, flt: ArticleFilter) -> tuple[str, list[str]]:
        # The source rule (words of the outlet's name or web address) is the
        # filter's: SQL calls it, so the rule is written once, in Python.
        self.conn.create_function("source_matches", 2, flt.matches_source, deterministic=True)
        return _filter_sql(flt, "a")

    def doc_freqs(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """How many passages contain each term, and the number of passages."""
        total = int(self.vectors.ntotal)
        if not terms:
            return {}, total
        rows = self.conn.execute(
            f"SELECT term, doc FROM temp.passages_vocab WHERE term IN ({','.join('?' * len(terms))})",
            terms).fetchall()
        return {t: int(d) for t, d in rows}, total

    def terms_starting(self, prefix: str) -> dict[str, int]:
        """The indexed terms that start with ``prefix``, each with its document frequency."""
        rows = self.conn.execute(
            "SELECT term, doc FROM temp.passages_vocab WHERE term >= ? AND term < ?",
            (prefix, prefix + "\U0010ffff")).fetchall()
        return {t: int(d) for t, d in rows if t.startswith(prefix)}

    def keyword_bodies(self, ids: list[int]) -> dict[int, str]:
        """The analyzed terms stored for each passage, space-separated."""
        if not ids:
            return {}
        return dict(self.conn.execute(
            f"SELECT rowid, body FROM passages_fts WHERE rowid IN ({','.join('?' * len(ids))})",
            [int(i) for i in ids]).fetchall())

    def passages(self, ids: list[int]) -> dict[int, PassageHit]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        page = "p.page" if has_pages(self.manifest) else "NULL"
        ocr = "p.ocr" if has_ocr(self.manifest) else "0"
        rows = self.conn.execute(
            f"SELECT p.id, p.article_id, p.ordinal, p.paragraph, p.start, p.end, p.text, "
            f"a.public_id, a.title, a.source, a.date, a.url, a.source_path, {page}, {ocr} "
            f"FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.id IN ({marks})",
            [int(i) for i in ids]).fetchall()
        out = {}
        for r in rows:
            out[r[0]] = PassageHit(r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                                   ArticleRef(*r[7:13]), r[13], bool(r[14]))
        return out

    def article(self, public_or_rowid: str | int) -> ArticleText | None:
        row = self.conn.execute(
            "SELECT public_id, title, source, date, url, source_path, text FROM articles "
            "WHERE public_id = ? OR id = ? LIMIT 1", (str(public_or_rowid), public_or_rowid)
        ).fetchone()
        return None if row is None else ArticleText(*row)

    def article_passages(self, public_id: str) -> list[PassageSpan]:
        page = "p.page" if has_pages(self.manifest) else "NULL"
        ocr = "p.ocr" if has_ocr(self.manifest) else "0"
        rows = self.conn.execute(
            f"SELECT p.ordinal, p.paragraph, p.start, p.end, {page}, {ocr} FROM passages p "
            "JOIN articles a ON a.id = p.article_id WHERE a.public_id = ? ORDER BY p.ordinal",
            (public_id,)).fetchall()
        return [PassageSpan(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def list_articles(self) -> list[ArticleInfo]:
        rows = self.conn.execute(
            "SELECT a.public_id, a.title, a.source, a.date, a.source_path, count(p.id) "
            "FROM articles a LEFT JOIN passages p ON p.article_id = a.id "
            "GROUP BY a.id ORDER BY a.date DESC, a.title").fetchall()
        return [ArticleInfo(*r) for r in rows]

    def vectors_of(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of these passages, one row each."""
        return vec.reconstruct(self.vectors, ids)

    def sentence_vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        """The stored vectors of these passages' sentences, for those that have them."""
        if not ids or not has_sentences(self.manifest):
            return {}
        rows = self.conn.execute(
            f"SELECT id, sentences FROM passages WHERE id IN ({','.join('?' * len(ids))}) "
            "AND sentences IS NOT NULL", [int(i) for i in ids]).fetchall()
        out = {pid: sentence_vectors.unpack(blob, self.dim) for pid, blob in rows}
        return {pid: v for pid, v in out.items() if v is not None}

    def info(self) -> IndexInfo:
        articles, passages = db.counts(self.conn)
        size = 0
        for name in os.listdir(self.directory):
            try:
                size += os.path.getsize(os.path.join(self.directory, name))
            except OSError:
                pass
        return index_info(
            os.path.abspath(self.directory), self.manifest, articles=articles, passages=passages,
            vectors=int(self.vectors.ntotal), index_type=self.manifest.get("index_kind", "flat"),
            index_type_setting=self.manifest.get("index_type", AUTO), size_bytes=size)

    def verify(self) -> list[str]:
        """Problems found by SQLite's integrity checks and by comparing vector ids
        with passage rows (empty = consistent)."""
        problems = db.integrity_problems(self.conn, self.db_path)
        if problems:
            return problems
        with self.snapshot():
            ids = set(int(i) for i in vec.vector_ids(self.vectors))
            rows = set(r[0] for r in self.conn.execute("SELECT id FROM passages"))
            fts = set(r[0] for r in self.conn.execute("SELECT rowid FROM passages_fts"))
        if ids - rows:
            problems.append(f"{len(ids - rows)} vectors have no passage row")
        if rows - ids:
            problems.append(f"{len(rows - ids)} passages have no vector")
        if fts != rows:
            problems.append(f"keyword index disagrees with passages on {len(fts ^ rows)} rows")
        return problems

    def export(self) -> StoredIndex:
        """Everything this index holds (call inside ``snapshot()``), to copy it."""
        sources = [tuple(r) for r in self.conn.execute(
            "SELECT path, size, mtime_ns, sha256 FROM sources ORDER BY path")]
        articles: dict[int, StoredArticle] = {}
        for r in self.conn.execute(
                "SELECT id, key, public_id, source_path, title, source, date, url, text, "
                "content_hash, text_hash FROM articles ORDER BY id"):
            articles[r[0]] = StoredArticle(*r[1:])
        ids: dict[int, list[int]] = {}
        for r in self.conn.execute(
                "SELECT p.id, p.article_id, p.ordinal, p.paragraph, p.start, p.end, p.text, "
                "p.text_hash, p.context, f.body, "
                + ("p.page" if has_pages(self.manifest) else "NULL") + ", "
                + ("p.sentences" if has_sentences(self.manifest) else "NULL") + ", "
                + ("p.ocr" if has_ocr(self.manifest) else "0") + " FROM passages p "
                "JOIN passages_fts f ON f.rowid = p.id ORDER BY p.article_id, p.ordinal"):
            passage = StoredPassage(*r[2:-1])
            passage.ocr = bool(r[-1])
            articles[r[1]].passages.append(passage)
            ids.setdefault(r[1], []).append(r[0])
        for rowid, art in articles.items():
            art.embeddings = (self.vectors_of(ids[rowid]) if rowid in ids
                           else np.zeros((0, self.dim), dtype=np.float32))
        return StoredIndex(dict(self.manifest), sources, list(articles.values()))  # type: ignore[arg-type]

    def close(self) -> None:
        self.conn.close()
