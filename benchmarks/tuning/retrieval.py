"""Offline tuning of hybrid fusion on the valid splits (never the test splits).

Embeds every valid question once, collects dense and keyword candidates with
their features from the pooled index, then scores fusion settings quickly.

Usage: python -m benchmarks.tuning.retrieval [--index benchmarks/data/index-e5] [--split valid]
"""

import argparse

import numpy as np

from assistant.embedders import load_embedder
from assistant.query.retrieval import keyword_evidence, term_weights
from assistant.store.local.reader import LocalReader
from assistant.text.analysis import query_terms
from benchmarks.common import DATA, read_jsonl

SETS = ("tydiqa_id", "facqa", "belebele_en", "belebele_id")


def collect(reader, emb, split: str, pool: int):
    out = {}
    for name in SETS:
        rows = read_jsonl(DATA / f"{name}.{split}.jsonl")
        cache = DATA / f"qvec.{name}.{split}.npy"
        if cache.exists():
            qv = np.load(cache)
        else:
            qv = emb.embed_queries([r["question"] for r in rows])
            np.save(cache, qv)
        items = []
        with reader.snapshot():
            art = dict(reader.conn.execute(
                "SELECT p.id, a.public_id FROM passages p JOIN articles a ON a.id = p.article_id"))
            for r, v in zip(rows, qv):
                dense = reader.search_dense(v, pool)
                kw = reader.search_keyword(query_terms(r["question"], reader.analyzer), pool)
                ids = list(dict.fromkeys([i for i, _ in dense] + [i for i, _ in kw]))
                cos = dict(dense)
                miss = [i for i in ids if i not in cos]
                if miss:
                    m = np.stack([reader.vectors.reconstruct(int(i)) for i in miss]) @ v
                    cos.update(zip(miss, map(float, m)))
                weights, _ = term_weights(reader, query_terms(r["question"], reader.analyzer))
                ev = keyword_evidence(weights, reader.keyword_bodies(ids))
                vecs = np.stack([reader.vectors.reconstruct(int(i)) for i in ids])
                items.append({"gold": r["gold_article_id"], "ids": ids, "q": v, "vecs": vecs,
                              "art": [art[i] for i in ids],
                              "cos": np.array([cos[i] for i in ids]),
                              "bm25": np.array([dict(kw).get(i, 0.0) for i in ids]),
                              "cov": np.array([ev.get(i, 0.0) for i in ids])})
        out[name] = items
    return out


def metrics(items, score_fn):
    rr = r1 = r5 = 0.0
    for it in items:
        s = score_fn(it)
        order = np.argsort(-s, kind="stable")
        rank = None
        for pos, j in enumerate(order[:10], start=1):
            if it["art"][j] == it["gold"]:
                rank = pos
                break
        if rank:
            rr += 1 / rank
            r1 += rank == 1
            r5 += rank <= 5
    n = len(items)
    return rr / n, r1 / n, r5 / n


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default=str(DATA / "index-e5"))
    ap.add_argument("--split", default="valid")
    ap.add_argument("--pool", type=int, default=100)
    ap.add_argument("--only-prf", action="store_true")
    args = ap.parse_args()
    reader = LocalReader(args.index)
    emb = load_embedder(reader.model_id)
    data = collect(reader, emb, args.split, args.pool)

    def show(label, fn):
        res = {n: metrics(data[n], fn) for n in SETS}
        print(f"{label:<40} " + "  ".join(f"{n[:11]:>11} {m[0]:.3f}/{m[2]:.3f}" for n, m in res.items())
              + f"  mean MRR {np.mean([m[0] for m in res.values()]):.4f}")

    show("dense", lambda it: it["cos"])

    if args.only_prf:
        return
    show("keyword", lambda it: it["bm25"] - 1e3 * (it["bm25"] == 0))
    for a in (0.02, 0.05, 0.1):
        show(f"cos + {a}*bm25/max", lambda it, a=a: it["cos"] + a * it["bm25"] / max(it["bm25"].max(), 1e-9))
    for a in (0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2):
        show(f"cos + {a}*coverage", lambda it, a=a: it["cos"] + a * it["cov"])
    for a in (0.04, 0.06, 0.08, 0.1):
        for b in (0.01, 0.02, 0.04):
            show(f"cos + {a}*cov + {b}*bm25/max",
                 lambda it, a=a, b=b: it["cos"] + a * it["cov"]
                 + b * it["bm25"] / max(it["bm25"].max(), 1e-9))


if __name__ == "__main__":
    main()
