"""Incremental index updates: only new, changed or deleted articles cost time.

Files whose size and mtime are unchanged are not even read. A changed file is
hashed; a changed article is re-chunked, and only passages whose text is new
to the index are embedded (the rest reuse their stored vectors).
"""

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from assistant.embedders import Embedder
from assistant.errors import InputError
from assistant.progress import Phase, Progress
from assistant.ingest.discovery import discover
from assistant.ingest.documents import Article, SkipFile, parse_file
from assistant.query.keywords import ANALYZER, fts_body
from assistant.query.relevance import background_vector
from assistant.store.database import text_hash
from assistant.store.writer import IndexWriter, KeywordAnalyzer, NewArticle, NewPassage

EMBED_BATCH = 32


@dataclass
class IndexSummary:
    index_dir: str
    model: str
    roots: list[str]
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"path", "reason"}
    warnings: list[str] = field(default_factory=list)
    embedded: int = 0  # passages sent to the model
    reused: int = 0  # passages whose vector was already stored
    articles: int = 0  # totals after the update
    passages: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


# One article in a .txt/.md/.html file is never this big: such a file is a dump
# or a log, and would cost hours of embedding. A .jsonl holds many articles.
MAX_ARTICLE_FILE_BYTES = 10_000_000
MAX_JSONL_FILE_BYTES = 1_000_000_000


def max_file_bytes(path: str) -> int:
    return MAX_JSONL_FILE_BYTES if path.lower().endswith(".jsonl") else MAX_ARTICLE_FILE_BYTES


def _kind(path: str) -> str:
    return os.path.splitext(path)[1].lstrip(".").lower() or "text"


def _os_reason(e: OSError) -> str:
    if isinstance(e, FileNotFoundError):
        return "disappeared while indexing"
    if isinstance(e, PermissionError):
        return "permission denied"
    return e.strerror or str(e)


def _drop_duplicates(writer: IndexWriter, candidates, removed: set[int], summary: IndexSummary,
                     sources_upsert: list[tuple[str, int, int, str]]) -> list[Article]:
    """New and changed articles, less those whose text is already indexed (or
    comes twice in this update): the same story filed twice is cited once.

    A file with a duplicate is recorded as never seen, so the next update reads
    it again and indexes the article once its twin is gone.
    """
    indexed = {h: row for h, row in writer.articles_by_text().items() if row[0] not in removed}
    taken: dict[str, str] = {}  # text hash -> path of the article kept in this update
    kept, reread = [], set()
    for art, previous in candidates:
        h = text_hash(art.text)
        twin = taken.get(h) or (indexed[h][2] if h in indexed and indexed[h][1] != art.key
                                else None)
        if twin is not None:
            where = art.path if art.key == art.path else f"{art.path} ({art.id})"
            summary.skipped.append({"path": where, "reason": f"duplicate of an article in {twin}"})
            reread.add(art.path)
            if previous:
                summary.removed += 1  # its old version was removed
            continue
        taken[h] = art.path
        art.text_hash = h
        if previous:
            summary.updated += 1
        else:
            summary.added += 1
        kept.append(art)
    for i, (path, size, _, _) in enumerate(sources_upsert):
        if path in reread:
            sources_upsert[i] = (path, size, -1, "")
    return kept


