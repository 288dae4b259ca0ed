"""Incremental index updates: only new, changed or deleted articles cost time.

Files whose size and mtime are unchanged are not even read. A changed file is
hashed; a changed article is re-chunked, and only passages whose text is new
to the index are embedded (the rest reuse their stored vectors).
"""

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedders import Embedder
from assistant.errors import (
    ConfirmationNeeded,
    InputError,
    ModelMismatchError,
    ModelUnavailableError,
    os_reason,
)
from assistant.ingest.context import passage_contexts, with_context
from assistant.ingest.discovery import FoundFile, discover
from assistant.ingest.documents import Article, SkipFile, parse_file
from assistant.progress import Phase, Progress
from assistant.query.languages import passage_language, updated_means
from assistant.query.relevance import background_passages, background_vector, dense_scale
from assistant.results import IndexSummary, Skipped
from assistant.store import sentence_vectors
from assistant.store.interface import StoreWriter
from assistant.store.open import open_writer
from assistant.store.records import KeywordAnalyzer, NewArticle, NewPassage, text_hash
from assistant.store.urls import is_postgres
from assistant.text.analysis import ANALYZER, fts_body
from assistant.text.sentences import sentence_spans

EMBED_BATCH = 32

# Embeds batches of passage texts, yielding (batch index, vectors) in any order
# as batches complete: the model in this process, or a cluster's workers.
BatchEmbedding = Callable[[list[list[str]]], Iterator[tuple[int, np.ndarray]]]


def in_process(embedder: Embedder) -> BatchEmbedding:
    def embed(batches: list[list[str]]) -> Iterator[tuple[int, np.ndarray]]:
        for i, texts in enumerate(batches):
            yield i, embedder.embed_passages(texts)

    return embed


# A recorded file's (size, mtime_ns, sha256), as the writer's ``sources()`` gives it.
SourceStat = tuple[int, int, str]
# The articles an update would add, each with the (rowid, content hash) of the one it replaces.
Candidates = list[tuple[Article, tuple[int, str] | None]]


# One article in a .txt/.md/.html file is never this big: such a file is a dump
# or a log, and would cost hours of embedding. A .jsonl holds many articles; a
# PDF or Word file is mostly images and layout (its text is held to 10 MB too).
MAX_ARTICLE_FILE_BYTES = 10_000_000
MAX_JSONL_FILE_BYTES = 1_000_000_000
MAX_DOCUMENT_FILE_BYTES = 100_000_000


def max_file_bytes(path: str) -> int:
    lower = path.lower()
    if lower.endswith(".jsonl"):
        return MAX_JSONL_FILE_BYTES
    if lower.endswith((".pdf", ".docx")):
        return MAX_DOCUMENT_FILE_BYTES
    return MAX_ARTICLE_FILE_BYTES


def _kind(path: str) -> str:
    return os.path.splitext(path)[1].lstrip(".").lower() or "text"


def _drop_duplicates(writer: StoreWriter, candidates: Candidates, removed: set[int],
                     summary: IndexSummary, sources_upsert: list[tuple[str, int, int, str]]) -> list[Article]:
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
            summary.skip(where, f"duplicate of an article in {twin}")
            reread.add(art.path)
            if previous:
                summary.removed += 1  # its old version was removed
                summary.changed(art.path, "removed")
            continue
        taken[h] = art.path
        art.text_hash = h
        if previous:
            summary.updated += 1
        else:
            summary.added += 1
        summary.changed(art.path, "updated" if previous else "added")
        kept.append(art)
    for i, (path, size, _, _) in enumerate(sources_upsert):
        if path in reread:
            sources_upsert[i] = (path, size, -1, "")
    return kept


def _kept_by(path: str, unreadable: list[str]) -> str | None:
    """The skipped path that keeps the indexed file ``path`` (None: it is gone).
    A file skipped now keeps its own articles, and a folder that is missing or
    unreadable now keeps those under it (it may come back); but a regular file
    standing where a folder was holds nothing under it, so the folder's go."""
    for p in unreadable:
        if path == p or (_in_scope(path, [p]) and not _is_regular_file(p)):
            return p
    return None


