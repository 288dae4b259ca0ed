"""A question's own language (assistant/query/languages.py), measured: each
set asked of one index with the language shifts and without them (as an
index built before the means were recorded ranks), hybrid, k = 10.

    python -m benchmarks.experiments.language_means --index IX SET [SET ...]

SET: a question file for `assistant eval` (.jsonl) or a news_dev-style folder.
Build IX with the current code (it records the means), e.g.
``assistant index ../shared/eval/news_dev/articles --index-dir /tmp/news``.
"""

import argparse
from pathlib import Path

from assistant.app.evaluation import evaluate, load_questions
from assistant.app.service import Assistant
from assistant.app.settings import Settings
from assistant.query import retrieval

FIGURES = ("r_at_1", "r_at_5", "mrr", "answer_accuracy", "span_accuracy", "answerable_found",
           "not_found_recall")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("sets", nargs="+")
    args = ap.parse_args()
    svc = Assistant(Settings(index_dir=args.index, sample_dir="none"))
    with svc.reader.snapshot():
        means = svc.reader.language_means or {}
    print("means:", {lang: m["n"] for lang, m in means.items()})
    usable = retrieval.usable_means
    print("| set | shifts | " + " | ".join(FIGURES) + " |")
    for path in args.sets:
        questions = load_questions(path)
        for label, fn in (("off", lambda recorded: {}), ("on", usable)):
            retrieval.usable_means = fn
            rep = evaluate(svc.conversation, questions, path, "hybrid", 10).to_dict()
            cells = " | ".join(f"{rep[f]:.3f}" if rep.get(f) is not None else "–" for f in FIGURES)
            print(f"| {Path(path).name} | {label} | {cells} |", flush=True)
            if "by_language" in rep and label == "on":
                print("    by language (MRR):",
                      {k: round(v["mrr"], 3) for k, v in rep["by_language"].items()})
    retrieval.usable_means = usable


if __name__ == "__main__":
    main()
