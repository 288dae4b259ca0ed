"""Calibrate the "not found" threshold on the valid splits.

Answerable questions (tydiqa_id, facqa, belebele en/id, idk_mrc answerable)
should be found; idk_mrc unanswerable and our own off-topic questions should
not. Prints, for thresholds on the top candidate's hybrid score, the share of
each group that would be answered.

Usage: python -m benchmarks.tuning.notfound [--index benchmarks/data/index-e5]
"""

import argparse

import numpy as np

from assistant.embedders import load_embedder
from assistant.query.options import Query
from assistant.query.relevance import background_vector
from assistant.query.retrieval import retrieve
from assistant.store.local.reader import LocalReader
from benchmarks.common import DATA, offtopic, read_jsonl


def top_scores(reader, emb, rows):
    qv = emb.embed_queries([r["question"] for r in rows])
    bg = reader.background if reader.background is not None else background_vector(emb)
    out = []
    with reader.snapshot():
        for r, v in zip(rows, qv):
            c = max(retrieve(reader, Query(r["question"], k=10, mode="hybrid"), v), key=lambda c: c.dense)
            out.append((c.dense - float(bg @ v), c.dense, c.coverage))
    return np.array(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default=str(DATA / "index-e5"))
    ap.add_argument("--split", default="valid")
    args = ap.parse_args()
    reader = LocalReader(args.index)
    emb = load_embedder(reader.model_id)
    groups = {}
    for name in ("tydiqa_id", "facqa", "belebele_en", "belebele_id"):
        groups[name] = read_jsonl(DATA / f"{name}.{args.split}.jsonl")
    idk = read_jsonl(DATA / f"idk_mrc.{args.split}.jsonl")
    groups["idk answerable"] = [r for r in idk if not r["unanswerable"]]
    groups["idk unanswerable"] = [r for r in idk if r["unanswerable"]]
    groups["off-topic"] = read_jsonl(offtopic(args.split))
    scores = {n: top_scores(reader, emb, rows) for n, rows in groups.items()}
    for n, s in scores.items():
        print(f"{n:<18} margin p5 {np.percentile(s[:, 0], 5):.3f} p50 {np.median(s[:, 0]):.3f} "
              f"p95 {np.percentile(s[:, 0], 95):.3f} | cos p50 {np.median(s[:, 1]):.3f} "
              f"| cov p50 {np.median(s[:, 2]):.3f}")
    print("margin threshold (best cosine - background similarity): share answered per group")
    for t in np.arange(0.03, 0.13, 0.005):
        print(f"  {t:.3f} " + "  ".join(f"{n[:10]} {np.mean(s[:, 0] >= t):.2f}" for n, s in scores.items()))


if __name__ == "__main__":
    main()
