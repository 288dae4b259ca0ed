"""Tune the automatic cross-language rerank on the valid splits (never test).

For every valid question of the four retrieval sets: the top 30 hybrid
candidates without rerank, the share of the question's IDF-weighted words that
occur in the articles (``term_weights``), and each candidate's best-sentence
similarity. Then prints MRR / R@5 when candidates are re-scored by their best
sentence only for questions whose known share is below a threshold.

Needs benchmarks/data from benchmarks.quality.convert_eval and the pooled
index (see benchmarks.quality.run_eval). Usage: python -m benchmarks.experiments.cross_lingual [--limit N]
"""

import argparse

import numpy as np

from assistant.embedders import load_embedder
from assistant.query.options import Query
from assistant.query.retrieval import RERANK_WEIGHT, retrieve, term_weights
from assistant.store.local.reader import LocalReader
from assistant.text.analysis import query_terms
from assistant.text.sentences import sentence_spans
from benchmarks.common import DATA, read_jsonl

SETS = ("tydiqa_id", "facqa", "belebele_en", "belebele_id")
TOP = 30


def collect(reader, emb, name, limit):
    rows = read_jsonl(DATA / f"{name}.valid.jsonl")[:limit]
    qv = emb.embed_queries([r["question"] for r in rows])
    sentence_cache: dict[int, np.ndarray] = {}
    items = []
    with reader.snapshot():
        art = dict(reader.conn.execute(
            "SELECT p.id, a.public_id FROM passages p JOIN articles a ON a.id = p.article_id"))
        for r, v in zip(rows, qv):
            cands = retrieve(reader, Query(r["question"], k=TOP, mode="hybrid", rerank=0), v)
            hits = reader.passages([c.passage_id for c in cands])
            best = []
            for c in cands:
                if c.passage_id not in sentence_cache:
                    text = hits[c.passage_id].text
                    spans = sentence_spans(text) or [(0, len(text))]
                    sentence_cache[c.passage_id] = emb.embed_passages([text[a:b] for a, b in spans])
                best.append(float((sentence_cache[c.passage_id] @ v).max()))
            _, known = term_weights(reader, query_terms(r["question"], reader.analyzer))
            items.append({"known": known, "score": np.array([c.score for c in cands]),
                          "sentence": np.array(best),
                          "gold": np.array([art[c.passage_id] == r["gold_article_id"] for c in cands])})
    return items


def metrics(items, threshold, top):
    rr = r5 = 0.0
    for it in items:
        s = it["score"].copy()
        if it["known"] < threshold:
            s[:top] += RERANK_WEIGHT * it["sentence"][:top]
            s[top:] -= 10.0
        order = np.argsort(-s, kind="stable")[:10]
        hit = np.where(it["gold"][order])[0]
        if len(hit):
            rr += 1 / (hit[0] + 1)
            r5 += hit[0] < 5
    return rr / len(items), r5 / len(items)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="questions per set")
    args = ap.parse_args()
    reader = LocalReader(str(DATA / "index-e5"))
    emb = load_embedder(reader.model_id)
    data = {n: collect(reader, emb, n, args.limit) for n in SETS}
    for n, items in data.items():
        k = np.array([it["known"] for it in items])
        print(f"{n}: known share p10 {np.percentile(k, 10):.2f} median {np.median(k):.2f}")
    for threshold in (0.0, 0.3, 0.5, 0.7, 0.9, 1.01):
        for top in (10, 15, 20, 30):
            res = {n: metrics(items, threshold, top) for n, items in data.items()}
            print(f"known < {threshold:<4} top {top:<3} "
                  + "  ".join(f"{n} {m[0]:.3f}/{m[1]:.3f}" for n, m in res.items()))


if __name__ == "__main__":
    main()
