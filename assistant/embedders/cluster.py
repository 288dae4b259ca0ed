"""Embedding on a Dask cluster (`assistant index --cluster ADDRESS|local[:N]`).

Only the embedding of new passages goes out: reading, change detection and
the one atomic commit stay in this process. Batches go out as tasks, a few
per worker at a time; results come back in any order and are put back in
place by batch index. Each worker loads the model once (a worker-side cache
keyed by model id and device). A batch whose worker dies is run again by Dask
on another worker (or the restarted one); a batch that comes back with the
wrong count or shape stops the update before anything is written.

Dask is an optional extra (`pip install -e '.[cluster]'`); nothing here
imports it until a cluster is used.
"""

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from assistant.errors import ModelUnavailableError, UsageError

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

    from assistant.embedders import Embedder

# Task retries after an exception on a worker (a worker that dies is
# rescheduled by the scheduler itself, up to its `allowed-failures`).
RETRIES = 3
# Tasks in flight per worker thread: enough to keep each one busy while a
# result travels back, few enough that a huge update does not sit in the
# scheduler's memory all at once.
IN_FLIGHT_PER_THREAD = 3
CONNECT_TIMEOUT = "20s"
# How long a scheduler may have no worker before the update stops (exit 8):
# ASSISTANT_CLUSTER_WAIT seconds (default 60), by the one rule for seconds.
WORKER_WAIT_ENV = "ASSISTANT_CLUSTER_WAIT"
WORKER_WAIT_S = 60.0
# Schemes a Dask scheduler listens on.
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
# Most local workers: each is a process with its own model; more than a few
# per core only costs memory and start-up.
LOCAL_WORKERS_PER_CORE = 4
MAX_LOCAL_WORKERS = 64


@dataclass(frozen=True)
class ClusterSpec:
    address: str | None = None  # a scheduler, e.g. tcp://10.0.0.5:8786; None: a local cluster
    workers: int | None = None  # workers of a local cluster (None: one per core)

    def __str__(self) -> str:
        if self.address:
            from assistant.text.masking import mask

            return mask(self.address)
        return "local" if self.workers is None else f"local:{self.workers}"


def parse_cluster(text: str) -> ClusterSpec:
    """`local`, `local:N` or a scheduler address (`tcp://HOST:PORT`, `tls://…`)."""
    text = text.strip()
    worker_wait()  # a bad ASSISTANT_CLUSTER_WAIT fails before any work
    if text == "local":
        return ClusterSpec()
    if text.startswith("local:"):
        n = text[len("local:"):]
        if not n.isdigit() or int(n) < 1:
            raise UsageError(f"--cluster {text}: the number of workers must be a whole number "
                             "above 0, e.g. local:2")
        if int(n) > max_local_workers():
            raise UsageError(f"--cluster {text}: at most {max_local_workers()} local workers "
                             f"on this machine ({LOCAL_WORKERS_PER_CORE} per core, "
                             f"{MAX_LOCAL_WORKERS} in all); a bigger cluster is a scheduler's")
        return ClusterSpec(workers=int(n))
    if "://" in text and text.split("://", 1)[1]:
        return ClusterSpec(address=_checked_address(text))
    raise UsageError(f"--cluster {text}: expected a scheduler address such as tcp://HOST:8786, "
                     "or local[:N]")


def _checked_address(text: str) -> str:
    """A scheduler address with a scheme Dask speaks, a host and a valid port."""
    from urllib.parse import urlsplit

    from assistant.text.masking import mask

    scheme = text.split("://", 1)[0].lower()
    try:
        parts = urlsplit(text)
        host, _ = parts.hostname, parts.port  # .port raises on a bad one
    except ValueError:
        host = None
    if scheme not in SCHEMES or not host and scheme != "inproc":
        raise UsageError(f"--cluster {mask(text)}: expected a scheduler address such as "
                         f"tcp://HOST:8786 (schemes: {', '.join(SCHEMES)}), or local[:N]")
    return text


def max_local_workers() -> int:
    return min(MAX_LOCAL_WORKERS, LOCAL_WORKERS_PER_CORE * local_workers())


def worker_wait() -> float:
    """Seconds to wait for a first worker (ASSISTANT_CLUSTER_WAIT)."""
    raw = os.environ.get(WORKER_WAIT_ENV, "")
    if not raw:
        return WORKER_WAIT_S
    from assistant.config.layers import positive_number

    try:
        return positive_number(raw)
    except UsageError as e:
        raise UsageError(f"{WORKER_WAIT_ENV}={raw!r}: {e.message}") from None


