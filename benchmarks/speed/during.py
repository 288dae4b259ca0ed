"""Ask during an update: seconds a question takes in a loaded service while
`assistant index` (another process) embeds new articles into its index,
against the same questions asked idle (min(--questions, 20) questions of the
--articles folder), idle and beside --busy CPU-bound processes.

Usage: python -m benchmarks.speed.during [--articles 1000] [--questions 20] [--busy 2]
"""

import subprocess
import time
from pathlib import Path

from benchmarks.common import (
    ENV,
    REPO,
    UPDATE_ARTICLES,
    assistant,
    make_folder,
    med,
    questions_for,
    run,
)

NEEDS_ARTICLES = True


def ask_during_update(tmp: Path, docs: Path, n_questions: int) -> dict:
    """Seconds a question takes in a service with its model loaded, idle and
    while `assistant index` (another process) embeds new articles into the same
    index: the median of the questions answered while the update ran."""
    from assistant.app.service import Assistant
    from assistant.app.settings import Settings

    ix = tmp / "during-ix"
    run(assistant("index", docs, "--index-dir", ix, "-q"))
    questions = questions_for(docs, n_questions)
    svc = Assistant(Settings(index_dir=str(ix), sample_dir="none"))
    svc.ask("warm up")
    idle = []
    for _ in range(3):  # one pass of 20 questions made a noisy baseline (±30 %)
        for q in questions:
            t = time.perf_counter()
            svc.ask(q)
            idle.append(time.perf_counter() - t)
    more = make_folder(tmp / "during-new", UPDATE_ARTICLES, skip=len(list(docs.glob("*.txt"))))
    update = subprocess.Popen(assistant("index", docs, more, "--index-dir", ix, "-q"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=REPO)
    busy = []
    while update.poll() is None:
        for q in questions:
            t = time.perf_counter()
            svc.ask(q)
            if update.poll() is not None:
                break
            busy.append(time.perf_counter() - t)
    if update.returncode != 0:
        raise SystemExit("the update failed")
    if not busy:
        raise SystemExit("the update ended before a question was answered during it")
    return {"idle_s": med(idle), "during_s": med(busy), "answered_during": len(busy),
            "ratio": med(busy) / med(idle)}


def measure(tmp: Path, docs: Path, args) -> dict:
    d = ask_during_update(tmp, docs, min(args.questions, 20))
    print(f"ask during an update: {d['during_s']:.3f} s a question ({d['answered_during']} "
          f"answered while it ran) vs idle {d['idle_s']:.3f} s = {d['ratio']:.2f}x", flush=True)
    return {"during_update": d}


def main() -> None:
    from benchmarks.speed import performance

    performance.main(only="during", doc=__doc__)


if __name__ == "__main__":
    main()
