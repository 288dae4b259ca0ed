"""Warm throughput: questions/s of the service's `ask` (model loaded once, as
for questions piped to `assistant ask`) against raw query embedding plus FAISS
search, in the same process, on the index of an --articles folder with
--questions of its tydiqa_id/train questions. Medians of --runs, idle and
beside --busy CPU-bound processes.

Usage: python -m benchmarks.speed.warm [--articles 1000] [--runs 5] [--questions 100]
"""

import time
from pathlib import Path

from benchmarks.common import assistant, med, questions_for, run

NEEDS_ARTICLES = True


def warm_throughput(tmp: Path, docs: Path, n_questions: int, runs: int) -> dict:
    from assistant.app.service import Assistant
    from assistant.app.settings import Settings

    ix = tmp / "warm-ix"
    run(assistant("index", docs, "--index-dir", ix, "-q"))
    questions = questions_for(docs, n_questions)
    settings = Settings(index_dir=str(ix), sample_dir="none")
    svc = Assistant(settings)
    emb = svc.query_embedder()
    reader = svc.reader
    svc.ask("warm up")  # model, stemmer, index loaded
    ours, raw = [], []
    for _ in range(runs):
        # A new service each run: remembered sentence vectors do not carry
        # over, so each run counts them once (as one batch of questions would).
        svc = Assistant(settings, embedder=emb)
        svc.ask("warm up")
        t = time.perf_counter()
        for q in questions:
            svc.ask(q)
        ours.append(len(questions) / (time.perf_counter() - t))
        t = time.perf_counter()
        for q in questions:
            with reader.snapshot():
                reader.search_dense(emb.embed_queries([q])[0], 50)
        raw.append(len(questions) / (time.perf_counter() - t))
    return {"questions": len(questions), "ask_qps": med(ours), "raw_qps": med(raw),
            "ratio": med(ours) / med(raw)}


def measure(tmp: Path, docs: Path, args) -> dict:
    w = warm_throughput(tmp, docs, args.questions, args.runs)
    print(f"warm throughput: {w['ask_qps']:.1f} questions/s vs raw embed + search "
          f"{w['raw_qps']:.1f} = {w['ratio']:.2f}x ({w['questions']} questions)", flush=True)
    return {"warm": w}


def main() -> None:
    from benchmarks.speed import performance

    performance.main(only="warm", doc=__doc__)


if __name__ == "__main__":
    main()
