"""How far can ranking go with the bundled model? (valid splits, never test)

Scores every valid question's candidate pool (dense top 100 and keyword top
100 from the pooled index) with ideas that issue 3 suggested, without
changing the shipped code:

- hybrid as shipped (cosine + 0.1 x keyword coverage);
- pseudo-relevance feedback in the dense space (Rocchio: the query moved
  towards its top hits);
- sentence-level scoring of every candidate (what storing sentence vectors at
  index time would give): a mix of the passage cosine and its best sentence;
- hubness correction: each passage's cosine minus a share of its similarity
  to the generic background sentences that "not found" uses;
- a learned linear ranker over ten features (cosine, best and top-2 sentence,
  coverage, coverage of known words, BM25, both ranks, sentence count, length),
  trained listwise and scored by two-fold cross-validation and by leaving one
  set out.

Embeds every sentence of the pooled corpus once (about as long as building the
index) and caches it in benchmarks/data. Usage: python -m benchmarks.experiments.ceiling
"""

import argparse
import sys

import numpy as np

from assistant.embedders import load_embedder
from assistant.query.retrieval import idf
from assistant.store.local.reader import LocalReader
from assistant.text.analysis import query_terms
from assistant.text.sentences import sentence_spans
from benchmarks.common import DATA, read_jsonl

SETS = ("tydiqa_id", "facqa", "belebele_en", "belebele_id")
POOL = 100


def sentence_vectors(reader, emb):
    """Every sentence of every passage, embedded: (vectors, owner passage ids)."""
    vec_path, own_path = DATA / "sentences.vectors.npy", DATA / "sentences.owners.npy"
    if vec_path.exists() and own_path.exists():
        return np.load(vec_path), np.load(own_path)
    with reader.snapshot():
        ids = [i for (i,) in reader.conn.execute("SELECT id FROM passages ORDER BY id")]
        hits = reader.passages(ids)
    owners, texts = [], []
    for pid in ids:
        text = hits[pid].text
        for a, b in sentence_spans(text) or [(0, len(text))]:
            owners.append(pid)
            texts.append(text[a:b])
    order = np.argsort([len(t) for t in texts])
    vectors = np.zeros((len(texts), emb.dim), np.float32)
    for s in range(0, len(order), 256):
        idx = order[s:s + 256]
        vectors[idx] = emb.embed_passages([texts[i] for i in idx])
    np.save(vec_path, vectors)
    np.save(own_path, np.array(owners))
    return vectors, np.array(owners)


def collect(reader, emb, sentences, owners):
    rows_of: dict[int, list[int]] = {}
    for j, p in enumerate(owners):
        rows_of.setdefault(int(p), []).append(j)
    data = {}
    with reader.snapshot():
        art = dict(reader.conn.execute(
            "SELECT p.id, a.public_id FROM passages p JOIN articles a ON a.id = p.article_id"))
        for name in SETS:
            rows = read_jsonl(DATA / f"{name}.valid.jsonl")
            qv = emb.embed_queries([r["question"] for r in rows])
            items = []
            for r, q in zip(rows, qv):
                dense = reader.search_dense(q, POOL)
                kw = dict(reader.search_keyword(query_terms(r["question"], reader.analyzer), POOL))
                ids = list(dict.fromkeys([i for i, _ in dense] + list(kw)))
                P = np.stack([reader.vectors.reconstruct(int(i)) for i in ids])
                terms = list(dict.fromkeys(query_terms(r["question"], reader.analyzer)))
                dfs, total = reader.doc_freqs(terms)
                w = {t: idf(dfs.get(t, 0), max(total, 1)) for t in terms}
                denom = sum(w.values()) or 1.0
                known = sum(v for t, v in w.items() if dfs.get(t, 0)) or 1.0
                bodies = reader.keyword_bodies(ids)
                present = [set(bodies.get(i, "").split()) for i in ids]
                cov = np.array([sum(v for t, v in w.items() if t in p) / denom for p in present])
                covk = cov * (denom / known) ** 0.5  # coverage of known words x sqrt(known share)
                best, top2, count = [], [], []
                for i in ids:
                    s = np.sort(sentences[rows_of[i]] @ q)
                    best.append(s[-1])
                    top2.append(s[-2:].mean())
                    count.append(len(s))
                cos = P @ q
                bm25 = np.array([kw.get(i, 0.0) for i in ids])
                drank = np.argsort(np.argsort(-cos)) + 1
                krank = np.where(bm25 > 0, np.argsort(np.argsort(-bm25)) + 1, 1000)
                lens = np.array([len(bodies.get(i, "").split()) for i in ids])
                items.append({
                    "q": q, "P": P, "cos": cos, "cov": cov, "best": np.array(best),
                    "hub": P @ reader.background,
                    "gold": np.array([art[i] == r["gold_article_id"] for i in ids]),
                    "F": np.stack([cos, best, top2, cov, covk, bm25 / max(bm25.max(), 1e-9),
                                   1 / (drank + 5), 1 / (krank + 5), np.log(count),
                                   np.log1p(lens) / 5], 1)})
            data[name] = items
            print(f"collected {name}", file=sys.stderr, flush=True)
    return data