def local_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ClusterEmbedding:
    """Embeds batches of passages on a Dask cluster, connected on first use.

    Call it with the batches (lists of texts); it yields (batch index,
    vectors) as batches complete. Close it (or use it as a context manager)
    to disconnect, and to stop a local cluster it started.
    """

    def __init__(self, spec: ClusterSpec, model_id: str, device: str | None = None,
                 server: dict[str, str | None] | None = None) -> None:
        self.spec = spec
        self.model_id = model_id
        self.device = device
        # An `openai:` model's server (embed_url, embed_prefixes): sent with each
        # task, so the workers reach the same server; never its key (a worker
        # reads ASSISTANT_EMBED_API_KEY from its own environment).
        self.server = dict(server or {})
        self._client: Client | None = None
        self._cluster: LocalCluster | None = None

    def __enter__(self) -> "ClusterEmbedding":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> "Client":
        if self._client is not None:
            return self._client
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise ModelUnavailableError(
                "--cluster needs Dask: pip install 'assistant[cluster]' (or 'dask[distributed]')"
            ) from e
        try:
            if self.spec.address is None:
                self._cluster = LocalCluster(
                    n_workers=self.spec.workers or local_workers(), threads_per_worker=1,
                    processes=True, host="127.0.0.1", dashboard_address=":0")
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.spec.address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as e:
            self.close()
            raise ModelUnavailableError(f"cannot reach the cluster at {self.spec}: {e}") from e
        except ValueError as e:  # an address Dask cannot parse after all
            self.close()
            raise UsageError(f"--cluster {self.spec}: {e}") from None
        return self._client

    def _wait_for_workers(self, client: "Client", wait: float) -> None:
        """A scheduler with no worker would take the batches and never run
        them: wait a bounded time for one, then stop the update (exit 8)."""
        try:
            client.wait_for_workers(1, timeout=wait)
        except TimeoutError:
            raise ModelUnavailableError(
                f"the cluster at {self.spec} has no worker (waited {wait:g} s; "
                f"{WORKER_WAIT_ENV} sets how long): start one with: dask worker ADDRESS"
            ) from None

    def close(self) -> None:
        for part in (self._client, self._cluster):
            if part is not None:
                part.close()
        self._client = self._cluster = None

    def __call__(self, batches: list[list[str]]) -> Iterator[tuple[int, np.ndarray]]:
        if not batches:
            return
        from distributed import as_completed

        wait = worker_wait()
        client = self._connect()
        self._wait_for_workers(client, wait)
        threads = max(1, sum(client.nthreads().values()))
        index_of = {}

        def submit(i: int) -> "Future":
            future = client.submit(embed_batch, self.model_id, self.device, batches[i],
                                   self.server, retries=RETRIES, pure=False)
            index_of[future.key] = i
            return future

        window = min(len(batches), threads * IN_FLIGHT_PER_THREAD)
        following = window
        try:
            pending = as_completed([submit(i) for i in range(window)], with_results=True)
            # A result in hand is kept even if its worker dies later (the
            # future's status may then change): only a task that failed on
            # every retry raises here; closing the client cancels the rest.
            for future, result in pending:
                yield index_of.pop(future.key), result
                if following < len(batches):
                    pending.add(submit(following))
                    following += 1
        except Exception as e:
            raise ModelUnavailableError(f"the cluster at {self.spec} failed to embed a batch of "
                                        f"passages: {type(e).__name__}: {e}") from e


# -- on the workers ----------------------------------------------------------------------

_loaded: dict[tuple[str, str | None, tuple[tuple[str, str | None], ...]], "Embedder"] = {}
_loading = threading.Lock()


def worker_embedder(model_id: str, device: str | None,
                    server: dict[str, str | None] | None = None) -> "Embedder":
    """The worker's model, loaded on its first batch and kept for the next ones."""
    server = server or {}
    key = (model_id, device, tuple(sorted(server.items())))
    with _loading:
        if key not in _loaded:
            from assistant.embedders import load_embedder

            _loaded[key] = load_embedder(model_id, device=device, **server)
        return _loaded[key]


def embed_batch(model_id: str, device: str | None, texts: list[str],
                server: dict[str, str | None] | None = None) -> np.ndarray:
    """One batch of passages, embedded on a worker (a Dask task)."""
    return worker_embedder(model_id, device, server).embed_passages(texts)
