"""The rows every store reads and writes: new and stored articles and passages,
search hits, the keyword analyzer that makes FTS bodies, and what an index
holds (``index_info``, the one builder both readers call)."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from assistant.results import ArticleRef, IndexInfo


def text_hash(text: str) -> str:
    """The hash that identifies a passage's or an article's text."""
    import hashlib  # not on the question path

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def index_info(location: str, manifest: Mapping[str, str], *, articles: int, passages: int,
               vectors: int, index_type: str, index_type_setting: str,
               size_bytes: int) -> IndexInfo:
    """What an index holds: its counts and kinds from the store, the rest from
    its manifest, written the same for every store."""
    return IndexInfo(
        location=location, articles=articles, passages=passages,
        model=manifest.get("model_id"), dim=int(manifest.get("dim", 0)), vector_count=vectors,
        index_type=index_type, index_type_setting=index_type_setting, size_bytes=size_bytes,
        created_at=manifest.get("created_at"), updated_at=manifest.get("updated_at"),
        schema_version=int(manifest.get("schema_version", 0)),
        roots=json.loads(manifest.get("roots", "[]")))


@dataclass(frozen=True)
class KeywordAnalyzer:
    """How passage text becomes its keyword (FTS) terms: the name the manifest
    records, and the function that makes a passage's FTS body."""

    name: str
    fts_body: Callable[[str, str], str]  # (passage text, context) -> FTS body


@dataclass
class NewPassage:
    ordinal: int
    paragraph: int
    start: int
    end: int
    text: str
    text_hash: str  # of what was embedded: context and text
    fts_body: str
    context: str = ""
    page: int | None = None  # a PDF's page
    sentences: bytes | None = None  # its sentences' vectors, packed (store/sentence_vectors.py)
    ocr: bool = False  # its page was read by OCR


@dataclass
class NewArticle:
    key: str
    public_id: str
    source_path: str
    title: str | None
    source: str | None
    date: str | None
    url: str | None
    text: str
    content_hash: str
    passages: list[NewPassage]
    text_hash: str = ""


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
    ocr: bool = False  # its page was read by OCR


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
    ocr: bool = False  # its page was read by OCR


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
