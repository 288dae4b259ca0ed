"""Issue 30, item 3: the MCP server, through the official SDK's own client
session: `assistant mcp` on stdio, and /mcp under a real `assistant serve`
(with its token). The tools, a resource, and bad arguments as tool errors
with the session still usable."""

import json
import os
import sys

import anyio
import pytest

from helpers.common import TROOPS, run_cli, sample_hash_index
from helpers.serve import running_server

mcp = pytest.importorskip("mcp")

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp.shared._httpx_utils import create_mcp_http_client  # noqa: E402

QUESTION = "berapa tentara Korea Utara dikirimkan ke Kursk"
TOKEN = "mcp-token"
LIMIT = 120  # seconds for a whole session: every wait is bounded


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return sample_hash_index(tmp_path_factory.mktemp("mcp"))


def _text(result) -> str:
    return "".join(c.text for c in result.content if c.type == "text")


async def _exercise(session: ClientSession, ix) -> dict:
    """What both transports must do alike; returns what was seen, to compare."""
    await session.initialize()
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert {"ask", "search_articles", "get_article"} <= set(tools)
    assert "question" in tools["ask"].input_schema["required"]

    asked = await session.call_tool("ask", {"question": QUESTION, "k": 3})
    assert not asked.is_error, _text(asked)
    local = json.loads(run_cli("ask", QUESTION, "--json", "-k", "3", "--index-dir", ix).stdout)
    assert asked.structured_content == local
    assert TROOPS in asked.structured_content["answer"]["text"] and TROOPS in _text(asked)
    assert "[^1]: " in _text(asked)

    found = await session.call_tool("search_articles", {"query": QUESTION, "source": "kompas"})
    articles = found.structured_content["articles"]
    assert [a["source"] for a in articles] == ["KOMPAS.TV"]
    article_id = articles[0]["id"]
    assert (await session.call_tool("search_articles", {"source": "reuters"})
            ).structured_content == {"articles": []}

    article = await session.call_tool("get_article", {"id": article_id})
    data = article.structured_content
    cited = asked.structured_content["citations"][0]
    assert data["text"][cited["start"]:cited["end"]] == cited["text"]
    assert {"start": cited["start"], "end": cited["end"], "paragraph": cited["paragraph"]} \
        .items() <= next(p for p in data["passages"] if p["start"] == cited["start"]).items()

    listed = (await session.list_resources()).resources
    assert [str(r.uri) for r in listed] == [f"article://{article_id}"]
    read = await session.read_resource(f"article://{article_id}")
    assert read.contents[0].text == data["text"]

    follow = await session.call_tool("ask", {"question": QUESTION, "conversation": "c1"})
    again = await session.call_tool("ask", {"question": "dan di mana mereka membantu?",
                                            "conversation": "c1"})
    assert not follow.is_error and again.structured_content["context"] == [QUESTION]
    return {"ask": asked.structured_content, "article": data}


async def _bad_arguments(session: ClientSession) -> None:
    for name, args, says in (("ask", {}, "question"),
                             ("ask", {"question": QUESTION, "k": 0}, "k must be within"),
                             ("ask", {"question": "  "}, "empty"),
                             ("ask", {"question": QUESTION, "since": "yesterday"}, "YYYY-MM-DD"),
                             ("get_article", {"id": "no-such-id"}, "no article 'no-such-id'"),
                             ("get_article", {}, "id"),
                             ("search_articles", {"limit": 0}, "limit")):
        result = await session.call_tool(name, args)
        assert result.is_error, (name, args)
        assert says in _text(result), (name, args, _text(result))
        assert "Traceback" not in _text(result)
    with pytest.raises(mcp.MCPError, match="no article"):
        await session.read_resource("article://no-such-id")
    still = await session.call_tool("ask", {"question": QUESTION})  # the session goes on
    assert not still.is_error and TROOPS in _text(still)


def test_stdio_with_the_sdk_client(index, tmp_path):
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "assistant", "mcp", "--index-dir", str(index)],
        env={**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "ASSISTANT_CONFIG": "none"})

    async def main() -> dict:
        with anyio.fail_after(LIMIT), open(tmp_path / "stderr", "w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), \
                    ClientSession(read, write) as session:
                seen = await _exercise(session, index)
                await _bad_arguments(session)
                return seen

    assert anyio.run(main)["ask"]["found"] is True
    assert "Traceback" not in (tmp_path / "stderr").read_text()


def test_streamable_http_under_serve_with_the_token(index):
    with running_server("--index-dir", index, "--token", TOKEN) as (url, _, lines):
        async def main() -> dict:
            with anyio.fail_after(LIMIT):
                http = create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN}"})
                async with http, streamable_http_client(f"{url}/mcp", http_client=http) \
                        as (read, write), ClientSession(read, write) as session:
                    seen = await _exercise(session, index)
                    await _bad_arguments(session)
                    return seen

        assert anyio.run(main)["ask"]["found"] is True
        import httpx

        refused = httpx.post(f"{url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                             timeout=30)
        assert refused.status_code == 401
    assert "Traceback" not in "".join(lines)


def test_mcp_without_an_index_is_a_clear_error(tmp_path):
    r = run_cli("mcp", "--index-dir", tmp_path / "none", timeout=120)
    assert r.returncode == 3, r.stderr
    assert "no index in" in r.stderr and r.stdout == ""
