"""news_dev in two fixed halves, for the discipline rule (issue 27): a rule or
weight is kept only if it helps on both halves.

The halves are fixed by article: news_dev's answered articles sorted by their
reference (``article`` in questions.jsonl), then alternately A, B, A, B, ...
Every question goes with its article's half (so a follow-up stays with the
question before it); off-topic questions alternate by their line (first A).
On the 60 questions this gives A 33 and B 27 answerable, 5 and 5 off-topic.

    python -m benchmarks.quality.news_halves [--index-dir DIR] [--json OUT] [--label NAME]

Indexes news_dev's articles into DIR when DIR has no index (default
benchmarks/data/index-news-halves), asks every question (hybrid, k = 10) and
prints overall, per half, per pair and per kind figures, and per half the
pair and kind figures too. --json keeps every question's result to compare
two runs.
"""

import argparse
import json
from pathlib import Path

from benchmarks.common import DATA, NEWS, read_jsonl

HALVES = ("A", "B")


def halves(folder: Path | str = NEWS) -> list[str]:
    """The half of each question of the folder, in `load_news_set`'s order
    (answerable questions, then off-topic ones)."""
    folder = Path(folder)
    rows = read_jsonl(folder / "questions.jsonl")
    arts = sorted({r["article"] for r in rows})
    half_of = {a: HALVES[i % 2] for i, a in enumerate(arts)}
    out = [half_of[r["article"]] for r in rows]
    off = folder / "offtopic.jsonl"
    if off.is_file():
        out += [HALVES[i % 2] for i, _ in enumerate(read_jsonl(off))]
    return out


def figures(details: list[dict]) -> dict:
    ans = [d for d in details if not d["unanswerable"]]
    off = [d for d in details if d["unanswerable"]]
    n = max(len(ans), 1)
    return {"n": len(ans),
            "r1": sum(d["rank"] == 1 for d in ans) / n,
            "r5": sum(bool(d["rank"]) and d["rank"] <= 5 for d in ans) / n,
            "mrr": sum(1 / d["rank"] for d in ans if d["rank"]) / n,
            "sentence": sum(bool(d["sentence_ok"]) for d in ans) / n,
            "span": sum(bool(d["span_ok"]) for d in ans) / n,
            "found": sum(d["found"] for d in ans) / n,
            "offtopic_nf": f"{sum(not d['found'] for d in off)}/{len(off)}"}


def table(details: list[dict], half: list[str]) -> list[str]:
    for d, h in zip(details, half):
        d["half"] = h
    lines = ["| group | n | R@1 | R@5 | MRR | sentence | span | found | off-topic not found |",
             "|---|---|---|---|---|---|---|---|---|"]

    def row(name, ds):
        f = figures(ds)
        lines.append(f"| {name} | {f['n']} | {f['r1']:.3f} | {f['r5']:.3f} | {f['mrr']:.3f} | "
                     f"{f['sentence']:.3f} | {f['span']:.3f} | {f['found']:.3f} | {f['offtopic_nf']} |")

    row("all", details)
    for h in HALVES:
        row(f"half {h}", [d for d in details if d["half"] == h])
    ans = [d for d in details if not d["unanswerable"]]
    pairs = sorted({f"{d['lang']}→{d['article_lang']}" for d in ans})
    kinds = sorted({d["kind"] for d in ans if d.get("kind")})
    for p in pairs:
        row(p, [d for d in ans if f"{d['lang']}→{d['article_lang']}" == p])
    for k in kinds:
        row(f"kind {k}", [d for d in ans if d["kind"] == k])
    for h in HALVES:
        for p in pairs:
            row(f"{h} {p}", [d for d in ans if d["half"] == h and f"{d['lang']}→{d['article_lang']}" == p])
    for h in HALVES:
        for k in kinds:
            row(f"{h} kind {k}", [d for d in ans if d["half"] == h and d["kind"] == k])
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--news", default=str(NEWS))
    ap.add_argument("--index-dir", default=str(DATA / "index-news-halves"))
    ap.add_argument("--json", default=None, metavar="OUT")
    ap.add_argument("--from-json", default=None, metavar="IN", help="tabulate a run kept with --json")
    args = ap.parse_args()
    if args.from_json:
        details = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        print("\n".join(table(details, halves(args.news))))
        return
    from assistant.app.evaluation import evaluate, load_questions
    from assistant.app.service import Assistant
    from assistant.app.settings import Settings

    svc = Assistant(Settings(index_dir=args.index_dir, sample_dir="none"))
    if not (Path(args.index_dir) / "index.sqlite3").exists():
        svc.index([str(Path(args.news) / "articles")], rebuild=True)
    qs = load_questions(args.news)
    rep = evaluate(svc.conversation, qs, "news_dev", "hybrid", 10)
    lines = table(rep.details, halves(args.news))
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(rep.details, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
