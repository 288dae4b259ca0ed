"""Issue 30, item 2: the OpenAI-compatible face of `assistant serve`, through a
real server with the official `openai` package as the client (and curl as a
second one): models, answers with footnoted citations, streaming, the token,
follow-ups, an LLM's checked answer, and bad bodies as OpenAI-style errors."""

import json
import shutil
import subprocess

import httpx
import pytest

from helpers.common import TROOPS, run_cli, sample_hash_index
from helpers.serve import running_server

openai = pytest.importorskip("openai")

QUESTION = "berapa tentara Korea Utara dikirimkan ke Kursk"
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(index folder, base URL) of a server with a token over the sample article."""
    ix = sample_hash_index(tmp_path_factory.mktemp("openai"))
    with running_server("--index-dir", ix, "--token", TOKEN) as (url, _, _):
        yield ix, url


def _client(url: str, token: str = TOKEN) -> "openai.OpenAI":
    return openai.OpenAI(base_url=f"{url}/v1", api_key=token, max_retries=0, timeout=60)


def test_models_lists_the_index(served):
    _, url = served
    listed = _client(url).models.list()
    assert [(m.id, m.owned_by) for m in listed.data] == [("assistant", "assistant")]


def test_an_answer_with_footnoted_citations_as_ask_json_has_them(served):
    ix, url = served
    reply = _client(url).chat.completions.create(
        model="assistant", messages=[{"role": "user", "content": QUESTION}])
    content = reply.choices[0].message.content
    assert reply.object == "chat.completion" and reply.choices[0].finish_reason == "stop"
    local = json.loads(run_cli("ask", QUESTION, "--json", "--index-dir", ix).stdout)
    assert reply.model_extra["citations"] == local["citations"]
    answer = local["answer"]
    assert content.startswith(f"{answer['text']} [^{answer['citation']}]")
    assert TROOPS in answer["text"]
    first = local["citations"][0]["article"]
    assert f"[^1]: {first['title']} · {first['source']}, {first['date']} · ¶" in content
    assert content.count("\n[^") == len(local["citations"])


def test_streaming_gives_chunks_that_make_the_same_answer(served):
    _, url = served
    whole = _client(url).chat.completions.create(
        model="assistant", messages=[{"role": "user", "content": QUESTION}])
    chunks = list(_client(url).chat.completions.create(
        model="assistant", messages=[{"role": "user", "content": QUESTION}], stream=True))
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[0].model_extra["citations"] == whole.model_extra["citations"]
    assert chunks[-1].choices[0].finish_reason == "stop"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == whole.choices[0].message.content


def test_a_follow_up_is_searched_with_the_question_before_it(served):
    ix, url = served
    follow = "dan di mana mereka membantu?"
    reply = _client(url).chat.completions.create(model="assistant", messages=[
        {"role": "system", "content": "You answer from news articles."},
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "12.000 tentara [^1]\n\n[^1]: KOMPAS.TV"},
        {"role": "user", "content": [{"type": "text", "text": follow}]}])
    chat = run_cli("ask", "--json", "--follow-up", "--index-dir", ix, stdin=f"{QUESTION}\n{follow}\n")
    asked = [json.loads(line) for line in chat.stdout.splitlines() if line.strip()]
    assert asked[-1]["context"] == [QUESTION]
    assert reply.model_extra["citations"] == asked[-1]["citations"]


def test_the_token_is_required(served):
    _, url = served
    with pytest.raises(openai.AuthenticationError):
        _client(url, "wrong").models.list()
    with pytest.raises(openai.AuthenticationError):
        _client(url, "wrong").chat.completions.create(
            model="assistant", messages=[{"role": "user", "content": QUESTION}])


@pytest.mark.parametrize("body, says", [
    (b"{not json", "not JSON"),
    (b'{"model": "assistant"}', "messages"),
    (b'{"messages": []}', "messages"),
    (b'{"messages": [{"role": "robot", "content": "x"}]}', "messages.0.role"),
    (b'{"messages": [{"role": "assistant", "content": "hi"}]}', "last message"),
    (b'{"messages": [{"role": "user", "content": "   "}]}', "last message"),
    (b'{"messages": [{"role": "user", "content": "hi"}], "k": 0}', "k must be within"),
    (b'{"messages": [{"role": "user", "content": "hi"}], "since": "yesterday"}', "YYYY-MM-DD"),
    (b'[1, 2]', "body"),
])
def test_bad_bodies_are_openai_style_errors(served, body, says):
    _, url = served
    r = httpx.post(f"{url}/v1/chat/completions", content=body, timeout=60,
                   headers={"Authorization": f"Bearer {TOKEN}",
                            "Content-Type": "application/json"})
    assert r.status_code in (400, 422), r.text
    error = r.json()["error"]
    assert error["type"] == "invalid_request_error" and says in error["message"]


def test_bad_arguments_through_the_sdk_are_bad_requests(served):
    _, url = served
    with pytest.raises(openai.BadRequestError, match="last message"):
        _client(url).chat.completions.create(
            model="assistant", messages=[{"role": "assistant", "content": "hello"}])
    with pytest.raises(openai.BadRequestError, match="k must be within"):
        _client(url).chat.completions.create(
            model="assistant", messages=[{"role": "user", "content": QUESTION}],
            extra_body={"k": 1000})


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl")
def test_curl_is_a_second_client(served):
    _, url = served
    body = json.dumps({"model": "assistant", "stream": True,
                       "messages": [{"role": "user", "content": QUESTION}]})
    r = subprocess.run(["curl", "-sS", "-N", "--max-time", "60", f"{url}/v1/chat/completions",
                        "-H", f"Authorization: Bearer {TOKEN}",
                        "-H", "Content-Type: application/json", "-d", body],
                       capture_output=True, text=True, timeout=90)
    assert r.returncode == 0, r.stderr
    events = [line.removeprefix("data: ") for line in r.stdout.splitlines() if line]
    assert events[-1] == "[DONE]"
    text = "".join(json.loads(e)["choices"][0]["delta"].get("content") or ""
                   for e in events[:-1])
    assert TROOPS in text and "[^1]: " in text
    plain = subprocess.run(["curl", "-sS", "--max-time", "60", f"{url}/v1/models",
                            "-H", f"Authorization: Bearer {TOKEN}"],
                           capture_output=True, text=True, timeout=90)
    assert json.loads(plain.stdout)["data"][0]["id"] == "assistant"


def test_with_an_llm_the_checked_answer_streamed_and_not(tmp_path):
    from helpers.llm_server import serve, stream

    ix = sample_hash_index(tmp_path)
    httpd, llm = serve()
    said = "Korea Utara mengirim 12.000 tentara ke Kursk [1]."
    try:
        with running_server("--index-dir", ix, "--llm", llm.url, "--llm-timeout", "20") \
                as (url, _, _):
            client = _client(url, "x")
            llm.script(stream(said))
            reply = client.chat.completions.create(
                model="assistant", messages=[{"role": "user", "content": QUESTION}],
                extra_body={"k": 3})
            llm.script(stream(said, pieces=12))
            chunks = list(client.chat.completions.create(
                model="assistant", messages=[{"role": "user", "content": QUESTION}],
                stream=True, extra_body={"k": 3}))
    finally:
        llm.release.set()
        httpd.shutdown()
    content = reply.choices[0].message.content
    assert content.startswith("Korea Utara mengirim 12.000 tentara ke Kursk. [^1]")
    assert len(reply.model_extra["citations"]) == 3
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert streamed.startswith("Korea Utara mengirim 12.000 tentara ke Kursk [^1].")
    assert "\n[^1]: " in streamed and "Not borne out" not in streamed
