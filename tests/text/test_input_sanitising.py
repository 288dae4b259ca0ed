"""Item 13: text from outside (arguments, HTTP bodies, stdin) goes through one
sanitiser: lone surrogates and bytes that are not UTF-8 become U+FFFD, never
an internal error."""

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.common import SAMPLE_ARTICLE, run_cli, write
from helpers.serve import client, running_server

# Every code point, surrogates included (hypothesis leaves them out by default).
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())


@given(st.text(alphabet=ANY_CHAR))
def test_any_text_comes_out_encodable_and_stays_put(text):
    from assistant.text.normalize import from_outside

    clean = from_outside(text)
    clean.encode("utf-8")  # never raises
    assert from_outside(clean) == clean
    assert len(clean) <= len(text)


@given(st.text())  # valid text: no surrogates
def test_valid_text_is_unchanged(text):
    from assistant.text.normalize import from_outside

    assert from_outside(text) == text
    assert from_outside(text.encode("utf-8")) == text


@given(st.binary())
def test_any_bytes_come_out_encodable(data):
    from assistant.text.normalize import from_outside

    clean = from_outside(data)
    clean.encode("utf-8")
    assert from_outside(clean) == clean
    # As argv gives them (undecodable bytes kept as surrogate escapes): the same text.
    assert from_outside(data.decode("utf-8", "surrogateescape")) == clean


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    """The sample article indexed with the bundled model: its engine is what
    refused a surrogate (the hash model never encodes text as UTF-8)."""
    root = tmp_path_factory.mktemp("sanitise")
    write(root / "docs" / SAMPLE_ARTICLE.name, SAMPLE_ARTICLE.read_text(encoding="utf-8"))
    r = run_cli("index", root / "docs", "--index-dir", root / "ix", "-q")
    assert r.returncode == 0, r.stderr
    return root / "ix"


def _cli_bytes(*args: bytes | str):
    env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1", "ASSISTANT_CONFIG": "none"}
    return subprocess.run([sys.executable, "-m", "assistant",
                           *(a if isinstance(a, bytes) else os.fsencode(str(a)) for a in args)],
                          capture_output=True, env=env, timeout=300)


def test_an_argument_with_invalid_utf8_is_answered(ix):
    r = _cli_bytes("ask", b"siapa \xff NATO Korea", "--json", "--index-dir", ix)
    assert r.returncode in (0, 4), r.stderr  # answered or not found, never internal
    data = json.loads(r.stdout.decode("utf-8"))
    assert data["question"] == "siapa \ufffd NATO Korea"


def test_an_argument_reads_as_the_same_bytes_on_stdin_read(ix):
    """One sanitiser: argv and stdin make the same question of the same bytes."""
    question = b"siapa \xff\xfe NATO \xe2\x82 Korea"
    by_arg = _cli_bytes("ask", question, "--json", "--index-dir", ix)
    env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "ASSISTANT_CONFIG": "none"}
    by_stdin = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "--index-dir",
                               os.fsencode(str(ix))], input=question + b"\n",
                              capture_output=True, env=env, timeout=300)
    assert by_arg.returncode == by_stdin.returncode == 0, by_arg.stderr + by_stdin.stderr
    assert json.loads(by_arg.stdout)["question"] == json.loads(by_stdin.stdout)["question"]


def test_a_lone_surrogate_in_an_http_body_is_answered(ix):
    body = b'{"question": "\\ud800 siapa Korea Utara", "source": "kompas \\udfff"}'
    with running_server("--index-dir", ix) as (url, _, _), client(url) as http:
        headers = {"content-type": "application/json"}
        asked = http.post("/ask", content=body.replace(b', "source": "kompas \\udfff"', b""),
                          headers=headers)
        assert asked.status_code == 200, asked.text
        assert asked.json()["question"].startswith("\ufffd siapa")
        streamed = http.post("/ask/stream", content=body, headers=headers)
        assert streamed.status_code == 200, streamed.text
        raw = http.post("/ask", content=b'{"question": "siapa \xff Korea"}', headers=headers)
        assert raw.status_code in (200, 400, 422), raw.text  # never a 500
