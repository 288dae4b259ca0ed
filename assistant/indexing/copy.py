"""Copying an index between stores (a folder and a PostgreSQL database, either
way) without embedding anything again: rows, keyword terms and vectors move as
they are, and the model id and dimension go with them."""

import json
import os
import time
from collections.abc import Callable

import numpy as np

from assistant.embedders import resolve_model_id
from assistant.errors import ConfirmationNeeded, CorruptIndexError, ModelMismatchError, UsageError
from assistant.results import IndexSummary
from assistant.store.index_types import INDEX_TYPES
from assistant.store.open import open_reader, open_writer
from assistant.store.records import NewArticle, NewPassage, StoredIndex
from assistant.store.urls import is_postgres, redact

# Manifest keys each store writes for itself; every other key (the analysis,
# the relevance background, the cosine spread) is copied as it is.
OWN_KEYS = {"schema_version", "model_id", "dim", "generation", "vectors_file", "next_passage_id",
            "roots", "updated_at", "created_at", "index_type", "index_kind", "trained_on"}


def _shown(location: str) -> str:
    return redact(location)


def _same(a: str, b: str) -> bool:
    if is_postgres(a) or is_postgres(b):
        return a == b
    return os.path.abspath(a) == os.path.abspath(b)


def copy_index(source: str, target: str, model: str | None = None, yes: bool = False,
               wait: bool = True, on_wait: Callable[[], object] | None = None) -> IndexSummary:
    """Replace the index at ``target`` with a copy of the one at ``source``."""
    started = time.perf_counter()
    if _same(source, target):
        raise UsageError(f"--from names the index being written ({_shown(target)}); give "
                         "another folder or database to copy from")
    reader = open_reader(source)
    try:
        with reader.snapshot():
            stored = reader.export()
    finally:
        reader.close()
    model_id, dim = stored.manifest["model_id"], int(stored.manifest["dim"])
    if model and resolve_model_id(model) != model_id:
        raise ModelMismatchError(f"the index in {_shown(source)} was built with model "
                                 f"'{model_id}', not '{resolve_model_id(model)}'; copying keeps "
                                 "its vectors, so leave out --model")
    add, vectors = _additions(stored, dim, source)
    # A local index keeps its FAISS kind; Postgres' HNSW is pgvector's, not FAISS's
    # (whose HNSW stores 8-bit vectors): a copy from Postgres chooses afresh.
    kind = stored.manifest.get("index_type")
    local_to_local = not is_postgres(source) and not is_postgres(target)
    index_type = kind if local_to_local and kind in INDEX_TYPES else None
    with open_writer(target, model_id, dim, rebuild=True, wait=wait, on_wait=on_wait,
                     index_type=index_type) as writer:
        had = writer.counts()[0] if writer.had_index else 0
        if had and not yes:
            raise ConfirmationNeeded(
                f"{_shown(target)} already holds an index of {had} articles, which the copy "
                "would replace; nothing was changed. Run again with --yes to replace it")
        roots = _json_list(stored.manifest.get("roots"))
        extra = {k: v for k, v in stored.manifest.items() if k not in OWN_KEYS}
        writer.commit([], add, vectors, list(stored.sources), [], roots, extra=extra)
        articles, passages = writer.counts()
        location = writer.location
    return IndexSummary(location=location, model=model_id, roots=roots, added=len(add),
                        reused=len(vectors), articles=articles, passages=passages,
                        seconds=round(time.perf_counter() - started, 3))


def _additions(stored: StoredIndex, dim: int, source: str) -> tuple[list[NewArticle], np.ndarray]:
    add, blocks = [], []
    for a in stored.articles:
        passages = [NewPassage(p.ordinal, p.paragraph, p.start, p.end, p.text, p.text_hash,
                               p.fts_body, p.context, p.page, p.sentences, p.ocr)
                    for p in a.passages]
        vecs = a.embeddings if a.embeddings is not None else np.zeros((0, dim), dtype=np.float32)
        if vecs.shape != (len(passages), dim):
            raise CorruptIndexError(f"the index in {_shown(source)} holds vectors of shape "
                                    f"{vecs.shape} for {len(passages)} passages of dimension "
                                    f"{dim}; rebuild it with: assistant index --rebuild")
        add.append(NewArticle(a.key, a.public_id, a.source_path, a.title, a.source, a.date, a.url,
                              a.text, a.content_hash, passages, a.text_hash))
        blocks.append(vecs.astype(np.float32))
    vectors = np.concatenate(blocks) if blocks else np.zeros((0, dim), dtype=np.float32)
    return add, vectors


def _json_list(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [r for r in value if isinstance(r, str)] if isinstance(value, list) else []
