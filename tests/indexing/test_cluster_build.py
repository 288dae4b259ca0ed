"""Embedding on a Dask cluster (`index --cluster`): the same index as a local build.

Real `LocalCluster`s with worker processes on 127.0.0.1, started in the tests.
"""

import json
import os
import signal
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ModelUnavailableError
from assistant.indexing.update import update_index
from assistant.store.local.reader import LocalReader

from helpers.common import SAMPLE_ARTICLE, run_cli

distributed = pytest.importorskip("distributed")

SHARED = Path(__file__).resolve().parents[3] / "shared" / "eval"
NEWS_DEV = SHARED / "news_dev" / "articles"
TYDIQA = SHARED / "tydiqa_id" / "train.jsonl"


def start_cluster(workers: int = 2):
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=":0")
    return cluster, distributed.Client(cluster)


@pytest.fixture(scope="module")
def cluster_address():
    cluster, client = start_cluster()
    yield cluster.scheduler_address
    client.close()
    cluster.close()


def tydiqa_folder(dest: Path, n: int) -> Path:
    if not TYDIQA.exists():
        pytest.skip(f"needs {TYDIQA}")
    dest.mkdir(parents=True)
    seen: set[str] = set()
    for line in TYDIQA.open(encoding="utf-8"):
        ctx = json.loads(line)["context"]
        if ctx not in seen:
            seen.add(ctx)
            (dest / f"wiki-{len(seen):04d}.txt").write_text(ctx + "\n", encoding="utf-8")
            if len(seen) >= n:
                break
    return dest


def index_contents(ix: Path) -> dict[tuple, tuple]:
    """Each passage row (by article key and ordinal) with its stored vector."""
    conn = sqlite3.connect(ix / "index.sqlite3")
    rows = conn.execute("SELECT p.id, a.key, p.ordinal, p.paragraph, p.start, p.end, p.text, "
                        "p.text_hash, p.context FROM passages p JOIN articles a "
                        "ON a.id = p.article_id").fetchall()
    conn.close()
    reader = LocalReader(str(ix))
    with reader.snapshot():
        vectors = reader.vectors_of([r[0] for r in rows])
    reader.close()
    return {(r[1], r[2]): (r[3:], vectors[i]) for i, r in enumerate(rows)}


def assert_same_index(local: Path, clustered: Path) -> None:
    a, b = index_contents(local), index_contents(clustered)
    assert a and a.keys() == b.keys()
    for key, (row, vec) in a.items():
        other_row, other_vec = b[key]
        assert row == other_row
        assert float(np.dot(vec, other_vec)) >= 0.9999, key


def build(docs: Path, ix: Path, *options) -> dict:
    r = run_cli("index", docs, "--index-dir", ix, "--json", *options)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_local_cluster_build_of_news_dev_equals_the_local_build(tmp_path):
    if not NEWS_DEV.exists():
        pytest.skip(f"needs {NEWS_DEV}")
    local = build(NEWS_DEV, tmp_path / "local", "--model", "hash")
    clustered = build(NEWS_DEV, tmp_path / "cluster", "--model", "hash", "--cluster", "local:2")
    assert clustered["embedded"] == local["embedded"] > 100
    assert_same_index(tmp_path / "local", tmp_path / "cluster")


def test_cluster_build_of_tydiqa_contexts_equals_the_local_build(tmp_path, cluster_address):
    docs = tydiqa_folder(tmp_path / "docs", 1000)
    build(docs, tmp_path / "local", "--model", "hash")
    clustered = build(docs, tmp_path / "cluster", "--model", "hash", "--cluster", cluster_address)
    assert clustered["passages"] >= 1000
    assert_same_index(tmp_path / "local", tmp_path / "cluster")


@pytest.mark.slow
def test_cluster_build_with_the_bundled_model_equals_the_local_build(tmp_path, cluster_address):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / SAMPLE_ARTICLE.name).write_text(SAMPLE_ARTICLE.read_text(encoding="utf-8"),
                                            encoding="utf-8")
    build(docs, tmp_path / "local")
    build(docs, tmp_path / "cluster", "--cluster", cluster_address)
    assert_same_index(tmp_path / "local", tmp_path / "cluster")


