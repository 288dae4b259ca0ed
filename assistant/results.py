"""What the core returns: typed values from the core to the shells. A
question's answer (``AskResult``), what an index holds (``IndexInfo``,
``ArticleInfo``, ``ArticleText``) and what an update did (``IndexSummary``).

Plain dataclasses rather than pydantic models: they are built on every cold
``ask``, where importing pydantic costs more than the question itself.
``assistant.present.schema.AskOutput`` is the pydantic model of their JSON, checked by
the tests. Each ``to_json()`` returns the JSON object as a dict, keys in the
order ``ask --json`` (``info --json``, ``index --json``, ``GET /articles``)
prints them; ``from_json()`` reads it back (the HTTP client of ``ask --server``).
"""

from dataclasses import dataclass, field
from typing import Any, Protocol


class AppliedFilters(Protocol):
    """The filters a question was asked with (assistant.query.options.Filters;
    not imported: the store reads these results and sits below the query)."""

    @property
    def active(self) -> bool: ...

    def to_json(self) -> dict: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class ArticleRef:
    """The article a passage comes from."""

    id: str
    title: str | None
    source: str | None
    date: str | None
    url: str | None
    path: str

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "source": self.source, "date": self.date,
                "url": self.url, "path": self.path}

    @classmethod
    def from_json(cls, d: dict) -> "ArticleRef":
        return cls(d["id"], d["title"], d["source"], d["date"], d["url"], d["path"])


@dataclass(frozen=True)
class Span:
    """Character offsets [start, end) into some text."""

    start: int
    end: int

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end}

    @classmethod
    def from_json(cls, d: dict) -> "Span":
        return cls(d["start"], d["end"])


@dataclass(frozen=True)
class Citation:
    """A cited passage. ``start``/``end``: its offsets in the article's cleaned
    text; ``sentence``: its best sentence, as offsets into ``text``."""

    n: int  # 1-based, as shown: [1], [2], ...
    score: float
    text: str
    paragraph: int
    start: int
    end: int
    passage_id: int
    sentence: Span
    article: ArticleRef
    # The chance, 0..1, that the passage holds the answer (calibrated: see
    # assistant.query.relevance.confidence); None in keyword mode.
    confidence: float | None = None
    page: int | None = None  # the page of a PDF the passage is on; None for other files
    ocr: bool = False  # its page was read by OCR (a scan, an image): "p. 3 (OCR)"

    @property
    def sentence_text(self) -> str:
        return self.text[self.sentence.start:self.sentence.end]

    def to_json(self) -> dict:
        return {"n": self.n, "score": self.score, "confidence": self.confidence,
                "text": self.text, "paragraph": self.paragraph, "page": self.page,
                "start": self.start, "end": self.end, "passage_id": self.passage_id,
                "sentence": self.sentence.to_json(), "article": self.article.to_json(),
                **({"ocr": True} if self.ocr else {})}

    @classmethod
    def from_json(cls, d: dict) -> "Citation":
        return cls(d["n"], d["score"], d["text"], d["paragraph"], d["start"], d["end"],
                   d["passage_id"], Span.from_json(d["sentence"]), ArticleRef.from_json(d["article"]),
                   d.get("confidence"), d.get("page"), bool(d.get("ocr")))


@dataclass(frozen=True)
class Answer:
    """The answering sentence, the citation it comes from, and the part of it
    that holds what was asked for (a number, date, name, place), if found."""

    text: str
    citation: int  # the ``n`` of its citation
    span: Span | None = None

    def to_json(self) -> dict:
        span = [self.span.start, self.span.end] if self.span else None
        return {"text": self.text, "citation": self.citation, "span": span}

    @classmethod
    def from_json(cls, d: dict) -> "Answer":
        span = d.get("span")
        return cls(d["text"], d["citation"], Span(*span) if span else None)


@dataclass(frozen=True)
class SentenceCitation:
    """A generated sentence's citation: the passage ``n`` and the sentence of it
    (offsets into the citation's ``text``) that bears the claim out."""

    n: int
    sentence: Span

    def to_json(self) -> dict:
        return {"n": self.n, "sentence": self.sentence.to_json()}

    @classmethod
    def from_json(cls, d: dict) -> "SentenceCitation":
        return cls(d["n"], Span.from_json(d["sentence"]))


@dataclass(frozen=True)
class GeneratedSentence:
    """One sentence of a generated answer, its [n] markers taken out. ``supported``:
    it cites a supplied passage and every figure, date and name in it occurs in
    a passage it cites; ``issues`` say what failed otherwise."""

    text: str
    citations: list[SentenceCitation]
    supported: bool
    issues: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"text": self.text, "citations": [c.to_json() for c in self.citations],
                "supported": self.supported, "issues": list(self.issues)}

    @classmethod
    def from_json(cls, d: dict) -> "GeneratedSentence":
        return cls(d["text"], [SentenceCitation.from_json(c) for c in d["citations"]],
                   d["supported"], list(d["issues"]))


@dataclass(frozen=True)
class Generated:
    """The LLM's answer after checking. ``error``: why there is none (the server
    failed or generation was cancelled); the extractive answer stands then."""

    text: str
    model: str
    sentences: list[GeneratedSentence]
    refused: bool = False
    first_token_s: float | None = None
    total_s: float | None = None
    error: str | None = None
    translation: str | None = None  # the answer sentence in the question's language

    def to_json(self) -> dict:
        return {"text": self.text, "model": self.model,
                "sentences": [s.to_json() for s in self.sentences], "refused": self.refused,
                "error": self.error, "translation": self.translation,
                "timings": {"first_token_s": self.first_token_s, "total_s": self.total_s}}

    @classmethod
    def from_json(cls, d: dict) -> "Generated":
        timings = d.get("timings") or {}
        return cls(d["text"], d["model"], [GeneratedSentence.from_json(s) for s in d["sentences"]],
                   d["refused"], timings.get("first_token_s"), timings.get("total_s"), d["error"],
                   d.get("translation"))


