"""Serve: requests/s of a warm `assistant serve` answering `POST /ask` one at a
time against `assistant ask --json` with the same questions piped in (one
process: start, model and index load included, as a script pays), side by
side; then 20 clients asking for --serve-seconds while an update embeds new
articles: requests/s, errors, and answers given during the update.

Usage: python -m benchmarks.speed.serve [--articles 1000] [--runs 5] [--questions 100]
           [--serve-seconds 30] [--busy 2]
"""

import shutil
import time
from pathlib import Path

from benchmarks.common import (
    UPDATE_ARTICLES,
    assistant,
    make_folder,
    med,
    questions_for,
    run,
    running_server,
)

NEEDS_ARTICLES = True


def serve_throughput(tmp: Path, docs: Path, n_questions: int, runs: int, seconds: float) -> dict:
    import threading

    import httpx

    ix = tmp / "serve-ix"
    run(assistant("index", docs, "--index-dir", ix, "-q"))
    questions = [q.replace("\n", " ") for q in questions_for(docs, n_questions)]
    stdin = tmp / "questions.txt"
    stdin.write_text("\n".join(questions) + "\n", encoding="utf-8")
    piped, served = [], []
    with running_server("--index-dir", ix) as url, \
            httpx.Client(base_url=url, timeout=300) as http:
        for q in questions[:5]:  # warm: model, stemmer, sentence cache of a first question
            http.post("/ask", json={"question": q}).raise_for_status()
        for _ in range(runs):  # interleaved, so drifts in machine load hit both alike
            with stdin.open("rb") as f:
                piped.append(len(questions) / run(assistant("ask", "--json", "--index-dir", ix),
                                                  stdin=f)[0])
            t = time.perf_counter()
            for q in questions:
                http.post("/ask", json={"question": q}).raise_for_status()
            served.append(len(questions) / (time.perf_counter() - t))
        # Many clients while an update embeds new articles.
        extra = make_folder(tmp / "extra-docs", UPDATE_ARTICLES,
                            skip=len(list(docs.glob("*.txt"))))
        answered, errors = [], []
        end = time.time() + seconds

        def client() -> None:
            with httpx.Client(base_url=url, timeout=300) as c:
                i = 0
                while time.time() < end:
                    try:
                        r = c.post("/ask", json={"question": questions[i % len(questions)]})
                        (answered if r.status_code == 200 else errors).append(time.time())
                    except httpx.HTTPError:
                        errors.append(time.time())
                    i += 1

        for p in extra.glob("*.txt"):
            shutil.copy(p, docs / f"extra-{p.name}")  # new to the recorded folder
        job = http.post("/index").json()
        threads = [threading.Thread(target=client) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        job = http.get(f"/index/{job['id']}", params={"wait": 60}).json()
    finished = job["finished_at"] or float("inf")
    during = sum(1 for w in answered if job["started_at"] < w < finished)
    return {"questions": len(questions), "piped_qps": med(piped), "served_qps": med(served),
            "ratio": med(served) / med(piped), "concurrent_seconds": seconds,
            "concurrent_rps": len(answered) / seconds, "concurrent_errors": len(errors),
            "answered_during_update": during, "update_s": (job["finished_at"] or time.time())
            - job["started_at"], "update_state": job["state"]}


def measure(tmp: Path, docs: Path, args) -> dict:
    v = serve_throughput(tmp, docs, args.questions, args.runs, args.serve_seconds)
    print(f"serve: warm POST /ask {v['served_qps']:.1f} requests/s vs `ask` with "
          f"{v['questions']} piped questions {v['piped_qps']:.1f} questions/s = "
          f"{v['ratio']:.2f}x; 20 clients for {v['concurrent_seconds']:.0f} s during "
          f"an update ({v['update_state']}, {v['update_s']:.1f} s): "
          f"{v['concurrent_rps']:.1f} requests/s, {v['concurrent_errors']} errors, "
          f"{v['answered_during_update']} answered during the update", flush=True)
    return {"serve": v}


def main() -> None:
    from benchmarks.speed import performance

    performance.main(only="serve", doc=__doc__)


if __name__ == "__main__":
    main()
