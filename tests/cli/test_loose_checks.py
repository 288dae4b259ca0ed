"""Item 17: a filter that names nothing, a k of true and a blank token are
usage errors, on the command line and over HTTP."""

import pytest

from helpers.common import run_cli, sample_hash_index
from helpers.serve import client, running_server

QUESTION = "berapa tentara Korea Utara dikirimkan ke Kursk"


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    return sample_hash_index(tmp_path_factory.mktemp("loose"))


@pytest.mark.parametrize("source", ["", " ", "_", "__", "_ _"])
def test_a_source_that_names_nothing_is_a_usage_error(ix, source):
    r = run_cli("ask", QUESTION, "--source", source, "--index-dir", ix)
    assert r.returncode == 2, r.stderr
    assert "--source needs a name" in r.stderr


def test_the_api_refuses_what_the_cli_refuses(ix):
    with running_server("--index-dir", ix) as (url, _, _), client(url) as http:
        for source in ("", "_"):
            r = http.post("/ask", json={"question": QUESTION, "source": source})
            assert r.status_code == 400 and r.json()["exit_code"] == 2, r.text
        for k in (True, False, 2.0, "3"):
            r = http.post("/ask", json={"question": QUESTION, "k": k})
            assert r.status_code == 422 and r.json()["exit_code"] == 2, (k, r.text)
        r = http.post("/ask", json={"question": QUESTION, "rerank": True})
        assert r.status_code in (400, 422), r.text
        assert http.post("/ask", json={"question": QUESTION, "k": 2}).status_code == 200
        assert http.post("/ask", json={"question": QUESTION, "source": "kompas"}).status_code \
            == 200


@pytest.mark.parametrize("token", ["", "  ", "\t"])
def test_a_blank_token_is_a_usage_error_at_start(tmp_path, token):
    r = run_cli("serve", "--port", "0", "--index-dir", tmp_path / "ix",
                env={"ASSISTANT_TOKEN": token}, timeout=60)
    assert r.returncode == 2 and "token" in r.stderr and "blank" in r.stderr, r.stderr
    r = run_cli("serve", "--port", "0", "--index-dir", tmp_path / "ix", "--token", token,
                timeout=60)
    assert r.returncode == 2 and "blank" in r.stderr, r.stderr


def test_a_token_no_header_can_carry_is_a_usage_error(tmp_path):
    r = run_cli("serve", "--port", "0", "--index-dir", tmp_path / "ix", "--token", " s3cret",
                timeout=60)
    assert r.returncode == 2 and "printable ASCII" in r.stderr, r.stderr
