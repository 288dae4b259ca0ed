"""English articles: Belebele's English passages as a corpus of their own.

The pooled corpus is Indonesian; this one checks the other direction and
English keyword search: English questions over English passages, and
Indonesian questions over English passages. Writes
benchmarks/data/english/corpus/belebele_en.jsonl and, per split,
belebele_en_en.SPLIT.jsonl and belebele_id_en.SPLIT.jsonl for `assistant eval`.

    python -m benchmarks.quality.convert_english [--shared ../shared]
    assistant index benchmarks/data/english/corpus --index-dir benchmarks/data/english/index
    assistant eval benchmarks/data/english/belebele_en_en.test.jsonl \
        --index-dir benchmarks/data/english/index --mode keyword
"""

import argparse
import hashlib
import json
from pathlib import Path

from benchmarks.common import DATA, SHARED, read_jsonl

OUT = DATA / "english"


def pid(text: str) -> str:
    return "en-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(SHARED))
    args = ap.parse_args()
    src = Path(args.shared) / "eval" / "belebele_en_id"
    corpus: dict[str, str] = {}
    (OUT / "corpus").mkdir(parents=True, exist_ok=True)
    for split in ("valid", "test"):
        rows = read_jsonl(src / f"{split}.jsonl")
        for r in rows:
            corpus.setdefault(pid(r["passage_en"]), r["passage_en"])
        for lang, key in (("en", "question_en"), ("id", "question_id")):
            with (OUT / f"belebele_{lang}_en.{split}.jsonl").open("w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps({"question": r[key], "gold_article_id": pid(r["passage_en"]),
                                        "answers": [], "unanswerable": False}, ensure_ascii=False) + "\n")
    with (OUT / "corpus" / "belebele_en.jsonl").open("w", encoding="utf-8") as f:
        for i, text in corpus.items():
            f.write(json.dumps({"id": i, "source": "FLORES (Belebele), English", "text": text},
                               ensure_ascii=False) + "\n")
    print(f"{len(corpus)} English passages in {OUT / 'corpus'}")


if __name__ == "__main__":
    main()
