"""Updating the index in PostgreSQL: one writer at a time (an advisory lock),
one transaction per update."""

import json
from collections import Counter
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import numpy as np

from assistant.errors import CorruptIndexError, ModelMismatchError, UsageError
from assistant.store.index_types import AUTO
from assistant.store.manifest import has_sentences, next_manifest, now_iso, roots_of
from assistant.store.postgres.connection import (
    HNSW_INDEX,
    SCHEMA,
    as_array,
    clean_text,
    connect,
    ddl,
    read_manifest,
    register_vectors,
    terms_of,
    tsvector_literal,
    user_errors,
    writer_lock,
)
from assistant.store.postgres.reader import INDEX_KIND, check_manifest
from assistant.store.records import KeywordAnalyzer, NewArticle, text_hash
from assistant.store.urls import redact


class PostgresWriter:
    """One update of the index in a PostgreSQL database."""

    def __init__(self, url: str, model_id: str, dim: int, rebuild: bool = False,
                 wait: bool = True, on_wait: Callable[[], object] | None = None,
                 analyzer: KeywordAnalyzer | None = None,
                 index_type: str | None = None) -> None:
        if index_type not in (None, AUTO, INDEX_KIND):
            raise UsageError(f"--index-type {index_type} is for a local index; the PostgreSQL "
                             "store searches with pgvector's HNSW index")
        self.url = url
        self.analyzer = analyzer
        self.model_id, self.dim = model_id, dim
        self.conn = connect(url)
        self._lock = writer_lock(self.conn, url, wait=wait, on_wait=on_wait)
        self._locked = False
        try:
            self._lock.__enter__()
            self._locked = True
            with user_errors(url):
                self._open(rebuild)
        except BaseException:
            self.close()
            raise

    def _open(self, rebuild: bool) -> None:
        conn = self.conn
        manifest = read_manifest(conn)
        self.recorded_roots: list[str] = roots_of(manifest)
        self.had_index = bool(manifest)
        if manifest:
            try:
                check_manifest(manifest, self.url)
            except CorruptIndexError:
                if not rebuild:
                    raise
                manifest = {}
        if manifest and not rebuild and manifest["model_id"] != self.model_id:
            raise ModelMismatchError(
                f"the index in {self.location} was built with model '{manifest['model_id']}', "
                f"not '{self.model_id}'; rebuild it with: assistant index --rebuild --model "
                f"{self.model_id.removeprefix('st:')} --store URL")
        with conn.transaction():
            conn.execute(ddl(int(manifest.get("dim", self.dim))))
        register_vectors(conn, self.url)
        self.fresh = rebuild or not manifest
        self.manifest = manifest
        self.generation = int(manifest.get("generation", "0"))

    @property
    def location(self) -> str:
        return redact(self.url)

    def _q(self, sql: str, params: Sequence[Any] = (), binary: bool = False) -> list[tuple]:
        return self.conn.execute(sql.replace("{S}", SCHEMA), params, binary=binary).fetchall()

    # -- what is there --------------------------------------------------------------

    def article_count(self) -> int:
        return self.counts()[0]

    def sources(self, replaced: bool = False) -> dict[str, tuple[int, int, str]]:
        if self.fresh and not replaced:
            return {}
        with user_errors(self.url):
            return {r[0]: (int(r[1]), int(r[2]), r[3]) for r in
                    self._q("SELECT path, size, mtime_ns, sha256 FROM {S}.sources")}

    def articles_of(self, source_path: str) -> dict[str, tuple[int, str]]:
        if self.fresh:
            return {}
        with user_errors(self.url):
            return {r[0]: (int(r[1]), r[2]) for r in self._q(
                "SELECT key, id, content_hash FROM {S}.articles WHERE source_path = %s",
                (source_path,))}

    def articles_by_text(self) -> dict[str, tuple[int, str, str]]:
        if self.fresh:
            return {}
        with user_errors(self.url):
            return {r[0]: (int(r[1]), r[2], r[3]) for r in self._q(
                "SELECT text_hash, id, key, source_path FROM {S}.articles")}

    def vectors_for_hashes(self, hashes: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of passages with these text hashes: unchanged text is never re-embedded."""
        if self.fresh or not hashes:
            return {}
        with user_errors(self.url):
            rows = self._q("SELECT DISTINCT ON (text_hash) text_hash, embedding FROM {S}.passages "
                           "WHERE text_hash = ANY(%s) ORDER BY text_hash, id",
                           (list(dict.fromkeys(hashes)),), binary=True)
        return {h: as_array(v) for h, v in rows}

    def sentences_for_hashes(self, hashes: list[str]) -> dict[str, bytes]:
        """Stored sentence vectors (packed) of passages with these text hashes."""
        if self.fresh or not hashes or not has_sentences(self.manifest):
            return {}
        with user_errors(self.url):
            rows = self._q("SELECT DISTINCT ON (text_hash) text_hash, sentences FROM {S}.passages "
                           "WHERE text_hash = ANY(%s) AND sentences IS NOT NULL "
                           "ORDER BY text_hash, id", (list(dict.fromkeys(hashes)),), binary=True)
        return {h: bytes(b) for h, b in rows}

    def counts(self) -> tuple[int, int]:
        with user_errors(self.url):
            a = self._q("SELECT count(*) FROM {S}.articles")[0][0]
            p = self._q("SELECT count(*) FROM {S}.passages")[0][0]
        return int(a), int(p)

    # -- the commit -----------------------------------------------------------------

    def commit(self, remove_articles: list[int], add: list[NewArticle], vectors: np.ndarray,
               sources_upsert: list[tuple[str, int, int, str]], sources_delete: list[str],
               roots: list[str], now: str | None = None, extra: dict | None = None) -> None:
        """Apply one update in one transaction: readers see all of it or none."""
        now = now or now_iso()
        next_id = int(self.manifest.get("next_passage_id", "1"))
        n_new = sum(len(a.passages) for a in add)
        if vectors.shape[0] != n_new:
            raise ValueError(f"{n_new} passages but {vectors.shape[0]} vectors")
        if n_new and vectors.shape[1] != self.dim:
            raise ModelMismatchError(f"{vectors.shape[1]}-dimensional vectors for an index of "
                                     f"{self.dim} dimensions")
        changed = bool(n_new or remove_articles or self.fresh)
        generation = self.generation + 1 if changed else self.generation
        manifest = self._next_manifest(generation, next_id + n_new, roots, now, extra or {})
        with user_errors(self.url), self.conn.transaction():
            self._write_rows(remove_articles, add, vectors, next_id, sources_upsert,
                             sources_delete, now)
            self.conn.cursor().executemany(
                f"INSERT INTO {SCHEMA}.manifest(key, value) VALUES(%s, %s) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in manifest.items()])
        if self.fresh:
            self.manifest = {}
        self.manifest.update({k: v if isinstance(v, str) else json.dumps(v)
                              for k, v in manifest.items()})
        self.generation = generation
        self.fresh = False

    def _write_rows(self, remove_articles: list[int], add: list[NewArticle], vectors: np.ndarray,
                    next_id: int, sources_upsert: list[tuple[str, int, int, str]],
                    sources_delete: list[str], now: str) -> None:
        conn, cur = self.conn, self.conn.cursor()
        terms: Counter[str] = Counter()  # change in passages per keyword term
        if self.fresh:
            for table in ("passages", "articles", "sources", "manifest", "terms"):
                conn.execute(f"DELETE FROM {SCHEMA}.{table}")
            self._set_dimension()
        if remove_articles:  # their passages go with them (ON DELETE CASCADE)
            removed = [int(i) for i in remove_articles]
            for (body,) in self._q("SELECT body FROM {S}.passages WHERE article_id = ANY(%s)",
                                   (removed,)):
                terms.subtract(set(terms_of(body)))
            conn.execute(f"DELETE FROM {SCHEMA}.articles WHERE id = ANY(%s)", (removed,))
        article_ids = [int(r[0]) for r in self._q(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            (f"{SCHEMA}.articles", len(add)))] if add else []
        with cur.copy(f"COPY {SCHEMA}.articles (id, key, public_id, source_path, title, source, "
                      "date, url, text, content_hash, indexed_at, text_hash) FROM STDIN") as cp:
            for rowid, a in zip(article_ids, add):
                cp.write_row((rowid, a.key, a.public_id, a.source_path, clean_text(a.title),
                              clean_text(a.source), clean_text(a.date), clean_text(a.url),
                              clean_text(a.text), a.content_hash, now,
                              a.text_hash or text_hash(a.text)))
        pid = next_id
        with cur.copy(f"COPY {SCHEMA}.passages (id, article_id, ordinal, paragraph, start, "
                      '"end", text, text_hash, context, page, body, tsv, embedding, sentences, '
                      "ocr) FROM STDIN") as cp:
            for rowid, a in zip(article_ids, add):
                for p in a.passages:
                    cp.write_row((pid, rowid, p.ordinal, p.paragraph, p.start, p.end,
                                  clean_text(p.text), p.text_hash, clean_text(p.context),
                                  p.page, p.fts_body, tsvector_literal(p.fts_body),
                                  np.asarray(vectors[pid - next_id], dtype=np.float32),
                                  p.sentences, p.ocr))
                    terms.update(set(terms_of(p.fts_body)))
                    pid += 1
        if self.analyzer and self.manifest.get("analyzer", "plain") != self.analyzer.name \
                and not self.fresh:
            self._reanalyze(first_new=next_id)
            self._count_terms()
        else:
            self._add_to_terms(terms)
        cur.executemany(
            f"INSERT INTO {SCHEMA}.sources(path, size, mtime_ns, sha256) VALUES(%s,%s,%s,%s) "
            "ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns, "
            "sha256=excluded.sha256", sources_upsert)
        if sources_delete:
            conn.execute(f"DELETE FROM {SCHEMA}.sources WHERE path = ANY(%s)", (sources_delete,))
        conn.execute(HNSW_INDEX)

    def _set_dimension(self) -> None:
        """A rebuild with a model of another dimension changes the vector column
        (inside the rebuild's transaction: until it commits, readers see the old one)."""
        have = self._q("SELECT atttypmod FROM pg_attribute WHERE attrelid = "
                       "CAST(%s AS regclass) AND attname = 'embedding'", (f"{SCHEMA}.passages",))
        if have and int(have[0][0]) != self.dim:
            self.conn.execute(f"DROP INDEX IF EXISTS {SCHEMA}.passages_hnsw")
            self.conn.execute(f"ALTER TABLE {SCHEMA}.passages ALTER COLUMN embedding "
                              f"TYPE vector({int(self.dim)})")

    def _add_to_terms(self, delta: Counter[str]) -> None:
        changes = [(t, n) for t, n in delta.items() if n]
        if not changes:
            return
        if self.fresh:  # an empty table: one COPY
            with self.conn.cursor().copy(f"COPY {SCHEMA}.terms (term, docs) FROM STDIN") as cp:
                for row in changes:
                    cp.write_row(row)
            return
        self.conn.cursor().executemany(
            f"INSERT INTO {SCHEMA}.terms(term, docs) VALUES(%s, %s) ON CONFLICT(term) "
            "DO UPDATE SET docs = terms.docs + excluded.docs", changes)
        self.conn.execute(f"DELETE FROM {SCHEMA}.terms WHERE docs <= 0")

    def _count_terms(self) -> None:
        """The term counts afresh from every stored body."""
        counts: Counter[str] = Counter()
        for (body,) in self._q("SELECT body FROM {S}.passages"):
            counts.update(set(terms_of(body)))
        self.conn.execute(f"DELETE FROM {SCHEMA}.terms")
        with self.conn.cursor().copy(f"COPY {SCHEMA}.terms (term, docs) FROM STDIN") as cp:
            for row in counts.items():
                cp.write_row(row)

    def _reanalyze(self, first_new: int) -> None:
        """Keyword terms of the stored passages again, after the analysis changed."""
        assert self.analyzer is not None, "re-analyzing needs the analyzer"
        make_body = self.analyzer.fts_body
        rows = self._q("SELECT id, text, context FROM {S}.passages WHERE id < %s", (first_new,))
        bodies = [(i, make_body(t, c)) for i, t, c in rows]
        self.conn.cursor().executemany(
            f"UPDATE {SCHEMA}.passages SET body = %s, tsv = CAST(%s AS tsvector) WHERE id = %s",
            [(b, tsvector_literal(b), i) for i, b in bodies])

    def _next_manifest(self, generation: int, next_passage_id: int, roots: list[str], now: str,
                       extra: dict) -> dict:
        return next_manifest(self.manifest, self.fresh, self.model_id, self.dim, self.analyzer,
                             generation, next_passage_id, roots, now,
                             {"index_type": INDEX_KIND, "index_kind": INDEX_KIND}, extra)

    def close(self) -> None:
        try:
            if self._locked:
                self._locked = False
                self._lock.__exit__(None, None, None)
        finally:
            self.conn.close()

    def __enter__(self) -> "PostgresWriter":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
