"""Retrieval and answer quality on the test splits, over the pooled corpus.

Regenerates the "Retrieval and answers" section of benchmarks/RESULTS.md:

    python -m benchmarks.quality.convert_eval  # once: eval files + pooled corpus
    assistant index benchmarks/data/corpus --index-dir benchmarks/data/index-e5
    python -m benchmarks.quality.run_eval [--split test]

Keyword, dense and hybrid side by side on each set; answer-sentence accuracy;
not-found figures on idk_mrc (unanswerable questions) and our off-topic
questions; and the sample article's own questions asked of the pooled corpus.

    python -m benchmarks.quality.run_eval --news [--label after] [--model e5-small]

indexes ../shared/eval/news_dev/articles afresh (benchmarks/data/index-news-MODEL)
and writes the "News (news_dev)" section instead: hybrid, k = 10, follow-up
questions asked in one conversation with the line before, off-topic questions
as unanswerable; overall, per language pair and per kind. Each --label keeps
its own block, so "before" and "after" stand side by side.
"""

import argparse
import re
import time
from pathlib import Path

from assistant.app.evaluation import evaluate, load_questions
from assistant.app.service import Assistant, IndexRequest
from assistant.app.settings import Settings
from benchmarks.common import DATA, NEWS, RESULTS, git_commit, offtopic, replace_section

SETS = [("tydiqa_id", "tydiqa_id (Indonesian Q → Wikipedia)"),
        ("facqa", "facqa (Indonesian Q → news sentences)"),
        ("belebele_en", "belebele, English Q → Indonesian passage"),
        ("belebele_id", "belebele, Indonesian Q")]
SAMPLE_QUESTIONS = [
    ("how many troops were sent?", "12.000 tentara Korea Utara telah dikirimkan ke Kursk"),
    ("berapa tentara Korea Utara yang dikirim?", "12.000 tentara Korea Utara telah dikirimkan ke Kursk"),
    ("where were the North Korean troops sent?", "dikirimkan ke Kursk"),
    ("ke mana tentara Korea Utara dikirim?", "dikirimkan ke Kursk"),
    ("who is the NATO Secretary General?", "Sekjen NATO Mark Rutte"),
    ("siapa Sekjen NATO?", "Sekjen NATO Mark Rutte"),
    ("when did Pyongyang and Beijing establish diplomatic relations?", "pada 1949"),
    ("kapan Pyongyang dan Beijing menjalin hubungan diplomatik?", "pada 1949"),
]
OFF_TOPIC = ["how do I change a bicycle tyre?", "bagaimana cara mengganti ban sepeda?"]



def _group_table(title: str, groups: dict) -> list[str]:
    lines = [f"| {title} | n | R@1 | R@5 | MRR | answer sentence | answer span | found |",
             "|---|---|---|---|---|---|---|---|"]
    for name, g in groups.items():
        lines.append(f"| {name} | {g.questions} | {g.r_at_1:.3f} | {g.r_at_5:.3f} | {g.mrr:.3f} | "
                     f"{g.answer_accuracy:.3f} | {g.span_accuracy:.3f} | {g.found:.3f} |")
    return lines


