"""Fit the confidence shown beside each citation: the chance that the passage
holds the answer, from its margin above the found threshold and its keyword
coverage (assistant.query.relevance.confidence).

Questions: the valid splits (tydiqa_id, facqa, belebele en/id, idk_mrc, our
off-topic questions) and news_dev (its off-topic questions included), asked in
hybrid mode with k = 10 of one index that holds all their passages. Each
citation is a positive when it is the gold passage (or holds the gold text);
every citation of an unanswerable question is a negative. Prints the fitted
coefficients and a reliability table (predicted against observed, per bin),
for all citations and for [1] alone.

    python -m benchmarks.quality.convert_eval      # once
    # index: the valid splits' gold paragraphs plus news_dev's articles
    python -m benchmarks.tuning.confidence --index benchmarks/data/index-valid-e5
"""

import argparse

import numpy as np

from assistant.app.eval_sets import load_news_set
from assistant.app.evaluation import displayed
from assistant.embedders import load_embedder
from assistant.query.options import Query
from assistant.query.pipeline import confidence_inputs
from assistant.query.relevance import Calibration, background_vector, is_found, unknown_names
from assistant.query.retrieval import retrieve
from assistant.store.local.reader import LocalReader
from benchmarks.common import DATA, NEWS, offtopic, read_jsonl


def question_sets(split: str) -> dict[str, list[dict]]:
    sets = {}
    for name in ("tydiqa_id", "facqa", "belebele_en", "belebele_id", "idk_mrc"):
        sets[name] = read_jsonl(DATA / f"{name}.{split}.jsonl")
    sets["off-topic"] = [r | {"unanswerable": True} for r in read_jsonl(offtopic(split))]
    news, before = [], ""
    for q in load_news_set(str(NEWS)):
        searched = f"{before} {q['question']}" if q.get("follow_up") else q["question"]
        news.append(q | {"searched": searched})
        before = q["question"]
    sets["news_dev"] = news
    return sets


def labelled(reader, emb, rows):
    """(features, positive, rank, found) for every citation of every question."""
    bg = reader.background if reader.background is not None else background_vector(emb)
    searched = [r.get("searched", r["question"]) for r in rows]
    out = []
    with reader.snapshot():
        for r, q, v in zip(rows, searched, emb.embed_queries(searched)):
            ranked = retrieve(reader, Query(q, k=11, mode="hybrid", rerank=0), v)
            cands = ranked[:10]
            texts = reader.passages([c.passage_id for c in cands])
            gold = displayed(r["gold_text"]) if r.get("gold_text") else None
            unknown = unknown_names(reader, q)
            baseline = float(bg @ v)
            found = is_found(max(c.dense for c in cands), baseline, reader.model_id, unknown)
            features = confidence_inputs(ranked, 10, Calibration(baseline, found, reader.model_id,
                                                                   reader.dense_scale))
            for rank, (c, x) in enumerate(zip(cands, features), start=1):
                hit = texts.get(c.passage_id)
                pos = not r.get("unanswerable") and hit is not None and (
                    (r.get("gold_article_id") and hit.article.id == r["gold_article_id"])
                    or (gold is not None and gold in displayed(hit.text)))
                out.append((x, bool(pos), rank, found))
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Weights [w..., bias] by Newton's method (a small ridge keeps it finite)."""
    X = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-X @ w))
        grad = X.T @ (p - y) + l2 * w
        hess = (X * (p * (1 - p))[:, None]).T @ X + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def reliability(p: np.ndarray, y: np.ndarray, title: str) -> None:
    print(f"{title}: n {len(y)}, positives {y.mean():.3f}, Brier {np.mean((p - y) ** 2):.4f}")
    edges = [0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0001]
    for lo, hi in zip(edges, edges[1:]):
        m = (p >= lo) & (p < hi)
        if m.any():
            print(f"  p {lo:.2f}-{min(hi, 1):.2f}: n {m.sum():5d}  predicted {p[m].mean():.3f}  "
                  f"observed {y[m].mean():.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default=str(DATA / "index-valid-e5"))
    ap.add_argument("--split", default="valid")
    args = ap.parse_args()
    reader = LocalReader(args.index)
    emb = load_embedder(reader.model_id)
    rows = []
    for name, qs in question_sets(args.split).items():
        got = labelled(reader, emb, qs)
        print(f"{name}: {len(qs)} questions, {sum(g[1] for g in got)} gold citations", flush=True)
        rows += [(name, *g) for g in got]
    x = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows], dtype=float)
    rank = np.array([r[3] for r in rows])
    w = fit_logistic(x, y)
    print("weights (margin, coverage, lead, first, found, bias):", np.round(w, 3).tolist())
    p = 1 / (1 + np.exp(-(np.hstack([x, np.ones((len(x), 1))]) @ w)))
    reliability(p, y, "all citations")
    reliability(p[rank == 1], y[rank == 1], "[1] only")
    found = x[:, 4] > 0
    for flag in (True, False):
        m = (rank == 1) & (found == flag)
        print(f"[1] of questions found={flag}: n {m.sum()}, predicted {p[m].mean():.3f}, "
              f"observed {y[m].mean():.3f}")
    names = np.array([r[0] for r in rows])
    print("[1] per set; held out: fitted on the other sets, then predicted on this one")
    for name in dict.fromkeys(names):
        m = (names == name) & (rank == 1)
        w_out = fit_logistic(x[names != name], y[names != name])
        p_out = 1 / (1 + np.exp(-(np.hstack([x[m], np.ones((m.sum(), 1))]) @ w_out)))
        print(f"  {name:<12} predicted {p[m].mean():.3f} (held out {p_out.mean():.3f}) "
              f"observed {y[m].mean():.3f}")


if __name__ == "__main__":
    main()
