"""Search at scale: approximate index kinds against exact search on synthetic
unit vectors (the search part of the index; no text).

For each kind, the index is built with the store's own code
(``assistant.store.local.vectors.build_index``), saved, then loaded in a fresh
process that answers one query at a time, as a warm `ask` does. Reported:
warm search p50 and p95 (with the 50 candidates `ask` takes), recall@10
against exact search, peak resident memory of that process, file size, and
the p50 as a ratio of exact (flat) search's in the same run.

The vectors are clustered like real embeddings (topics, with passages spread
around them), and queries are perturbed passages. Uniform random vectors
would be the worst case for any approximate index, and unlike text.

Usage: python -m benchmarks.speed.scale [--n 1000000] [--kinds flat,ivf,ivf-pq]
       [--queries 300] [--dim 384]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.store.local import vectors as vec
from benchmarks.common import REPO, med

CANDIDATES = 50  # what `ask` asks the vector index for


def clustered(n: int, dim: int, seed: int, topics: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((topics, dim)).astype(np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for a in range(0, n, step):
        b = min(n, a + step)
        topic = rng.integers(0, topics, b - a)
        x = centers[topic] + 0.9 * rng.standard_normal((b - a, dim)).astype(np.float32) / np.sqrt(dim)
        out[a:b] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def high_water_mib() -> float:
    """Peak resident memory of this process image (ru_maxrss would carry the
    parent's peak across fork and exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(path: str, queries: str, truth: str, out: str) -> None:
    """In a fresh process: load the file as `ask` does and time single queries."""
    rss_before = high_water_mib()
    t = time.perf_counter()
    index = vec.load_index(path)
    load_s = time.perf_counter() - t
    q = np.load(queries)
    gt = np.load(truth)
    for i in range(min(20, len(q))):  # warm caches
        index.search(q[i:i + 1], CANDIDATES)
    times, hits = [], 0
    for i in range(len(q)):
        t = time.perf_counter()
        _, ids = index.search(q[i:i + 1], CANDIDATES)
        times.append(time.perf_counter() - t)
        hits += len(set(ids[0][:10].tolist()) & set(gt[i].tolist()))
    times.sort()
    Path(out).write_text(json.dumps({
        "p50_ms": 1000 * med(times),
        "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
        "recall_at_10": hits / (10 * len(q)),
        "peak_rss_mib": high_water_mib(),
        "rss_before_load_mib": rss_before,
        "load_s": load_s,
        "nprobe": getattr(index, "nprobe", None),
    }))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--kinds", default="flat,ivf,ivf-pq")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--serve", nargs=4, metavar=("INDEX", "QUERIES", "TRUTH", "OUT"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(*args.serve)
        return
    import faiss

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        t = time.perf_counter()
        data = clustered(args.n, args.dim, seed=1, topics=max(10, args.n // 1000))
        rng = np.random.default_rng(2)
        picks = rng.integers(0, args.n, args.queries)
        q = data[picks] + 0.5 * rng.standard_normal((args.queries, args.dim)).astype(np.float32) \
            / np.sqrt(args.dim)
        q = (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)
        exact = faiss.IndexFlatIP(args.dim)
        exact.add(data)
        _, gt = exact.search(q, 10)
        del exact
        np.save(tmp / "q.npy", q)
        np.save(tmp / "gt.npy", gt + 1)  # rows are 0-based, passage ids start at 1
        print(f"{args.n:,} vectors of {args.dim} dims, {args.queries} queries "
              f"(made in {time.perf_counter() - t:.0f} s)", flush=True)
        ids = np.arange(1, args.n + 1, dtype=np.int64)
        results = {}
        for kind in args.kinds.split(","):
            t = time.perf_counter()
            index = vec.build_index(kind, args.dim, ids, data)
            build_s = time.perf_counter() - t
            path = tmp / f"{kind}.faiss"
            vec.save_index(index, str(path))
            del index
            out = tmp / f"{kind}.json"
            subprocess.run([sys.executable, "-m", "benchmarks.speed.scale", "--serve", str(path),
                            str(tmp / "q.npy"), str(tmp / "gt.npy"), str(out)],
                           check=True, cwd=REPO)
            r = json.loads(out.read_text())
            r.update(build_s=build_s, file_mib=os.path.getsize(path) / 2**20,
                     bytes_per_passage=os.path.getsize(path) / args.n)
            results[kind] = r
            print(f"{kind:7} p50 {r['p50_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms, "
                  f"recall@10 {r['recall_at_10']:.3f}, peak RSS {r['peak_rss_mib']:.0f} MiB, "
                  f"file {r['file_mib']:.0f} MiB ({r['bytes_per_passage']:.0f} B/passage), "
                  f"built in {build_s:.0f} s", flush=True)
        if "flat" in results:
            for kind, r in results.items():
                r["p50_vs_flat"] = r["p50_ms"] / results["flat"]["p50_ms"]
                print(f"{kind:7} p50 / flat p50 = {r['p50_vs_flat']:.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"n": args.n, "dim": args.dim, **results}, indent=2))


if __name__ == "__main__":
    main()