def metrics(items, fn):
    rr = r5 = 0.0
    for it in items:
        order = np.argsort(-fn(it), kind="stable")[:10]
        hit = np.where(it["gold"][order])[0]
        if len(hit):
            rr += 1 / (hit[0] + 1)
            r5 += hit[0] < 5
    return rr / len(items), r5 / len(items)


def show(label, data, fn):
    print(f"{label:<50}" + "  ".join(f"{n} {m[0]:.3f}/{m[1]:.3f}"
                                     for n, m in ((n, metrics(v, fn)) for n, v in data.items())))


def train(items, steps=300, lr=0.5, l2=1e-3):
    """Listwise softmax ranker, linear in standardised features."""
    X = [it["F"] for it in items if it["gold"].any()]
    Y = [it["gold"] / it["gold"].sum() for it in items if it["gold"].any()]
    allx = np.concatenate(X)
    mu, sd = allx.mean(0), allx.std(0) + 1e-9
    w = np.zeros(allx.shape[1])
    for _ in range(steps):
        g = np.zeros_like(w)
        for x, y in zip(X, Y):
            z = (x - mu) / sd
            s = z @ w
            p = np.exp(s - s.max())
            g += z.T @ (p / p.sum() - y)
        w -= lr * (g / len(X) + l2 * w)
    return lambda it: ((it["F"] - mu) / sd) @ w


def main():
    argparse.ArgumentParser(description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    reader = LocalReader(str(DATA / "index-e5"))
    emb = load_embedder(reader.model_id)
    data = collect(reader, emb, *sentence_vectors(reader, emb))
    print("MRR / R@5 on the valid splits (k = 10)")
    show("dense", data, lambda it: it["cos"])
    show("hybrid (shipped)", data, lambda it: it["cos"] + 0.1 * it["cov"])
    for m, b in ((1, 0.3), (3, 0.3), (5, 0.3), (5, 0.6)):
        def rocchio(it, m=m, b=b):
            q = it["q"] + b * it["P"][np.argsort(-it["cos"])[:m]].mean(0)
            return it["P"] @ (q / np.linalg.norm(q)) + 0.1 * it["cov"]
        show(f"Rocchio PRF top {m}, beta {b}", data, rocchio)
    for g in (0.1, 0.2, 0.3):
        show(f"hybrid - {g} x passage-background similarity", data,
             lambda it, g=g: it["cos"] - g * it["hub"] + 0.1 * it["cov"])
    for a in (0.3, 0.5, 0.7):
        show(f"{a} cos + {1 - a:.1f} best sentence + 0.1 cov", data,
             lambda it, a=a: a * it["cos"] + (1 - a) * it["best"] + 0.1 * it["cov"])
    folds = [[it for n in SETS for it in data[n][k::2]] for k in (0, 1)]
    rankers = [train(folds[1]), train(folds[0])]  # each scores the other half
    line = []
    for n in SETS:
        halves = [metrics(data[n][k::2], rankers[k]) for k in (0, 1)]
        sizes = [len(data[n][k::2]) for k in (0, 1)]
        mrr = sum(h[0] * s for h, s in zip(halves, sizes)) / sum(sizes)
        r5 = sum(h[1] * s for h, s in zip(halves, sizes)) / sum(sizes)
        line.append(f"{n} {mrr:.3f}/{r5:.3f}")
    print(f"{'learned ranker, two-fold':<50}" + "  ".join(line))
    line = []
    for held in SETS:
        fn = train([it for n in SETS if n != held for it in data[n]])
        mrr, r5 = metrics(data[held], fn)
        line.append(f"{held} {mrr:.3f}/{r5:.3f}")
    print(f"{'learned ranker, set left out':<50}" + "  ".join(line))


if __name__ == "__main__":
    main()