def news(args) -> None:
    """The news_dev section: one block per label."""
    index = DATA / f"index-news-{args.model}"
    svc = Assistant(Settings(index_dir=str(index), sample_dir="none", model=args.model))
    svc.index(IndexRequest([str(Path(args.news) / "articles")], rebuild=True))
    qs = load_questions(args.news)
    r = evaluate(svc.conversation, qs, "news_dev", "hybrid", 10)
    commit = git_commit()
    off_nf = round(r.not_found_recall * r.unanswerable) if r.unanswerable else 0
    block = [f"### {args.label}", "",
             f"Commit {commit}, model {svc.info().model}, hybrid, k = 10.", "",
             "| R@1 | R@5 | MRR | answer sentence holds the answer | answer span holds the answer "
             "| answerable found | off-topic not found |", "|---|---|---|---|---|---|---|",
             f"| {r.r_at_1:.3f} | {r.r_at_5:.3f} | {r.mrr:.3f} | {r.answer_accuracy:.3f} | "
             f"{r.span_accuracy:.3f} | {r.answerable_found:.3f} | {off_nf} of {r.unanswerable} |", ""]
    block += _group_table("question → article", r.by_language) + [""]
    block += _group_table("kind", r.by_kind) + [""]
    title = "News (news_dev)"
    out = Path(args.out)
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    m = re.search(rf"## {re.escape(title)}\n.*?(?=\n## |\Z)", text, flags=re.S)
    blocks = {}
    if m:
        for part in re.split(r"\n(?=### )", m.group(0))[1:]:
            blocks[part.split("\n", 1)[0][4:].strip()] = part.rstrip("\n")
    blocks[args.label] = "\n".join(block).rstrip("\n")
    head = [f"## {title}", "",
            "24 news-style articles (16 Indonesian, 8 English), 60 questions and 10 off-topic "
            "ones from `../shared/eval/news_dev`; figures from `assistant eval` "
            "(`python -m benchmarks.quality.run_eval --news --label LABEL` regenerates a block). The answer "
            "span counts when it is at most 40 characters and holds the answer.", ""]
    replace_section(out, title, "\n".join(head) + "\n" + "\n\n".join(blocks.values()) + "\n")
    print("\n".join(block))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test")
    ap.add_argument("--index", default=str(DATA / "index-e5"))
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--news", nargs="?", const=str(NEWS), default=None, metavar="DIR",
                    help="Measure on a news_dev-style folder instead (default ../shared/eval/news_dev).")
    ap.add_argument("--label", default="after", help="With --news: the block to (re)write.")
    ap.add_argument("--model", default="e5-small", help="With --news: the embedding model.")
    args = ap.parse_args()
    if args.news:
        return news(args)
    svc = Assistant(Settings(index_dir=args.index, sample_dir="none"))
    info = svc.info()
    started = time.time()
    lines = [f"Pooled corpus: {info.articles} articles, {info.passages} passages "
             f"(every paragraph of every set and split in ../shared/eval, tydiqa_id/train "
             f"contexts as distractors, plus the sample article); model {info.model}; "
             f"{args.split} splits; k = 10.", "",
             "| set | keyword MRR / R@5 | dense MRR / R@5 | hybrid MRR / R@5 | hybrid R@1 "
             "| answer sentence holds a gold answer (hybrid) | hybrid `--rerank auto` MRR / R@5 |",
             "|---|---|---|---|---|---|---|"]
    for name, label in SETS:
        qs = load_questions(str(DATA / f"{name}.{args.split}.jsonl"))
        reps = {m: evaluate(svc.conversation, qs, name, m, 10) for m in ("keyword", "dense", "hybrid")}
        h = reps["hybrid"]
        auto = evaluate(svc.conversation, qs, name, "hybrid", 10, rerank="auto")
        acc = "–" if h.answer_accuracy is None else f"{h.answer_accuracy:.3f}"
        lines.append(f"| {label} | " + " | ".join(f"{reps[m].mrr:.3f} / {reps[m].r_at_5:.3f}"
                                                   for m in ("keyword", "dense", "hybrid"))
                     + f" | {h.r_at_1:.3f} | {acc} | {auto.mrr:.3f} / {auto.r_at_5:.3f} |")
        print(lines[-1], flush=True)
    lines += ["", "Not found (hybrid): precision and recall of `found: false` for questions "
              "marked unanswerable; answerable questions answered.", "",
              "| set | unanswerable | not-found precision | not-found recall "
              "| answerable questions answered |",
              "|---|---|---|---|---|"]
    for name, path in (("idk_mrc", DATA / f"idk_mrc.{args.split}.jsonl"),
                       ("off-topic (ours) + tydiqa_id", None)):
        if path is None:
            qs = (load_questions(str(offtopic(args.split)))
                  + load_questions(str(DATA / f"tydiqa_id.{args.split}.jsonl")))
        else:
            qs = load_questions(str(path))
        r = evaluate(svc.conversation, qs, name, "hybrid", 10)
        answered = sum(1 for d in r.details if not d["unanswerable"] and d["found"])
        lines.append(f"| {name} | {r.unanswerable} | {r.not_found_precision} | {r.not_found_recall} | "
                     f"{answered / max(r.answerable, 1):.3f} |")
        print(lines[-1], flush=True)
    lines += ["", "The sample article's questions asked of the pooled corpus (hybrid):", "",
              "| question | [1] is the right paragraph | answer sentence right | found | answer span |",
              "|---|---|---|---|---|"]
    for q, expected in SAMPLE_QUESTIONS:
        r = svc.ask(q)
        top = r.citations[0].text
        ans = r.answer
        span = ans.text[ans.span.start:ans.span.end] if ans and ans.span else "–"
        lines.append(f"| {q} | {'yes' if expected in top else 'no'} | "
                     f"{'yes' if ans and expected in ans.text else 'no'} | {r.found} | "
                     f"{span} |")
    for q in OFF_TOPIC:
        r = svc.ask(q)
        lines.append(f"| {q} (off-topic) | – | – | {r.found} | – |")
    lines += ["", f"Regenerate: `python -m benchmarks.quality.run_eval --split {args.split}` "
              f"(took {time.time() - started:.0f} s here)."]
    section = "## Retrieval and answers\n\n" + "\n".join(lines) + "\n"
    replace_section(Path(args.out), "Retrieval and answers", section)
    print(section)


if __name__ == "__main__":
    main()
