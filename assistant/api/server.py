"""Running the API: which addresses may be bound without a token, the
listening socket, and uvicorn."""

import errno
import ipaddress
import socket
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from assistant.app.service import Assistant
from assistant.errors import UsageError

if TYPE_CHECKING:
    from assistant.api.app import Mounted


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def require_extra() -> None:
    """FastAPI and uvicorn are the optional ``serve`` extra."""
    import importlib.util

    missing = [m for m in ("fastapi", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(f"assistant serve needs {' and '.join(missing)}: "
                         "pip install 'assistant[serve]'")


def check_token(token: str | None) -> str | None:
    """The server's token (--token, else ASSISTANT_TOKEN; None: not given). A
    blank one, or one no client could send in a header, is a usage error: the
    server would start and then refuse every request."""
    if token is None:
        return None
    from assistant.text.normalize import from_outside

    token = from_outside(token)
    if not token.strip():
        raise UsageError("the token (--token or ASSISTANT_TOKEN) is blank: give a token, or "
                         "unset ASSISTANT_TOKEN to serve this machine alone without one")
    if token != token.strip() or not token.isascii() or not token.isprintable():
        raise UsageError("the token (--token or ASSISTANT_TOKEN) must be printable ASCII "
                         "without spaces at its ends, as an Authorization header carries it")
    return token


def check_bind(host: str, token: str | None) -> None:
    """Only this machine may reach a server without a token."""
    if not token and not is_loopback(host):
        raise UsageError(f"binding {host} lets other machines in: give --token TOKEN (or "
                         "ASSISTANT_TOKEN), or bind 127.0.0.1")


def listen(host: str, port: int) -> socket.socket:
    """A listening socket; a port in use or an unknown host is a usage error."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as e:
        raise UsageError(f"cannot bind {host}:{port}: {e.strerror or e}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is in use; pick another with --port") \
                from None
        raise UsageError(f"cannot bind {host}:{port}: {e.strerror or e}") from None
    return sock


def serve(service: Assistant, host: str, port: int, token: str | None,
          on_ready: Callable[[str], None], mounted: "Sequence[Mounted]" = ()) -> None:
    """Serve until interrupted. ``on_ready`` gets the base URL once the socket
    listens (requests sent from then on wait for the server, never fail);
    ``mounted``: other shells' routes served beside the API (MCP at /mcp)."""
    import uvicorn

    from assistant.api.app import create_app

    check_bind(host, token)
    app = create_app(service, token, mounted=mounted)
    sock = listen(host, port)
    bound_port = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
    on_ready(f"http://{shown}:{bound_port}")
    uvicorn.Server(config).run(sockets=[sock])
