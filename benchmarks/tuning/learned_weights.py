"""Fit the hybrid ranking weights on the training splits (issue 27): logistic
regression (scikit-learn) over each candidate passage's features, by
cross-validation, instead of weights set by hand.

    python -m benchmarks.tuning.learned_weights [--index benchmarks/data/index-e5]
        [--limit N] [--out PATH] [--check]

Data: tydiqa_id/train (TyDi QA, Indonesian Wikipedia) and facqa/train
(FacQA, Indonesian news sentences), asked of the pooled corpus
(benchmarks/data/index-e5, `python -m benchmarks.quality.convert_eval` and
`assistant index benchmarks/data/corpus --index-dir benchmarks/data/index-e5`),
which holds every paragraph of every split. A candidate is labelled 1 when it
is its question's gold paragraph.

Features of each of a question's candidates (dense top 50 and keyword top 50,
as ``retrieval.retrieve`` gathers them): its cosine less its language's pull
and less the question's best cosine (ranking within a question does not
change when a question's constant is taken off, and it makes questions
comparable); the keyword coverage (``retrieval.keyword_evidence``); the
answer-kind fit (``passage_evidence.answer_fit``, for questions of those
kinds, among the ANSWER_KIND_TOP best by cosine and coverage). Ranking scores
``cos + W * (coverage + A * fit)``, so the fitted coefficients give
W = coverage / cos and A = fit / coverage. The lead is not a feature here:
every pooled paragraph is an article of its own.

C (the inverse regularisation) is chosen by 5-fold cross-validation grouped
by question (mean reciprocal rank of the gold passage in the held-out folds).
Writes benchmarks/tuning/ranking_weights.json; --check compares the
shipped file with what the fit gives now (--limit makes both a deterministic
subset: the first N questions of each split).
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from benchmarks.common import EVAL, article_id, read_jsonl

# Not read at runtime: on news_dev the fitted weights lost on both halves
# (benchmarks/RESULTS.md, "Issue 27"); kept as the record of the fit.
OUT = Path(__file__).resolve().with_name("ranking_weights.json")
SPLITS = (("tydiqa_id", "context"), ("facqa", "passage"))
CS = (1.0, 10.0, 100.0, 1000.0, 10000.0)
POOL = 50


def features(index: str, limit: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X (cos, coverage, fit), y and the question of each row."""
    from assistant.embedders import load_embedder
    from assistant.query import passage_evidence as pe
    from assistant.query import retrieval
    from assistant.query.answer_types import question_type
    from assistant.query.languages import language_shifts, usable_means
    from assistant.store.open import open_reader

    reader = open_reader(index)
    emb = load_embedder(reader.model_id)
    rows = []
    for name, field in SPLITS:
        data = read_jsonl(EVAL / name / "train.jsonl")
        rows += [(r["question"], article_id(r[field])) for r in (data[:limit] if limit else data)]
    vecs = emb.embed_queries([q for q, _ in rows])
    X, y, group = [], [], []
    with reader.snapshot():
        for qi, ((q, gold), v) in enumerate(zip(rows, vecs)):
            terms = retrieval.terms_as_indexed(reader, q)
            alts = retrieval.translations(reader, q, terms)
            searched = list(dict.fromkeys(terms + [a for al in alts.values() for a in al]))
            dense = dict(reader.search_dense(v, POOL))
            kw = reader.search_keyword(searched, POOL)
            missing = [pid for pid, _ in kw if pid not in dense]
            if missing:
                for pid, s in zip(missing, reader.vectors_of(missing) @ v.astype(np.float32)):
                    dense[pid] = float(s)
            ids = list(dense)
            weights, _ = retrieval.term_weights(reader, terms, alts)
            bodies = reader.keyword_bodies(ids)
            cov = retrieval.keyword_evidence(weights, bodies, alts)
            shifts = language_shifts(usable_means(reader.language_means), v, bodies)
            cos = {pid: dense[pid] - shifts.get(pid, 0.0) for pid in ids}
            base = sorted(ids, key=lambda p: -(cos[p] + retrieval.COVERAGE_WEIGHT * cov.get(p, 0.0)))
            fit = {}
            if question_type(q) in pe.ANSWER_KINDS:
                hits = reader.passages(base[:pe.ANSWER_KIND_TOP])
                fit = {p: pe.answer_fit(q, h.text) for p, h in hits.items()}
            arts = {p: h.article.id for p, h in reader.passages(ids).items()}
            if gold not in arts.values():
                continue  # the gold passage is not a candidate: nothing to learn from this question
            top = max(cos.values())
            for p in ids:
                X.append((cos[p] - top, cov.get(p, 0.0), fit.get(p, 0.0)))
                y.append(int(arts.get(p) == gold))
                group.append(qi)
    return np.asarray(X), np.asarray(y), np.asarray(group)


def _mrr(scores: np.ndarray, y: np.ndarray, group: np.ndarray) -> float:
    rr = []
    for g in np.unique(group):
        m = group == g
        s, lab = scores[m], y[m]
        order = np.argsort(-s, kind="stable")
        hit = np.nonzero(lab[order])[0]
        rr.append(1.0 / (hit[0] + 1) if len(hit) and hit[0] < 10 else 0.0)
    return float(np.mean(rr))


def fit(X: np.ndarray, y: np.ndarray, group: np.ndarray) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    cv = {}
    for c in CS:
        folds = []
        for train, test in GroupKFold(n_splits=5).split(X, y, group):
            m = LogisticRegression(C=c, max_iter=1000).fit(X[train], y[train])
            folds.append(_mrr(X[test] @ m.coef_[0], y[test], group[test]))
        cv[c] = float(np.mean(folds))
    best = max(CS, key=lambda c: (round(cv[c], 4), -c))
    m = LogisticRegression(C=best, max_iter=1000).fit(X, y)
    w_cos, w_cov, w_fit = (float(x) for x in m.coef_[0])
    coverage = w_cov / w_cos
    return {"coverage_weight": round(coverage, 4),
            "answer_kind_weight": round(w_fit / w_cov, 4) if w_cov > 0 else 0.0,
            "C": best, "cv_mrr": {str(c): round(v, 4) for c, v in cv.items()},
            "questions": int(len(np.unique(group))), "rows": int(len(y)),
            "fitted_on": "tydiqa_id/train + facqa/train over the pooled corpus, e5-small",
            "script": "benchmarks/tuning/learned_weights.py"}


def main() -> int:
    from benchmarks.common import DATA

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default=str(DATA / "index-e5"))
    ap.add_argument("--limit", type=int, default=None, help="the first N questions of each split")
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    X, y, group = features(args.index, args.limit)
    result = fit(X, y, group)
    if args.limit:
        result["limit"] = args.limit
    text = json.dumps(result, indent=1, sort_keys=True) + "\n"
    if args.check:
        same = Path(args.out).read_text(encoding="utf-8") == text
        print("same" if same else f"{args.out} differs:\n{text}")
        return 0 if same else 1
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