class KillOnce(distributed.WorkerPlugin):
    """SIGKILLs the worker process that starts its third batch, once in all
    (the flag file says it happened): a worker dying mid-build."""

    def __init__(self, flag: str) -> None:
        self.flag = flag
        self.started = 0

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or "embed_batch" not in str(key):
            return
        self.started += 1
        if self.started < 3:
            return
        try:
            os.close(os.open(self.flag, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_build_costs_only_a_retry(tmp_path):
    docs = tydiqa_folder(tmp_path / "docs", 400)
    flag = tmp_path / "killed"
    cluster, client = start_cluster()
    try:
        client.register_plugin(KillOnce(str(flag)), name="kill-once")
        clustered = build(docs, tmp_path / "cluster", "--model", "hash", "--cluster",
                          cluster.scheduler_address)
    finally:
        client.close()
        cluster.close()
    assert flag.exists()  # a worker did die mid-build
    local = build(docs, tmp_path / "local", "--model", "hash")
    assert clustered["embedded"] == local["embedded"]
    assert_same_index(tmp_path / "local", tmp_path / "cluster")


def test_an_update_with_nothing_to_embed_never_contacts_the_cluster(tmp_path):
    docs = tydiqa_folder(tmp_path / "docs", 20)
    build(docs, tmp_path / "ix", "--model", "hash")
    # Nothing listens there: an update that connected would fail.
    again = build(docs, tmp_path / "ix", "--cluster", "tcp://127.0.0.1:9")
    assert again["embedded"] == 0 and again["unchanged"] == 20


@pytest.mark.parametrize("spec", ["local:0", "local:two", "somewhere", "tcp://", "local:99999",
                                  "foo://bar", "tcp://host:port", "http://h:8786"])
def test_a_bad_cluster_is_a_usage_error(tmp_path, spec):
    r = run_cli("index", tmp_path, "--index-dir", tmp_path / "ix", "--model", "hash",
                "--cluster", spec)
    assert r.returncode == 2 and "--cluster" in r.stderr
    assert not (tmp_path / "ix").exists()


def wrong(batches, broken):
    """A stand-in for a cluster that gets one batch wrong."""
    from assistant.embedders.hashing import HashEmbedder

    emb = HashEmbedder(dim=64)
    for i, texts in enumerate(batches):
        vecs = emb.embed_passages(texts)
        if i == 1:
            if broken == "missing":
                continue
            vecs = {"short": vecs[:-1], "nan": vecs * np.nan, "wide": np.hstack([vecs, vecs])}[broken]
        yield i, vecs


@pytest.mark.parametrize("broken", ["missing", "short", "nan", "wide"])
def test_a_wrong_or_missing_batch_stops_the_update_before_anything_is_written(tmp_path, embedder,
                                                                             broken):
    docs = tydiqa_folder(tmp_path / "docs", 100)
    ix = tmp_path / "ix"
    with pytest.raises(ModelUnavailableError):
        update_index(str(ix), embedder, [str(docs)],
                     embed_batches=lambda batches: wrong(batches, broken))
    r = run_cli("info", "--index-dir", ix)
    assert r.returncode == 3  # no index was committed


def test_a_scheduler_with_no_worker_is_a_bounded_wait_exit_8(tmp_path):
    """A real scheduler, no worker: the update stops (exit 8), unlocked and unchanged."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / SAMPLE_ARTICLE.name).write_text(SAMPLE_ARTICLE.read_text(encoding="utf-8"),
                                            encoding="utf-8")
    cluster = distributed.LocalCluster(n_workers=0, processes=True, host="127.0.0.1",
                                       dashboard_address=":0")
    try:
        r = run_cli("index", docs, "--index-dir", tmp_path / "ix", "--model", "hash",
                    "--cluster", cluster.scheduler_address, env={"ASSISTANT_CLUSTER_WAIT": "2"},
                    timeout=120)
    finally:
        cluster.close()
    assert r.returncode == 8, r.stderr
    assert "no worker" in r.stderr and "ASSISTANT_CLUSTER_WAIT" in r.stderr
    # The writer lock was released: an update that will not wait runs at once.
    again = run_cli("index", docs, "--index-dir", tmp_path / "ix", "--model", "hash", "--no-wait",
                    "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["embedded"] > 0  # nothing had been committed


@pytest.mark.parametrize("value", ["nan", "0", "-1", "inf"])
def test_a_bad_cluster_wait_is_a_usage_error(tmp_path, value):
    r = run_cli("index", tmp_path, "--index-dir", tmp_path / "ix", "--model", "hash",
                "--cluster", "tcp://127.0.0.1:9", env={"ASSISTANT_CLUSTER_WAIT": value})
    assert r.returncode == 2 and "ASSISTANT_CLUSTER_WAIT" in r.stderr
