"""The service every shell (CLI, TUI, HTTP API, MCP) calls. It never imports them."""

import os
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.app.settings import Settings, find_sample_dir
from assistant.embedders import Embedder, load_embedder, resolve_model_id
from assistant.errors import AssistantError, ModelMismatchError, NoIndexError, UsageError
from assistant.query import pipeline
from assistant.query.options import Filters
from assistant.query.relevance import background_vector
from assistant.results import (
    ArticleInfo,
    ArticleText,
    AskResult,
    IndexInfo,
    IndexSummary,
    PassageSpan,
)
from assistant.store.interface import StoreReader
from assistant.store.open import has_committed_index, open_reader, recorded_model
from assistant.store.urls import redact

if TYPE_CHECKING:  # types only: what they name loads when it is used
    import numpy as np

    from assistant.app.conversation import Conversation
    from assistant.embedders.cluster import ClusterSpec  # and Dask only with --cluster
    from assistant.llm.config import LLMConfig  # and the LLM client only with --llm
    from assistant.progress import Progress


@dataclass(frozen=True)
class IndexRequest:
    """One update of the index. ``paths``: the files and folders to index (None:
    the folders the index records, or sample_articles/ for a new index);
    ``rebuild`` starts afresh; ``wait`` false: another update running is an
    error instead of a wait; ``forget`` removes recorded folders; ``yes``
    confirms an update that removes a large share of the index; ``cluster``
    embeds the new passages on a Dask cluster (connected only when there is
    something to embed); files in ``hold`` (still being written) keep what was
    indexed from them."""

    paths: Sequence[str] | None = None
    rebuild: bool = False
    wait: bool = True
    index_type: str | None = None
    forget: Sequence[str] = ()
    follow_links: bool = False
    yes: bool = False
    cluster: "ClusterSpec | None" = None
    hold: Collection[str] = ()


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 llm: "LLMConfig | None" = None) -> None:
        self.settings = settings or Settings.from_env()
        self.llm = llm  # an OpenAI-compatible server to write answers in words; None: extractive
        self._embedder = embedder
        self._reader: StoreReader | None = None
        self._bg_cache: np.ndarray | None = None  # for indexes that did not record one
        # The TUI asks, reads and updates from worker threads: one reader
        # connection and one model, each used by one thread at a time.
        self._lock = threading.RLock()
        self._sentences: _Remembering | None = None  # sentence vectors kept between questions

    # -- index ------------------------------------------------------------------------

    @property
    def index_dir(self) -> str:
        """The local folder: the index (unless a store URL is set), history, transcripts."""
        return self.settings.index_dir

    @property
    def location(self) -> str:
        """Where the index lives: the PostgreSQL URL of the store setting, else the folder."""
        return self.settings.store or self.settings.index_dir

    def where(self) -> str:
        """The index's location as it may be shown (a URL without its password)."""
        return redact(self.location) if self.settings.store else os.path.abspath(self.index_dir)

    def has_index(self) -> bool:
        """True when a committed index exists (a first build that crashed leaves none)."""
        return has_committed_index(self.location)

    def sample_dir(self) -> str | None:
        """Where a missing index is built from. sample_articles/ is found only for
        the default index location: a mistyped --index-dir is an error, not a
        new index built from the samples."""
        if self.settings.sample_dir is None and not self.is_default_index_dir():
            return None
        return find_sample_dir(self.settings.sample_dir)

    def is_default_index_dir(self) -> bool:
        if self.settings.store:
            return False  # a shared database is never filled with the samples unasked
        return os.path.abspath(self.index_dir) == os.path.abspath(Settings().index_dir)

    def _model_for_update(self, rebuild: bool) -> str:
        if self.settings.model:
            return resolve_model_id(self.settings.model)
        if self._embedder is not None:
            return self._embedder.model_id
        if self.has_index():
            try:
                return self.reader.model_id  # a rebuild keeps the model unless --model says
            except AssistantError:
                if not rebuild:
                    raise
        return resolve_model_id(None)

    def embedder(self, model_id: str) -> Embedder:
        """The loaded model. A reentrant one is shared as it is: a question asked
        during an update runs beside the update's embedding instead of after it."""
        with self._lock:
            if self._embedder is None or self._embedder.model_id != model_id:
                self._embedder = self._load(model_id)
            if not getattr(self._embedder, "reentrant", False) and \
                    not isinstance(self._embedder, _Serialized):
                self._embedder = _Serialized(self._embedder)
            return self._embedder

    def _load(self, model_id: str) -> Embedder:
        return load_embedder(model_id, device=self.settings.device, **self._server())

    def _server(self) -> dict[str, str | None]:
        """Where an ``openai:`` model is served (embedders/remote.py)."""
        return {"embed_url": self.settings.embed_url,
                "embed_prefixes": self.settings.embed_prefixes}

    def load_model(self) -> str:
        """Load the model of the index (or the default one) ahead of the first question."""
        if self.has_index():
            return self.query_embedder().model_id
        return self.embedder(self._model_for_update(False)).model_id

    def index(self, request: "IndexRequest | None" = None, progress: "Progress | None" = None,
              on_wait: Callable[[], object] | None = None) -> IndexSummary:
        """Carry out ``request`` (by default: update the index from the folders
        it records). ``progress`` sees the phases and counts; ``on_wait`` is
        called once when another update holds the index and this one waits."""
        from assistant.indexing.update import update_index

        request = request or IndexRequest()
        model_id = self._model_for_update(request.rebuild)
        if request.rebuild:
            self.close()  # a rebuild may replace the database file under the reader
        embedder = self.embedder(model_id)
        paths = list(request.paths) if request.paths is not None else None
        options: dict[str, Any] = dict(
            default_root=self.sample_dir(), rebuild=request.rebuild, progress=progress,
            wait=request.wait, on_wait=on_wait, index_type=request.index_type,
            forget=list(request.forget), follow_links=request.follow_links, yes=request.yes,
            hold=request.hold,
            private=[self.index_dir],  # history, transcripts: even with a store URL
            ocr_languages=self.settings.ocr_languages)
        if request.cluster is None:
            return update_index(self.location, embedder, paths, **options)
        from assistant.embedders.cluster import ClusterEmbedding

        with ClusterEmbedding(request.cluster, model_id, self.settings.device,
                              self._server()) as remote:
            return update_index(self.location, embedder, paths, embed_batches=remote, **options)

    def copy_from(self, source: str, yes: bool = False, wait: bool = True,
                  on_wait: Callable[[], object] | None = None) -> IndexSummary:
        """Replace this index with a copy of the one at ``source`` (a folder or a
        PostgreSQL URL), vectors and all: nothing is embedded again."""
        from assistant.indexing.copy import copy_index

        self.close()
        return copy_index(source, self.location, model=self.settings.model, yes=yes, wait=wait,
                          on_wait=on_wait)

    @property
    def reader(self) -> StoreReader:
        with self._lock:
            return self._open_reader()

    def _open_reader(self) -> StoreReader:
        if self._reader is None:
            # A database says itself that it holds no index (one connection less).
            if not self.settings.store and not self.has_index():
                raise NoIndexError(
                    f"no index in {self.where()}; build one with: assistant index PATH")
            self._reader = open_reader(self.location)
        return self._reader

    def info(self) -> IndexInfo:
        """What the index holds: counts, model, kind, size, times, folders."""
        with self._lock, self.reader.snapshot():
            return self.reader.info()

    def articles(self) -> list[ArticleInfo]:
        """The indexed articles, newest first."""
        with self._lock, self.reader.snapshot():
            return self.reader.list_articles()

    def article(self, article_id: str) -> ArticleText | None:
        """One article with its cleaned text, or None."""
        with self._lock, self.reader.snapshot():
            return self.reader.article(article_id)

    def article_passages(self, article_id: str) -> list[PassageSpan]:
        """Where each passage of an article lies in its text, in order (none: no such article)."""
        with self._lock, self.reader.snapshot():
            return self.reader.article_passages(article_id)

    def verify(self) -> list[str]:
        with self._lock:
            return self.reader.verify()

    def conversation(self) -> "Conversation":
        """A chat whose follow-up questions are searched with the turns before them."""
        from assistant.app.conversation import Conversation

        return Conversation(self)

    # -- questions ----------------------------------------------------------------------

    def query_embedder(self) -> Embedder:
        """The embedder of the index's recorded model; asking with another is an error."""
        recorded = self.reader.model_id
        if self.settings.model and resolve_model_id(self.settings.model) != recorded:
            raise ModelMismatchError(
                f"the index in {self.where()} was built with model "
                f"'{recorded}', not '{resolve_model_id(self.settings.model)}'; ask without --model, "
                f"or rebuild it with: assistant index --rebuild --model {self.settings.model}"
            )
        emb = self.embedder(recorded)
        if emb.dim != self.reader.dim:
            raise ModelMismatchError(
                f"model '{recorded}' gives {emb.dim}-dimensional vectors but the index holds "
                f"{self.reader.dim}; rebuild with: assistant index --rebuild"
            )
        return emb

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            rerank: int | str | None = None, context: list[str] | None = None,
            filters: Filters | None = None) -> AskResult:
        """Answer one question. ``context``: earlier questions of a conversation
        that this one follows up on; they are searched along with it.
        ``filters``: only articles of this source or dates are cited. Options
        left out come from the settings."""
        query = pipeline.prepare(question, self.settings.k if k is None else k,
                                 self.settings.mode if mode is None else mode,
                                 self.settings.rerank if rerank is None else rerank, context,
                                 filters)
        query_vector = self._embed_while_opening(query)
        reader = self.reader
        emb = self.query_embedder() if query.needs_embedding else None
        if query_vector is None or emb is None:
            query_vector = pipeline.embed(query, emb)
        with self._lock, reader.snapshot():
            return pipeline.answer(reader, query, query_vector, self._sentence_embedder(emb),
                                   lambda: self._background(emb))

    def _embed_while_opening(self, query: "pipeline.Query") -> "np.ndarray | None":
        """The first question of a process: load the index's model and embed the
        question in a thread while this one opens the index. Both take tens of
        milliseconds, and the model's C code runs without the GIL, so a cold
        `ask` pays for the longer of the two instead of both. None when there is
        nothing to overlap (the model or the index already loaded, keyword mode,
        a database server, another model asked for): the caller embeds."""
        with self._lock:
            if not query.needs_embedding or self._embedder is not None or self._reader is not None:
                return None
        model_id = recorded_model(self.location)
        if model_id is None or (self.settings.model
                                and resolve_model_id(self.settings.model) != model_id):
            return None  # opening the index reports what is wrong
        loaded: dict = {}

        def load() -> None:
            try:
                emb = self._load(model_id)
                loaded["vector"] = pipeline.embed(query, emb)
                loaded["embedder"] = emb
            except Exception as e:  # raised below, once the index has opened
                loaded["error"] = e

        worker = threading.Thread(target=load, name="assistant-load-model", daemon=True)
        worker.start()
        try:
            # Meanwhile: open the index (FAISS loads), then load what reading
            # the question needs (the stemmer, the answer-type patterns).
            pipeline.warm_up(self.reader, query)
        finally:
            worker.join()
        if "error" in loaded:
            raise loaded["error"]
        with self._lock:
            if self._embedder is None:
                self._embedder = loaded["embedder"]
            elif self._embedder.model_id != model_id:
                return None
        return loaded["vector"]

    def generate(self, result: AskResult, history: Sequence[tuple[str, str]] = (),
                 on_token: Callable[[str], None] | None = None,
                 cancel: threading.Event | None = None, translate: bool = False) -> AskResult:
        """``result`` with the LLM's checked answer added (``result.generated``);
        unchanged without an LLM. ``history``: earlier (question, answer) turns;
        ``on_token`` sees the text as it streams; setting ``cancel`` (a
        threading.Event) stops it and keeps the extractive answer."""
        if self.llm is None:
            return result
        from assistant.llm.answer import generate

        return generate(result, self.llm, history, on_token=on_token, cancel=cancel,
                        translate=translate)

    def translate(self, text: str, language: str,
                  cancel: threading.Event | None = None) -> str:
        """``text`` in ``language`` by the LLM (raises LLMFailure when it fails)."""
        if self.llm is None:
            raise UsageError("translation needs an LLM: give --llm URL")
        from assistant.llm.answer import translate_text

        return translate_text(text, language, self.llm, cancel)

    def _sentence_embedder(self, emb: Embedder | None) -> "_Remembering | None":
        """The embedder, remembering sentence vectors between questions: a chat
        or a batch of questions keeps citing the same passages."""
        if emb is None:
            return None
        if self._sentences is None or self._sentences.inner is not emb:
            self._sentences = _Remembering(emb)
        return self._sentences

    def _background(self, emb: Embedder | None) -> "np.ndarray | None":
        """The relevance background of the index (see query/relevance.py)."""
        bg = self.reader.background
        if bg is None and emb is not None:  # an index built before backgrounds were recorded
            if self._bg_cache is None:
                self._bg_cache = background_vector(emb)
            bg = self._bg_cache
        return bg

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None


