"""Messages that workers post to the app; handlers on the UI thread update widgets."""

from typing import TYPE_CHECKING

from textual.message import Message

from assistant.results import AskResult, Citation

if TYPE_CHECKING:  # the indexer loads ingestion: only when indexing
    from assistant.indexer import IndexSummary
    from assistant.watching import WatchBatch


class ModelReady(Message):
    def __init__(self, info: dict | None) -> None:
        super().__init__()
        self.info = info


class Answered(Message):
    """The extractive answer; ``generating``: an LLM answer follows (Token, Generated)."""

    def __init__(self, turn_id: int, result: AskResult, generating: bool = False) -> None:
        super().__init__()
        self.turn_id = turn_id
        self.result = result
        self.generating = generating


class Token(Message):
    """A piece of the LLM's answer to turn ``turn_id``, as it streams."""

    def __init__(self, turn_id: int, text: str) -> None:
        super().__init__()
        self.turn_id = turn_id
        self.text = text


class Generated(Message):
    """The LLM's answer to turn ``turn_id`` is complete and checked (or failed:
    ``result.generated.error``; the extractive answer stands)."""

    def __init__(self, turn_id: int, result: AskResult) -> None:
        super().__init__()
        self.turn_id = turn_id
        self.result = result


class Translated(Message):
    """A cited passage in the question's language (``text`` None: it failed)."""

    def __init__(self, card_id: str, text: str | None, error: str | None = None) -> None:
        super().__init__()
        self.card_id = card_id
        self.text = text
        self.error = error


class Failed(Message):
    """A worker's job ended with an error; ``turn_id`` when it was a question."""

    def __init__(self, job: str, message: str, turn_id: int | None = None) -> None:
        super().__init__()
        self.job = job
        self.message = message
        self.turn_id = turn_id


class IndexProgress(Message):
    def __init__(self, phase: str, done: int, total: int) -> None:
        super().__init__()
        self.phase = phase
        self.done = done
        self.total = total


class IndexWaiting(Message):
    """Another process is updating the same index; this update waits for it."""


class IndexDone(Message):
    def __init__(self, summary: "IndexSummary") -> None:
        super().__init__()
        self.summary = summary


class WatchArmed(Message):
    """The folders are watched: a file written from now on is seen."""

    def __init__(self, roots: list[str]) -> None:
        super().__init__()
        self.roots = roots


class FolderChanged(Message):
    """Changes under the watched folders have settled: time for an update."""

    def __init__(self, batch: "WatchBatch") -> None:
        super().__init__()
        self.batch = batch


class WatchStopped(Message):
    """The watcher ended: turned off, or ``error`` stopped it."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error


class ArticlesLoaded(Message):
    def __init__(self, articles: list[dict], info: dict) -> None:
        super().__init__()
        self.articles = articles
        self.info = info


class ArticleFetched(Message):
    """An article to show; ``article`` is None when it left the index."""

    def __init__(self, article_id: str, article: dict | None, citation: Citation | None) -> None:
        super().__init__()
        self.article_id = article_id
        self.article = article
        self.citation = citation
