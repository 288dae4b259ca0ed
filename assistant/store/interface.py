"""The one store interface: what the indexer, the service and the question
pipeline use of an index, whatever keeps it. ``assistant.store.index`` and
``assistant.store.writer`` (SQLite + FAISS in a folder) and
``assistant.store.postgres`` (PostgreSQL + pgvector) both implement it;
``assistant.store.location`` opens the right one for a folder or a URL."""

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.results import ArticleRef
from assistant.store import database as db


@dataclass
class PassageHit:
    passage_id: int
    article_rowid: int
    ordinal: int
    paragraph: int
    start: int
    end: int
    text: str
    article: ArticleRef
    page: int | None = None  # a PDF's page


@dataclass
class StoredPassage:
    """A passage as stored, with what was embedded (its context) and its keyword terms."""

    ordinal: int
    paragraph: int
    start: int
    end: int
    text: str
    text_hash: str
    context: str
    fts_body: str
    page: int | None = None  # a PDF's page
    sentences: bytes | None = None  # its sentences' vectors (store/sentence_vectors.py)


@dataclass
class StoredArticle:
    """An article as stored, with its passages and their vectors (one row each)."""

    key: str
    public_id: str
    source_path: str
    title: str | None
    source: str | None
    date: str | None
    url: str | None
    text: str
    content_hash: str
    text_hash: str
    passages: list[StoredPassage] = field(default_factory=list)
    embeddings: np.ndarray | None = None  # one row a passage


@dataclass
class StoredIndex:
    """Everything an index holds, for copying it to another store unchanged."""

    manifest: dict[str, str]
    sources: list[tuple[str, int, int, str]]
    articles: list[StoredArticle]


class ArticleFilter(Protocol):
    """Which articles a question may cite (assistant.query.options.Filters)."""

    @property
    def source(self) -> str | None: ...

    @property
    def since(self) -> str | None: ...  # YYYY-MM-DD, included

    @property
    def until(self) -> str | None: ...

    @property
    def active(self) -> bool: ...

    def matches_source(self, source: str | None, url: str | None) -> bool: ...


class ManifestFields:
    """What every store's reader reads from its manifest (a dict of strings,
    ``self.manifest``) the same way."""

    manifest: dict

    @property
    def model_id(self) -> str:
        return self.manifest["model_id"]

    @property
    def dim(self) -> int:
        return int(self.manifest["dim"])

    @property
    def background(self) -> np.ndarray | None:
        """Mean embedding of the relevance background sentences, if recorded."""
        raw = self.manifest.get("background")
        if not raw:
            return None
        if getattr(self, "_background_raw", None) != raw:
            self._background_raw = raw
            self._background = np.asarray(json.loads(raw), dtype=np.float32)
        return self._background

    @property
    def language_means(self) -> dict | None:
        """Each language's passage count and mean vector (see
        assistant.query.languages), if recorded."""
        raw = self.manifest.get("language_means")
        if not raw:
            return None
        if getattr(self, "_language_means_raw", None) != raw:
            self._language_means_raw = raw
            self._language_means = json.loads(raw)
        return self._language_means

    @property
    def dense_scale(self) -> float | None:
        """The spread of the model's cosines, recorded at build time (see
        assistant.query.relevance.dense_scale); None for older indexes."""
        raw = self.manifest.get("dense_scale")
        return float(raw) if raw else None

    @property
    def analyzer(self) -> str:
        """How the keyword bodies were made (see assistant.query.keywords)."""
        return self.manifest.get("analyzer", "plain")


def next_manifest(previous: dict, fresh: bool, model_id: str, dim: int, analyzer,
                  generation: int, next_passage_id: int, roots: list[str], now: str,
                  store_keys: dict, extra: dict) -> dict:
    """The manifest an update commits, the same for every store; ``store_keys``:
    what only this store records (its vectors file, its index kind); ``analyzer``:
    the keyword analyzer (its ``name`` is recorded), if any."""
    manifest = {
        "schema_version": str(db.SCHEMA_VERSION),
        "model_id": model_id,
        "dim": str(dim),
        "generation": str(generation),
        "next_passage_id": str(next_passage_id),
        "roots": roots,
        "updated_at": now,
    }
    if analyzer:
        manifest["analyzer"] = analyzer.name
    manifest.update(store_keys)
    manifest.update(extra)
    if fresh or "created_at" not in previous:
        manifest["created_at"] = now
    return manifest


class IndexStoreReader(Protocol):
    """A read-only view of an index that follows committed updates. Queries go
    inside ``with reader.snapshot():``, which holds one committed state."""

    manifest: dict[str, str]

    @property
    def location(self) -> str: ...  # a folder, or a URL without its password
    @property
    def model_id(self) -> str: ...
    @property
    def dim(self) -> int: ...
    @property
    def analyzer(self) -> str: ...
    @property
    def background(self) -> np.ndarray | None: ...
    @property
    def dense_scale(self) -> float | None: ...
    @property
    def language_means(self) -> dict | None: ...

    def snapshot(self) -> AbstractContextManager["IndexStoreReader"]: ...
    def search_dense(self, query: np.ndarray, n: int,
                     allowed: np.ndarray | None = None) -> list[tuple[int, float]]: ...
    def search_keyword(self, terms: list[str], n: int,
                       flt: ArticleFilter | None = None) -> list[tuple[int, float]]: ...
    def passage_ids(self, flt: ArticleFilter) -> np.ndarray: ...
    def doc_freqs(self, terms: list[str]) -> tuple[dict[str, int], int]: ...
    def terms_starting(self, prefix: str) -> dict[str, int]: ...
    def keyword_bodies(self, ids: list[int]) -> dict[int, str]: ...
    def passages(self, ids: list[int]) -> dict[int, PassageHit]: ...
    def article(self, public_or_rowid) -> dict | None: ...
    def list_articles(self) -> list[dict]: ...
    def vectors_of(self, ids: list[int]) -> np.ndarray: ...
    def sentence_vectors(self, ids: list[int]) -> dict[int, np.ndarray]: ...
    def stats(self) -> dict: ...
    def verify(self) -> list[str]: ...
    def export(self) -> StoredIndex: ...
    def close(self) -> None: ...


class IndexStoreWriter(Protocol):
    """One update of an index: holds the writer lock from open to close and
    commits atomically (readers see the old state or the new one)."""

    recorded_roots: list[str]
    had_index: bool
    fresh: bool
    manifest: dict[str, str]

    @property
    def location(self) -> str: ...

    def article_count(self) -> int: ...
    def sources(self, replaced: bool = False) -> dict[str, tuple[int, int, str]]: ...
    def articles_of(self, source_path: str) -> dict[str, tuple[int, str]]: ...
    def articles_by_text(self) -> dict[str, tuple[int, str, str]]: ...
    def vectors_for_hashes(self, hashes: list[str]) -> dict[str, np.ndarray]: ...
    def sentences_for_hashes(self, hashes: list[str]) -> dict[str, bytes]: ...
    def commit(self, remove_articles: list[int], add: list, vectors: np.ndarray,
               sources_upsert: list[tuple[str, int, int, str]], sources_delete: list[str],
               roots: list[str], now: str | None = None, extra: dict | None = None) -> None: ...
    def counts(self) -> tuple[int, int]: ...
    def close(self) -> None: ...
    def __enter__(self) -> "IndexStoreWriter": ...
    def __exit__(self, exc_type, exc, tb) -> None: ...


def iter_chunks(items: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
