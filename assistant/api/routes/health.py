"""GET /health."""

from typing import Any

from fastapi import APIRouter

from assistant import __version__
from assistant.api.state import State

router = APIRouter()


@router.get("/health")
def health(state: State) -> dict[str, Any]:
    """Whether the server is up, whether it has an index, and a running update."""
    running = state.jobs.running()
    return {"status": "ok", "version": __version__, "index": state.service.has_index(),
            "updating": running.id if running else None}
