"""The MCP server's tools and resources over the service. Each tool answers
with readable text and, as structured content, the JSON the other shells
give (``ask``: exactly `ask --json`); a bad argument is a tool error
(``isError``) with our message, never a crash of the session."""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, unquote

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.types import CallToolResult, Resource, TextContent
from pydantic import Field

from assistant import __version__
from assistant.app.service import Assistant
from assistant.app.sessions import Conversations
from assistant.errors import AssistantError
from assistant.present.footnotes import answer_markdown
from assistant.query.options import MAX_K, Filters
from assistant.results import ArticleInfo, ArticleText
from assistant.text.normalize import from_outside, printable

INSTRUCTIONS = ("Questions over the user's indexed news articles, answered with cited passages. "
                "Use `ask` for a question (its answer cites passages [1], [2] …), "
                "`search_articles` to find articles, `get_article` to read one.")
MAX_LISTED = 100  # search_articles' limit at most

T = TypeVar("T")

Question = Annotated[str, Field(description="the question, in any language")]
K = Annotated[int | None, Field(description=f"citations, 1 to {MAX_K} [default 5]")]
Source = Annotated[str | None, Field(description="cite only this outlet (a word of its name "
                                                 "or web address, e.g. 'kompas')")]
Since = Annotated[str | None, Field(description="only articles from this day: YYYY-MM-DD or 7d")]
Until = Annotated[str | None, Field(description="only articles up to this day: YYYY-MM-DD or 7d")]
ConversationId = Annotated[str | None, Field(
    description="an id of your choosing: questions with the same id form a conversation, so a "
                "follow-up ('and where were they sent?') is searched with the turns before it")]


class AssistantMCP(MCPServer[Any]):
    """The SDK's server, its resource list being the index's articles (read
    when asked, so an update of the index shows)."""

    def __init__(self, service: Assistant) -> None:
        super().__init__("assistant", instructions=INSTRUCTIONS, version=__version__,
                         log_level="WARNING")
        self.service = service
        self.chats = Conversations(service)

    async def list_resources(self) -> list[Resource]:
        import anyio.to_thread

        listed = await anyio.to_thread.run_sync(self.service.articles)
        return [Resource(uri=article_uri(a.id), name=a.title or a.id, mime_type="text/plain",
                         description=", ".join(x for x in (a.source, a.date) if x) or None)
                for a in listed]


def article_uri(article_id: str) -> str:
    return "article://" + quote(article_id, safe="")


def _ours(work: Callable[[], T]) -> T:
    """``work()``, our errors (a bad k, a bad date, no index) as tool errors."""
    try:
        return work()
    except AssistantError as e:
        raise ToolError(e.message) from None


def build_server(service: Assistant) -> AssistantMCP:
    server = AssistantMCP(service)
    _add_ask(server)
    _add_articles(server)
    return server


def _add_ask(server: AssistantMCP) -> None:
    service, chats = server.service, server.chats

    @server.tool(description="Answer a question from the indexed articles: the answer "
                             "sentence and the cited passages (structured: the JSON of "
                             "`assistant ask --json`).")
    def ask(question: Question, k: K = None, source: Source = None, since: Since = None,
            until: Until = None, conversation: ConversationId = None) -> CallToolResult:
        question = from_outside(question)
        if not question.strip():
            raise ToolError("question is empty: ask something")

        def answer() -> CallToolResult:
            filters = Filters.parse(source, since, until)
            result = chats.ask(conversation, question, k=k, filters=filters)
            if service.llm is not None and result.citations:
                result = chats.generate(conversation, result)
            return CallToolResult(content=[TextContent(type="text", text=answer_markdown(result))],
                                  structured_content=result.to_json())

        return _ours(answer)


def _add_articles(server: AssistantMCP) -> None:
    service = server.service

    @server.tool(description="Find indexed articles: those a query's passages come from, best "
                             "first, or with no query all of them (newest first); filters as "
                             "for `ask`.")
    def search_articles(query: Annotated[str | None, Field(description="what to look for")] = None,
                        source: Source = None, since: Since = None, until: Until = None,
                        limit: Annotated[int, Field(ge=1, le=MAX_LISTED)] = 20) -> CallToolResult:
        found = _ours(lambda: _search(service, query, Filters.parse(source, since, until)))
        found = found[:limit]
        rows = [{"id": a.id, "title": a.title, "source": a.source, "date": a.date} for a in found]
        text = "\n".join(f"- {printable(a.title or a.id)} · "
                         f"{printable(', '.join(x for x in (a.source, a.date) if x))} "
                         f"(id {printable(a.id)})" for a in found) or "No article matches."
        return CallToolResult(content=[TextContent(type="text", text=text)],
                              structured_content={"articles": rows})

    @server.tool(description="One article's cleaned text, with where each passage lies in it "
                             "(character offsets start/end, paragraph ¶, page) — the offsets "
                             "that `ask`'s citations point into.")
    def get_article(id: Annotated[str, Field(description="the article's id")]) -> CallToolResult:
        article = _ours(lambda: service.article(id))
        if article is None:
            raise ToolError(f"no article '{printable(id)}' in the index")
        passages = _ours(lambda: service.article_passages(article.id))
        data = {**article.to_json(), "passages": [p.to_json() for p in passages]}
        return CallToolResult(content=[TextContent(type="text", text=_article_text(article))],
                              structured_content=data)

    @server.resource("article://{article_id}", name="article", mime_type="text/plain",
                     description="An indexed article's cleaned text (what citations' offsets "
                                 "point into).")
    def article_resource(article_id: str) -> str:
        try:
            found = service.article(unquote(article_id))
        except AssistantError as e:
            raise ResourceError(e.message) from None
        if found is None:
            raise ResourceError(f"no article '{printable(unquote(article_id))}' in the index")
        return found.text


def _search(service: Assistant, query: str | None, filters: Filters) -> list[ArticleInfo]:
    listed = [a for a in service.articles() if _allowed(a, filters)]
    if query is None or not query.strip():
        return listed
    result = service.ask(from_outside(query), k=MAX_K, filters=filters)
    by_id = {a.id: a for a in listed}
    order = dict.fromkeys(c.article.id for c in result.citations)
    return [by_id[i] for i in order if i in by_id]


def _allowed(article: ArticleInfo, filters: Filters) -> bool:
    """As the store's filter: the outlet's words, and the date within bounds
    (an article without a date is left out by either bound)."""
    if not filters.matches_source(article.source, None):
        return False
    if filters.since or filters.until:
        if not article.date:
            return False
        day = article.date[:10]
        return (not filters.since or day >= filters.since) and \
            (not filters.until or day <= filters.until)
    return True


def _article_text(article: ArticleText) -> str:
    head = [f"# {printable(article.title or article.id)}",
            printable(", ".join(x for x in (article.source, article.date) if x))]
    return "\n".join(x for x in head if x) + "\n\n" + article.text
