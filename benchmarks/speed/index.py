"""Index build and incremental updates.

Build: passages/s of a full `assistant index` of an --articles folder
(tydiqa_id/train contexts) against the raw embedder's passages/s on the same
passages, run alone in a new process single-threaded (OMP_NUM_THREADS=1), with
a thread a core and OpenMP's defaults, and with assistant's OpenMP settings;
the ratio is to the best of the three. Incremental: `assistant index` after one
changed article, and after no change, against the full build of that folder.
Medians of --runs, idle and beside --busy CPU-bound processes.

Usage: python -m benchmarks.speed.index [--articles 1000] [--runs 5] [--busy 2]
"""

import json
import shutil
from pathlib import Path

from benchmarks.common import (
    assistant,
    assistant_env,
    embedded_texts,
    med,
    raw_env,
    raw_seconds,
    run,
)

NEEDS_ARTICLES = True


def build_and_update(tmp: Path, docs: Path, runs: int) -> dict:
    full, none, one, raw1, raw_n, raw_passive, raw_passages = [], [], [], [], [], [], []
    passages = 0
    changed = sorted(docs.glob("*.txt"))[len(list(docs.glob("*.txt"))) // 2]
    original = changed.read_text(encoding="utf-8")
    texts_file = tmp / "texts.json"
    for r in range(runs):
        ix = tmp / f"ix-{r}"
        full.append(run(assistant("index", docs, "--index-dir", ix, "-q"))[0])
        texts = embedded_texts(ix)
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        passages = len(texts)  # texts embedded: passages and their sentences
        # The raw model on the same passages, same batches: one thread; a thread
        # a core with OpenMP's defaults; and with assistant's (passive waits).
        raw1.append(raw_seconds(texts_file, raw_env(OMP_NUM_THREADS="1")))
        raw_n.append(raw_seconds(texts_file, raw_env()))
        raw_passive.append(raw_seconds(texts_file, assistant_env()))
        # What the sentences cost: the same embedder on the passages alone.
        texts_file.write_text(json.dumps(embedded_texts(ix, sentences=False)), encoding="utf-8")
        raw_passages.append(raw_seconds(texts_file, assistant_env()))
        none.append(run(assistant("index", docs, "--index-dir", ix, "-q"))[0])
        changed.write_text(original + f"Paragraf tambahan nomor {r} untuk uji.\n", encoding="utf-8")
        one.append(run(assistant("index", docs, "--index-dir", ix, "-q"))[0])
        changed.write_text(original, encoding="utf-8")
        shutil.rmtree(ix)
    raw_best = min(med(raw1), med(raw_n), med(raw_passive))
    return {"articles": len(list(docs.glob("*.txt"))), "passages": passages,
            "full_s": med(full), "raw_s": raw_best,
            "build_ratio": raw_best / med(full),
            "pipeline_pps": passages / med(full), "raw_pps": passages / raw_best,
            "raw_one_thread_pps": passages / med(raw1),
            "raw_default_threads_pps": passages / med(raw_n),
            "raw_passive_threads_pps": passages / med(raw_passive),
            "sentence_cost": med(raw_passive) / med(raw_passages),
            "one_change_s": med(one), "one_change_ratio": med(one) / med(full),
            "no_change_s": med(none), "no_change_ratio": med(none) / med(full)}


def measure(tmp: Path, docs: Path, args) -> dict:
    b = build_and_update(tmp, docs, args.runs)
    print(f"index build: {b['articles']} articles, {b['passages']} texts; pipeline "
          f"{b['pipeline_pps']:.1f} texts/s vs the better raw embedder "
          f"{b['raw_pps']:.1f} = {b['build_ratio']:.2f}x (raw: one thread "
          f"{b['raw_one_thread_pps']:.1f}, threads with OpenMP's defaults "
          f"{b['raw_default_threads_pps']:.1f}, with passive waits "
          f"{b['raw_passive_threads_pps']:.1f} texts/s); embedding the sentences too "
          f"takes {b['sentence_cost']:.2f}x the passages alone", flush=True)
    print(f"incremental: one changed article {b['one_change_s']:.2f} s = "
          f"{100 * b['one_change_ratio']:.2f}% of the full build ({b['full_s']:.1f} s); "
          f"no change {b['no_change_s']:.2f} s = {100 * b['no_change_ratio']:.2f}%",
          flush=True)
    return {"index": b}


def main() -> None:
    from benchmarks.speed import performance

    performance.main(only="index", doc=__doc__)


if __name__ == "__main__":
    main()
