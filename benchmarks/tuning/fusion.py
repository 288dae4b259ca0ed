"""Offline measurement of hybrid fusion variants on news_dev and the valid splits.

Collects each question's dense and keyword candidates once (the query vectors
are cached beside the index), then ranks them with ``retrieval.fuse`` under
the settings given, so a variant costs seconds instead of a full
``assistant eval``. Figures match ``assistant eval`` (hybrid, k 10, no rerank).

Usage:
  python -m benchmarks.tuning.fusion --news shared/eval/news_dev --news-index /tmp/news \
      [--valid-index benchmarks/data/index-valid-e5] [--sets tydiqa_id,facqa,...] [--grid]

(build /tmp/news first: ``assistant index shared/eval/news_dev/articles --index-dir /tmp/news``)
"""

import argparse
import hashlib
from pathlib import Path

import numpy as np

from assistant.app.conversation import MAX_CONTEXT_QUESTIONS, is_follow_up
from assistant.app.eval_sets import load_news_set
from assistant.app.evaluation import displayed
from assistant.embedders import load_embedder
from assistant.query import passage_evidence as evidence
from assistant.query import retrieval
from assistant.store.open import open_reader
from benchmarks.common import DATA, read_jsonl

VALID_SETS = ("tydiqa_id", "facqa", "belebele_en", "belebele_id")
K = 10


def _searched(rows: list[dict]) -> list[str]:
    """The text each question is searched with, as a conversation asks it."""
    out, last_q, last_ctx = [], None, []
    for r in rows:
        q = r["question"]
        ctx: list[str] = []
        if r.get("follow_up") and last_q is not None and is_follow_up(q):
            ctx = (last_ctx + [last_q])[-MAX_CONTEXT_QUESTIONS:]
        out.append(" ".join(ctx + [q]))
        last_q, last_ctx = q, ctx
    return out


def _query_vectors(emb, texts: list[str], cache: Path) -> np.ndarray:
    key = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:12]
    path = cache / f"qvec-{key}.npy"
    if path.exists():
        return np.load(path)
    vecs = emb.embed_queries(texts)
    np.save(path, vecs)
    return vecs


def collect(reader, emb, rows: list[dict], cache: Path, gold_of) -> list[dict]:
    rows = [r for r in rows if not r.get("unanswerable")] if rows else rows
    texts = _searched(rows)
    vecs = _query_vectors(emb, texts, cache)
    items = []
    with reader.snapshot():
        for r, text, v in zip(rows, texts, vecs):
            if r.get("unanswerable"):
                continue
            n = max(50, K * 4)
            terms = retrieval.terms_as_indexed(reader, text)
            items.append({"q": r["question"], "text": text, "v": v, "terms": terms,
                          "dense": reader.search_dense(v, n),
                          "keyword": reader.search_keyword(terms, n),
                          "gold": gold_of(r), "lang": r.get("lang"), "kind": r.get("kind")})
    return items


def news_gold(reader):
    with reader.snapshot():
        ids = [int(i) for i in reader.passage_ids(_All())]
        texts = {pid: displayed(h.text) for pid, h in reader.passages(ids).items()}

    def gold_of(r):
        g = displayed(r["gold_text"])
        return {pid for pid, t in texts.items() if g in t}
    return gold_of


def valid_gold(reader):
    with reader.snapshot():
        ids = [int(i) for i in reader.passage_ids(_All())]
        arts = {pid: h.article.id for pid, h in reader.passages(ids).items()}
    by_article: dict[str, set[int]] = {}
    for pid, a in arts.items():
        by_article.setdefault(a, set()).add(pid)
    return lambda r: by_article.get(r["gold_article_id"], set())


class _All:
    """A filter that allows every article (to list every passage id)."""
    source = since = until = None
    active = True

    def matches_source(self, source, url):
        return True


def reciprocal_rank(it: dict, k0: int) -> list[int]:
    """Passage ids by reciprocal-rank fusion of the dense and keyword lists."""
    score: dict[int, float] = {}
    for hits in (it["dense"], it["keyword"]):
        for rank, (pid, _) in enumerate(hits):
            score[pid] = score.get(pid, 0.0) + 1.0 / (k0 + rank)
    return sorted(score, key=lambda pid: -score[pid])


