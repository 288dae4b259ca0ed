"""Index updates run as background jobs, for shells that must not block on
one (the HTTP API): a job id, its progress, then its summary or its error.

One update at a time: starting a second while one runs is ``IndexBusyError``
(exit code 6), as ``assistant index --no-wait`` beside a running update.
Questions keep being answered meanwhile (see ``Assistant.embedder``).
"""

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.app.service import IndexRequest
from assistant.errors import ExitCode, IndexBusyError, as_user_error

if TYPE_CHECKING:
    from assistant.app.service import Assistant

KEPT_JOBS = 20  # finished jobs that can still be asked about


@dataclass
class IndexJob:
    id: str
    state: str = "running"  # running, done, failed
    phase: str | None = None  # see assistant.progress.Phase
    done: int = 0
    total: int = 0
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    summary: dict | None = None  # IndexSummary.to_json() once done
    error: str | None = None
    exit_code: int | None = None  # what `assistant index` would have exited with
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    def progress(self, phase: str, done: int, total: int) -> None:
        self.phase, self.done, self.total = phase, done, total

    def to_json(self) -> dict:
        return {"id": self.id, "state": self.state,
                "progress": {"phase": self.phase, "done": self.done, "total": self.total},
                "started_at": self.started_at, "finished_at": self.finished_at,
                "summary": self.summary, "error": self.error, "exit_code": self.exit_code}


class IndexJobs:
    """The update jobs of one service."""

    def __init__(self, service: "Assistant") -> None:
        self.service = service
        self._jobs: OrderedDict[str, IndexJob] = OrderedDict()
        self._lock = threading.Lock()

    def running(self) -> IndexJob | None:
        with self._lock:
            return next((j for j in self._jobs.values() if j.state == "running"), None)

    def start(self, yes: bool = False) -> IndexJob:
        """Update the index from the folders it records, in a thread."""
        with self._lock:
            if any(j.state == "running" for j in self._jobs.values()):
                raise IndexBusyError("the index is being updated; ask for that update's "
                                     "progress, or try again when it has finished")
            job = IndexJob(uuid.uuid4().hex[:12])
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                oldest = next(iter(self._jobs.values()))
                if oldest.state == "running":
                    break
                self._jobs.popitem(last=False)
        threading.Thread(target=self._run, args=(job, yes), name=f"index-{job.id}",
                         daemon=True).start()
        return job

    def get(self, job_id: str) -> IndexJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: IndexJob, yes: bool) -> None:
        try:
            # Never wait on another process's update: say it is busy (exit code 6).
            summary = self.service.index(IndexRequest(wait=False, yes=yes), progress=job.progress)
            job.summary, job.state, job.exit_code = summary.to_json(), "done", ExitCode.OK
        except Exception as e:  # noqa: BLE001 - reported in the job, as the CLI would
            err = as_user_error(e)
            job.error, job.exit_code, job.state = err.message, err.exit_code, "failed"
        finally:
            job.finished_at = time.time()
            job.finished.set()
