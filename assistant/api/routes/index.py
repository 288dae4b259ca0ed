"""POST /index and GET /index/JOB: updates as background jobs."""

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.state import State
from assistant.errors import NotFoundError

MAX_JOB_WAIT_S = 60.0

router = APIRouter()


class IndexRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    yes: bool = Field(False, description="confirm an update that removes over half the index")


@router.post("/index", status_code=202)
def index(state: State, body: IndexRequest | None = None) -> dict[str, Any]:
    """Update the index from the folders it records, as a job (409 while
    another update runs). Questions are answered meanwhile."""
    return state.jobs.start(yes=bool(body and body.yes)).to_json()


@router.get("/index/{job_id}")
def index_job(job_id: str, state: State,
              wait: float = Query(0.0, ge=0.0, le=MAX_JOB_WAIT_S,
                                  description="seconds to wait for the end")) -> dict[str, Any]:
    """An update's progress (phase, done, total), then its summary or error."""
    job = state.jobs.get(job_id)
    if job is None:
        raise NotFoundError(f"no update job '{job_id}'")
    if wait:
        job.finished.wait(wait)
    return job.to_json()