def score(reader, items, with_question: bool = True, rrf: int = 0) -> dict:
    """R@1, R@5 and MRR; without the question, fuse adds no passage evidence;
    with ``rrf``, reciprocal-rank fusion (that k) instead of ``fuse``."""
    rr = r1 = r5 = 0.0
    ranks = []
    with reader.snapshot():
        for it in items:
            if rrf:
                ids = reciprocal_rank(it, rrf)
            else:
                ranked, _ = retrieval.fuse(reader, it["terms"], it["v"], it["dense"], it["keyword"],
                                           question=it["text"] if with_question else None)
                ids = [c.passage_id for c in ranked]
            rank = next((i for i, pid in enumerate(ids[:K], 1) if pid in it["gold"]), None)
            ranks.append(rank)
            if rank:
                rr += 1 / rank
                r1 += rank == 1
                r5 += rank <= 5
    n = len(items) or 1
    return {"r1": r1 / n, "r5": r5 / n, "mrr": rr / n, "ranks": ranks}


def load(args):
    emb_cache = {}

    def embedder(model_id):
        if model_id not in emb_cache:
            emb_cache[model_id] = load_embedder(model_id)
        return emb_cache[model_id]

    sets = {}
    if args.news:
        reader = open_reader(args.news_index)
        rows = [r for r in load_news_set(args.news)]
        sets["news_dev"] = (reader, collect(reader, embedder(reader.model_id), rows,
                                            Path(args.news_index), news_gold(reader)))
    if args.valid_index:
        reader = open_reader(args.valid_index)
        gold = valid_gold(reader)
        for name in args.sets.split(","):
            rows = read_jsonl(DATA / f"{name}.valid.jsonl")
            sets[name] = (reader, collect(reader, embedder(reader.model_id), rows,
                                          Path(args.valid_index), gold))
    return sets


def table(label: str, sets: dict, with_question: bool = True, rrf: int = 0) -> dict:
    res = {name: score(reader, items, with_question, rrf) for name, (reader, items) in sets.items()}
    print(f"{label:<34} " + "  ".join(
        f"{n[:10]:>10} {m['r1']:.3f}/{m['r5']:.3f}/{m['mrr']:.3f}" for n, m in res.items()),
        flush=True)
    return res



def explain(reader, items):
    """The questions whose gold passage is not first: what outranks it."""
    with reader.snapshot():
        for it in items:
            ranked, known = retrieval.fuse(reader, it["terms"], it["v"], it["dense"], it["keyword"],
                                           question=it["text"])
            rank = next((i for i, c in enumerate(ranked, 1) if c.passage_id in it["gold"]), None)
            if rank == 1:
                continue
            hits = reader.passages([c.passage_id for c in ranked[:5]] + list(it["gold"]))
            print(f"\n#{rank} known={known:.2f} [{it['lang']}/{it['kind']}] {it['text']}")
            for c in ranked[:3] + [c for c in ranked if c.passage_id in it["gold"]][:1]:
                h = hits.get(c.passage_id) or reader.passages([c.passage_id])[c.passage_id]
                g = "*" if c.passage_id in it["gold"] else " "
                print(f"  {g} {c.score:.3f} cos {c.dense:.3f} cov {c.coverage:.2f} "
                      f"{h.article.title[:40]!r} ¶{h.paragraph} {h.text[:70]!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--news", default=None)
    ap.add_argument("--news-index", default=None)
    ap.add_argument("--valid-index", default=None)
    ap.add_argument("--sets", default=",".join(VALID_SETS))
    ap.add_argument("--grid", action="store_true", help="the lead and answer-kind weights")
    ap.add_argument("--rrf", type=int, default=0, metavar="K",
                    help="also score reciprocal-rank fusion with this k (60 is usual)")
    ap.add_argument("--explain", action="store_true",
                    help="print what outranks each gold passage that is not first")
    args = ap.parse_args()
    sets = load(args)
    table("without passage evidence", sets, with_question=False)
    if args.rrf:
        table(f"reciprocal-rank fusion (k {args.rrf})", sets, rrf=args.rrf)
    if args.explain:
        for reader, items in sets.values():
            explain(reader, items)
    if not args.grid:
        table("with passage evidence (R@1/R@5/MRR)", sets)
        return
    for lead in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25):
        for kind in (0.0, 0.2, 0.3, 0.4, 0.5):
            evidence.LEAD_WEIGHT, evidence.ANSWER_KIND_WEIGHT = lead, kind
            table(f"lead {lead} answer kind {kind}", sets)


if __name__ == "__main__":
    main()
