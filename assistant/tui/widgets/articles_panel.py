"""The indexed articles beside the chat (F2), with a filter box."""

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from assistant.results import ArticleInfo
from assistant.tui.text import safe


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def article_option(article: ArticleInfo, needle: str) -> Option | None:
    """The article as a list entry; None when the filter ``needle`` leaves it out."""
    title = safe(article.title) or safe(article.id)
    meta = " · ".join(x for x in (safe(article.source), safe(article.date),
                                  _count(article.passages, "passage")) if x)
    if needle and needle not in f"{title} {meta}".casefold():
        return None
    prompt = Text(title, style="bold")
    prompt.append("\n" + meta, style="dim")
    return Option(prompt, id=str(article.id))


class ArticlesPanel(Vertical):
    """The indexed articles, with a filter box. Choosing one opens it."""

    BINDINGS = [Binding("down", "to_list", "Articles list", show=False)]

    @dataclass
    class OpenArticle(Message):
        article_id: str

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.articles: list[ArticleInfo] = []
        self.border_title = "Articles"

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter articles…", id="article-filter")
        yield OptionList(id="article-list")

    def set_articles(self, articles: list[ArticleInfo]) -> None:
        self.articles = articles
        self._refill()

    @on(Input.Changed, "#article-filter")
    def _filter_changed(self) -> None:
        self._refill()

    def _refill(self) -> None:
        needle = self.query_one("#article-filter", Input).value.strip().casefold()
        options = [o for a in self.articles if (o := article_option(a, needle)) is not None]
        ol = self.query_one("#article-list", OptionList)
        ol.clear_options()
        ol.add_options(options)
        self.border_subtitle = f"{len(options)} of {len(self.articles)}"

    def action_to_list(self) -> None:
        ol = self.query_one("#article-list", OptionList)
        ol.focus()
        if ol.highlighted is None and ol.option_count:
            ol.highlighted = 0

    @on(Input.Submitted, "#article-filter")
    def _open_first(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.query_one("#article-list", OptionList)
        if ol.option_count:
            option = ol.get_option_at_index(ol.highlighted or 0)
            if option.id is not None:
                self.post_message(self.OpenArticle(option.id))

    @on(OptionList.OptionSelected, "#article-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.OpenArticle(event.option.id))