@dataclass(frozen=True)
class AskResult:
    """One question's answer. ``found`` false: the citations are the nearest
    passages, weak matches, and there is no answer."""

    question: str  # as searched: cleaned, maybe truncated (see ``note``)
    found: bool
    answer: Answer | None
    citations: list[Citation]
    mode: str
    note: str | None = None
    context: list[str] = field(default_factory=list)  # earlier questions of a follow-up
    generated: Generated | None = None  # only when an LLM is configured
    filters: AppliedFilters | None = None  # which articles it could cite; None: all

    def to_json(self) -> dict:
        out = {"question": self.question, "found": self.found,
               "answer": self.answer.to_json() if self.answer else None,
               "citations": [c.to_json() for c in self.citations], "mode": self.mode,
               "note": self.note, "context": list(self.context)}
        if self.filters is not None and self.filters.active:  # absent without filters, as before
            out["filters"] = self.filters.to_json()
        if self.generated is not None:  # absent without an LLM: the output stays as it was
            out["generated"] = self.generated.to_json()
        return out

    @classmethod
    def from_json(cls, d: dict) -> "AskResult":
        """The result back from its JSON (``ask --server`` reads the server's answer)."""
        generated = d.get("generated")
        return cls(d["question"], d["found"], Answer.from_json(d["answer"]) if d["answer"] else None,
                   [Citation.from_json(c) for c in d["citations"]], d["mode"], d.get("note"),
                   list(d.get("context") or []),
                   Generated.from_json(generated) if generated is not None else None)


# -- what an index holds, what an update did ----------------------------------------


@dataclass(frozen=True)
class IndexInfo:
    """What an index holds (``assistant info``), whichever store keeps it."""

    location: str  # a folder, or a URL without its password (JSON: "index_dir")
    articles: int
    passages: int
    model: str | None
    dim: int
    vector_count: int  # vectors in the vector index (JSON: "vectors")
    index_type: str  # the kind built: flat, ivf, hnsw, ...
    index_type_setting: str  # the kind asked for (auto)
    size_bytes: int
    created_at: str | None
    updated_at: str | None
    schema_version: int
    roots: list[str]  # the folders the index records

    def to_json(self) -> dict[str, Any]:
        return {"index_dir": self.location, "articles": self.articles,
                "passages": self.passages, "model": self.model, "dim": self.dim,
                "vectors": self.vector_count, "index_type": self.index_type,
                "index_type_setting": self.index_type_setting, "size_bytes": self.size_bytes,
                "created_at": self.created_at, "updated_at": self.updated_at,
                "schema_version": self.schema_version, "roots": list(self.roots)}


@dataclass(frozen=True)
class ArticleInfo:
    """One indexed article as listed: no text."""

    id: str
    title: str | None
    source: str | None
    date: str | None
    path: str
    passages: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source, "date": self.date,
                "path": self.path, "passages": self.passages}


@dataclass(frozen=True)
class ArticleText:
    """One article with its cleaned text (the text citations' offsets point into)."""

    id: str
    title: str | None
    source: str | None
    date: str | None
    url: str | None
    path: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source, "date": self.date,
                "url": self.url, "path": self.path, "text": self.text}


@dataclass(frozen=True)
class PassageSpan:
    """Where one passage of an article lies in its cleaned text: offsets
    [start, end), its paragraph (1-based, as cited: ¶3) and a PDF's page."""

    ordinal: int  # its place in the article, from 0
    paragraph: int
    start: int
    end: int
    page: int | None = None
    ocr: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"ordinal": self.ordinal, "paragraph": self.paragraph, "start": self.start,
                "end": self.end, "page": self.page, **({"ocr": True} if self.ocr else {})}


@dataclass(frozen=True)
class Skipped:
    """A file (or a line's article) an update left out, and why."""

    path: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass
class IndexSummary:
    """What one update (or a copy) did, and the index's totals after it."""

    location: str  # where the index lives, as it may be shown (JSON: "index_dir")
    model: str
    roots: list[str]
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    embedded: int = 0  # passages sent to the model
    sentences: int = 0  # sentences sent to the model (of passages with two or more)
    reused: int = 0  # passages whose vector was already stored
    articles: int = 0  # totals after the update
    passages: int = 0
    seconds: float = 0.0
    # What happened to each file that changed: "added", "updated" or "removed".
    changes: dict[str, str] = field(default_factory=dict)

    def changed(self, path: str, change: str) -> None:
        """Record a change; a file with several kinds of change (a .jsonl feed
        with lines added and lines removed) was updated."""
        before = self.changes.get(path)
        self.changes[path] = change if before in (None, change) else "updated"

    def skip(self, path: str, reason: str) -> None:
        self.skipped.append(Skipped(path, reason))

    def to_json(self) -> dict[str, Any]:
        return {"index_dir": self.location, "model": self.model, "roots": list(self.roots),
                "added": self.added, "updated": self.updated, "removed": self.removed,
                "unchanged": self.unchanged, "skipped": [s.to_json() for s in self.skipped],
                "warnings": list(self.warnings), "embedded": self.embedded,
                "sentences": self.sentences, "reused": self.reused, "articles": self.articles,
                "passages": self.passages, "seconds": self.seconds,
                "changes": dict(self.changes)}
