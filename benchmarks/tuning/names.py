"""The names rule of "not found" (relevance.unknown_names) on its own: the
share of answerable questions it leaves answered, and of off-topic ones it
catches. It reads only the keyword index's document frequencies, so it runs
in seconds and needs no model.

    python -m benchmarks.tuning.names [--valid benchmarks/data/index-valid-e5]
        [--news DIR]   # an index of ../shared/eval/news_dev/articles

The valid index is the pooled valid corpus (benchmarks.quality.convert_eval);
news_dev's index is built with `assistant index ../shared/eval/news_dev/articles`.
"""

import argparse

from assistant.query.relevance import unknown_names
from assistant.store.open import open_reader
from benchmarks.common import DATA, NEWS, offtopic, read_jsonl


def share_flagged(reader, rows: list[str]) -> tuple[int, int, list[str]]:
    with reader.snapshot():
        flagged = [q for q in rows if unknown_names(reader, q)]
    return len(flagged), len(rows), flagged


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--valid", default=str(DATA / "index-valid-e5"))
    ap.add_argument("--news", default=None, help="an index of news_dev's articles")
    ap.add_argument("--show", action="store_true", help="list the questions flagged")
    args = ap.parse_args()
    print("| questions | answered by the names rule (answerable) or caught (off-topic) |")
    print("|---|---|")
    reader = open_reader(args.valid)
    for name in ("tydiqa_id", "facqa", "belebele_en", "belebele_id", "idk_mrc"):
        rows = [r["question"] for r in read_jsonl(DATA / f"{name}.valid.jsonl")
                if not r.get("unanswerable")]
        n, total, flagged = share_flagged(reader, rows)
        print(f"| {name} valid, answerable | {1 - n / total:.3f} |")
        if args.show:
            print("\n".join(f"    {q}" for q in flagged))
    rows = [r["question"] for r in read_jsonl(DATA / "idk_mrc.valid.jsonl") if r.get("unanswerable")]
    n, total, _ = share_flagged(reader, rows)
    print(f"| idk_mrc valid, unanswerable | {n} of {total} |")
    rows = [r["question"] for r in read_jsonl(offtopic("valid"))]
    n, total, _ = share_flagged(reader, rows)
    print(f"| our off-topic, valid | {n} of {total} |")
    if args.news:
        reader = open_reader(args.news)
        rows = [r["q"] for r in read_jsonl(NEWS / "questions.jsonl")]
        n, total, flagged = share_flagged(reader, rows)
        print(f"| news_dev answerable | {1 - n / total:.3f} |")
        if args.show:
            print("\n".join(f"    {q}" for q in flagged))
        rows = [r["q"] for r in read_jsonl(NEWS / "offtopic.jsonl")]
        n, total, flagged = share_flagged(reader, rows)
        print(f"| news_dev off-topic | {n} of {total} |")
        if args.show:
            print("\n".join(f"    {q}" for q in flagged))


if __name__ == "__main__":
    main()
