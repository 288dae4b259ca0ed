"""Messages that workers post to the chat screen; handlers on the UI thread
update widgets. Each is a dataclass (Textual's ``Message.__post_init__`` runs
from the generated ``__init__``); progress says ``can_replace`` so a burst
the UI has not caught up with collapses to its latest word."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from assistant.errors import AssistantError
from assistant.results import ArticleInfo, ArticleText, AskResult, Citation, IndexInfo, IndexSummary

if TYPE_CHECKING:
    from assistant.app.watch import WatchBatch


def error_text(e: BaseException) -> str:
    """What a failed job says in the chat."""
    if isinstance(e, AssistantError):
        return e.message
    return f"internal error: {type(e).__name__}: {e}"


@dataclass
class ModelReady(Message):
    info: IndexInfo | None


@dataclass
class Answered(Message):
    """The extractive answer; ``generating``: an LLM answer follows (Token, Generated)."""

    turn_id: int
    result: AskResult
    generating: bool = False


@dataclass
class Token(Message):
    """A piece of the LLM's answer to turn ``turn_id``, as it streams."""

    turn_id: int
    text: str


@dataclass
class Generated(Message):
    """The LLM's answer to turn ``turn_id`` is complete and checked (or failed:
    ``result.generated.error``; the extractive answer stands)."""

    turn_id: int
    result: AskResult


@dataclass
class Translated(Message):
    """A cited passage in the question's language (``text`` None: it failed)."""

    card_id: str
    text: str | None
    error: str | None = None


@dataclass
class Failed(Message):
    """A worker's job ended with an error; ``turn_id`` when it was a question."""

    job: str
    message: str
    turn_id: int | None = None


@dataclass
class IndexProgress(Message):
    phase: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        # Within one phase only: a phase's start still reaches the update bar.
        return isinstance(message, IndexProgress) and message.phase == self.phase


@dataclass
class IndexWaiting(Message):
    """Another process is updating the same index; this update waits for it."""


@dataclass
class IndexDone(Message):
    summary: IndexSummary


@dataclass
class WatchArmed(Message):
    """The folders are watched: a file written from now on is seen."""

    roots: list[str]


@dataclass
class FolderChanged(Message):
    """Changes under the watched folders have settled: time for an update."""

    batch: "WatchBatch"


@dataclass
class WatchStopped(Message):
    """The watcher ended: turned off, or ``error`` stopped it."""

    error: str | None = None


@dataclass
class ArticlesLoaded(Message):
    articles: list[ArticleInfo]
    info: IndexInfo


@dataclass
class ArticleFetched(Message):
    """An article to show; ``article`` is None when it left the index."""

    article_id: str
    article: ArticleText | None
    citation: Citation | None