def _is_regular_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _in_scope(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


# An update that would take away more than this share of the index (and more
# than REMOVAL_FLOOR articles) stops and asks for --yes: a folder emptied by a
# failing disk or a mistyped --rebuild PATH must not silently wipe an index.
REMOVAL_SHARE = 0.5
REMOVAL_FLOOR = 20


@dataclass
class UpdatePlan:
    """What an update will do, decided before any embedding or writing."""

    summary: IndexSummary
    roots: list[str]  # the folders the index records after the update
    new_articles: list[Article] = field(default_factory=list)
    remove_rowids: list[int] = field(default_factory=list)
    sources_upsert: list[tuple[str, int, int, str]] = field(default_factory=list)
    sources_delete: list[str] = field(default_factory=list)
    articles_before: int = 0
    fresh: bool = False  # a rebuild: nothing of the old contents stays
    unreadable_lost: list[str] = field(default_factory=list)  # indexed files a rebuild cannot read

    @property
    def articles_after(self) -> int:
        if self.fresh:
            return len(self.new_articles)
        return self.articles_before - len(set(self.remove_rowids)) + len(self.new_articles)


def update_index(location: str, embedder: Embedder, paths: list[str] | None = None,
                 default_root: str | None = None, rebuild: bool = False,
                 progress: Progress | None = None, wait: bool = True,
                 on_wait: Callable[[], None] | None = None,
                 index_type: str | None = None, forget: list[str] | None = None,
                 follow_links: bool = False, yes: bool = False,
                 embed_batches: BatchEmbedding | None = None,
                 hold: Collection[str] = (), private: Collection[str] = (),
                 ocr_languages: str | None = None) -> IndexSummary:
    """Bring the index at ``location`` (a folder or a PostgreSQL URL) up to date with ``paths``.

    With no paths, the folders recorded by earlier runs are scanned again
    (also for ``rebuild``), or ``default_root`` when there is no index yet.
    ``forget`` removes recorded folders and their articles. An update that
    would remove a large share of the index raises ConfirmationNeeded unless
    ``yes``. ``embed_batches`` embeds the new passages elsewhere (a cluster);
    by default ``embedder`` does, in this process. Files in ``hold`` (still
    being written) keep what was indexed from them; a later update reads them.
    The index folder and the folders in ``private`` are never read as articles.
    ``ocr_languages``: Tesseract's, for pages without text (ingest/ocr.py).
    """
    started = time.perf_counter()
    progress = progress or (lambda phase, done, total: None)
    with open_writer(location, embedder.model_id, embedder.dim, rebuild=rebuild,
                     wait=wait, on_wait=on_wait, analyzer=KeywordAnalyzer(ANALYZER, fts_body),
                     index_type=index_type) as writer:
        _check_dim(writer, embedder)
        own = [*private, *([] if is_postgres(location) else [location])]
        plan = plan_update(writer, embedder, paths, default_root, forget or [], follow_links,
                           progress, hold, own, ocr_languages)
        if not yes:
            _check_removal(plan, rebuild)
        apply_update(writer, embedder, plan, progress, embed_batches)
    plan.summary.seconds = round(time.perf_counter() - started, 3)
    return plan.summary


def _check_dim(writer: StoreWriter, embedder: Embedder) -> None:
    """The same model id with vectors of another size (an embedding server that
    changed its model) is a mismatch, never a mix."""
    recorded = writer.manifest.get("dim") if not writer.fresh else None
    if recorded and int(recorded) != embedder.dim:
        raise ModelMismatchError(
            f"model '{embedder.model_id}' now gives {embedder.dim}-dimensional vectors but the "
            f"index holds {recorded}-dimensional ones; nothing was written. Rebuild with: "
            "assistant index --rebuild")


def _roots(writer: StoreWriter, paths: list[str] | None, default_root: str | None,
           forget: list[str]) -> tuple[list[str], list[str]]:
    """(folders to scan, folders to record). A rebuild rescans the folders the
    index recorded, never a default."""
    recorded = writer.recorded_roots
    if paths:
        scan = [os.path.abspath(p) for p in paths]
    elif forget and not writer.fresh:
        scan = []  # forgetting alone reads nothing
    elif recorded:
        scan = [r for r in recorded if not _in_scope(r, forget)]
    elif default_root and not writer.had_index:
        scan = [os.path.abspath(default_root)]
    elif writer.had_index:
        raise InputError("the index records no folders to update from; give one, e.g. "
                         "assistant index --rebuild ~/articles")
    else:
        raise InputError("nothing to index: give a file or folder, e.g. assistant index ~/articles")
    keep = [] if (writer.fresh and paths) else recorded
    keep = [r for r in keep if not _in_scope(r, forget)]
    for f in forget:
        owner = next((r for r in keep + scan if _in_scope(f, [r])), None)
        if owner is not None:
            raise InputError(f"{f} is inside the indexed folder {owner}, which would index it "
                             f"again; list it in {owner}/.assistantignore instead, or forget "
                             f"{owner}")
        if f not in recorded and not any(_in_scope(r, [f]) for r in recorded):
            raise InputError(f"{f} is not a folder this index records "
                             f"({', '.join(recorded) or 'none'})")
    return scan, list(dict.fromkeys(keep + scan))


def plan_update(writer: StoreWriter, embedder: Embedder, paths: list[str] | None,
                default_root: str | None, forget: list[str], follow_links: bool,
                progress: Progress, hold: Collection[str] = (),
                private: Collection[str] = (), ocr_languages: str | None = None) -> UpdatePlan:
    """Scan the folders and decide what changes: nothing is embedded or written."""
    forget = [os.path.abspath(f) for f in forget]
    scan, roots = _roots(writer, paths, default_root, forget)
    known = writer.sources()
    for root in scan:
        if not os.path.lexists(root) and not any(_in_scope(p, [root]) for p in known):
            hint = (f" (a folder this index records: connect it again, or remove its articles "
                    f"with: assistant index --forget {root})"
                    if root in writer.recorded_roots else "")
            raise InputError(f"no such file or folder: {root}{hint}")
    summary = IndexSummary(location=writer.location,
                           model=embedder.model_id, roots=roots)
    plan = UpdatePlan(summary, roots, articles_before=writer.article_count(), fresh=writer.fresh)

    found, seen, unreadable = [], set[str](), []
    for root in scan:
        d = discover(root, follow_links=follow_links, private=private)
        found += [f for f in d.files if f.path not in seen]
        seen.update(f.path for f in d.files)
        summary.skipped += [Skipped(p, r) for p, r in d.skipped]
        unreadable += [p for p, _ in d.skipped]

    candidates: Candidates = []
    keys_added: set[str] = set()
    hold = {os.path.abspath(h) for h in hold}
    for n, f in enumerate(found, start=1):
        progress(Phase.SCAN, n, len(found))
        if f.path in hold:  # not yet read: as if unchanged
            summary.unchanged += len(writer.articles_of(f.path))
            continue
        try:
            _plan_file(writer, embedder, f, known.get(f.path), plan, candidates, keys_added,
                       ocr_languages)
        except Exception as e:  # noqa: BLE001 - one file never stops a run
            summary.skip(f.path, f"cannot be read ({type(e).__name__}: {str(e)[:200]})")
    kept = _plan_removals(writer, plan, known, seen, scan, forget, unreadable)
    if writer.fresh:  # a rebuild keeps nothing: files it cannot read now would be lost
        plan.unreadable_lost = [p for p in writer.sources(replaced=True)
                                if p not in seen and _kept_by(p, unreadable) is not None]
    for where, count in kept.items():
        summary.unchanged += count
        summary.warnings.append(
            f"{where} cannot be read now: kept its {count} indexed articles; to remove them: "
            f"assistant index --forget {where}")
    plan.new_articles = _drop_duplicates(writer, candidates, set(plan.remove_rowids), summary,
                                         plan.sources_upsert)
    return plan


def _plan_removals(writer: StoreWriter, plan: UpdatePlan, known: dict[str, SourceStat],
                   seen: set[str],
                   scan: list[str], forget: list[str], unreadable: list[str]) -> dict[str, int]:
    """Remove the indexed files that are gone; returns, for each missing or
    unreadable folder that keeps its files' articles, how many it keeps."""
    kept: dict[str, int] = {}
    for path in known:
        if path in seen or not _in_scope(path, scan + forget):
            continue
        where = None if _in_scope(path, forget) else _kept_by(path, unreadable)
        if where is None:
            for rowid, _ in writer.articles_of(path).values():
                plan.remove_rowids.append(rowid)
                plan.summary.removed += 1
                plan.summary.changed(path, "removed")
            plan.sources_delete.append(path)
        else:  # under a folder that is missing or unreadable now: keep what it gave
            kept[where] = kept.get(where, 0) + len(writer.articles_of(path))
    return kept


def _plan_file(writer: StoreWriter, embedder: Embedder, f: FoundFile, old_stat: SourceStat | None,
               plan: UpdatePlan, candidates: Candidates, keys_added: set[str],
               ocr_languages: str | None = None) -> None:
    """Read, parse and compare one file (OCR in ``ocr_languages``); a file that
    cannot be read now keeps what was indexed from it before."""
    summary = plan.summary
    if old_stat and old_stat[0] == f.size and old_stat[1] == f.mtime_ns:
        summary.unchanged += len(writer.articles_of(f.path))
        return
    limit = max_file_bytes(f.path)
    if f.size > limit:
        summary.skip(f.path, f"too large for one {_kind(f.path)} file: {f.size / 1e6:.1f} MB "
                             f"(the limit is {limit / 1e6:.0f} MB)")
        return
    try:
        with open(f.path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as e:  # unreadable, or gone since the scan
        summary.skip(f.path, os_reason(e))
        return
    if len(data) > limit:  # grew since the scan
        summary.skip(f.path, f"too large for one {_kind(f.path)} file")
        return
    sha = hashlib.sha256(data).hexdigest()
    if old_stat and old_stat[2] == sha:
        summary.unchanged += len(writer.articles_of(f.path))
        plan.sources_upsert.append((f.path, f.size, f.mtime_ns, sha))
        return
    try:
        parsed = parse_file(Path(f.path), data, embedder.max_passage_chars, ocr_languages)
    except SkipFile as e:
        summary.skip(f.path, str(e))
        return
    old = writer.articles_of(f.path)
    new_keys, changes = set[str](), list[Article]()
    for art in parsed.articles:
        art.path = f.path
        if art.key in keys_added or art.key in new_keys:
            summary.warnings.append(f"{f.path}: duplicate article id '{art.id}' skipped")
            continue
        new_keys.add(art.key)
        changes.append(art)
    # Nothing of this file is planned until all of it parsed.
    summary.warnings += parsed.warnings
    for art in changes:
        previous = old.get(art.key)
        if previous and previous[1] == art.content_hash:
            summary.unchanged += 1
            continue
        if previous:
            plan.remove_rowids.append(previous[0])
        candidates.append((art, previous))
    keys_added |= new_keys
    for key, (rowid, _) in old.items():
        if key not in new_keys:
            plan.remove_rowids.append(rowid)
            summary.removed += 1
            summary.changed(f.path, "updated")
    plan.sources_upsert.append((f.path, f.size, f.mtime_ns, sha))


def _check_removal(plan: UpdatePlan, rebuild: bool) -> None:
    if plan.unreadable_lost:
        raise ConfirmationNeeded(
            f"this rebuild cannot read {len(plan.unreadable_lost)} indexed files now (e.g. "
            f"{plan.unreadable_lost[0]}) and would drop their articles; nothing was changed. "
            "Make them readable, or run the same command again with --yes")
    lost = plan.articles_before - plan.articles_after
    if lost > max(REMOVAL_FLOOR, plan.articles_before * REMOVAL_SHARE):
        what = "this rebuild" if rebuild else "this update"
        raise ConfirmationNeeded(
            f"{what} would leave {plan.articles_after} of the {plan.articles_before} indexed "
            f"articles (folders: {', '.join(plan.roots) or 'none'}); nothing was changed. "
            "If that is what you want, run the same command again with --yes")


def apply_update(writer: StoreWriter, embedder: Embedder, plan: UpdatePlan,
                 progress: Progress, embed_batches: BatchEmbedding | None = None) -> None:
    """Embed the new passages and commit the plan in one transaction."""
    summary = plan.summary
    additions, vectors = _embed(writer, embedder, plan.new_articles, summary, progress,
                                embed_batches or in_process(embedder))
    progress(Phase.WRITE, 0, 1)
    extra: dict[str, object] = {}
    new_background = writer.fresh or "background" not in writer.manifest
    new_scale = writer.fresh or "dense_scale" not in writer.manifest
    if new_background or new_scale:
        passages = background_passages(embedder)  # embedded once for both
        if new_background:
            extra["background"] = [round(float(x), 6) for x in background_vector(embedder, passages)]
        if new_scale:
            extra["dense_scale"] = f"{dense_scale(embedder, passages):.5f}"
    means = _language_means(writer, additions, vectors)
    if means is not None:
        extra["language_means"] = means
    writer.commit(plan.remove_rowids, additions, vectors, plan.sources_upsert,
                  plan.sources_delete, plan.roots, extra=extra)
    progress(Phase.WRITE, 1, 1)
    summary.articles, summary.passages = writer.counts()


def _language_means(writer: StoreWriter, additions: list[NewArticle],
                    vectors: np.ndarray) -> dict | None:
    """The manifest's language means with the new passages in (query/languages.py).
    An index built before they were recorded gets them at its next rebuild: a
    mean of only the passages added since would stand for the wrong texts."""
    recorded = None if writer.fresh else writer.manifest.get("language_means")
    if (not writer.fresh and not recorded) or not len(vectors):
        return None
    languages = [passage_language(p.fts_body) for a in additions for p in a.passages]
    return updated_means(json.loads(recorded) if recorded else None, vectors, languages)


def _check_batch(vecs: Any, n: int, dim: int) -> None:  # whatever the embedder returned
    """A batch's vectors must be one finite row of the index's dimension a passage."""
    shape = getattr(vecs, "shape", None)
    if shape != (n, dim) or not np.isfinite(vecs).all():
        raise ModelUnavailableError(f"the embedding of a batch of {n} passages returned "
                                    f"{shape or type(vecs).__name__}, not ({n}, {dim}) finite values")


def _embed(writer: StoreWriter, embedder: Embedder, articles: list[Article], summary: IndexSummary,
           progress: Progress, embed_batches: BatchEmbedding) -> tuple[list[NewArticle], np.ndarray]:
    """The new articles with their passages, and one vector a passage. Each
    passage of two sentences or more also gets its sentences' vectors
    (``store.sentence_vectors``). Unchanged text reuses what is stored."""
    additions: list[NewArticle] = []
    texts: list[str] = []
    hashes: list[str] = []
    sentence_texts: dict[int, list[str]] = {}  # passage's position in ``hashes`` -> sentences
    for art in articles:
        passages = []
        contexts = passage_contexts(art.title, [p.text for p in art.passages],
                                    embedder.max_passage_chars)
        for p, context in zip(art.passages, contexts):
            embedded = with_context(context, p.text)
            h = text_hash(embedded)
            passages.append(NewPassage(p.ordinal, p.paragraph, p.start, p.end, p.text, h,
                                       fts_body(p.text, context), context, p.page,
                                       ocr=p.ocr))
            spans = sentence_spans(p.text)
            if len(spans) > 1:
                sentence_texts[len(hashes)] = [p.text[a:b] for a, b in spans]
            texts.append(embedded)
            hashes.append(h)
        additions.append(NewArticle(art.key, art.id, art.path, art.title, art.source, art.date,
                                    art.url, art.text, art.content_hash, passages,
                                    art.text_hash))
    stored = writer.vectors_for_hashes(hashes)
    stored_sentences = writer.sentences_for_hashes([hashes[i] for i in sentence_texts])
    todo: dict[str, str] = {}
    for t, h in zip(texts, hashes):
        if h not in stored:
            todo.setdefault(h, t)
    passage_items = len(todo)
    for i, sentences in sentence_texts.items():
        packed = stored_sentences.get(hashes[i])
        if _fits(packed, len(sentences), embedder.dim):
            continue
        for t in sentences:
            todo.setdefault(text_hash(t), t)
    summary.reused = sum(1 for h in hashes if h in stored)
    fresh = _embed_texts(todo, embedder.dim, passage_items, progress, embed_batches)
    summary.embedded = passage_items
    summary.sentences = len(todo) - passage_items
    flat = [p for a in additions for p in a.passages]
    for i, sentences in sentence_texts.items():
        packed = stored_sentences.get(hashes[i])
        flat[i].sentences = packed if _fits(packed, len(sentences), embedder.dim) else \
            sentence_vectors.pack(np.stack([fresh[text_hash(t)] for t in sentences]))
    if not hashes:
        return additions, np.zeros((0, embedder.dim), dtype=np.float32)
    vectors = np.stack([stored[h] if h in stored else fresh[h] for h in hashes]).astype(np.float32)
    return additions, vectors


def _fits(packed: bytes | None, sentences: int, dim: int) -> bool:
    unpacked = sentence_vectors.unpack(packed, dim)
    return unpacked is not None and len(unpacked) == sentences


def _embed_texts(todo: dict[str, str], dim: int, passages: int, progress: Progress,
                 embed_batches: BatchEmbedding) -> dict[str, np.ndarray]:
    """Embed ``todo`` (text hash -> text). Progress counts passages: the
    share of texts done, of the ``passages`` among them."""
    fresh: dict[str, np.ndarray] = {}
    # Similar lengths batched together: a padded batch (sentence-transformers)
    # then wastes little on padding.
    items = sorted(todo.items(), key=lambda item: len(item[1]))
    batches = [items[i:i + EMBED_BATCH] for i in range(0, len(items), EMBED_BATCH)]
    unit = passages or len(items)
    progress(Phase.EMBED, 0, unit)
    done = 0
    for i, vecs in embed_batches([[t for _, t in batch] for batch in batches]):
        batch = batches[i]
        _check_batch(vecs, len(batch), dim)
        for (h, _), v in zip(batch, vecs):
            fresh[h] = v
        done += len(batch)
        progress(Phase.EMBED, round(done * unit / len(items)), unit)
    if len(fresh) != len(items):  # never commit a passage without its vector
        raise ModelUnavailableError(f"the embedding returned {len(fresh)} of {len(items)} vectors")
    return fresh
