"""The fitted ranking weights (benchmarks/tuning/ranking_weights.json) come
from their script: a deterministic subset (the first 50 questions of each
training split) is fitted again and compared with the shipped subset file,
where the pooled corpus's index has been built (benchmarks/data/index-e5);
the full fit takes minutes and is rerun by hand
(`python -m benchmarks.tuning.learned_weights --check`)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INDEX = REPO / "benchmarks" / "data" / "index-e5"
TRAIN = REPO.parent / "shared" / "eval" / "tydiqa_id" / "train.jsonl"


def test_the_shipped_files_say_what_was_fitted():
    for name in ("ranking_weights.json", "ranking_weights.limit50.json"):
        w = json.loads((REPO / "benchmarks" / "tuning" / name).read_text(encoding="utf-8"))
        assert {"coverage_weight", "answer_kind_weight", "C", "cv_mrr", "questions"} <= set(w)


@pytest.mark.skipif(not (INDEX / "index.sqlite3").exists() or not TRAIN.exists(),
                    reason="the pooled corpus is not indexed here")
def test_the_subset_fit_reproduces():
    r = subprocess.run([sys.executable, "-m", "benchmarks.tuning.learned_weights", "--limit", "50",
                        "--check", "--out", "benchmarks/tuning/ranking_weights.limit50.json"],
                       cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
