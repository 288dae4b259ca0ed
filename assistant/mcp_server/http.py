"""The MCP server as streamable HTTP under `assistant serve`: the SDK's
endpoint as a route at ``/mcp`` of the API app (so the API's token check and
body limit cover it), and the lifespan that runs its session manager."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.routing import BaseRoute

from assistant.app.service import Assistant
from assistant.mcp_server.server import AssistantMCP, build_server

PATH = "/mcp"


@dataclass
class McpMount:
    """What `create_app` mounts: the routes, and the lifespan they need."""

    server: AssistantMCP
    routes: list[BaseRoute]

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        async with self.server.session_manager.run():
            yield


def mcp_mount(service: Assistant, host: str) -> McpMount:
    """The endpoint for a server bound to ``host``: on a loopback address the
    SDK's DNS-rebinding check (Host and Origin must be local) stays on;
    elsewhere the token (required there) is what keeps others out."""
    from mcp.server.transport_security import TransportSecuritySettings

    server = build_server(service)
    security = None if _loopback(host) else \
        TransportSecuritySettings(enable_dns_rebinding_protection=False)
    app = server.streamable_http_app(streamable_http_path=PATH, transport_security=security,
                                     host="127.0.0.1" if _loopback(host) else host)
    return McpMount(server, list(app.routes))


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