def _in_scope(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def update_index(directory: str, embedder: Embedder, paths: list[str] | None = None,
                 default_root: str | None = None, rebuild: bool = False,
                 progress: Progress | None = None, wait: bool = True,
                 on_wait: Callable[[], None] | None = None,
                 index_type: str | None = None) -> IndexSummary:
    """Bring the index in ``directory`` up to date with ``paths``.

    With no paths, the folders recorded by earlier runs are scanned again, or
    ``default_root`` when the index is new.
    """
    started = time.perf_counter()
    progress = progress or (lambda phase, done, total: None)
    with IndexWriter(directory, embedder.model_id, embedder.dim, rebuild=rebuild,
                     wait=wait, on_wait=on_wait, analyzer=KeywordAnalyzer(ANALYZER, fts_body),
                     index_type=index_type) as writer:
        if paths:
            roots = [os.path.abspath(p) for p in paths]
        else:
            roots = writer.roots if (writer.roots and not writer.fresh) else []
            if not roots and default_root:
                roots = [os.path.abspath(default_root)]
        if not roots:
            raise InputError("nothing to index: give a file or folder, e.g. assistant index ~/articles")
        known = writer.sources()
        for root in roots:
            if not os.path.exists(root) and not any(_in_scope(p, [root]) for p in known):
                raise InputError(f"no such file or folder: {root}")
        summary = IndexSummary(index_dir=os.path.abspath(directory), model=embedder.model_id,
                               roots=roots)

        found, seen = [], set()
        for root in roots:
            d = discover(root)
            found += [f for f in d.files if f.path not in seen]
            seen.update(f.path for f in d.files)
            summary.skipped += [{"path": p, "reason": r} for p, r in d.skipped]

        remove_rowids: list[int] = []
        candidates: list[tuple[Article, tuple[int, str] | None]] = []  # (article, replaced row)
        sources_upsert, sources_delete = [], []
        keys_added: set[str] = set()
        for n, f in enumerate(found, start=1):
            progress(Phase.SCAN, n, len(found))
            old_stat = known.get(f.path)
            if old_stat and old_stat[0] == f.size and old_stat[1] == f.mtime_ns:
                summary.unchanged += len(writer.articles_of(f.path))
                continue
            limit = max_file_bytes(f.path)
            if f.size > limit:
                summary.skipped.append({"path": f.path, "reason": (
                    f"too large for one {_kind(f.path)} file: {f.size / 1e6:.1f} MB "
                    f"(the limit is {limit / 1e6:.0f} MB)")})
                continue  # what was indexed from it before stays
            try:
                with open(f.path, "rb") as fh:
                    data = fh.read()
            except OSError as e:  # unreadable, or gone since the scan
                summary.skipped.append({"path": f.path, "reason": _os_reason(e)})
                continue
            sha = hashlib.sha256(data).hexdigest()
            if old_stat and old_stat[2] == sha:
                summary.unchanged += len(writer.articles_of(f.path))
                sources_upsert.append((f.path, f.size, f.mtime_ns, sha))
                continue
            try:
                parsed = parse_file(Path(f.path), data, embedder.max_passage_chars)
            except SkipFile as e:
                summary.skipped.append({"path": f.path, "reason": str(e)})
                continue  # a file we cannot read now keeps what was indexed from it before
            summary.warnings += parsed.warnings
            old = writer.articles_of(f.path)
            new_keys = set()
            for art in parsed.articles:
                art.path = f.path
                if art.key in keys_added or art.key in new_keys:
                    summary.warnings.append(f"{f.path}: duplicate article id '{art.id}' skipped")
                    continue
                new_keys.add(art.key)
                previous = old.get(art.key)
                if previous and previous[1] == art.content_hash:
                    summary.unchanged += 1
                    continue
                if previous:
                    remove_rowids.append(previous[0])
                candidates.append((art, previous))
            keys_added |= new_keys
            for key, (rowid, _) in old.items():
                if key not in new_keys:
                    remove_rowids.append(rowid)
                    summary.removed += 1
            sources_upsert.append((f.path, f.size, f.mtime_ns, sha))
        for path in known:
            if path not in seen and _in_scope(path, roots):
                for rowid, _ in writer.articles_of(path).values():
                    remove_rowids.append(rowid)
                    summary.removed += 1
                sources_delete.append(path)
        new_articles = _drop_duplicates(writer, candidates, set(remove_rowids), summary,
                                        sources_upsert)

        additions, vectors = _embed(writer, embedder, new_articles, summary, progress)
        progress(Phase.WRITE, 0, 1)
        all_roots = list(dict.fromkeys((writer.roots if not writer.fresh else []) + roots))
        extra = {}
        if writer.fresh or "background" not in writer.manifest:
            extra["background"] = [round(float(x), 6) for x in background_vector(embedder)]
        writer.commit(remove_rowids, additions, vectors, sources_upsert, sources_delete, all_roots,
                      extra=extra)
        progress(Phase.WRITE, 1, 1)
        summary.articles, summary.passages = writer.counts()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _embed(writer: IndexWriter, embedder: Embedder, articles, summary: IndexSummary,
           progress: Progress) -> tuple[list[NewArticle], np.ndarray]:
    additions: list[NewArticle] = []
    texts: list[str] = []
    hashes: list[str] = []
    for art in articles:
        passages = []
        for p in art.passages:
            h = text_hash(p.text)
            passages.append(NewPassage(p.ordinal, p.paragraph, p.start, p.end, p.text, h,
                                       fts_body(p.text)))
            texts.append(p.text)
            hashes.append(h)
        additions.append(NewArticle(art.key, art.id, art.path, art.title, art.source, art.date,
                                    art.url, art.text, art.content_hash, passages,
                                    art.text_hash))
    stored = writer.vectors_for_hashes(hashes)
    todo: dict[str, str] = {}
    for t, h in zip(texts, hashes):
        if h not in stored:
            todo.setdefault(h, t)
    summary.reused = sum(1 for h in hashes if h in stored)
    fresh: dict[str, np.ndarray] = {}
    # Similar lengths batched together: a padded batch (sentence-transformers)
    # then wastes little on padding.
    items = sorted(todo.items(), key=lambda item: len(item[1]))
    progress(Phase.EMBED, 0, len(items))
    for i in range(0, len(items), EMBED_BATCH):
        batch = items[i:i + EMBED_BATCH]
        vecs = embedder.embed_passages([t for _, t in batch])
        for (h, _), v in zip(batch, vecs):
            fresh[h] = v
        progress(Phase.EMBED, min(i + EMBED_BATCH, len(items)), len(items))
    summary.embedded = len(items)
    if not hashes:
        return additions, np.zeros((0, embedder.dim), dtype=np.float32)
    vectors = np.stack([stored[h] if h in stored else fresh[h] for h in hashes]).astype(np.float32)
    return additions, vectors
