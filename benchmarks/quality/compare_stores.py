"""The Postgres store against the local store on the same index: the share of
questions whose [1] is the same passage, and MRR on each (issue 17).

Each local index is copied into a database of a PostgreSQL server that
pgserver starts in a temp dir (`index --from`: the same rows and vectors), and
every set is evaluated on both with `assistant eval`'s code (hybrid, k = 10).
Writes the "Postgres store against the local store" section of
benchmarks/RESULTS.md.

    python -m benchmarks.quality.convert_eval    # once: eval files + pooled corpus
    assistant index benchmarks/data/corpus --index-dir benchmarks/data/index-e5
    python -m benchmarks.quality.compare_stores [--sets sample,news,tydiqa_id,facqa] [--model e5-small]

sample: the sample articles (sample_articles/, built into
benchmarks/data/index-sample-MODEL) with run_eval.py's sample questions and
off-topic ones; news: ../shared/eval/news_dev (benchmarks/data/index-news-MODEL,
as benchmarks.quality.run_eval --news builds it); tydiqa_id, facqa: the test questions over
the pooled corpus (--index).
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

from assistant.app.evaluation import evaluate, load_questions
from assistant.app.service import Assistant, IndexRequest
from assistant.app.settings import Settings
from assistant.indexing.copy import copy_index
from benchmarks.common import DATA, NEWS, RESULTS, SAMPLE, git_commit, replace_section
from benchmarks.quality.run_eval import OFF_TOPIC, SAMPLE_QUESTIONS


def sample_questions(tmp: Path) -> str:
    path = tmp / "sample.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for q, gold in SAMPLE_QUESTIONS:
            f.write(json.dumps({"question": q, "gold_text": gold}) + "\n")
        for q in OFF_TOPIC:
            f.write(json.dumps({"question": q, "unanswerable": True}) + "\n")
    return str(path)


def local_index(name: str, args, tmp: Path) -> tuple[str, str]:
    """(index folder, questions) of one set; small indexes are built here."""
    if name == "sample":
        index = DATA / f"index-sample-{args.model}"
        Assistant(Settings(index_dir=str(index), model=args.model, sample_dir="none")).index(
            IndexRequest([str(SAMPLE)]))
        return str(index), sample_questions(tmp)
    if name == "news":
        index = DATA / f"index-news-{args.model}"
        Assistant(Settings(index_dir=str(index), model=args.model, sample_dir="none")).index(
            IndexRequest([str(NEWS / "articles")]))
        return str(index), str(NEWS)
    return args.index, str(DATA / f"{name}.{args.split}.jsonl")


def run(svc: Assistant, questions: str):
    started = time.perf_counter()
    report = evaluate(svc.conversation, load_questions(questions), questions, "hybrid", 10)
    return report, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="sample,news,tydiqa_id,facqa")
    ap.add_argument("--index", default=str(DATA / "index-e5"))
    ap.add_argument("--split", default="test")
    ap.add_argument("--model", default="e5-small")
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args()
    import pgserver
    import psycopg

    tmp = Path(tempfile.mkdtemp(prefix="compare-stores-"))
    server = pgserver.get_server(tmp / "pgdata", cleanup_mode="delete")
    rows = []
    try:
        for n, name in enumerate(args.sets.split(",")):
            index, questions = local_index(name, args, tmp)
            with psycopg.connect(server.get_uri(), autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE set{n}")
            url = server.get_uri(f"set{n}")
            copy_index(index, url)
            local = Assistant(Settings(index_dir=index, sample_dir="none"))
            pg = Assistant(Settings(index_dir=index, store=url, sample_dir="none"))
            (a, a_s), (b, b_s) = run(local, questions), run(pg, questions)
            same = sum(x["first"] == y["first"] for x, y in zip(a.details, b.details))
            passages = local.info().passages
            row = (f"| {name} | {passages:,} | {a.questions} | {same / a.questions:.3f} | "
                   f"{a.mrr:.3f} | {b.mrr:.3f} | {b.mrr - a.mrr:+.3f} | {a.r_at_1:.3f} | "
                   f"{b.r_at_1:.3f} | {a_s / a.questions * 1000:.0f} | "
                   f"{b_s / b.questions * 1000:.0f} |")
            print(row, flush=True)
            rows.append(row)
            local.close()
            pg.close()
    finally:
        server.cleanup()
    commit = git_commit()
    title = "Postgres store against the local store (`python -m benchmarks.quality.compare_stores`)"
    section = "\n".join([
        f"## {title}", "",
        f"`python -m benchmarks.quality.compare_stores --sets {args.sets} --model {args.model}` "
        f"(commit {commit}). Each local index copied into PostgreSQL 16 + pgvector 0.6 "
        "(pgserver, unix socket) with `index --from`, so both hold the same rows and vectors; "
        "every question asked of both (hybrid, k = 10, follow-ups in one conversation). "
        "\"same [1]\": the share of questions (off-topic ones included) whose first citation "
        "is the same passage. Postgres ranks keyword candidates by `ts_rank` over the same "
        "terms where SQLite uses BM25, and searches vectors with HNSW where FAISS is exact; "
        "the fused ranking uses the same cosines and term weights. ms/question: the whole "
        "eval loop on a shared, busy 2-core machine (side by side, same run).", "",
        "| set | passages | questions | same [1] | MRR local | MRR Postgres | Δ MRR | R@1 local "
        "| R@1 Postgres | ms/q local | ms/q Postgres |",
        "|---|---|---|---|---|---|---|---|---|---|---|", *rows, ""])
    replace_section(Path(args.out), title, section)


if __name__ == "__main__":
    main()
