"""Turn the question sets in ../shared/eval into `assistant eval` files, and
pool every distinct paragraph into one corpus.

Writes to benchmarks/data/ (git-ignored):
- corpus/pooled.jsonl — every distinct paragraph of every set and split (the
  tydiqa_id/train contexts serve as distractors), one article per line, id
  "p-<sha1 of text>"; plus the sample KOMPAS.TV article.
- <set>.<split>.jsonl — one question per line:
  {"question", "gold_article_id", "answers": [...], "unanswerable": bool}
  Sets: tydiqa_id, facqa, belebele_en (English question), belebele_id
  (Indonesian question), idk_mrc.

Usage: python -m benchmarks.quality.convert_eval [--shared ../shared]
"""

import argparse
import json
import shutil
from pathlib import Path

from benchmarks.common import DATA as OUT
from benchmarks.common import SAMPLE, SHARED
from benchmarks.common import article_id as pid
from benchmarks.common import read_jsonl as read


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(SHARED))
    args = ap.parse_args()
    ev = Path(args.shared) / "eval"
    corpus: dict[str, dict] = {}

    def add(text: str, source: str) -> str:
        i = pid(text)
        corpus.setdefault(i, {"id": i, "source": source, "text": text})
        return i

    sets: dict[str, list[dict]] = {}
    for split in ("train", "valid", "test"):
        for name, field, source in (("tydiqa_id", "context", "Wikipedia (TyDi QA)"),
                                    ("facqa", "passage", "FacQA news")):
            f = ev / name / f"{split}.jsonl"
            if f.exists():
                rows = read(f)
                for r in rows:
                    add(r[field], source)
                if split != "train":
                    sets[f"{name}.{split}"] = [
                        {"question": r["question"], "gold_article_id": pid(r[field]),
                         "answers": r["answers"], "unanswerable": False} for r in rows]
        f = ev / "belebele_en_id" / f"{split}.jsonl"
        if f.exists():
            rows = read(f)
            for r in rows:
                add(r["passage_id_text"], "FLORES (Belebele)")
            for lang, key in (("en", "question_en"), ("id", "question_id")):
                # Belebele answers are multiple-choice options, not spans of the
                # passage, so they do not score answer sentences.
                sets[f"belebele_{lang}.{split}"] = [
                    {"question": r[key], "gold_article_id": pid(r["passage_id_text"]),
                     "answers": [], "unanswerable": False} for r in rows]
        f = ev / "idk_mrc" / f"{split}.jsonl"
        if f.exists():
            rows = read(f)
            for r in rows:
                add(r["context"], "Wikipedia (IDK-MRC)")
            sets[f"idk_mrc.{split}"] = [
                {"question": r["question"], "gold_article_id": pid(r["context"]),
                 "answers": r["answers"], "unanswerable": bool(r["is_impossible"])} for r in rows]

    (OUT / "corpus").mkdir(parents=True, exist_ok=True)
    with (OUT / "corpus" / "pooled.jsonl").open("w", encoding="utf-8") as f:
        for row in corpus.values():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    # The sample's Wikipedia lines are tydiqa_id/train contexts, already pooled:
    # only the KOMPAS.TV article is added.
    for old in (OUT / "corpus").glob("*.txt"):
        old.unlink()
    for art in SAMPLE.glob("*.txt"):
        shutil.copy(art, OUT / "corpus" / art.name)
    for name, rows in sets.items():
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"corpus: {len(corpus)} paragraphs; sets: " +
          ", ".join(f"{k} ({len(v)})" for k, v in sorted(sets.items())))


if __name__ == "__main__":
    main()
