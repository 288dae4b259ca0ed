"""Watched folder: seconds from a new article landing in a folder that
`assistant index --watch` (a subprocess) watches to the first answer citing
it, against making it answerable by hand (`assistant index`, then `assistant
ask`, each a new process). --runs articles, idle and beside --busy CPU-bound
processes.

Usage: python -m benchmarks.speed.watch [--runs 5] [--busy 2]
"""

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

from benchmarks.common import ENV, REPO, SAMPLE, assistant, med, run

NEEDS_ARTICLES = False


def watch_latency(tmp: Path, runs: int) -> dict:
    """Seconds from a new article landing in a folder watched by `assistant index
    --watch` (a subprocess) to the first answer that cites it: the watcher's
    line for the update that indexed it, then one question to a service with
    its model loaded (asking over and over meanwhile would take the CPU the
    watcher needs). Beside it, the same article made answerable by hand:
    `assistant index`, then `assistant ask`, each a new process."""
    import queue
    import threading

    from assistant.app.service import Assistant
    from assistant.app.settings import Settings

    docs = tmp / "watched"
    shutil.copytree(SAMPLE, docs)
    ix = tmp / "watch-ix"
    run(assistant("index", docs, "--index-dir", ix, "-q"))
    watcher = subprocess.Popen(assistant("index", "--watch", "--json", docs, "--index-dir", ix),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                               cwd=REPO)
    lines: queue.Queue[str] = queue.Queue()
    for stream in (watcher.stdout, watcher.stderr):
        threading.Thread(target=lambda s=stream: [lines.put(ln) for ln in s], daemon=True).start()
    while "for changes (ctrl+c stops)" not in lines.get(timeout=300):
        pass
    manual_docs, manual_ix = tmp / "by-hand", tmp / "by-hand-ix"  # the same, without watching
    shutil.copytree(SAMPLE, manual_docs)
    run(assistant("index", manual_docs, "--index-dir", manual_ix, "-q"))
    svc = Assistant(Settings(index_dir=str(ix), sample_dir="none"))
    svc.ask("warm up")
    watched, by_hand, updates = [], [], []
    try:
        for r in range(runs):
            town = f"Kota Uji{r}"
            question = f"berapa rumah rusak akibat gempa di {town}?"
            text = (f"Gempa bermagnitudo 5,{r} mengguncang {town} pada hari Senin. "
                    f"Sebanyak {120 + r} rumah rusak berat.\n")
            path = docs / f"gempa-uji-{r}.txt"
            t = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while True:  # the watcher's report of the update that indexed it
                line = lines.get(timeout=300)
                if line.startswith("{") and str(path) in json.loads(line)["changes"]:
                    updates.append(json.loads(line)["seconds"])
                    break
            cited = svc.ask(question, k=1).citations
            watched.append(time.perf_counter() - t)
            if not cited or cited[0].article.path != str(path):
                raise SystemExit(f"{path.name} is indexed but not cited first")
            (manual_docs / path.name).write_text(text, encoding="utf-8")
            t = time.perf_counter()
            run(assistant("index", manual_docs, "--index-dir", manual_ix, "-q"))
            run(assistant("ask", question, "--json", "-k", "1", "--index-dir", manual_ix))
            by_hand.append(time.perf_counter() - t)
            print(f"  run {r + 1}: watched {watched[-1]:.2f} s (its update {updates[-1]:.2f} s), "
                  f"by hand {by_hand[-1]:.2f} s", flush=True)
    finally:
        # SIGTERM stops it as ctrl+c does; a background job may ignore SIGINT.
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=60)
    return {"watch_s": med(watched), "watch_max_s": max(watched), "update_s": med(updates),
            "by_hand_s": med(by_hand), "ratio": med(watched) / med(by_hand)}


def measure(tmp: Path, docs: Path | None, args) -> dict:
    w = watch_latency(tmp, args.runs)
    print(f"watched folder: a new article is cited {w['watch_s']:.2f} s after it lands "
          f"(max {w['watch_max_s']:.2f} s; the update itself {w['update_s']:.2f} s) vs "
          f"by hand (index, then ask) {w['by_hand_s']:.2f} s = {w['ratio']:.2f}x", flush=True)
    return {"watch": w}


def main() -> None:
    from benchmarks.speed import performance

    performance.main(only="watch", doc=__doc__)


if __name__ == "__main__":
    main()