class _Serialized:
    """An embedder that is not reentrant (a sentence-transformers tokenizer
    refuses concurrent calls), called by one thread at a time: a question asked
    during an index update waits for the current batch, not for the whole update."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.max_passage_chars = inner.max_passage_chars
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> "np.ndarray":
        with self._lock:
            return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> "np.ndarray":
        with self._lock:
            return self.inner.embed_passages(texts)

    def __getattr__(self, name: str) -> Any:  # e.g. HashEmbedder's call counters in tests
        return getattr(self.inner, name)


class _Remembering:
    """Passage-side embeddings of recent texts (answer sentences), kept in memory."""

    LIMIT = 20_000  # about 30 MB at 384 dimensions

    def __init__(self, inner: Embedder) -> None:
        from collections import OrderedDict

        self.inner = inner
        self.model_id, self.dim = inner.model_id, inner.dim
        self.max_passage_chars = inner.max_passage_chars
        self._seen: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> "np.ndarray":
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> "np.ndarray":
        with self._lock:
            return self._embed(texts)

    def _embed(self, texts: list[str]) -> "np.ndarray":
        import numpy as np

        todo = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if todo:
            for t, v in zip(todo, self.inner.embed_passages(todo)):
                self._seen[t] = v
        out = np.stack([self._seen[t] for t in texts]) if texts else \
            np.zeros((0, self.dim), dtype=np.float32)
        for t in texts:
            self._seen.move_to_end(t)
        while len(self._seen) > self.LIMIT:
            self._seen.popitem(last=False)
        return out
