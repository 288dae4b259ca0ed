"""`assistant serve`: the HTTP API over the index, with the model loaded once."""

import os
from typing import Any

import click

from assistant.cli.context import (
    ensure_index,
    index_dir_of,
    llm_config_from,
    service_for,
    settings_from,
    warn,
)
from assistant.cli.options import TEXT, index_options, llm_options, store_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, type=TEXT,
              help="Address to listen on; any but a loopback address needs --token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port; the URL is printed).")
@click.option("--token", metavar="TOKEN", type=TEXT, default=None,
              help="Every request must send Authorization: Bearer TOKEN [env ASSISTANT_TOKEN].")
@index_options()
@store_option
@llm_options
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, token: str | None, **flags: Any) -> None:
    """Answer over HTTP with the model and index loaded once (OpenAPI at /docs).

    POST /ask gives the JSON of `ask --json`; POST /ask/stream the same as
    server-sent events; GET /articles, GET /articles/ID; POST /index updates
    the index as a job (GET /index/JOB); GET /health. OpenAI-compatible:
    GET /v1/models, POST /v1/chat/completions. With the mcp extra, the MCP
    tools of `assistant mcp` as streamable HTTP at /mcp. Needs the serve
    extra: pip install 'assistant[serve]'.
    """
    from assistant.api.server import check_bind, check_token, require_extra
    from assistant.api.server import serve as run_server

    token = check_token(token if token is not None else os.environ.get("ASSISTANT_TOKEN"))
    require_extra()
    check_bind(host, token)  # before any loading: a refused address fails at once
    settings = settings_from(ctx, index_dir=index_dir_of(ctx, flags["index_dir"]),
                             model=flags["model"], device=flags["device"],
                             embed_url=flags["embed_url"], store=flags["store"])
    svc = service_for(settings, llm_config_from(settings, flags))
    ensure_index(svc, False)
    if svc.has_index():
        svc.load_model()  # the first question does not pay for it
    from assistant.mcp_server.extra import has_sdk

    mounted = []
    if has_sdk():  # the mcp extra: the MCP tools as streamable HTTP at /mcp
        from assistant.mcp_server.http import mcp_mount

        mounted.append(mcp_mount(svc, host))
    try:
        run_server(svc, host, port, token, mounted=mounted,
                   on_ready=lambda url: warn(f"serving {url} (OpenAPI at {url}/docs); "
                                             "ctrl+c stops"))
    finally:
        svc.close()
