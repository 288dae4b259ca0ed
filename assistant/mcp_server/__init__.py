"""`assistant mcp`: the Model Context Protocol server, a shell over the one
service like cli/, tui/ and api/, built on the official ``mcp`` SDK (the
``mcp`` extra). Tools ``ask``, ``search_articles`` and ``get_article``, and
each article as a resource (``article://ID``); on stdio (``assistant mcp``)
or as streamable HTTP at ``/mcp`` under `assistant serve`. Named so that it
never shadows the SDK's own ``mcp`` package."""
