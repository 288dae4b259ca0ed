"""`assistant mcp`: the MCP server on stdio, for desktop assistants and
coding agents (the same tools are at /mcp under `assistant serve`)."""

from typing import Any

import click

from assistant.cli.context import (
    ensure_index,
    index_dir_of,
    llm_config_from,
    service_for,
    settings_from,
)
from assistant.cli.options import index_options, llm_options, store_option


@click.command()
@index_options()
@store_option
@llm_options
@click.pass_context
def mcp(ctx: click.Context, **flags: Any) -> None:
    """Serve the index to an MCP client on stdin/stdout (the client starts it).

    Tools: ask (a question, k, source/since/until, a conversation id),
    search_articles, get_article (the text with its passages' offsets); each
    article is a resource, article://ID. Needs the mcp extra:
    pip install 'assistant[mcp]'.
    """
    from assistant.mcp_server.extra import require_sdk

    require_sdk()
    settings = settings_from(ctx, index_dir=index_dir_of(ctx, flags["index_dir"]),
                             model=flags["model"], device=flags["device"],
                             embed_url=flags["embed_url"], store=flags["store"])
    svc = service_for(settings, llm_config_from(settings, flags))
    ensure_index(svc, True)  # stdout is the protocol's: nothing else is written there
    svc.info()  # no index: an error at start (exit 3) rather than on every tool call
    svc.load_model()
    from assistant.mcp_server.server import build_server

    try:
        build_server(svc).run("stdio")
    finally:
        svc.close()
