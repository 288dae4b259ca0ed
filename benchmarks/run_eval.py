"""Retrieval and answer quality on the test splits, over the pooled corpus.

Regenerates the "Retrieval and answers" section of benchmarks/RESULTS.md:

    python benchmarks/convert_eval.py          # once: eval files + pooled corpus
    assistant index benchmarks/data/corpus --index-dir benchmarks/data/index-e5
    python benchmarks/run_eval.py [--split test]

Keyword, dense and hybrid side by side on each set; answer-sentence accuracy;
not-found figures on idk_mrc (unanswerable questions) and our off-topic
questions; and the sample article's own questions asked of the pooled corpus.
"""

import argparse
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.evaluation import evaluate, load_questions  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

DATA = REPO / "benchmarks" / "data"
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test")
    ap.add_argument("--index", default=str(DATA / "index-e5"))
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "RESULTS.md"))
    args = ap.parse_args()
    svc = Assistant(Settings(index_dir=args.index, sample_dir="none"))
    info = svc.info()
    ask = lambda q, k, m: svc.ask(q, k=k, mode=m)  # noqa: E731
    ask_auto = lambda q, k, m: svc.ask(q, k=k, mode=m, rerank="auto")  # noqa: E731
    started = time.time()
    lines = [f"Pooled corpus: {info['articles']} articles, {info['passages']} passages "
             f"(every paragraph of every set and split in ../shared/eval, tydiqa_id/train "
             f"contexts as distractors, plus the sample article); model {info['model']}; "
             f"{args.split} splits; k = 10.", "",
             "| set | keyword MRR / R@5 | dense MRR / R@5 | hybrid MRR / R@5 | hybrid R@1 "
             "| answer sentence holds a gold answer (hybrid) | hybrid `--rerank auto` MRR / R@5 |",
             "|---|---|---|---|---|---|---|"]
    for name, label in SETS:
        qs = load_questions(str(DATA / f"{name}.{args.split}.jsonl"))
        reps = {m: evaluate(ask, qs, name, m, 10) for m in ("keyword", "dense", "hybrid")}
        h = reps["hybrid"]
        auto = evaluate(ask_auto, qs, name, "hybrid", 10)
        acc = "–" if h.answer_accuracy is None else f"{h.answer_accuracy:.3f}"
        lines.append(f"| {label} | " + " | ".join(f"{reps[m].mrr:.3f} / {reps[m].r_at_5:.3f}"
                                                   for m in ("keyword", "dense", "hybrid"))
                     + f" | {h.r_at_1:.3f} | {acc} | {auto.mrr:.3f} / {auto.r_at_5:.3f} |")
        print(lines[-1], flush=True)
    lines += ["", "Not found (hybrid): precision and recall of `found: false` for questions "
              "marked unanswerable; answerable questions answered.", "",
              "| set | unanswerable | not-found precision | not-found recall | answerable questions answered |",
              "|---|---|---|---|---|"]
    for name, path in (("idk_mrc", DATA / f"idk_mrc.{args.split}.jsonl"),
                       ("off-topic (ours) + tydiqa_id", None)):
        if path is None:
            qs = (load_questions(str(REPO / "benchmarks" / f"offtopic.{args.split}.jsonl"))
                  + load_questions(str(DATA / f"tydiqa_id.{args.split}.jsonl")))
        else:
            qs = load_questions(str(path))
        r = evaluate(ask, qs, name, "hybrid", 10)
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
    lines += ["", f"Regenerate: `python benchmarks/run_eval.py --split {args.split}` "
              f"(took {time.time() - started:.0f} s here)."]
    section = "## Retrieval and answers\n\n" + "\n".join(lines) + "\n"
    out = Path(args.out)
    text = out.read_text(encoding="utf-8") if out.exists() else "# Benchmark results\n"
    if "## Retrieval and answers" in text:
        text = re.sub(r"## Retrieval and answers\n.*?(?=\n## |\Z)", section.rstrip("\n"), text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    out.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
