"""Tune answer-sentence selection on the valid splits (tydiqa_id, facqa).

Caches, per question, the top candidates' sentences with their features
(similarity to the question, shared words, answer-type match), then scores
weightings of those features offline.

Usage: python -m benchmarks.tuning.answers [--index benchmarks/data/index-e5]
"""

import argparse
import itertools

import numpy as np

from assistant.app.evaluation import answer_matches
from assistant.embedders import load_embedder
from assistant.query import answers
from assistant.query.answer_types import answer_span
from assistant.query.options import Query
from assistant.query.retrieval import retrieve
from assistant.store.local.reader import LocalReader
from assistant.text.analysis import STOPWORDS, analyze, query_terms
from assistant.text.sentences import sentence_spans
from benchmarks.common import DATA, read_jsonl


def collect(reader, emb, name, split, top, show=0):
    rows = read_jsonl(DATA / f"{name}.{split}.jsonl")
    items = []
    shown = 0
    qv = emb.embed_queries([r["question"] for r in rows])
    for r, v in zip(rows, qv):
        with reader.snapshot():
            cands = retrieve(reader, Query(r["question"], k=top, mode="hybrid"), v)
            hits = reader.passages([c.passage_id for c in cands])
        terms = set(query_terms(r["question"]))
        feats = []
        for rank, c in enumerate(cands):
            text = hits[c.passage_id].text
            spans = sentence_spans(text) or [(0, len(text))]
            sents = [text[a:b] for a, b in spans]
            sims = ([c.dense] if len(sents) == 1 else list(emb.embed_passages(sents) @ v))
            for j, (s, sim) in enumerate(zip(sents, sims)):
                sterms = set(analyze(s)) - STOPWORDS
                feats.append((rank, c.score, float(sim), len(terms & sterms),
                              answer_span(r["question"], s) is not None,
                              answer_matches(s, r["answers"]), j == 0,
                              len(sterms - terms), len(sterms & terms) / max(len(terms), 1)))
        items.append(np.array(feats, dtype=float))
        f = items[-1]
        if shown < show and f[f[:, 0] == 0, 5].max() > 0:
            score = f[:, 2] + answers.OVERLAP_WEIGHT * f[:, 3] + answers.TYPE_WEIGHT * f[:, 4]
            pick = int(np.argmax(score))
            if f[pick, 5] == 0:
                shown += 1
                text = hits[cands[0].passage_id].text
                print("Q:", r["question"], "| gold:", r["answers"])
                for j, (a, b) in enumerate(sentence_spans(text)):
                    print(f"   {'*' if j == pick else ' '} {f[j, 2]:.3f} ov={f[j, 3]:.0f} type={f[j, 4]:.0f} "
                          f"gold={f[j, 5]:.0f} {text[a:b][:110]}")
    return items


def accuracy(items, w_ov, w_type, pen, w_pass, w_first=0.0, w_novel=0.0, w_share=0.0):
    ok = 0
    for f in items:
        score = (f[:, 2] + w_ov * f[:, 3] + w_type * f[:, 4] + w_pass * f[:, 1] - pen * f[:, 0]
                 + w_first * f[:, 6] + w_novel * np.minimum(f[:, 7], 15) + w_share * f[:, 8])
        ok += f[int(np.argmax(score)), 5] > 0
    return ok / len(items)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default=str(DATA / "index-e5"))
    ap.add_argument("--split", default="valid")
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--show", type=int, default=0, help="print this many wrong picks")
    ap.add_argument("--sets", default="tydiqa_id,facqa")
    args = ap.parse_args()
    reader = LocalReader(args.index)
    emb = load_embedder(reader.model_id)
    data = {}
    for n in args.sets.split(","):
        cache = DATA / f"answers.{n}.{args.split}.npz"
        if cache.exists() and not args.show:
            z = np.load(cache)
            data[n] = [z[f"q{i}"] for i in range(len(z.files))]
        else:
            data[n] = collect(reader, emb, n, args.split, args.top, args.show)
            np.savez(cache, **{f"q{i}": a for i, a in enumerate(data[n])})
    if args.show:
        return
    for n, v in data.items():
        print(n, "oracle (any top sentence holds an answer):",
              round(np.mean([f[:, 5].max() > 0 for f in v]), 3),
              "top passage:", round(np.mean([f[f[:, 0] == 0, 5].max() > 0 for f in v]), 3))
    current = (answers.OVERLAP_WEIGHT, answers.TYPE_WEIGHT, answers.RANK_PENALTY,
               answers.PASSAGE_WEIGHT, 0.0, 0.0, answers.SHARE_WEIGHT)
    print("current", current, {n: round(accuracy(v, *current), 3) for n, v in data.items()})
    results = []
    # Features measured: shared words, answer type, rank, passage score, first
    # sentence of the passage, words the question does not have, share of the
    # question's words. The first-sentence and novelty terms never helped.
    for combo in itertools.product((0, 0.01), (0.08, 0.16, 0.24), (0, 0.01, 0.03), (1.0, 2.0),
                                   (0, 0.02), (0, 0.002, 0.005), (0, 0.02, 0.05)):
        acc = {n: accuracy(v, *combo) for n, v in data.items()}
        results.append((np.mean(list(acc.values())), combo, acc))
    for mean, combo, acc in sorted(results, key=lambda x: -x[0])[:10]:
        print(f"{mean:.3f} ov={combo[0]} type={combo[1]} rankpen={combo[2]} passage={combo[3]} "
              f"first={combo[4]} novel={combo[5]} share={combo[6]} "
              + " ".join(f"{n} {a:.3f}" for n, a in acc.items()))


if __name__ == "__main__":
    main()
