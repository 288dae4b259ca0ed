"""Reading the index in PostgreSQL: each snapshot is one REPEATABLE READ
transaction, so a question sees one committed state while an update writes."""

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from assistant.errors import CorruptIndexError, NoIndexError
from assistant.results import ArticleInfo, ArticleRef, ArticleText, IndexInfo, PassageSpan
from assistant.store import manifest as store_manifest
from assistant.store import sentence_vectors
from assistant.store.interface import ArticleFilter
from assistant.store.manifest import ManifestFields, has_ocr, has_sentences
from assistant.store.postgres.connection import (
    SCHEMA,
    as_array,
    connect,
    read_manifest,
    register_vectors,
    terms_of,
    tsquery_any,
    user_errors,
)
from assistant.store.records import (
    PassageHit,
    StoredArticle,
    StoredIndex,
    StoredPassage,
    index_info,
)
from assistant.store.urls import redact

# Manifest keys of the local store that Postgres has no use for.
NOT_USED = ("vectors_file",)
INDEX_KIND = "hnsw"  # pgvector's graph index; the only kind this store has


def check_manifest(manifest: dict[str, str], url: str) -> None:
    store_manifest.check_manifest(manifest, redact(url), exempt=NOT_USED)


class PostgresReader(ManifestFields):
    """A read-only view of the index in a PostgreSQL database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conn = connect(url)
        self.manifest: dict[str, str] = {}
        self._counted: tuple[str, int] = ("", 0)  # (generation, passages) of the last count
        self._allowed: tuple[tuple | None, list[int]] = (None, [])  # a filter's articles
        try:
            with self.snapshot():
                pass
            register_vectors(self.conn, url)
        except BaseException:
            self.conn.close()
            raise

    @property
    def location(self) -> str:
        return redact(self.url)

    @contextmanager
    def snapshot(self) -> Iterator["PostgresReader"]:
        """One committed state: every read inside comes from the same transaction."""
        with user_errors(self.url):
            self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                manifest = read_manifest(self.conn)
                if not manifest:
                    raise NoIndexError(f"no index in {self.location} (its first build did not "
                                       "finish, or none was made); build one with: "
                                       "assistant index PATH --store URL")
                check_manifest(manifest, self.url)
                self.manifest = manifest
                yield self
            finally:
                if not self.conn.closed:
                    self.conn.execute("ROLLBACK")  # read only: nothing to keep

    # -- queries (call inside snapshot()) -------------------------------------------

    def _q(self, sql: str, params: Sequence[Any] = (), binary: bool = False) -> list[tuple]:
        # binary: vectors come as raw floats, much faster to read than their text
        return self.conn.execute(sql.replace("{S}", SCHEMA), params, binary=binary).fetchall()

    def passage_count(self) -> int:
        generation = self.manifest.get("generation", "")
        if self._counted[0] != generation:
            self._counted = (generation, int(self._q("SELECT count(*) FROM {S}.passages")[0][0]))
        return self._counted[1]

    def search_dense(self, query: np.ndarray, n: int,
                     allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``n`` nearest passages as (id, cosine), best first; with ``allowed``
        (passage ids, from ``passage_ids``) only among those, scored exactly, so
        a filtered question gets ``n`` passages whenever ``n`` are allowed (the
        HNSW graph, filtered after its walk, could return fewer)."""
        if n <= 0:
            return []
        q = np.asarray(query, dtype=np.float32)
        if allowed is not None:
            # -(a <#> b) is no order the HNSW index serves: an exact scan of the allowed rows.
            rows = self._q("SELECT id, -(embedding <#> %s) AS s FROM {S}.passages "
                           "WHERE id = ANY(%s) ORDER BY s DESC, id LIMIT %s",
                           (q, [int(i) for i in allowed], int(n)))
            return [(int(i), float(s)) for i, s in rows]
        # HNSW returns at most ef_search rows: ask for a comfortable margin.
        self.conn.execute(f"SET LOCAL hnsw.ef_search = {min(1000, max(100, 2 * int(n)))}")
        rows = self._q("SELECT id, -(embedding <#> %s) FROM {S}.passages "
                       "ORDER BY embedding <#> %s LIMIT %s",
                       (q, q, int(n)))
        return [(int(i), float(s)) for i, s in rows]

    def search_keyword(self, terms: list[str], n: int,
                       flt: ArticleFilter | None = None) -> list[tuple[int, float]]:
        """Passages with any of the keyword ``terms``, best first (ts_rank,
        normalized by length as BM25 is); with an active ``flt``, only passages
        of the articles it allows."""
        if not terms or n <= 0:
            return []
        where, params = "", []
        if flt is not None and flt.active:
            where, params = " AND article_id = ANY(%s)", [self._allowed_articles(flt)]
        rows = self._q("SELECT id, ts_rank(tsv, q, 1) AS r FROM {S}.passages, "
                       f"CAST(%s AS tsquery) q WHERE tsv @@ q{where} ORDER BY r DESC, id LIMIT %s",
                       (tsquery_any(terms), *params, int(n)))
        return [(int(i), float(r)) for i, r in rows]

    def passage_ids(self, flt: ArticleFilter) -> np.ndarray:
        """The ids of the passages of the articles ``flt`` allows, ascending."""
        rows = self._q("SELECT id FROM {S}.passages WHERE article_id = ANY(%s) ORDER BY id",
                       (self._allowed_articles(flt),))
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def _allowed_articles(self, flt: ArticleFilter) -> list[int]:
        """The article ids ``flt`` allows. Dates are compared as ISO days in SQL
        (an article without a date fails either bound); the source rule is the
        filter's own, in Python, so both stores apply the same one."""
        key = (flt.source, flt.since, flt.until, self.manifest.get("generation"))
        if self._allowed[0] == key:
            return self._allowed[1]
        conds, params = ["true"], []
        if flt.since:
            conds.append("substr(date, 1, 10) >= %s")
            params.append(flt.since)
        if flt.until:
            conds.append("substr(date, 1, 10) <= %s")
            params.append(flt.until)
        rows = self._q(f"SELECT id, source, url FROM {{S}}.articles WHERE {' AND '.join(conds)}",
                       params)
        ids = [int(i) for i, source, url in rows if flt.matches_source(source, url)]
        self._allowed = (key, ids)
        return ids

    def doc_freqs(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """How many passages contain each term, and the number of passages."""
        total = self.passage_count()
        if not terms:
            return {}, total
        rows = self._q("SELECT term, docs FROM {S}.terms WHERE term = ANY(%s)",
                       (list(dict.fromkeys(terms)),))
        return {t: int(d) for t, d in rows}, total

    def terms_starting(self, prefix: str) -> dict[str, int]:
        """The indexed terms that start with ``prefix``, each with its document frequency."""
        rows = self._q("SELECT term, docs FROM {S}.terms WHERE starts_with(term, %s) AND docs > 0",
                       (prefix,))
        return {t: int(d) for t, d in rows}

    def keyword_bodies(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        return {int(i): b for i, b in self._q("SELECT id, body FROM {S}.passages WHERE id = ANY(%s)",
                                             ([int(i) for i in ids],))}

    def passages(self, ids: list[int]) -> dict[int, PassageHit]:
        if not ids:
            return {}
        rows = self._q(
            'SELECT p.id, p.article_id, p.ordinal, p.paragraph, p.start, p."end", p.text, '
            "a.public_id, a.title, a.source, a.date, a.url, a.source_path, p.page, "
            + ("p.ocr " if has_ocr(self.manifest) else "false ") +
            "FROM {S}.passages p JOIN {S}.articles a ON a.id = p.article_id WHERE p.id = ANY(%s)",
            ([int(i) for i in ids],))
        return {int(r[0]): PassageHit(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6],
                                      ArticleRef(*r[7:13]), r[13], bool(r[14])) for r in rows}

    def article(self, public_or_rowid: str | int) -> ArticleText | None:
        text = str(public_or_rowid)
        rowid = int(text) if text.isdigit() and len(text) < 18 else -1
        rows = self._q("SELECT public_id, title, source, date, url, source_path, text "
                       "FROM {S}.articles WHERE public_id = %s OR id = %s ORDER BY id LIMIT 1",
                       (text, rowid))
        return ArticleText(*rows[0]) if rows else None

    def article_passages(self, public_id: str) -> list[PassageSpan]:
        rows = self._q(
            'SELECT p.ordinal, p.paragraph, p.start, p."end", p.page, '
            + ("p.ocr " if has_ocr(self.manifest) else "false ") +
            "FROM {S}.passages p JOIN {S}.articles a ON a.id = p.article_id "
            "WHERE a.public_id = %s ORDER BY p.ordinal", (public_id,))
        return [PassageSpan(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def list_articles(self) -> list[ArticleInfo]:
        # NULLs and byte order as SQLite sorts them, so both stores list alike.
        rows = self._q(
            "SELECT a.public_id, a.title, a.source, a.date, a.source_path, count(p.id) "
            "FROM {S}.articles a LEFT JOIN {S}.passages p ON p.article_id = a.id GROUP BY a.id "
            'ORDER BY a.date COLLATE "C" DESC NULLS LAST, a.title COLLATE "C" NULLS FIRST')
        return [ArticleInfo(*r) for r in rows]

    def vectors_of(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros((0, self.dim), dtype=np.float32)
        found = dict(self._q("SELECT id, embedding FROM {S}.passages WHERE id = ANY(%s)",
                             ([int(i) for i in ids],), binary=True))
        return np.stack([as_array(found[int(i)]) for i in ids])

    def sentence_vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        """The stored vectors of these passages' sentences, for those that have them."""
        if not ids or not has_sentences(self.manifest):
            return {}
        rows = self._q("SELECT id, sentences FROM {S}.passages WHERE id = ANY(%s) "
                       "AND sentences IS NOT NULL", ([int(i) for i in ids],), binary=True)
        out = {int(pid): sentence_vectors.unpack(bytes(blob), self.dim) for pid, blob in rows}
        return {pid: v for pid, v in out.items() if v is not None}

    def info(self) -> IndexInfo:
        passages = self.passage_count()
        size = self._q("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = %s AND c.relkind = 'r'", (SCHEMA,))[0][0]
        return index_info(
            self.location, self.manifest,
            articles=int(self._q("SELECT count(*) FROM {S}.articles")[0][0]), passages=passages,
            vectors=passages,  # one column of the passage row: they cannot disagree
            index_type=INDEX_KIND, index_type_setting=INDEX_KIND, size_bytes=int(size))

    def verify(self) -> list[str]:
        """What does not hold together (empty = consistent). Rows, keyword terms
        and vectors share one row, so they cannot drift apart as files can."""
        problems = []
        with self.snapshot():
            dim = self._q("SELECT atttypmod FROM pg_attribute WHERE attrelid = "
                          "CAST(%s AS regclass) AND attname = 'embedding'",
                          (f"{SCHEMA}.passages",))
            if not dim or int(dim[0][0]) != self.dim:
                problems.append(f"the vector column of {self.location} does not have the "
                                f"manifest's dimension {self.dim}")
            top = self._q("SELECT coalesce(max(id), 0) FROM {S}.passages")[0][0]
            if int(top) >= int(self.manifest["next_passage_id"]):
                problems.append("passage ids run past the manifest's next_passage_id")
            bad = self._q("SELECT count(*) FROM {S}.passages WHERE embedding IS NULL OR "
                          "tsv IS NULL OR (body <> '' AND length(tsv) = 0)")[0][0]
            if bad:
                problems.append(f"{bad} passages have no vector or no keyword terms")
            empty = self._q("SELECT count(*) FROM {S}.articles a WHERE NOT EXISTS "
                            "(SELECT 1 FROM {S}.passages p WHERE p.article_id = a.id)")[0][0]
            if empty:
                problems.append(f"{empty} articles have no passages")
            counts: Counter[str] = Counter()
            for (body,) in self._q("SELECT body FROM {S}.passages"):
                counts.update(set(terms_of(body)))
            stored = dict(self._q("SELECT term, docs FROM {S}.terms"))
            if stored != dict(counts):
                problems.append("the keyword term counts disagree with the passages on "
                                f"{len(set(stored.items()) ^ set(counts.items()))} terms")
        return problems

    def export(self) -> StoredIndex:
        """Everything this index holds (call inside ``snapshot()``), to copy it."""
        sources = [tuple(r) for r in self._q(
            "SELECT path, size, mtime_ns, sha256 FROM {S}.sources ORDER BY path")]
        articles: dict[int, StoredArticle] = {}
        for r in self._q("SELECT id, key, public_id, source_path, title, source, date, url, text, "
                         "content_hash, text_hash FROM {S}.articles ORDER BY id"):
            articles[r[0]] = StoredArticle(*r[1:])
        vectors: dict[int, list[np.ndarray]] = {}
        for r in self._q('SELECT article_id, ordinal, paragraph, start, "end", text, text_hash, '
                         "context, body, page, embedding, "
                         + ("sentences" if has_sentences(self.manifest) else "NULL") + ", "
                         + ("ocr" if has_ocr(self.manifest) else "false")
                         + " FROM {S}.passages ORDER BY article_id, ordinal", binary=True):
            passage = StoredPassage(*r[1:10])
            passage.ocr = bool(r[12])
            passage.sentences = bytes(r[11]) if r[11] is not None else None
            articles[r[0]].passages.append(passage)
            vectors.setdefault(r[0], []).append(as_array(r[10]))
        for rowid, art in articles.items():
            art.embeddings = (np.stack(vectors[rowid]) if rowid in vectors
                           else np.zeros((0, self.dim), dtype=np.float32))
        if any(a.embeddings is not None and a.embeddings.shape[1:] != (self.dim,)
               for a in articles.values() if len(a.passages)):
            raise CorruptIndexError(f"vectors in {self.location} disagree with the manifest's "
                                    "dimension")
        return StoredIndex(dict(self.manifest), sources, list(articles.values()))  # type: ignore[arg-type]

    def close(self) -> None:
        self.conn.close()
