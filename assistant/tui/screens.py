"""Screens over the chat: an article and the help."""

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Markdown, Static

from assistant.results import ArticleText, Citation
from assistant.tui.text import highlighted, safe

# A huge article is shown around its passage only: a Static holding 50 MB of
# text would freeze the terminal.
SHOWN_CHARS = 100_000


def _shown_path(path: str | None) -> str | None:
    """Relative to the working folder when the file is under it: shorter to read."""
    if not path:
        return path
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return path if rel.startswith("..") else rel


class ArticleScreen(Screen):
    """The full cleaned article, scrolled to the cited passage, which is highlighted."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
    ]

    def __init__(self, article: ArticleText, citation: Citation | None = None) -> None:
        super().__init__()
        self.article = article
        self.citation = citation

    def compose(self) -> ComposeResult:
        a = self.article
        title = safe(a.title) or safe(a.id)
        meta = " · ".join(x for x in (safe(a.source), safe(a.date),
                                      safe(a.url), safe(_shown_path(a.path)))
                          if x)
        yield Static(Text(title, style="bold"), id="article-title")
        yield Static(Text(meta, style="dim"), id="article-meta")
        with VerticalScroll(id="article-body"):
            yield from self._body()
        yield Footer()

    def _body(self) -> ComposeResult:
        text = self.article.text or ""
        c = self.citation
        if c is None or not (0 <= c.start < c.end <= len(text)):
            shown = text[:SHOWN_CHARS]
            yield Static(Text(safe(shown)), classes="article-text")
            if len(text) > len(shown):
                yield Static(Text(f"… {len(text) - len(shown):,} more characters not shown"),
                             classes="article-cut")
            return
        start, end = c.start, c.end
        lo, hi = max(0, start - SHOWN_CHARS // 2), min(len(text), end + SHOWN_CHARS // 2)
        if lo:
            yield Static(Text(f"… {lo:,} earlier characters not shown"), classes="article-cut")
        if text[lo:start]:
            yield Static(Text(safe(text[lo:start].rstrip("\n"))), classes="article-text")
        yield Static(highlighted(text[start:end], c.sentence.start, c.sentence.end),
                     classes="article-text passage", id="cited-passage")
        if text[end:hi]:
            yield Static(Text(safe(text[end:hi].lstrip("\n"))), classes="article-text")
        if hi < len(text):
            yield Static(Text(f"… {len(text) - hi:,} more characters not shown"),
                         classes="article-cut")

    def on_mount(self) -> None:
        c = self.citation
        self.sub_title = "" if c is None else (
            f"[{c.n}] page {c.page}" + (" (OCR)" if c.ocr else "") if c.page is not None
            else f"[{c.n}]")
        passage = self.query("#cited-passage")
        if passage:
            # After layout, so the passage's place is known.
            self.call_after_refresh(self.query_one("#article-body").scroll_to_widget,
                                    passage.first(), top=True, animate=False)


HELP = """\
# assistant: help

**Escape, F1 or q closes this help.**

Ask about your articles in any language; answers cite the passages they come from.

| key | what it does |
|---|---|
| Enter | ask the question in the box |
| Up / Down | walk earlier questions (kept across runs) |
| Tab | move to the citations of the last answer |
| Up / Down, j / k | move between citations |
| Enter, o, click | open the cited article at the passage |
| c | on a citation: copy its answer with every citation (Markdown) |
| Escape | back (from an article, or from citations to the box) |
| ctrl+l | start a new conversation (follow-ups forget earlier turns) |
| ctrl+r | update the index from its folders (new, changed, deleted articles) |
| F2 | show or hide the articles panel |
| F3 | stop or start watching the folders (on: changes are indexed as they come) |
| ctrl+s | save the chat as Markdown now (the path is shown; kept on quit too) |
| F1 | this help |
| ctrl+p | command palette |
| ctrl+q | quit |

**Follow-ups.** A question such as "and where were they sent?" is searched
together with the question before it.

**Not found.** When no passage seems to answer, the answer says so and the
nearest passages are listed as weak matches.

**Filters.** Type `/source reuters`, `/since 2024-11-01` (or `/since 7d`) or
`/until 2024-11-30` in the box: the next questions, follow-ups included, cite
only those articles (undated ones are left out by a date). The line above the
box shows the filter; `/filter clear` removes it (also in ctrl+p).
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_subtitle = "Escape closes"
            yield Markdown(HELP)
