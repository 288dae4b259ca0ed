"""The discipline check of issue 27: hybrid, k = 10, on the valid splits of
the pooled corpus (MRR, R@5, R@1, answerable questions found), and our
off-topic valid questions (not found). Faster than `run_eval --split valid`,
which also runs keyword, dense and `--rerank auto`.

    python -m benchmarks.quality.valid_hybrid [--index benchmarks/data/index-e5] [--json OUT]
"""

import argparse
import json
import time

from benchmarks.common import DATA, offtopic

SETS = ("tydiqa_id", "facqa", "belebele_en", "belebele_id")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default=str(DATA / "index-e5"))
    ap.add_argument("--split", default="valid")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--json", default=None, metavar="OUT")
    args = ap.parse_args()
    from assistant.app.evaluation import evaluate, load_questions
    from assistant.app.service import Assistant
    from assistant.app.settings import Settings

    svc = Assistant(Settings(index_dir=args.index, sample_dir="none"))
    out = {}
    print("| set | n | MRR | R@5 | R@1 | answerable found | s |\n|---|---|---|---|---|---|---|")
    for name in args.sets.split(","):
        started = time.time()
        r = evaluate(svc.conversation, load_questions(str(DATA / f"{name}.{args.split}.jsonl")),
                     name, "hybrid", 10)
        out[name] = {"mrr": r.mrr, "r5": r.r_at_5, "r1": r.r_at_1, "found": r.answerable_found,
                     "ranks": [d["rank"] for d in r.details]}
        print(f"| {name} | {r.answerable} | {r.mrr:.4f} | {r.r_at_5:.4f} | {r.r_at_1:.4f} | "
              f"{r.answerable_found:.3f} | {time.time() - started:.0f} |", flush=True)
    r = evaluate(svc.conversation, load_questions(str(offtopic(args.split))), "offtopic", "hybrid", 10)
    nf = sum(not d["found"] for d in r.details)
    out["offtopic"] = {"not_found": nf, "n": r.unanswerable}
    print(f"| off-topic ({args.split}) | {r.unanswerable} | not found {nf} of {r.unanswerable} | | | | |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f)


if __name__ == "__main__":
    main()
